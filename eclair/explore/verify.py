"""Check a proposed task's intended effect in the app's state: the record's form holds the values, or a list
shows a row that has them. A success message or a changed URL is never enough."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from pydantic import BaseModel, Field

from eclair.browser import navigate
from eclair.browser.errors import PageUnreachable
from eclair.browser.pagemap import read_page_map
from eclair.explore.propose import ProposedTask

if TYPE_CHECKING:
    from playwright.sync_api import Page


class Verification(BaseModel):
    """What the check found: per intended field, whether the app holds the value where it belongs."""

    passed: bool
    found: dict[str, bool] = Field(default_factory=dict)
    where: str = ""
    reason: str = ""
    record_url: str = ""  # the row's record, when the row holds what the list shows but not every value


def verify_task(page: Page, task: ProposedTask, intended: dict[str, str] | None = None) -> Verification:
    """Revisit the pages the task's effect must show on and compare field by field (`intended`: the values of
    the instance that ran; default the proposal's own)."""
    intended = task.intended if intended is None else intended
    if not task.check_urls:
        return Verification(passed=False, reason="no page to check the effect on")
    best = Verification(passed=False, reason="no page showed the intended values")
    for url in task.check_urls:
        try:
            navigate(page, url)
        except PageUnreachable as exc:
            best.reason = f"could not reopen {url}: {exc}"
            continue
        raw = read_page_map(page)
        if task.kind == "edit":
            result = _check_form(raw, intended)
        else:
            result = _check_rows(raw, intended)
            for search_url in [] if result.passed else _search_urls(raw, intended):
                navigate(page, search_url)  # a long or sorted list: ask its own search box for the new record
                result = _check_rows(read_page_map(page), intended)
                if result.passed or result.record_url:
                    url = search_url
                    break
            if not result.passed and result.record_url:
                navigate(page, result.record_url)  # the list does not show every field: the record's page must
                result = _check_record(read_page_map(page), intended, result)
                url = result.record_url
        result.where = url
        if result.passed:
            return result
        if sum(result.found.values()) >= sum(best.found.values()):
            best = result
    return best


def _search_urls(raw: dict, intended: dict[str, str]) -> list[str]:
    """GET URLs of the page's search forms, each asking for one of the intended text values (the longest first)."""
    values = sorted((v for v in intended.values() if len(v) >= 4), key=len, reverse=True)[:2]
    urls = []
    for form in raw.get("forms", []):
        if form.get("method") != "get":
            continue
        boxes = [f for f in form.get("fields", []) if f.get("kind") in ("text", "search") and f.get("name")]
        if boxes:
            base = str(form.get("action") or raw.get("url", "")).split("?")[0]
            urls += [f"{base}?{urlencode({boxes[0]['name']: value})}" for value in values]
    return urls


def current_values(raw: dict) -> dict[str, str]:
    """Field label -> value of every form on a page map (what a record holds now)."""
    return {str(f["label"]): str(f.get("value", "")) for form in raw.get("forms", []) for f in form.get("fields", [])}


def _values_by_label(raw: dict) -> dict[str, str]:
    """current_values keyed by the normalised label, for comparing with a task's labels."""
    return {_norm(label): value for label, value in current_values(raw).items()}


def _check_form(raw: dict, intended: dict[str, str]) -> Verification:
    """An edit: the record's own form, read back, holds each intended value in the field of that label."""
    fields = _values_by_label(raw)
    found = {label: _same(fields.get(_norm(label), ""), v) for label, v in intended.items()}
    missing = [label for label, ok in found.items() if not ok]
    return Verification(passed=not missing, found=found, reason=f"not set: {', '.join(missing)}" if missing else "")


def _check_rows(raw: dict, intended: dict[str, str]) -> Verification:
    """A create: one row of a list holds every intended value, each under its own column where the list has it.

    A row that holds every value the list has a column for, and at least one other, but not the rest, points at
    its record page (`record_url`), which must show the rest."""
    best: dict[str, bool] = dict.fromkeys(intended, False)
    record_url = ""
    for table in raw.get("tables", []):
        columns = [_norm(c) for c in table.get("columns", [])]
        hrefs = table.get("row_hrefs", [])
        for i, row in enumerate(table.get("sample", [])):
            found = {label: _in_row(row, columns, label, value) for label, value in intended.items()}
            if all(found.values()):
                return Verification(passed=True, found=found)
            shown = [label for label in intended if _norm(label) in columns]
            unique_hit = any(found[label] for label in intended if _norm(label) not in columns)
            if all(found[label] for label in shown) and unique_hit and i < len(hrefs) and hrefs[i]:
                best, record_url = found, hrefs[i]
            elif sum(found.values()) > sum(best.values()) and not record_url:
                best = found
    missing = [label for label, ok in best.items() if not ok]
    return Verification(passed=False, found=best, reason=f"no row with: {', '.join(missing)}", record_url=record_url)


def _check_record(raw: dict, intended: dict[str, str], from_list: Verification) -> Verification:
    """The values a list row did not show are on the row's record page (its text or its form's fields)."""
    text = _norm(raw.get("text", ""))
    fields = _values_by_label(raw)
    found = dict(from_list.found)
    for label, value in intended.items():
        if not found.get(label):
            found[label] = _norm(value) in text or _same(fields.get(_norm(label), ""), value)
    missing = [label for label, ok in found.items() if not ok]
    reason = f"record page lacks: {', '.join(missing)}" if missing else ""
    return Verification(passed=not missing, found=found, reason=reason, record_url=from_list.record_url)


def _in_row(row: list[str], columns: list[str], label: str, value: str) -> bool:
    key = _norm(label)
    if key in columns and columns.index(key) < len(row):  # the list shows this field: it must be in its column
        return _same(row[columns.index(key)], value) or _norm(value) in _norm(row[columns.index(key)])
    return any(_norm(value) and _norm(value) in _norm(cell) for cell in row)


def _same(actual: str, intended: str) -> bool:
    return _norm(actual) == _norm(intended)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[▲▼*:]", "", str(text))).strip().lower()
