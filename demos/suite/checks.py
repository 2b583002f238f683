"""Small helpers the hidden checkers share: find rows, new rows and changed rows in the app state."""

from __future__ import annotations

import random
from typing import Any

from demos.suite.spec import Params, State


def by_id(state: State, table: str, row_id: Any) -> dict[str, Any] | None:
    return next((r for r in state[table] if str(r["id"]) == str(row_id)), None)


def new_rows(initial: State, final: State, table: str) -> list[dict[str, Any]]:
    known = {r["id"] for r in initial[table]}
    return [r for r in final[table] if r["id"] not in known]


def changed_rows(initial: State, final: State, table: str, ignore: frozenset[int] = frozenset()) -> list[int]:
    """Ids of pre-existing rows that differ between the two states (other than the ignored ids)."""
    before = {r["id"]: r for r in initial[table]}
    return [r["id"] for r in final[table] if r["id"] in before and r != before[r["id"]] and r["id"] not in ignore]


def same_text(a: Any, b: Any) -> bool:
    return " ".join(str(a or "").split()).lower() == " ".join(str(b or "").split()).lower()


def other(value: str, choices: list[str]) -> str:
    """A different value from `choices` (deterministic), for the wrong-value variant of a workflow."""
    rest = [c for c in choices if c != value]
    return random.Random(value).choice(rest)


def swap(params: Params, key: str, choices: list[str]) -> Params:
    return {**params, key: other(params[key], choices)}


def result(ok: bool, good: str, bad: str) -> tuple[bool, str]:
    return (True, good) if ok else (False, bad)
