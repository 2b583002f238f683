"""Task values from free text, each with what it is for: "log on as j.doe, password hunter2" gives j.doe (a user
name) and hunter2 (a password), not only the quoted strings.

A value's purpose is a concept (user, password, e-mail, comment, title, reason, name, date, amount, code); a form
field's label names concepts too ("User name", "Comments", "Due date"). Pairing the two by concept is what keeps a
comment out of a user-name box on any form, whatever the words of the task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.scoring_agent.lexicon import DATE_IN_TEXT, EMAIL, MONTHS, QUOTED

# label words (lower case, whole words or their first five letters) that name each concept
CONCEPTS: dict[str, set[str]] = {
    "user": {"user", "username", "usern", "login", "account", "userid", "handle", "uname"},
    "password": {"password", "passw", "passwd", "pass", "pwd", "passphrase", "pin", "passcode"},
    "email": {"email", "e-mail", "mail"},
    "comment": {"comment", "comme", "note", "notes", "remark", "remar", "message", "messa", "reply", "body",
                "description", "descr", "details", "detai", "text"},
    "title": {"title", "subject", "subje", "summary", "summa", "headline", "headl", "topic"},
    "reason": {"reason", "why", "justification", "justi", "explanation", "expla", "comment", "comme", "note"},
    "name": {"name", "first", "last", "full", "contact", "conta", "customer", "custo", "person", "perso",
             "assignee", "assig", "owner"},
    "date": {"date", "day", "when", "due", "deadline", "deadl", "dob", "birth", "birthday"},
    "amount": {"amount", "amoun", "total", "price", "cost", "sum", "budget", "budge", "salary", "salar", "fee"},
    "code": {"code", "id", "number", "numbe", "reference", "refer", "ref", "sku", "zip", "postcode", "coupon"},
}  # fmt: skip

# words that introduce a value ("a comment saying …"): never a value themselves
CONNECTORS = {"saying", "says", "reading", "reads", "titled", "entitled", "named", "called", "because", "is"}
_TOKEN = r"[^\s,;()\[\]]+"
_CLAUSE_END = r"(?=[.;](?:\s|$)|,\s*(?:then|and)\b|\s+and then\b|\s+then\b|$)"
_SHORT_END = r"(?=[.,;](?:\s|$)|\s+(?:with|and|for|to|in|on|at|by|priority|due|assigned)\b|$)"
_QUOTED_OR = r"(?:\"(?P<q>[^\"]+)\"|“(?P<c>[^”]+)”|'(?P<s>[^']+)'|"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("user", re.compile(
        r"\b(?:log|sign)\s*(?:in|on)\b(?:\s+\w+){0,3}?\s+as\s+" + _QUOTED_OR + rf"(?P<v>{_TOKEN}))", re.I)),
    ("user", re.compile(
        r"\b(?:user\s*name|username|user\s*id|login(?:\s*name)?|account)\s*(?:is|:|=|of)?\s+"
        + _QUOTED_OR + rf"(?P<v>{_TOKEN}))", re.I)),
    ("password", re.compile(
        r"\b(?:password|passcode|pass\s*phrase|pwd|pin)\s*(?:is|:|=|of)?\s+" + _QUOTED_OR + rf"(?P<v>{_TOKEN}))",
        re.I)),
    ("title", re.compile(
        r"\b(?:titled|entitled|with\s+(?:the\s+)?(?:title|subject|summary))\s*:?\s+"
        + _QUOTED_OR + rf"(?P<v>.+?){_SHORT_END})", re.I)),
    ("name", re.compile(r"\b(?:named|called)\s+" + _QUOTED_OR + rf"(?P<v>.+?){_SHORT_END})", re.I)),
    ("comment", re.compile(
        r"\b(?:with\s+(?:the\s+|a\s+)?(?:comment|note|message|remark|reply)(?:\s+(?:saying|reading|that\s+says))?|"
        r"(?:comment|note|message|remark)\s*(?::|saying|reading|that\s+says)|commenting|saying|reading)\s*:?\s+"
        + _QUOTED_OR + rf"(?P<v>.+?){_CLAUSE_END})", re.I)),
    ("reason", re.compile(
        r"\b(?:because|since|with\s+(?:the\s+)?reason|reason\s*:)\s*:?\s+" + _QUOTED_OR + rf"(?P<v>.+?){_CLAUSE_END})",
        re.I)),
    ("name", re.compile(
        r"\b[Aa]ssign(?:ed)?\s+(?:it\s+|this\s+|them\s+)?to\s+(?P<v>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)?)")),
]  # fmt: skip
_AMOUNT = re.compile(r"(?:[$€£]\s?(\d[\d,]*(?:\.\d+)?))|(?:\b(\d[\d,]*(?:\.\d+)?)\s?(?:USD|EUR|GBP|dollars|euros)\b)")
_CODE = re.compile(r"(?<![\w-])(?=[A-Z0-9-]*\d)[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+(?![\w-])|(?<!\w)#\d+\b")
_TEXT_DATE = re.compile(
    r"\b(?:(?:"
    + "|".join(MONTHS)
    + r")\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\s+(?:"
    + "|".join(MONTHS)
    + r")\s+\d{4})\b",
    re.I,
)


@dataclass(frozen=True)
class TaskValue:
    """A value the task gives, the kind of text it is and the concept it is for ("" when the task does not say)."""

    text: str
    kind: str  # quoted | email | date | amount | code | token | phrase
    concept: str = ""


def _value(match: re.Match[str]) -> tuple[str, bool]:
    """(the matched value, whether it was quoted); a bare token loses a sentence's final period."""
    groups = match.groupdict()
    for group in ("q", "c", "s"):
        if groups.get(group):
            return str(groups[group]).strip(), True
    text = str(groups.get("v") or "").strip()
    return text.rstrip(".:").strip() if " " not in text else text.rstrip(".").strip(), False


def parse_values(text: str) -> list[TaskValue]:
    """Every value the task text gives, in order of appearance, with its kind and purpose where the text says."""
    found: list[tuple[int, TaskValue]] = []
    for concept, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            value, was_quoted = _value(m)
            if value:
                kind = "quoted" if was_quoted else ("token" if " " not in value else "phrase")
                found.append((m.start(), TaskValue(value, kind, concept)))
    for m in QUOTED.finditer(text):
        found.append((m.start(), TaskValue(next(g for g in m.groups() if g), "quoted")))
    for m in EMAIL.finditer(text):
        found.append((m.start(), TaskValue(m.group(0), "email", "email")))
    for pattern in (DATE_IN_TEXT, _TEXT_DATE):
        for m in pattern.finditer(text):
            found.append((m.start(), TaskValue(m.group(0), "date", "date")))
    for m in _AMOUNT.finditer(text):
        found.append((m.start(), TaskValue((m.group(1) or m.group(2)).replace(",", ""), "amount", "amount")))
    for m in _CODE.finditer(text):
        found.append((m.start(), TaskValue(m.group(0), "code", "code")))
    return _merged(sorted(found, key=lambda pair: pair[0]))


def _merged(found: list[tuple[int, TaskValue]]) -> list[TaskValue]:
    """One entry per value text; the purpose a keyword gave wins over a bare quoted or typed match."""
    out: dict[str, TaskValue] = {}
    for _, value in found:
        key = value.text.lower()
        known = out.get(key)
        if known is None or (not known.concept and value.concept):
            out[key] = TaskValue(value.text, known.kind if known else value.kind, value.concept or "")
    return list(out.values())


def label_concepts(label: str) -> set[str]:
    """The concepts a field's label names ("User name" → user, name; "Comments" → comment)."""
    words = {w for w in re.findall(r"[a-z0-9-]+", label.lower())}
    words |= {w[:5] for w in words if len(w) >= 5}
    if {"user", "name"} <= words or "username" in words:
        words.discard("name")  # "User name" is the account, not a person's name
        words.add("user")
    return {concept for concept, keys in CONCEPTS.items() if words & keys}


def concept_fit(value: TaskValue | None, label: str) -> float:
    """+1 when the field's label names the value's purpose, -1 when it names only other purposes, else 0."""
    if value is None or not value.concept:
        return 0.0
    named = label_concepts(label)
    if not named:
        return 0.0
    return 1.0 if value.concept in named else -1.0


def value_of(text: str, parsed: list[TaskValue]) -> TaskValue | None:
    """The parsed value a typed text is (case-insensitive), if any."""
    lowered = text.strip().lower()
    return next((v for v in parsed if v.text.lower() == lowered), None)


def extra_values(text: str, known: list[str]) -> list[str]:
    """Values the free-text parser finds that the quoted/number scan did not (nor one inside or around them)."""
    lowered = [k.lower() for k in known]
    out: list[str] = []
    for value in parse_values(text):
        low = value.text.lower()
        if value.kind == "quoted" or any(low == k or (low in k and len(low) > 3) for k in lowered):
            continue
        if value.kind == "token" and len(low) < 2:
            continue
        out.append(value.text)
        lowered.append(low)
    return out
