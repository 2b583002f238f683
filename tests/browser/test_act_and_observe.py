"""act_and_observe(): the observation after an action, taken by the settle wait in the same browser call once the
tab is quiet (a navigation's new document included), and by a fresh snapshot when the agent is on another tab."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from eclair.browser import act, act_and_observe, current_page, observe
from eclair.browser.waits import watch_mutations
from eclair.types import Action

from .test_act import element_id

observe_module = sys.modules["eclair.browser.observe"]


@pytest.fixture
def snapshots(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The frames observe() had to snapshot itself (the real function still runs)."""
    taken: list[str] = []
    real = observe_module._snapshot_frame

    def counting(frame: Any, **kwargs: Any) -> Any:
        taken.append(kwargs["label"] or "main")
        return real(frame, **kwargs)

    monkeypatch.setattr(observe_module, "_snapshot_frame", counting)
    return taken


def test_same_document_action_observes_in_the_settle_call(page: Any, fixtures_url: str, snapshots: list[str]) -> None:
    page.goto(f"{fixtures_url}/dynamic.html")
    load = element_id(page, "Load")
    snapshots.clear()
    result, current, after = act_and_observe(page, Action(kind="click", element=load))
    assert result.ok and current is page
    assert snapshots == []  # the main frame's snapshot came back with the settle wait
    assert "loaded 400" in after.text  # taken once the request and its DOM update were done
    again = observe(page, screenshot=False)
    assert [(e.id, e.role, e.name) for e in after.elements] == [(e.id, e.role, e.name) for e in again.elements]
    assert after.text == again.text


def test_chained_timers_finish_before_the_snapshot(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/dynamic.html")
    _, _, after = act_and_observe(page, Action(kind="click", element=element_id(page, "Chain")))
    assert "step 2" in after.text


def test_navigation_is_observed_in_the_new_document(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/dynamic.html")
    link = element_id(page, "Go to form", "link")
    result, current, after = act_and_observe(page, Action(kind="click", element=link))
    assert result.ok and result.url_changed and current is page
    assert after.title == "New ticket" and after.url.endswith("/form.html")
    assert any(e.name == "Customer" for e in after.elements)
    customer = next(e.id for e in after.elements if e.name == "Customer" and e.role == "textbox")
    assert act(page, Action(kind="type", element=customer, text="Acme")).ok  # its ids are stamped in the page
    assert page.input_value("#customer") == "Acme"


def test_a_new_tab_is_observed_and_returned(page: Any, fixtures_url: str, snapshots: list[str]) -> None:
    page.goto(f"{fixtures_url}/tabs.html")
    opener = element_id(page, "Open form in new tab")
    snapshots.clear()
    result, current, after = act_and_observe(page, Action(kind="click", element=opener))
    assert result.ok and result.new_tab
    assert current is current_page(page.context) and current is not page
    assert snapshots == ["main"]  # the opener's settle snapshot is not the new tab's
    assert after.title == "New ticket" and after.tabs == ["Tabs home", "New ticket"]


def test_a_done_action_still_observes(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    result, current, after = act_and_observe(page, Action(kind="done"))
    assert result.ok and current is page and after.title == "New ticket"


def test_the_watch_reads_a_native_selects_options(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    priority = element_id(page, "Priority", "combobox")
    watch = watch_mutations(page, priority)
    assert watch.count == 1
    assert watch.options is not None and ["high", "High"] in watch.options
    customer = watch_mutations(page, element_id(page, "Customer", "textbox"))
    assert customer.count == 1 and customer.options is None
    # the options are read at action time: one added after the observation can be chosen at once
    page.evaluate("() => document.querySelector('#priority').add(new Option('Critical', 'crit'))")
    assert act(page, Action(kind="select", element=priority, text="critical")).ok
    assert page.input_value("#priority") == "crit"


def test_the_snapshot_installs_once_and_a_page_cannot_replace_it(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    name = observe_module._INSTALLED
    assert page.evaluate(f"() => typeof window.{name}") == "undefined"
    first = observe(page, screenshot=False)
    assert page.evaluate(f"() => typeof window.{name}") == "function"
    page.evaluate(f"() => {{ try {{ window.{name} = () => '{{\"elements\": []}}'; }} catch (e) {{}} }}")
    again = observe(page, screenshot=False)
    assert [e.id for e in again.elements] == [e.id for e in first.elements] and again.elements
    page.reload()  # a new document has none until its first observation
    assert page.evaluate(f"() => typeof window.{name}") == "undefined"
    assert [e.name for e in observe(page, screenshot=False).elements] == [e.name for e in first.elements]
