"""Small helpers the checkers share: query rows by name, and pick seeded values for parameters."""

from __future__ import annotations

import random
import sqlite3
from typing import Any

Row = dict[str, Any]

FIRST_NAMES = ["Maya", "Jonas", "Priya", "Leo", "Sofia", "Elias", "Amara", "Oskar", "Nadia", "Tariq", "Freya", "Hugo"]
LAST_NAMES = ["Andersen", "Okafor", "Castillo", "Nguyen", "Fischer", "Rossi", "Kowalski", "Sato", "Dubois", "Ali"]


def rows(db: sqlite3.Connection, sql: str, *args: Any) -> list[Row]:
    cursor = db.execute(sql, args)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def first(db: sqlite3.Connection, sql: str, *args: Any) -> Row | None:
    found = rows(db, sql, *args)
    return found[0] if found else None


def same_text(a: object, b: object) -> bool:
    """Equal after trimming and case-folding (what a person would call the same words)."""
    return str(a or "").strip().casefold() == str(b or "").strip().casefold()


def pick_date(rng: random.Random, year: int = 2026) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def pick_person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def other(rng: random.Random, choices: list[Any], not_this: Any) -> Any:
    """A seeded choice different from `not_this` (near misses pick the wrong record with it)."""
    return rng.choice([c for c in choices if c != not_this])
