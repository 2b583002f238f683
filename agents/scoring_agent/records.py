"""The record a task is about: find its row in a list, stay on its page, save what was changed on it.

Enterprise tasks name a record ("ticket #1013", "invoice INV-7017", "Omar Abara (born 1967-02-17)") and then a
change to it. These priors carry what is plain from the page layout: the link on the list row that shows most of
the task's values opens the record; once the record is in view, the site navigation above the page heading leads
away from it; text that is not a control does nothing when clicked; and after a field or select was changed, the
first button after it in reading order is what saves the change.
"""

from __future__ import annotations

import re

from agents.scoring_agent.candidates import heading_text, mentions
from agents.scoring_agent.fields import stems
from agents.scoring_agent.lexicon import (
    AWAY_WORDS,
    CLICK_TASK,
    CONTROL_ROLES,
    DOUBLE_QUOTED,
    TEXT_ONLY_ROLES,
)
from eclair.types import Candidate, Element, Observation, StepRecord

_TARGET_ROLES = {"link", "clickable", "button"}
_HANDLE = re.compile(r"(?<![\w@#])[@#][\w.-]*\w")
_PROPER = re.compile(r"(?<=[a-z,] )[A-Z][a-z]+\b")
_OVERFLOW = re.compile(r"^(more|menu|options|actions|…|\.\.\.|⋮|⋯)\b|\b(more|menu|options)$", re.I)
_REPEATABLE = {"link", "button", "clickable", "img", "menuitem", "tab"}


def _weight_of(value: str) -> int:
    """An identifier-like value (it has a digit: an id, a date, a number) says more about a row than a word."""
    return 2 if any(ch.isdigit() for ch in value) else 1


def _hits(names: list[str], values: list[str]) -> int:
    text = " | ".join(names)
    return sum(_weight_of(v) for v in values if len(v) >= 2 and mentions(text, v))


def table_rows(obs: Observation) -> list[list[Element]]:
    """Elements grouped by table row: a row is the band of elements vertically overlapping a cell."""
    rows: list[list[Element]] = []
    for cell in (e for e in obs.elements if e.role == "cell"):
        y, h = cell.bbox[1], cell.bbox[3]
        mid = y + h / 2
        if any(r[0].bbox[1] <= mid <= r[0].bbox[1] + r[0].bbox[3] for r in rows):
            continue
        band = [e for e in obs.elements if e.bbox[3] > 0 and e.bbox[1] <= mid <= e.bbox[1] + e.bbox[3]]
        rows.append(band)
    return rows


def record_targets(obs: Observation, values: list[str]) -> set[str]:
    """Ids of the links on the one list row that shows the task's record (most task values, at least an id's worth)."""
    scored = []
    for row in table_rows(obs):
        links = [e.id for e in row if e.role in _TARGET_ROLES and e.name and not AWAY_WORDS.search(e.name)]
        if links:
            scored.append((_hits([e.name for e in row], values), links))
    if not scored:
        return set()
    best = max(s for s, _ in scored)
    winners = [links for s, links in scored if s == best]
    if best >= 2 and len(winners) == 1:
        return set(winners[0])
    exact = {v.lower() for v in values}
    named = [e.id for e in obs.elements if e.role == "link" and e.name.strip().lower() in exact]
    return set(named) if len(named) == 1 else set()  # the one link named exactly like a task value


def record_words(task_text: str, values: list[str]) -> list[str]:
    """What names the task's record: its values, @handles and #tags, and capitalised names inside a sentence."""
    return list(values) + _HANDLE.findall(task_text) + _PROPER.findall(task_text)


def card_misses(obs: Observation, words: list[str]) -> set[str]:
    """Ids of repeated controls ("Like", "Delete" on every card or row) that sit in a card other than the one showing
    the task's record. A control's card is what the page shows between its previous copy and it (reading order)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, el in enumerate(obs.elements):
        if el.role in _REPEATABLE and el.name:
            groups.setdefault((el.role, el.name), []).append(i)
    misses: set[str] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        starts = [0] + [m + 1 for m in members[:-1]]
        hits = [_hits([e.name for e in obs.elements[a:m]], words) for a, m in zip(starts, members, strict=True)]
        best = max(hits)
        if best > 0:  # the record may have several cards ("@olin" posted twice): any of them will do
            misses |= {obs.elements[m].id for m, h in zip(members, hits, strict=True) if h < best}
    return misses


def drop_card_misses(cands: list[Candidate], obs: Observation, task_text: str, values: list[str]) -> list[Candidate]:
    """Leave out the copies of a repeated control that sit on other records' cards (before pruning keeps 24)."""
    misses = card_misses(obs, record_words(task_text, values))
    return [c for c in cands if c.action.element not in misses] or cands


def opens_overflow(task_text: str, obs: Observation, el: Element) -> bool:
    """A "more" / "menu" control while the task quotes a control no element on the page names: it is behind it."""
    if not _OVERFLOW.search(el.name.strip()):
        return False
    quoted = [q for q in DOUBLE_QUOTED.findall(task_text) if len(q) > 2]
    return bool(quoted) and not any(mentions(e.name, q) for q in quoted for e in obs.elements)


def record_in_view(obs: Observation, values: list[str]) -> bool:
    """The page is the record's own page: its title or main heading names a task value."""
    return any(len(v) >= 2 and mentions(heading_text(obs), v) for v in values)


def shown_values(observations: list[Observation], values: list[str]) -> set[str]:
    """Task values a page title or main heading showed: they name the record, nothing is to be entered for them."""
    text = " | ".join(heading_text(o) for o in observations)
    return {v.lower() for v in values if mentions(text, v)}


def _site_nav(obs: Observation) -> set[str]:
    """Controls above the page's first heading: the site navigation bar."""
    heading = next((e for e in obs.elements if e.role == "heading"), None)
    if heading is None:
        return set()
    top = heading.bbox[1]
    return {e.id for e in obs.elements if e.role in CONTROL_ROLES and e.bbox[1] + e.bbox[3] <= top}


def action_words(task_text: str, obs: Observation) -> set[str]:
    """Stems of the task's words that say what to do, not which record: the page heading's words do not count."""
    return stems(task_text) - stems(heading_text(obs))


def _unset_choice(obs: Observation, task_text: str) -> bool:
    """A select on the page still shows something else than the option the task names for it."""
    for el in obs.elements:
        if el.role in ("combobox", "listbox") and el.options and "disabled" not in el.states:
            named = [o for o in el.options if len(o) > 1 and mentions(task_text, o)]
            if named and (el.value or "").strip().lower() not in {o.lower() for o in named}:
                return True
    return False


def commit_button(obs: Observation, history: list[StepRecord]) -> str | None:
    """The first button after the field the agent last changed (reading order): the one that saves that change."""
    clean = [s for s in history if s.result is not None and s.result.ok and not s.feedback]
    if not clean or clean[-1].decision.action.kind not in ("type", "select"):
        return None
    changed = clean[-1].decision.action.element
    ids = [e.id for e in obs.elements]
    if changed not in ids:
        return None
    for el in obs.elements[ids.index(changed) + 1 :]:
        if el.role == "button" and el.name and not AWAY_WORDS.search(el.name) and "disabled" not in el.states:
            return el.id
    return None


def record_prior(
    task_text: str,
    obs: Observation,
    history: list[StepRecord],
    cand: Candidate,
    values: list[str],
    todo: list[str],
    weight: float,
) -> float:
    """Prior in units of `weight` from where the task's record is and what the agent just changed."""
    return weight * sum(record_signals(task_text, obs, history, cand, values, todo).values())


def record_signals(
    task_text: str, obs: Observation, history: list[StepRecord], cand: Candidate, values: list[str], todo: list[str]
) -> dict[str, float]:
    """The record-layout signals that fire for this click, by feature name."""
    action = cand.action
    if action.kind != "click":
        return {}
    el = next((e for e in obs.elements if e.id == action.element), None)
    if el is None:
        return {}
    role = el.role.lower()
    quoted = [q for q in DOUBLE_QUOTED.findall(task_text) if len(q) > 2]
    other = [h for h in _HANDLE.findall(el.name) if not mentions(task_text, h)]
    if role == "listitem" and any(mentions(el.name, q) for q in quoted) and not other:
        return {"menu_entry_named": 1.0}  # the menu entry the task names ("Block @user" for 'the "Block" button')
    if role in TEXT_ONLY_ROLES:
        return {} if CLICK_TASK.search(task_text) else {"text_not_control": -1.5}  # text that is not a control
    out: dict[str, float] = {}
    if opens_overflow(task_text, obs, el):
        out["opens_overflow"] = 1.0
    targets = record_targets(obs, values)
    if el.id in targets:
        out["record_row_link"] = 2.0
    if (targets or todo or record_in_view(obs, values)) and el.id in _site_nav(obs):
        out["leaves_record"] = -1.0  # the record (or a form still to fill) is here: the nav bar leads away from it
    elif role in CONTROL_ROLES and action_words(task_text, obs) & stems(el.name):
        out["label_shares_task_word"] = 0.5  # the control's label shares a word with the task ("Record vitals")
    if not todo and el.id == commit_button(obs, history) and not _unset_choice(obs, task_text):
        out["saves_change"] = 1.0
    return out
