"""No-progress loops: the same few actions, over and over, with nothing new on the page.

A run that clicks A, B, A, B, A, B and sees the same page each time is stuck; after three rounds of the same cycle
the agent asks a person instead of spending the rest of its budget.
"""

from __future__ import annotations

import hashlib

from eclair.types import Action, Observation, StepRecord

REPEATS = 3  # rounds of the same cycle on the same pages that make a loop
MAX_CYCLE = 3  # the longest cycle looked for, in actions


def page_signature(obs: Observation) -> str:
    """What an agent can see of a page: its URL and each element's role, name, value and states."""
    seen = "|".join(f"{e.role}:{e.name}:{e.value or ''}:{','.join(sorted(e.states))}" for e in obs.elements)
    return hashlib.sha1(f"{obs.url}\n{seen}".encode()).hexdigest()


def _executed(history: list[StepRecord]) -> list[tuple[Action, str]]:
    return [(s.decision.action, page_signature(s.observation)) for s in history if s.result is not None]


def stuck_cycle(history: list[StepRecord], obs: Observation) -> list[Action] | None:
    """The cycle of actions the run repeated REPEATS times, each round on the same pages, ending where it began
    (this page): None when the run is making progress."""
    steps = _executed(history)
    here = page_signature(obs)
    for period in range(1, MAX_CYCLE + 1):
        span = period * REPEATS
        if len(steps) < span:
            break
        tail = steps[-span:]
        rounds = [tail[i : i + period] for i in range(0, span, period)]
        if all(r == rounds[0] for r in rounds) and rounds[0][0][1] == here:
            return [action for action, _ in rounds[0]]
    return None


def loop_reason(cycle: list[Action]) -> str:
    """One line for the person asked: what was repeated and that nothing changed."""
    said = ", then ".join(a.describe() for a in cycle)
    return f"no progress: {said} ran {REPEATS} times and the page did not change; what should I do instead?"
