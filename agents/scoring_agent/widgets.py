"""Priors for common widgets the small model cannot reason through: a date picker's calendar, an autocomplete's
suggestions, and a list of offers the task ranks ("the cheapest", "the shortest").

Each reads only the task text and the page: the month a calendar shows and its day links, the suggestions that
appeared under the field just typed, the prices and durations printed on each offer.
"""

from __future__ import annotations

import re

from agents.scoring_agent.candidates import mentions
from agents.scoring_agent.lexicon import ISO_DATE, MONTHS, US_DATE
from eclair.types import Candidate, Element, Observation, StepRecord

_MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.I)
_PREV = {"prev", "previous", "<", "‹", "«"}
_NEXT = {"next", ">", "›", "»"}
_SUGGESTION_ROLES = {"clickable", "option", "listitem", "menuitem", "link"}
_CHEAP = re.compile(r"\b(cheapest|lowest[- ]priced?|least expensive|lowest price)\b", re.I)
_SHORT = re.compile(r"\b(shortest|fastest|quickest)\b", re.I)
_PRICE = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)")
_DURATION = re.compile(r"\b(?:(\d+)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:utes?)?)?)?\b", re.I)


def _date_of(values: list[str]) -> tuple[int, int, int] | None:
    """(year, month, day) of the first date among the task values."""
    for value in values:
        us, iso = US_DATE.match(value), ISO_DATE.match(value)
        if us:
            return int(us.group(3)), int(us.group(1)), int(us.group(2))
        if iso:
            return int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    return None


def _shown_month(obs: Observation) -> re.Match[str] | None:
    return next((m for e in obs.elements if e.role != "link" and (m := _MONTH_YEAR.search(e.name))), None)


def calendar_open(obs: Observation) -> bool:
    """A month title and 28+ day links: a calendar is showing."""
    days = [e for e in obs.elements if e.role == "link" and e.name.strip().isdigit()]
    return len(days) >= 28 and _shown_month(obs) is not None


def calendar_target(obs: Observation, values: list[str]) -> str | None:
    """On an open calendar (a "Month YYYY" title and day links 1..28+): the task date's day link when its month is
    shown, else the Prev / Next link towards it."""
    date = _date_of(values)
    if date is None or any(_date_of([e.value or ""]) == date for e in obs.elements):
        return None  # no date to pick, or a field shows it already
    shown = _shown_month(obs)
    days = {e.name.strip(): e.id for e in obs.elements if e.role == "link" and e.name.strip().isdigit()}
    if shown is None or len(days) < 28:
        return None
    year, month, day = date
    here = (int(shown.group(2)), MONTHS.index(shown.group(1).lower()) + 1)
    if here == (year, month):
        return days.get(str(day))
    way = _PREV if (year, month) < here else _NEXT
    return next((e.id for e in obs.elements if e.role == "link" and e.name.strip().lower() in way), None)


def suggestions(obs: Observation, history: list[StepRecord]) -> set[str]:
    """Ids of the entries that appeared under the field just typed and name what was typed ("MOT" → "Minot, ND
    (MOT)"): an open suggestion list is answered before anything else."""
    clean = [s for s in history if s.result is not None and s.result.ok and s.decision.action.kind != "wait"]
    if not clean or clean[-1].feedback or clean[-1].decision.action.kind != "type":
        return set()
    typed = (clean[-1].decision.action.text or "").strip()
    before = {e.id for e in clean[-1].observation.elements}
    return {
        e.id
        for e in obs.elements
        if e.id not in before
        and e.role in _SUGGESTION_ROLES
        and len(typed) >= 2
        and e.name.strip().lower() != typed.lower()
        and mentions(e.name, typed)
    }


def _minutes(text: str) -> int | None:
    for m in _DURATION.finditer(text):
        if m.group(1) or m.group(2):
            return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
    return None


def _price(text: str) -> float | None:
    m = _PRICE.search(text)
    return float(m.group(1).replace(",", "")) if m else None


def ranked_target(task_text: str, obs: Observation) -> str | None:
    """The offer the task ranks first: among buttons or links that differ only in their numbers ("Book flight for
    $220"), the one with the lowest price ("cheapest") or shortest duration ("shortest"), read from the control's
    name or the card above it."""
    measure = _price if _CHEAP.search(task_text) else _minutes if _SHORT.search(task_text) else None
    if measure is None:
        return None
    groups: dict[str, list[int]] = {}
    for i, el in enumerate(obs.elements):
        if el.role in ("button", "link", "clickable") and el.name:
            groups.setdefault(re.sub(r"[\d$.,:]+", "#", el.name.lower()), []).append(i)
    best: tuple[float, str] | None = None
    for members in (m for m in groups.values() if len(m) >= 2):
        start = 0
        for m in members:
            card: list[Element] = obs.elements[start : m + 1]
            start = m + 1
            value = measure(obs.elements[m].name)
            if value is None:
                value = next((v for e in card if (v := measure(e.name)) is not None), None)
            if value is not None and (best is None or value < best[0]):
                best = (value, obs.elements[m].id)
    return best[1] if best else None


def stale_days(obs: Observation, values: list[str]) -> set[str]:
    """Day links of a calendar still fading out after the task's date was picked: nothing left to click there."""
    date = _date_of(values)
    if date is None or not calendar_open(obs) or not any(_date_of([e.value or ""]) == date for e in obs.elements):
        return set()
    return {e.id for e in obs.elements if e.role == "link" and e.name.strip().isdigit()}


def widget_targets(task_text: str, obs: Observation, values: list[str]) -> set[str]:
    """Ids the widget priors point at (kept through pruning: a day link shares no word with "10/09/2016")."""
    return {t for t in (calendar_target(obs, values), ranked_target(task_text, obs)) if t is not None}


def widget_prior(task_text: str, obs: Observation, cand: Candidate, values: list[str], weight: float) -> float:
    """+2 weights for the calendar link towards the task's date and for the offer the task ranks first."""
    return weight * sum(widget_signals(task_text, obs, cand, values).values())


def widget_signals(task_text: str, obs: Observation, cand: Candidate, values: list[str]) -> dict[str, float]:
    """The widget signals that fire for this click, by feature name."""
    if cand.action.kind != "click" or cand.action.element is None:
        return {}
    if cand.action.element == calendar_target(obs, values):
        return {"calendar_day": 2.0}
    if cand.action.element == ranked_target(task_text, obs):
        return {"ranked_offer": 2.0}
    el = next((e for e in obs.elements if e.id == cand.action.element), None)
    if el is not None and el.role == "link" and el.name.strip().isdigit() and calendar_open(obs):
        return {"calendar_day": -2.0}  # another day ("16" of 10/16/2016 while October is not shown), or the date is in
    return {}


def awaits_suggestions(obs: Observation, history: list[StepRecord]) -> bool:
    """The field just typed has its own suggestion list, none is shown yet, and the agent has not waited for it:
    such lists open a moment after the typing stops."""
    last = history[-1] if history else None
    if last is None or last.decision.action.kind != "type" or last.result is None or not last.result.ok:
        return False
    field = next((e for e in obs.elements if e.id == last.decision.action.element), None)
    return field is not None and "autocomplete" in field.states and not suggestions(obs, history)
