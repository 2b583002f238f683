"""Verification after `done`: re-read the result the way a careful person does, before the run is labelled.

`Verifier.collect` opens a separate tab (the agent's page and the app state are left as they are) and reads, fresh
from the server: the final page without its query string (so a `?notice=…` banner or a list filter is gone), the
links on it and on the pages the run visited that name a task value (the record it created or changed), their tabs,
and, when none of those shows every value, the app's own search for each value. Each read is stored as a
StepRecord marked `verification`. `VerificationCritic.check_task` then judges from those records only: some
record (a page's own content plus at most one table row) must show every task value, and that record must differ
from how the run first saw it. A confirmation banner or a URL change alone is never proof.

Nothing here knows a workflow: what to check comes from the task's values and the pages the run visited.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from eclair.browser.links import may_change_state
from eclair.critics.rules import _norm
from eclair.critics.task_rules import VALUE_ROLES, _mentions, task_values
from eclair.types import Action, ActionResult, Decision, Element, Observation, StepRecord, Task, Verdict

log = logging.getLogger(__name__)

MAX_READS = 10  # page loads, link follows, tab clicks and searches per run (each ~0.1–0.5 s on a local app)
MAX_LINKS_PER_PAGE = 3
SEARCH_NAMES = re.compile(r"\b(search|find|filter|query|look ?up)\b", re.I)


def _strip_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _server_backed(url: str) -> bool:
    """Only an http(s) app keeps state a fresh load can show; a file:// or about: page forgets it on reload."""
    return url.lower().startswith(("http://", "https://"))


def _record_texts(obs: Observation) -> tuple[str, list[str]]:
    """(the page's own content, each table row's content), normalised: a record is the page plus at most one row.

    Field values count (a freshly loaded edit form shows what is stored); a select's option list does not."""
    rows = [e for e in obs.elements if e.role == "row"]
    cells = [e for e in obs.elements if e.role in {"cell", "gridcell"}]
    row_texts: list[str] = []
    in_rows: set[str] = set()
    for row in rows:
        top, bottom = row.bbox[1], row.bbox[1] + row.bbox[3]
        inside = [c for c in cells if top <= c.bbox[1] + c.bbox[3] / 2 <= bottom]
        in_rows.update(c.id for c in inside)
        row_texts.append(_norm(" | ".join([row.name, *(c.name for c in inside)])))
    if not rows and cells:  # cells without row elements: group them by their line on screen
        lines: dict[int, list[Element]] = {}
        for c in cells:
            lines.setdefault(round((c.bbox[1] + c.bbox[3] / 2) / 8), []).append(c)
        row_texts = [_norm(" | ".join(c.name for c in line)) for line in lines.values()]
        in_rows = {c.id for c in cells}
    parts = [obs.title]
    for e in obs.elements:
        if e.id in in_rows or e.role == "row":
            continue
        if e.role in VALUE_ROLES or e.tag == "select":
            parts.append(e.value or "")
        elif e.role in {"checkbox", "radio", "switch"}:
            parts.append(e.name if "checked" in e.states else "")
        else:
            parts.append(e.name)
    return _norm(" | ".join(parts)), row_texts


def best_record(obs: Observation, values: Sequence[str]) -> tuple[list[str], str]:
    """(the task values the best record on this page shows, that record's text)."""
    page, rows = _record_texts(obs)
    best: tuple[list[str], str] = ([v for v in values if _mentions(page, _norm(v))], page)
    for row in rows:
        text = f"{page} || {row}"
        shown = [v for v in values if _mentions(text, _norm(v))]
        if len(shown) > len(best[0]):
            best = (shown, text)
    return best


def _links_naming(obs: Observation, values: Sequence[str]) -> list[Element]:
    wanted = [_norm(v) for v in values]
    links = [e for e in obs.elements if e.role == "link" and e.name and not may_change_state(e.name)]
    return [e for e in links if any(_mentions(_norm(e.name), v) for v in wanted)][:MAX_LINKS_PER_PAGE]


def _search_box(obs: Observation) -> Element | None:
    boxes = [e for e in obs.elements if e.role == "searchbox"]
    boxes += [e for e in obs.elements if e.role == "textbox" and SEARCH_NAMES.search(f"{e.name} {e.placeholder}")]
    return boxes[0] if boxes else None


class Verifier:
    """Collects verification reads for a finished run (needs the live page; stores what it saw)."""

    def __init__(self, max_reads: int = MAX_READS) -> None:
        self.max_reads = max_reads

    def collect(self, task: Task, trajectory: Sequence[StepRecord], final: Observation, page: Any) -> list[StepRecord]:
        values = task_values(task)
        visited = [s.observation.url for s in trajectory] + [final.url]
        loaded = len(set(visited)) > 1 or any(s.result is not None and s.result.url_changed for s in trajectory)
        if not values or not _server_backed(final.url) or not loaded:
            return []  # nothing named to check, or no server state to re-read (no page load in the whole run)
        start_index = max((s.index for s in trajectory), default=-1) + 1
        reader = _Reader(page, start_index, self.max_reads)
        try:
            self._read_pages(reader, values, visited, trajectory)
        except Exception as exc:  # a broken read must not break the run: what was read so far still counts
            log.warning("verification stopped early: %s", exc)
        finally:
            reader.close()
        return reader.records

    def _read_pages(
        self, reader: _Reader, values: list[str], visited: list[str], trajectory: Sequence[StepRecord]
    ) -> None:
        pages = list(dict.fromkeys(_strip_query(u) for u in reversed(visited) if _server_backed(u)))
        for url in pages[:3]:  # the final page first, then the pages the run saw last
            obs = reader.open(url, "re-read the page fresh from the server")
            if obs is None or self._complete(reader, values):
                return
            for link in _links_naming(obs, values):
                if reader.follow(url, link, f"follow the link to the record {link.name!r}") is None:
                    continue
                if self._complete(reader, values):
                    return
        for url in pages:
            seen = next((s.observation for s in trajectory if _strip_query(s.observation.url) == url), None)
            if seen is not None and _search_box(seen) is not None:
                for value in values[:2]:
                    reader.search(url, value)
                    if self._complete(reader, values):
                        return
                return

    def _complete(self, reader: _Reader, values: list[str]) -> bool:
        """A record showing every value was read, or the read budget is spent."""
        if reader.exhausted:
            return True
        last = reader.records[-1].observation if reader.records else None
        if last is None:
            return False
        if len(best_record(last, values)[0]) == len(values):
            return True
        tabs = [e for e in last.elements if e.role == "tab" and "selected" not in e.states]
        for tab in tabs[:3]:  # tab panels hold comments, attachments, history: click through them (client-side)
            obs = reader.click(tab, f"open the tab {tab.name!r}")
            if obs is not None and len(best_record(obs, values)[0]) == len(values):
                return True
        return reader.exhausted


class _Reader:
    """A private tab in the run's browser context; every read becomes a verification StepRecord."""

    def __init__(self, page: Any, start_index: int, budget: int) -> None:
        self.tab = page.context.new_page()
        self.index = start_index
        self.budget = budget
        self.records: list[StepRecord] = []

    @property
    def exhausted(self) -> bool:
        return len(self.records) >= self.budget

    def open(self, url: str, why: str) -> Observation | None:
        from eclair.browser import PageUnreachable, navigate

        started = time.perf_counter()
        try:
            navigate(self.tab, url)
        except PageUnreachable as exc:
            return self._record(Action(kind="goto", url=url), why, ActionResult(ok=False, error=str(exc)), started)
        return self._record(Action(kind="goto", url=url), why, ActionResult(ok=True), started)

    def follow(self, url: str, link: Element, why: str) -> Observation | None:
        if self.exhausted or (self.tab.url != url and self.open(url, "back to the page with the link") is None):
            return None
        return self.click(link, why)

    def click(self, element: Element, why: str) -> Observation | None:
        return self._act(Action(kind="click", element=element.id), why)

    def search(self, url: str, value: str) -> Observation | None:
        from eclair.browser import observe

        if self.exhausted or self.open(url, "the list to search in") is None:
            return None
        box = _search_box(observe(self.tab, screenshot=False))
        if box is None:
            return None
        return self._act(Action(kind="type", element=box.id, text=value, enter=True), f"search for {value!r}")

    def _act(self, action: Action, why: str) -> Observation | None:
        from eclair.browser import act

        if self.exhausted:
            return None
        started = time.perf_counter()
        return self._record(action, why, act(self.tab, action), started)

    def _record(self, action: Action, why: str, result: ActionResult, started: float) -> Observation | None:
        from eclair.browser import observe

        if self.exhausted:
            return None
        obs = observe(self.tab, screenshot=False)
        record = StepRecord(
            index=self.index,
            observation=obs,
            decision=Decision(action=action, rationale=f"verification: {why}"),
            result=result,
            verification=True,
        )
        record.timings.act_ms = (time.perf_counter() - started) * 1000
        self.index += 1
        self.records.append(record)
        return obs if result.ok else None

    def close(self) -> None:
        try:
            self.tab.close()
        except Exception as exc:  # a closed browser has closed the tab already
            log.debug("verification tab did not close: %s", exc)


def verification_steps(trajectory: Sequence[StepRecord]) -> list[StepRecord]:
    return [s for s in trajectory if s.verification]


def _seen_before_change(trajectory: Sequence[StepRecord], url: str) -> Observation | None:
    """How the run first saw `url`, if that was before its last committing action (a click, a press, an Enter)."""
    steps = [s for s in trajectory if not s.verification and s.result is not None and s.result.ok]
    acts = [s.decision.action for s in steps]
    commits = [i for i, a in enumerate(acts) if a.kind in {"click", "press"} or a.enter]
    if not commits:
        return None
    seen = (s.observation for s in steps[: commits[-1] + 1] if _strip_query(s.observation.url) == url)
    return next(seen, None)


class VerificationCritic:
    """Was every task value found in one record, re-read fresh after the run, and did that record change?"""

    name = "verify.record"
    role = "effect"
    reads_verification = True  # the panel hands it the verification steps too

    def check_task(self, task: Task, trajectory: list[StepRecord], final: Observation) -> Verdict:
        values = task_values(task)
        reads = [s for s in verification_steps(trajectory) if s.result is not None and s.result.ok]
        if not values:
            return self._verdict("unsure", 0.5, "the task names no values to look for")
        if not reads:
            return self._verdict("unsure", 0.5, "nothing was re-read (no server-side result to look at)")
        ranked = sorted(((best_record(s.observation, values), s) for s in reads), key=lambda item: -len(item[0][0]))
        (shown, text), best = ranked[0]
        where = _strip_query(best.observation.url)
        if len(shown) < len(values):
            missing = [v for v in values if v not in shown]
            found = f"; the closest record ({where}) shows {shown[:3]}" if shown else ""
            score = 0.05 + 0.25 * len(shown) / len(values)
            return self._verdict("fail", score, f"no record re-read after the run shows {missing[:3]}{found}")
        before = _seen_before_change(trajectory, where)
        if before is not None and len(best_record(before, values)[0]) == len(values):
            old_text = best_record(before, values)[1]
            if old_text == text:
                return self._verdict("unsure", 0.45, f"{where} showed all task values before the run, unchanged")
            return self._verdict("pass", 0.75, f"{where} shows all {len(values)} task values, and it changed")
        return self._verdict("pass", 0.9, f"{where} (re-read) shows all {len(values)} task values in one record")

    def _verdict(self, label: str, score: float, reason: str) -> Verdict:
        return Verdict(label=label, score=round(score, 3), reason=reason, critic=self.name)  # type: ignore[arg-type]
