"""Reading the agent's page text back: one parsed line per element, and the patterns checks are written in.

Demonstrations keep only the rendered page text (`[8] combobox "Customer" value="Acme"`), runs keep full
observations; both reduce to these lines, so compiling and checking treat them the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from eclair.replay.program import PLACEHOLDER

LINE = re.compile(r'^\[(?P<id>[^\]]+)\] (?P<role>\S+)(?: "(?P<name>[^"]*)")?(?P<rest>.*)$')
OPTIONS = re.compile(r"options=\[(.*?)\]")
PLACEHOLDER_ATTR = re.compile(r'placeholder="([^"]*)"')
VALUE_ATTR = re.compile(r'value="([^"]*)"')
NUMBER = re.compile(r"\d+")


@dataclass
class PageLine:
    id: str
    role: str
    name: str
    text: str  # the line without its [id]: what checks compare
    value: str | None = None
    placeholder: str = ""
    options: list[str] = field(default_factory=list)


def parse_lines(text: str) -> list[PageLine]:
    lines = []
    for raw in text.splitlines():
        match = LINE.match(raw.strip())
        if not match:
            continue
        rest = match["rest"] or ""
        options = OPTIONS.search(rest)
        placeholder = PLACEHOLDER_ATTR.search(rest)
        value = VALUE_ATTR.search(rest)
        lines.append(
            PageLine(
                id=match["id"],
                role=match["role"],
                name=match["name"] or "",
                text=raw.strip()[len(match["id"]) + 3 :].removesuffix(" focused"),  # focus moves; not an effect
                value=value.group(1) if value else None,
                placeholder=placeholder.group(1) if placeholder else "",
                options=[o.strip() for o in options.group(1).split(" | ")] if options else [],
            )
        )
    return lines


def line_texts(text: str) -> list[str]:
    return [line.text for line in parse_lines(text)]


def pattern_of(text: str) -> str:
    """A regex for a text from the trace: placeholders stay (filled, escaped, at check time), numbers vary."""
    out, last = [], 0
    for match in PLACEHOLDER.finditer(text):
        out.append(NUMBER.sub(r"\\d+", re.escape(text[last : match.start()])))
        out.append(match.group(0))
        last = match.end()
    out.append(NUMBER.sub(r"\\d+", re.escape(text[last:])))
    return "".join(out)


def compile_pattern(pattern: str, params: dict[str, str]) -> re.Pattern[str]:
    """Fill a check pattern's placeholders with the run's values (escaped) and compile it."""
    return re.compile(PLACEHOLDER.sub(lambda m: re.escape(params.get(m.group(1), m.group(0))), pattern))
