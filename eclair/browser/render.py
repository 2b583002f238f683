"""The compact text an agent reads: one line per element in reading order, trimmed to a token budget."""

from __future__ import annotations

from typing import Any

from eclair.types import Element

MAX_OPTIONS = 12
MAX_VALUE = 160  # characters of a field's value shown in the text; Element.value keeps more
STATE_ORDER = ["checked", "selected", "disabled", "expanded", "focused", "required", "invalid", "readonly"]
TEXT_ROLES = {"text", "heading", "cell", "columnheader", "listitem", "label", "caption", "term", "definition", "img"}


def estimate_tokens(text: str) -> int:
    """About four characters per token, as for the usual BPE tokenizers on English UI text."""
    return len(text) // 4 + 1


def _quote(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def element_line(element: Element) -> str:
    """`[17] textbox "Customer" value="Acme" required`; text lines too carry their id: `[3] heading "Orders"`."""
    if element.role in TEXT_ROLES:
        return f"[{element.id}] {element.role} {_quote(element.name)}"
    parts = [f"[{element.id}]", element.role or element.tag]
    if element.name:
        parts.append(_quote(element.name))
    if element.value not in (None, ""):
        value = element.value or ""
        parts.append(f"value={_quote(value if len(value) <= MAX_VALUE else value[: MAX_VALUE - 1] + '…')}")
    if element.placeholder and not element.value:
        parts.append(f"placeholder={_quote(element.placeholder)}")
    if element.options:
        shown = element.options[:MAX_OPTIONS]
        more = len(element.options) - len(shown)
        parts.append("options=[" + " | ".join(shown) + (f" | …+{more}" if more else "") + "]")
    parts.extend(s for s in STATE_ORDER if s in element.states)
    return " ".join(parts)


def _relevance(element: Element, extra: dict[str, Any]) -> tuple[int, float]:
    """Higher is kept longer: what is on screen first, then interactive before headings before text, then nearness."""
    in_view = bool(extra.get("inView"))
    is_text = element.role in TEXT_ROLES and element.role != "heading"
    if in_view:
        return (4 if is_text else 5), 0.0
    rank = 1 if is_text else 2 if element.role == "heading" else 3
    y, height = element.bbox[1], element.bbox[3]
    distance = y if y > 0 else -(y + height)  # px from the viewport, above or below
    return rank, -distance


def _lines(elements: list[Element], extras: dict[str, dict[str, Any]]) -> list[tuple[str, list[Element]]]:
    """Lines with the elements they show; table cells of one row share a line."""
    lines: list[tuple[str, list[Element]]] = []
    current_row: object = None
    for element in elements:
        row = extras.get(element.id, {}).get("row")
        if row is not None and row == current_row and lines:
            text, members = lines[-1]
            lines[-1] = (text[:-1] + " | " + element.name.replace('"', "'") + '"', [*members, element])
            continue
        current_row = row
        previous = lines[-1][1][-1] if lines else None
        if element.role == "definition" and previous is not None and previous.role == "term":
            # a description list pair reads as one line: [8] term "Priority" definition "Medium"
            text, members = lines[-1]
            lines[-1] = (f"{text} definition {_quote(element.name)}", [*members, element])
            continue
        if row is not None:
            lines.append((f"[{element.id}] row {_quote(element.name)}", [element]))  # the id of its first cell
        else:
            lines.append((element_line(element), [element]))
    return lines


def render_text(
    elements: list[Element], extras: dict[str, dict[str, Any]] | None = None, *, token_budget: int = 1500
) -> str:
    """Render `elements` in order; past `token_budget`, drop the least relevant lines first and say so."""
    extras = extras or {}
    lines = _lines(elements, extras)
    costs = [estimate_tokens(text) for text, _ in lines]
    total = sum(costs)
    dropped: set[int] = set()
    if total > token_budget:
        relevance = [max(_relevance(e, extras.get(e.id, {})) for e in members) for _, members in lines]
        order = sorted(range(len(lines)), key=relevance.__getitem__)
        for i in order:
            if total <= token_budget - 20:  # room for the note below
                break
            dropped.add(i)
            total -= costs[i]
    kept = [text for i, (text, _) in enumerate(lines) if i not in dropped]
    if dropped:
        kept.append(f"(… {len(dropped)} less relevant lines left out to fit the budget; scroll to see more)")
    return "\n".join(kept)
