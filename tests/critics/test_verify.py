"""Verification after `done` on a small server-backed app (records kept by the route handler, forms POST and
redirect): the re-read record decides, not the banner or the URL the run ended on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import pytest

from eclair.bench.critic_generate import ScriptedAgent
from eclair.config import Settings
from eclair.critics import default_panel
from eclair.types import Task

pytestmark = pytest.mark.slow

STATUSES = ("Open", "Pending", "Closed")


def _record_page(rid: str, record: dict[str, str], notice: str) -> str:
    options = "".join(f"<option{' selected' if s == record['status'] else ''}>{s}</option>" for s in STATUSES)
    return (
        f'<a href="/">All tickets</a>{f"<p role=status>{notice}</p>" if notice else ""}'
        f"<h1>Ticket #{rid}: {record['subject']}</h1><dl><dt>Status</dt><dd>{record['status']}</dd></dl>"
        f'<form method="post" action="/tickets/{rid}/status"><label>Status <select name="status">{options}'
        "</select></label><button>Save</button></form>"
    )


class _App(BaseHTTPRequestHandler):
    records: dict[str, dict[str, str]] = {}

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        return

    def do_POST(self) -> None:
        parts = self.path.split("?")[0].strip("/").split("/")
        size = int(self.headers.get("Content-Length", "0"))
        status = parse_qs(self.rfile.read(size).decode()).get("status", [""])[0]
        if parts[1] in self.records and not self.records[parts[1]].get("locked"):
            self.records[parts[1]]["status"] = status
        self.send_response(303)  # the banner says so whatever was saved
        self.send_header("Location", f"/tickets/{parts[1]}?notice={quote(f'Status set to {status}')}")
        self.end_headers()

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "tickets" and parts[1] in self.records:
            body = _record_page(parts[1], self.records[parts[1]], parse_qs(query).get("notice", [""])[0])
        else:
            rows = "".join(
                f'<tr><td><a href="/tickets/{rid}">#{rid}</a></td><td>{r["subject"]}</td><td>{r["status"]}</td></tr>'
                for rid, r in self.records.items()
            )
            body = f"<h1>Tickets</h1><table><tr><th>Ticket</th><th>Subject</th><th>Status</th></tr>{rows}</table>"
        html = f"<!doctype html><html><head><title>Tickets</title></head><body>{body}</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(html)))
        self.end_headers()
        self.wfile.write(html)


@pytest.fixture
def records_app(browser: Any) -> Iterator[tuple[Any, str, dict[str, dict[str, str]]]]:
    """(a page, the app's URL, its records): /, /tickets/N, POST /tickets/N/status → 303 to /tickets/N?notice=…"""
    from eclair.browser import new_context

    records = {"1041": {"subject": "Printer jam", "status": "Open"}, "1042": {"subject": "VPN down", "status": "Open"}}
    handler = type("App", (_App,), {"records": records})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = new_context(browser, viewport=(800, 600))
    try:
        yield context.new_page(), f"http://127.0.0.1:{server.server_address[1]}", records
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def _run(page: Any, app: str, tmp_path: Path, ticket: str, steps: list[str]) -> tuple[Any, Any]:
    from eclair.assemble import RunParts, build_run
    from eclair.runner import run_task
    from eclair.store import Store

    settings = Settings(data_dir=tmp_path / "data", traces_dir=tmp_path / "traces")
    store = Store(settings)
    task = Task(text="Change the status of ticket #1041 to Pending.", params={"ticket": "1041", "status": "Pending"})
    task.start_url = f"{app}/tickets/{ticket}"
    page.goto(task.start_url)
    parts = RunParts(store=store, agent=ScriptedAgent(steps), critics=default_panel())
    outcome = run_task(build_run(task, parts, settings), page, store=store)
    verdict = next(v for i, v in store.get_verdicts(outcome.run_id) if i is None and v.critic == "verify.record")
    return store.get_steps(outcome.run_id, verification=True), verdict


SAVE_PENDING = ['Choose "Pending" in "Status"', 'Click the "Save" button']


def test_the_changed_record_is_re_read_and_passes(records_app: Any, tmp_path: Path) -> None:
    page, app, records = records_app
    steps, verdict = _run(page, app, tmp_path, "1041", SAVE_PENDING)
    assert records["1041"]["status"] == "Pending"
    assert verdict.label == "pass", verdict
    reads = [s for s in steps if s.verification]
    assert reads and all(s.decision.rationale.startswith("verification:") for s in reads)
    assert reads[0].observation.url == f"{app}/tickets/1041"  # re-read without the ?notice= banner
    assert page.url.startswith(f"{app}/tickets/1041?notice=")  # the agent's page was left where the run ended


def test_a_banner_without_the_change_fails(records_app: Any, tmp_path: Path) -> None:
    page, app, records = records_app
    records["1041"]["locked"] = "yes"  # the app shows the success banner but keeps the old status
    steps, verdict = _run(page, app, tmp_path, "1041", SAVE_PENDING)
    assert "Status set to Pending" in steps[-1 - sum(s.verification for s in steps)].observation.text
    assert verdict.label == "fail" and "Pending" in verdict.reason, verdict


def test_the_wrong_record_changed_fails(records_app: Any, tmp_path: Path) -> None:
    page, app, records = records_app
    _steps, verdict = _run(page, app, tmp_path, "1042", SAVE_PENDING)  # ticket #1042 set to Pending instead
    assert records["1042"]["status"] == "Pending" and records["1041"]["status"] == "Open"
    assert verdict.label == "fail", verdict
