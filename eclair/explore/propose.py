"""Propose tasks from an app map, each with the effect it intends, so the result can be checked without labels.

A proposal is a template: which form, which fields, how it is phrased. `instantiate` draws the values for one
seed, avoiding what the record holds now, so every episode asks for a real change and its check cannot pass on
the state an earlier episode left.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from pydantic import BaseModel, Field

from eclair.explore.appmap import AppMap, FieldInfo, FormInfo, PageInfo

# Options that mean "no choice" (filters, empty selects) are never an intended value.
_NO_CHOICE = re.compile(r"^(any|all|none|unassigned|select|choose|pick)\b.*$|^[-—–\s]*$", re.IGNORECASE)
_WORDS = ["amber", "birch", "cobalt", "delta", "ember", "fjord", "garnet", "harbor", "indigo", "juniper", "kestrel"]
_TEMPLATES = {
    "create": [
        "Create a new {thing} with {pairs}.",
        "Add {a_thing}: {pairs}.",
        "Please set up {a_thing} with {pairs}.",
        "Open the new {thing} form and save it with {pairs}.",
    ],
    "child": ["{heading}: {pairs}.", "{heading}, with {pairs}.", "Please do this: {heading} ({pairs})."],
    "edit": [
        "On {record}, set {pairs}.",
        "Update {record}: set {pairs}.",
        "Open {record} and change {pairs}.",
        "For {record}, please change {pairs}.",
    ],
}
_CREATE_PATH = re.compile(r"/(new|add|create)/?$")
_NUMERIC_LABEL = re.compile(
    r"\b(mmhg|bpm|kg|lbs?|cm|qty|quantity|amount|price|total|age|count|number of)\b|°[cf]|\(\s*[%$€£]", re.I
)
_TEXT_KINDS = {"text", "textarea", "email", "date", "number", "tel", "url", "search"}


class ProposedTask(BaseModel):
    """A task template with one drawn instance (`text`, `intended`) and what `instantiate` needs for others."""

    kind: str  # create | child | edit
    text: str
    start_url: str
    form_pattern: str
    intended: dict[str, str]  # field label -> value, for the instance in `text`
    check_urls: list[str] = Field(default_factory=list)  # pages that must show the values afterwards
    fields: list[FieldInfo] = Field(default_factory=list)  # the fields the task sets, with their options
    known_values: dict[str, list[str]] = Field(default_factory=dict)  # label -> values other lists hold
    subject: str = ""  # the thing created, the record edited, or the child form's heading
    phrasing: int = 0

    def instantiate(self, seed: int, current: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
        """(text, intended values) for `seed`; a value equal to the record's `current` one is never asked for."""
        rng = random.Random(f"{self.text}|{seed}")
        current = current or {}
        intended: dict[str, str] = {}
        for field in self.fields:
            value = _value_for(field, rng, self.known_values.get(field.label, []), avoid=current.get(field.label, ""))
            if value is not None:
                intended[field.label] = value
        return self.phrase(intended), intended

    def phrase(self, intended: dict[str, str]) -> str:
        templates = _TEMPLATES[self.kind]
        template = templates[self.phrasing % len(templates)]
        if self.kind == "edit":
            return template.format(record=self.subject, pairs=_pairs(intended, 'the {label} to "{value}"'))
        a_thing = ("an " if self.subject[:1].lower() in "aeiou" else "a ") + self.subject
        return template.format(thing=self.subject, a_thing=a_thing, heading=self.subject, pairs=_pairs(intended))


def propose_tasks(app: AppMap, *, seed: int = 0, per_form: int = 3) -> list[ProposedTask]:
    """Up to `per_form` tasks for every writing form: creates from list pages, child records, edits of records."""
    rng = random.Random(seed)
    tasks: list[ProposedTask] = []
    for page, form in app.forms():
        if not form.writes or not _editable(form):
            continue
        for _ in range(per_form):
            task = _propose(app, page, form, rng)
            if task and all(t.text != task.text for t in tasks):
                tasks.append(task)
    return tasks


def _propose(app: AppMap, page: PageInfo, form: FormInfo, rng: random.Random) -> ProposedTask | None:
    own = _lists_leading_to(app, page.pattern)
    if page.is_record and not _CREATE_PATH.search(page.pattern):
        kind = "edit"
        usable = [f for f in form.fields if (f.kind == "select" and len(_choices(f)) > 1) or _is_text(f)]
        fields = rng.sample(usable, k=min(len(usable), rng.choice([1, 1, 2])))
        subject = _record_name(page)
        check_urls = page.urls[:1]  # the visit the form's current values and the heading were read from
    else:
        kind = "child" if page.is_record else "create"
        # every field: an app often requires more than its HTML marks (a server-side "City is required")
        fields = [f for f in form.fields if _choices(f) or _is_text(f)]
        subject = (page.headings[0] if page.headings else _thing(page)) if kind == "child" else _thing(page)
        direct = [p for p in app.pages.values() if page.pattern in p.links_to and p.urls and (p.tables or p.is_record)]
        lists = [p for p in app.pages.values() if p.pattern in own and p.tables and p.urls]
        check_urls = [p.urls[0] for p in direct or lists]
    fields = [f for f in fields if f.kind == "select" or _is_text(f)]
    if not fields or not page.urls or (kind != "edit" and not any(_is_text(f) for f in fields)):
        return None
    task = ProposedTask(
        kind=kind,
        text="",
        start_url=app.base_url,
        form_pattern=page.pattern,
        intended={},
        check_urls=check_urls,
        fields=fields,
        known_values={
            f.label: _existing_values(app, f.label, skip=set() if f.suggests else own) for f in fields if _is_text(f)
        },
        subject=subject,
        phrasing=rng.randrange(4),
    )
    current = {f.label: f.value for f in fields} if kind == "edit" else {}
    task.text, task.intended = task.instantiate(0, current)
    return task if task.intended else None


def _editable(form: FormInfo) -> bool:
    return any(_is_text(f) or f.kind == "select" for f in form.fields) and not any(
        f.kind == "password" for f in form.fields
    )


def _value_for(field: FieldInfo, rng: random.Random, known: list[str], avoid: str = "") -> str | None:
    """One of the field's options, a value another list of the app holds (a customer, a vendor), or a new one."""
    if field.kind == "select":
        choices = [c for c in _choices(field) if c != avoid]
        return rng.choice(choices) if choices else None
    if not _is_text(field):
        return None
    if known:
        choices = [v for v in known if v != avoid]
        return rng.choice(choices) if choices else None
    word, n = rng.choice(_WORDS), rng.randint(100, 999)
    if field.kind == "email":
        return f"{word}.{n}@example.com"
    if field.kind == "date":
        start = date(1950, 1, 1) if re.search(r"birth|\bdob\b", field.label, re.I) else date(2027, 1, 1)
        return (start + timedelta(days=rng.randint(0, 300 if start.year > 2000 else 20000))).isoformat()
    if field.kind == "number" or _NUMERIC_LABEL.search(field.label):
        low = int(field.min) if field.min is not None else 1
        high = int(field.max) if field.max is not None else 99
        return str(rng.randint(low, max(low, high)))
    if field.kind == "tel":
        return f"555-01{rng.randint(10, 99)}"
    return f"{field.label.split(' ')[0].capitalize()} {word} {n}"


def _lists_leading_to(app: AppMap, pattern: str) -> set[str]:
    """Pages that link to the form's page, directly or through one page between (a list → a record → its edit)."""
    direct = {p.pattern for p in app.pages.values() if pattern in p.links_to}
    return direct | {p.pattern for p in app.pages.values() if direct & set(p.links_to)}


def _choices(field: FieldInfo) -> list[str]:
    return [o for o in field.options if not _NO_CHOICE.match(o)]


def _is_text(field: FieldInfo) -> bool:
    return field.kind in _TEXT_KINDS


def _existing_values(app: AppMap, label: str, skip: set[str]) -> list[str]:
    """Cells of another list's column headed like the field (`Customer` on a ticket form → the tickets list's
    Customer column): such a field names a record the app already has. The form's own lists are skipped."""
    key = _norm(label)
    values: list[str] = []
    for page in app.pages.values():
        if page.pattern in skip:
            continue
        for table in page.tables:
            for i, column in enumerate(table.columns):
                if key and _norm(column) == key:
                    values += [row[i] for row in table.sample[:50] if i < len(row) and row[i]]
    return sorted(set(values))


def _norm(text: str) -> str:
    return re.sub(r"[^a-z ]", "", text.lower()).strip()


def _pairs(intended: dict[str, str], template: str = '{label} "{value}"') -> str:
    items = [template.format(label=_phrase_label(label), value=value) for label, value in intended.items()]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _phrase_label(label: str) -> str:
    """`Change status to` reads as `status` inside a sentence; other labels as written, lower-cased."""
    label = re.sub(r"^(change|set|select|choose)\s+|\s+to$", "", label.strip(), flags=re.IGNORECASE)
    return label.lower()


def _thing(page: PageInfo) -> str:
    """What a create form makes, from its path (`/helpdesk/tickets/new` → `ticket`)."""
    parts = [p for p in page.pattern.split("/") if p and p not in {"new", "add", "create", "{id}"}]
    noun = parts[-1] if parts else "record"
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def _record_name(page: PageInfo) -> str:
    heading = page.headings[0] if page.headings else page.title.split("·")[0]
    return re.sub(r"^(edit|update|view)\s+", "", heading.strip(), flags=re.IGNORECASE) or page.pattern
