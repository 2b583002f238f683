"""Page building blocks for curriculum tasks: opaque element ids, widgets, distractors, the hidden goal."""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from typing import Any

from eclair.bench.curriculum_vocab import FILLER, NAV


def esc(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass
class Generated:
    """One concrete task: what the agent is told, the page, the hidden goal, and a scripted correct solution."""

    kind: str
    text: str
    title: str
    body: str
    goal: dict[str, Any]
    solution: list[dict[str, Any]]  # [{"kind": "click"|"type"|"select"|"check", "cid": str, "text"?, "checked"?}]
    wrong: list[dict[str, Any]] = field(default_factory=list)  # actions after which the task is not solved


@dataclass
class Builder:
    """Hands out opaque element ids (cids) and remembers which clickables are distractors."""

    rng: random.Random
    count: int = 0
    clickables: list[str] = field(default_factory=list)
    neutral: set[str] = field(default_factory=set)

    def cid(self) -> str:
        self.count += 1
        return f"c{self.count}{self.rng.randint(10, 99)}"

    def button(self, label: str, *, attrs: str = "", neutral: bool = False) -> tuple[str, str]:
        cid = self.cid()
        self.clickables.append(cid)
        if neutral:
            self.neutral.add(cid)
        return cid, f'<button type="button" data-cid="{cid}"{attrs}>{esc(label)}</button>'

    def link(self, label: str, *, neutral: bool = False) -> tuple[str, str]:
        cid = self.cid()
        self.clickables.append(cid)
        if neutral:
            self.neutral.add(cid)
        return cid, f'<a href="#" data-cid="{cid}">{esc(label)}</a>'

    def text_field(self, label: str) -> tuple[str, str]:
        cid, style = self.cid(), self.rng.choice(["label", "placeholder", "aria"])
        if style == "label":
            return cid, (
                f'<div class="row"><label for="{cid}">{esc(label)}</label>'
                f'<input type="text" id="{cid}" data-cid="{cid}"></div>'
            )
        if style == "placeholder":
            return cid, f'<div class="row"><input type="text" data-cid="{cid}" placeholder="{esc(label)}"></div>'
        return cid, f'<div class="row"><input type="text" data-cid="{cid}" aria-label="{esc(label)}"></div>'

    def select(self, label: str, options: list[str]) -> tuple[str, str]:
        cid = self.cid()
        opts = '<option value="">Choose…</option>' + "".join(
            f'<option value="{esc(o)}">{esc(o)}</option>' for o in options
        )
        return cid, (
            f'<div class="row"><label for="{cid}">{esc(label)}</label>'
            f'<select id="{cid}" data-cid="{cid}">{opts}</select></div>'
        )

    def checkbox(self, label: str, kind: str = "checkbox", group: str = "") -> tuple[str, str]:
        cid = self.cid()
        name = f' name="{esc(group)}"' if group else ""
        return cid, (
            f'<div class="row"><input type="{kind}" id="{cid}" data-cid="{cid}"{name}>'
            f'<label for="{cid}">{esc(label)}</label></div>'
        )

    def goal(self, conditions: list[dict[str, Any]], terminal: str | None, solution_clicks: set[str]) -> dict[str, Any]:
        wrong = [c for c in self.clickables if c not in solution_clicks and c not in self.neutral]
        return {"conditions": conditions, "terminal": terminal, "wrong": wrong}

    def page(self, app: str, heading: str, widgets: str) -> str:
        """Header with distractor nav links, a heading, filler text and the widgets, in a shuffled order."""
        nav = " ".join(self.link(n)[1] for n in self.rng.sample(NAV, self.rng.randint(2, 4)))
        fillers = [f'<p class="note">{esc(t)}</p>' for t in self.rng.sample(FILLER, self.rng.randint(1, 2))]
        parts = [widgets, *fillers]
        self.rng.shuffle(parts)
        return f"<header><strong>{esc(app)}</strong>{nav}</header><main><h2>{esc(heading)}</h2>{''.join(parts)}</main>"


def q(text: str) -> str:
    return f'"{text}"'
