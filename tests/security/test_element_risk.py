"""Risk read from the element itself: its words, and where it leads (a link's href, a form's action)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eclair.config import Settings
from eclair.security.gate import Gate, policy_gate
from eclair.security.risk import action_risks
from eclair.types import Action, Element, Observation, Task

POLICY = ("delete", "send", "pay", "approve")


def _page(*elements: tuple[str, str, str]) -> Observation:
    items = [
        Element(id=str(i), role=role, name=name, target_url=url, bbox=(0, 0, 1, 1))
        for i, (role, name, url) in enumerate(elements)
    ]
    return Observation(url="http://app.test/tickets/3", title="t", elements=items)


def _click(i: int) -> Action:
    return Action(kind="click", element=str(i))


def test_a_harmless_label_on_a_risky_destination_is_still_risky() -> None:
    obs = _page(
        ("button", "Continue", "http://app.test/billing/checkout"),
        ("link", "Click here", "http://app.test/tickets/3/delete"),
        ("button", "Save", "http://app.test/tickets/3/edit"),
        ("button", "Confirm", "http://app.test/invoices/7/approve"),
        ("link", "Posts", "http://app.test/tickets?sort=delete"),
    )
    assert action_risks(_click(0), obs, POLICY) == ["pay"]  # a form posting to a money route
    assert action_risks(_click(1), obs, POLICY) == ["delete"]
    assert action_risks(_click(2), obs, POLICY) == []
    assert action_risks(_click(3), obs, POLICY) == ["approve"]
    assert action_risks(_click(4), obs, POLICY) == []  # the query says nothing about the action
    assert action_risks(Action(kind="press", element="1", key="Tab"), obs, POLICY) == []  # Tab does not follow it
    assert action_risks(Action(kind="press", element="1", key="Enter"), obs, POLICY) == ["delete"]


def test_the_policy_gate_asks_about_a_risky_destination(tmp_path: Path) -> None:
    obs = _page(("button", "Continue", "http://app.test/payments/new"))
    asked: list[str] = []
    gate = policy_gate(
        Settings(data_dir=tmp_path, approve=POLICY),
        Task(text="Save ticket 3"),
        approver=lambda a, o, why: asked.append(why) or False,
    )
    decision = gate.check(_click(0), obs)
    assert not decision.allowed and asked and asked[0].startswith("pay: button 'Continue'")


def test_a_click_that_leaves_the_allowed_domains_is_refused() -> None:
    obs = _page(
        ("link", "verify the account here", "http://evil.test/verify"),
        ("link", "Next page", "http://app.test/tickets?page=2"),
        ("button", "Verify identity", "https://sub.evil.test/collect"),
        ("link", "mail us", "mailto:help@app.test"),
    )
    gate = Gate(("app.test",))
    refused = gate.check(_click(0), obs)
    assert not refused.allowed and "'evil.test'" in refused.reason and not refused.asked_human
    assert gate.check(_click(1), obs).allowed
    assert not gate.check(_click(2), obs).allowed  # a form posting outside
    assert gate.check(_click(3), obs).allowed  # not a web request
    assert Gate(()).check(_click(0), obs).allowed  # no allow-list: as before


def test_the_snapshot_reports_where_links_and_submit_buttons_lead(page: Any, fixtures_url: str) -> None:
    from eclair.browser import observe

    page.goto(f"{fixtures_url}/form.html")  # relative URLs resolve against a real page
    page.set_content(
        "<a href='/tickets/3/delete'>Click here</a>"
        "<form method='post' action='https://pay.example/checkout'><input name='n'><button>Continue</button></form>"
        "<form action='/search'><button type='button'>Preview</button>"
        "<button formaction='/tickets/bulk-delete'>Go</button></form>"
    )
    obs = observe(page, screenshot=False)
    by_name = {e.name: e for e in obs.elements}
    assert by_name["Click here"].target_url == f"{fixtures_url}/tickets/3/delete"
    assert by_name["Continue"].target_url == "https://pay.example/checkout"
    assert by_name["Preview"].target_url == ""  # type=button submits nothing
    assert by_name["Go"].target_url == f"{fixtures_url}/tickets/bulk-delete"
    assert action_risks(Action(kind="click", element=by_name["Continue"].id), obs, POLICY) == ["pay"]
    assert action_risks(Action(kind="click", element=by_name["Go"].id), obs, POLICY) == ["delete"]


def test_the_terminal_is_asked_only_when_the_policy_says_so(tmp_path: Path, monkeypatch: Any) -> None:
    import sys

    from eclair.security.human import ConsoleDesk

    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Tty())
    monkeypatch.setattr(sys, "stdout", Tty())
    task = Task(text="Save ticket 3")
    assert policy_gate(Settings(data_dir=tmp_path), task).human is None  # a benchmark in a terminal never blocks
    asking = policy_gate(Settings(data_dir=tmp_path, ask_when_unsure=True, headless=False), task)
    assert isinstance(asking.human, ConsoleDesk) and asking.human.can_take_over and asking.ask_when_unsure
