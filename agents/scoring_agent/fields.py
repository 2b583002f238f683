"""Which field takes which value: labels for unnamed fields, the task words that key a value, input formats.

Many forms put a field's label in a separate element (a `<label>` without `for`, a table header, a div above or
below). The label nearest the field in layout names it here, so both the model and the lexical pairing below can
tell a "Username" box from a "Password" box. A task value is keyed by the words just before it in the task
("the password "x"" → password; "directed by Burris" → directed): a field whose label shares a key word is the
place for that value, and still wants it when the value was already typed elsewhere (a "Verify password" box).
"""

from __future__ import annotations

import re

from agents.scoring_agent.lexicon import FIELD_ROLES, LABEL_ROLES
from agents.scoring_agent.lexicon import ISO_DATE as _ISO
from agents.scoring_agent.lexicon import US_DATE as _DATE
from agents.scoring_agent.values import CONNECTORS, parse_values
from eclair.types import Element, Observation

STOP = {
    "a", "an", "the", "and", "or", "of", "to", "in", "into", "on", "for", "with", "by", "from", "as", "at", "is",
    "it", "its", "them", "their", "this", "that", "then", "field", "fields", "box", "text", "textbox", "both",
    "enter", "type", "fill", "write", "input", "put", "set", "use", "press", "click", "hit", "submit", "search",
    "value", "values", "your", "my", "me", "be", "should", "please", "find", "all",
}  # fmt: skip
_TOKEN = re.compile(r"[A-Za-z0-9@._'-]+")
_MAX_LABEL_CHARS = 32
_MAX_GAP_PX = 40.0
_SIGN_IN_AS = re.compile(r"\b(sign|log)\s*(in|on)\b(\s+\w+){0,4}\s+as\s*$", re.I)
_USER_KEYS = {"user", "usern", "login", "accou"}


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _is_field(el: Element) -> bool:
    role = el.role.lower()
    return role in FIELD_ROLES or (el.tag in ("input", "textarea") and role not in ("checkbox", "radio", "button"))


def nearest_label(field: Element, elements: list[Element]) -> str:
    """Text of the short label-like element closest to `field`: left of it on its line, or just above/below it."""
    fx, fy, fw, fh = field.bbox
    best: tuple[float, str] | None = None
    for el in elements:
        if el.role.lower() not in LABEL_ROLES or not el.name or len(el.name) > _MAX_LABEL_CHARS:
            continue
        x, y, w, h = el.bbox
        if x <= fx + 1 and y <= fy + 1 and x + w >= fx + fw - 1 and y + h >= fy + fh - 1:
            gap = w * h - 1e9  # the field sits inside this text's line ("<p>Year: <input>"): the tightest one wins
            if best is None or gap < best[0]:
                best = (gap, el.name.strip().rstrip(":"))
            continue
        if _overlap(y, y + h, fy, fy + fh) > min(h, fh) / 2 and x + w <= fx + 4:
            gap = fx - (x + w)  # same line, to the left
        elif _overlap(x, x + w, fx, fx + fw) > 0:
            gap = fy - (y + h) if y + h <= fy + 2 else y - (fy + fh)  # above, or below
            if gap < -2:
                continue
        else:
            continue
        if gap <= _MAX_GAP_PX and (best is None or gap < best[0]):
            best = (max(gap, 0.0), el.name.strip().rstrip(":"))
    return best[1] if best else ""


def with_labels(obs: Observation) -> Observation:
    """The observation with each unnamed, unplaceheld field named after its nearest label (ids unchanged)."""
    named: list[Element] = []
    changed = False
    for el in obs.elements:
        if _is_field(el) and not el.name and not el.placeholder:
            label = nearest_label(el, obs.elements)
            if label:
                el = el.model_copy(update={"name": label})
                changed = True
        named.append(el)
    return obs.model_copy(update={"elements": named}) if changed else obs


def _stem(word: str) -> str:
    return word[:5] if len(word) >= 5 else word


def stems(text: str) -> set[str]:
    return {_stem(w) for w in (t.lower().strip(".,:;'\"") for t in _TOKEN.findall(text)) if w and w not in STOP}


def label_keys(label: str) -> set[str]:
    """A field label's stems; a label made only of small words ("to:", "from:") keeps those words."""
    return stems(label) or {w for w in (t.lower().strip(".,:;'\"") for t in _TOKEN.findall(label)) if w}


def field_labels(obs: Observation) -> list[str]:
    """Labels (name and placeholder) of the page's text fields."""
    return [f"{e.name} {e.placeholder}".strip() for e in obs.elements if _is_field(e) and (e.name or e.placeholder)]


def _joined(text: str, spans: list[tuple[int, int]], j: int) -> bool:
    """Token j runs on into token j+1: only spaces between them and no sentence or list mark at its end."""
    return not text[spans[j][1] : spans[j + 1][0]].strip() and text[spans[j][1] - 1] not in ".,:;"


def _name_like(token: str) -> bool:
    """What follows a small-word label ("to: MOT", "to Hedy"): a capitalised name or an identifier, not prose."""
    return token[:1].isupper() or any(ch.isdigit() or ch == "@" for ch in token)


def value_keys(task_text: str, value: str, others: tuple[str, ...] = (), span: int = 3) -> set[str]:
    """Stems of the (non-stop) words just before `value` in the task text (after any earlier value), and of the word
    right after it: its purpose."""
    at = task_text.lower().find(value.lower())
    if at < 0:
        return set()
    prefix = task_text[:at]
    for other in others:
        end = prefix.lower().rfind(other.lower()) if other.lower() != value.lower() else -1
        if end >= 0:
            prefix = prefix[end + len(other) :]
    before = [t.lower().strip(".,:;'\"") for t in _TOKEN.findall(prefix)]
    keys = [w for w in before if w and w not in STOP][-span:]
    near = before[-(span + 2) :]
    found = {_stem(w) for w in keys if w in near}
    if _SIGN_IN_AS.search(prefix):  # "sign in as dana": the account name
        found |= _USER_KEYS
    if before and before[-1] in STOP:  # "to: MOT", "forward it to Hedy": keys a small-word label only
        found.add(before[-1])
    after = [w for w in (t.lower().strip(".,:;'\"") for t in _TOKEN.findall(task_text[at + len(value) :])[:1]) if w]
    if before and not keys and after and after[0] not in STOP and not any(o.lower() == after[0] for o in others):
        found.add(_stem(after[0]))  # "crime movies": with no key before it, the noun right after a word names it
    return found


def pairing(task_text: str, value: str, label: str, values: list[str], labels: list[str] | None = None) -> int:
    """+1 when the field's label names what the value is for, -1 when it names another value's purpose, else 0.

    The word right before a value ("directed by X") outranks words further back ("crime movies directed by X"):
    a value whose nearest key names another field on the page (`labels`) is no +1 here, and only another value's
    nearest key makes a -1."""
    label_stems = label_keys(label)
    if not label_stems:
        return 0
    if "date" in label_stems and (_DATE.match(value) or _ISO.match(value)):
        return 1  # a date goes in the date field whatever the task calls it
    others = tuple(values)
    if value_keys(task_text, value, others) & label_stems:
        near = value_keys(task_text, value, others, span=1)
        elsewhere = [k for o in labels or [] if (k := label_keys(o)) != label_stems and near & k]
        return 0 if elsewhere and not near & label_stems else 1
    nearest = (value_keys(task_text, o, others, span=1) for o in values if o.lower() != value.lower())
    return -1 if any(k & label_stems for k in nearest) else 0


def keyed_values(task_text: str, obs: Observation, known: list[str]) -> list[str]:
    """Unquoted values the task gives right after a field's label word ("directed by Burris", "year 1973")."""
    tokens = _TOKEN.findall(task_text)
    spans = [m.span() for m in _TOKEN.finditer(task_text)]
    lowered = [t.lower().strip(".,:;'\"") for t in tokens]
    known_lower = {k.lower() for k in known} | {w.lower() for k in known for w in _TOKEN.findall(k)}
    found: list[str] = []
    all_labels = {k for e in obs.elements if _is_field(e) for k in stems(e.name or e.placeholder)}
    for el in obs.elements:
        if not _is_field(el) or not (el.name or el.placeholder):
            continue
        label = label_keys(el.name or el.placeholder)
        small = not stems(el.name or el.placeholder)  # a "to:" label: the word right after it, if name-like
        for i, word in enumerate(lowered):
            if (word if small else _stem(word)) not in label:
                continue
            j = i + 1
            while j < len(lowered) and (lowered[j] in STOP or lowered[j] in CONNECTORS) and not small:
                j += 1
            if j < len(tokens):
                value = tokens[j].strip(".,:;'\"")
                if small and not _name_like(value):
                    continue
                while small and j + 1 < len(tokens) and _joined(task_text, spans, j) and tokens[j + 1][:1].isupper():
                    j += 1  # "from: Mountain Home, AR": the capitalised words, and a code after a comma
                    value += " " + tokens[j].strip(".,:;'\"")
                code = tokens[j + 1].strip(".,:;") if small and j + 1 < len(tokens) else ""
                if (
                    task_text[spans[j][1] : spans[j + 1][0] if code else 0] == ", "
                    and code.isupper()
                    and len(code) <= 3
                ):
                    value += ", " + code
                if value and value.lower() not in known_lower and _stem(value.lower()) not in label | all_labels:
                    found.append(value)
                    known_lower.add(value.lower())
            break
    purposeful = any(v.concept for v in parse_values(task_text))  # the task says what each value is for
    if (found or known) and '"' not in task_text and "'" not in task_text and not purposeful:  # no quotes
        found += free_words(task_text, obs, known_lower)
    return found


def free_words(task_text: str, obs: Observation, known_lower: set[str]) -> list[str]:
    """For a field whose label the task never names: the task's content words no label or page name accounts for."""
    labels = [stems(el.name or el.placeholder) for el in obs.elements if _is_field(el) and (el.name or el.placeholder)]
    said = stems(task_text)
    if not any(lab and not (lab & said) for lab in labels):
        return []
    taken = set().union(*labels) | {_stem(w) for n in (e.name for e in obs.elements) for w in n.lower().split()}
    words = [t.strip(".,:;'\"") for t in _TOKEN.findall(task_text)]
    lowered = [w.lower() for w in words]
    for i, word in enumerate(lowered):  # the word that keys a known value ("directed" by X, "year" 1995) is no value
        if word in known_lower:
            j = i - 1
            while j > 0 and lowered[j] in STOP:
                j -= 1
            taken.add(_stem(lowered[j]))
    free = [
        i
        for i, w in enumerate(words)
        if w
        and w.lower() not in STOP
        and w.lower() not in known_lower
        and _stem(w.lower()) not in taken
        and w.isalpha()
    ]
    # of two free words in a row ("thriller movies") the first is the value, the second names its kind
    return [words[i] for i in free if i - 1 not in free]


def fit_format(value: str, placeholder: str) -> str:
    """A date written the way the field's placeholder asks (`yyyy-mm-dd` or `mm/dd/yyyy`); other values as they are."""
    fmt = placeholder.strip().lower()
    us, iso = _DATE.match(value), _ISO.match(value)
    if fmt == "yyyy-mm-dd" and us:
        return f"{us.group(3)}-{int(us.group(1)):02d}-{int(us.group(2)):02d}"
    if fmt == "mm/dd/yyyy" and iso:
        return f"{int(iso.group(2)):02d}/{int(iso.group(3)):02d}/{iso.group(1)}"
    return value
