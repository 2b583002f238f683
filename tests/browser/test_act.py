"""act() against real Chromium: each action kind's effect is read back from the page."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

from eclair.browser import act, current_page, observe
from eclair.types import Action


def element_id(page: Any, name: str, role: str | None = None) -> str:
    obs = observe(page, screenshot=False)
    for element in obs.elements:
        if element.name == name and (role is None or element.role == role):
            return element.id
    raise AssertionError(f"no {name!r} in:\n{obs.text}")


def test_type_clears_first_and_enter_submits(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    customer = element_id(page, "Customer", "textbox")
    assert act(page, Action(kind="type", element=customer, text="Old")).ok
    result = act(page, Action(kind="type", element=customer, text="Acme", enter=True))
    assert result.ok and result.located_by == "id"
    assert page.input_value("#customer") == "Acme"
    assert page.text_content("#status") == "Created ticket for Acme (med)"


def test_select_by_label_value_and_case(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    priority = element_id(page, "Priority", "combobox")
    assert act(page, Action(kind="select", element=priority, text="High")).ok
    assert page.input_value("#priority") == "high"
    assert act(page, Action(kind="select", element=priority, text="low")).ok
    assert page.input_value("#priority") == "low"
    bad = act(page, Action(kind="select", element=priority, text="Urgent"))
    assert not bad.ok and "Low, Medium, High" in (bad.error or "")


def test_check_uncheck_and_radio(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    urgent = element_id(page, "Urgent", "checkbox")
    assert act(page, Action(kind="check", element=urgent)).ok
    assert page.is_checked("#urgent")
    assert act(page, Action(kind="check", element=urgent, checked=False)).ok
    assert not page.is_checked("#urgent")
    assert act(page, Action(kind="check", element=element_id(page, "Phone", "radio"))).ok
    assert page.is_checked("#phone") and not page.is_checked("#mail")


def test_click_hover_press(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    assert act(page, Action(kind="hover", element=element_id(page, "Hover me"))).ok
    assert page.text_content("#hoverme") == "Hovered"
    act(page, Action(kind="type", element=element_id(page, "Customer"), text="Initech"))
    assert act(page, Action(kind="click", element=element_id(page, "Create"))).ok
    assert page.text_content("#status") == "Created ticket for Initech (med)"
    assert act(page, Action(kind="press", key="Control+b")).ok
    assert "Ctrl+b" in (page.text_content("#keys") or "")
    notes = element_id(page, "Notes")
    assert act(page, Action(kind="press", element=notes, key="x")).ok
    assert page.input_value("#notes") == "x"


def test_errors_are_values(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    missing = act(page, Action(kind="click", element="9999"))
    assert not missing.ok and "observe again" in (missing.error or "")
    disabled = act(page, Action(kind="click", element=element_id(page, "Disabled action")))
    assert not disabled.ok and "disabled" in (disabled.error or "") and disabled.duration_ms < 2000
    not_text = act(page, Action(kind="type", element=element_id(page, "Ticket", "columnheader"), text="x"))
    assert not not_text.ok and "not a text field" in (not_text.error or "")
    bad_key = act(page, Action(kind="press", key="NoSuchKey"))
    assert not bad_key.ok
    bad_id = act(page, Action(kind="click", element='1"] , body'))
    assert not bad_id.ok and "not an element id" in (bad_id.error or "")


def test_fallback_to_role_and_name_when_the_id_is_gone(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    page.fill("#customer", "Acme")
    create = element_id(page, "Create", "button")
    page.evaluate("document.querySelectorAll('[data-eclair-id]').forEach(e => e.removeAttribute('data-eclair-id'))")
    result = act(page, Action(kind="click", element=create))
    assert result.ok and result.located_by == "role"
    assert (page.text_content("#status") or "").startswith("Created ticket")


def test_fallback_to_bbox_when_role_and_name_do_not_match(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    hover = element_id(page, "Hover me")
    page.evaluate(
        "const b = document.querySelector('#hoverme'); b.removeAttribute('data-eclair-id');"
        "b.onmouseover = null; b.textContent = 'Renamed'; b.onclick = () => b.textContent = 'Clicked'"
    )
    result = act(page, Action(kind="click", element=hover))
    assert result.ok and result.located_by == "bbox"
    assert page.text_content("#hoverme") == "Clicked"


def test_goto_and_navigation_wait(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/dynamic.html")
    result = act(page, Action(kind="click", element=element_id(page, "Go to form", "link")))
    assert result.ok and result.url_changed and page.url.endswith("/form.html")
    assert page.title() == "New ticket"
    assert act(page, Action(kind="goto", url=f"{fixtures_url}/tabs.html")).ok and page.title() == "Tabs home"
    not_found = act(page, Action(kind="goto", url=f"{fixtures_url}/missing.html"))
    assert not not_found.ok and "404" in (not_found.error or "")
    scheme = act(page, Action(kind="goto", url="javascript:alert(1)"))
    assert not scheme.ok and "http" in (scheme.error or "")


def test_network_wait_sees_fetch_result(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/dynamic.html")
    assert act(page, Action(kind="click", element=element_id(page, "Load"))).ok
    assert page.text_content("#out") == "loaded 400"  # settle waited for the request and the DOM update


def test_wait_for_text_and_timeout(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/dynamic.html")
    act(page, Action(kind="click", element=element_id(page, "Later")))
    assert act(page, Action(kind="wait", text="Late button", seconds=5)).ok
    assert "Late button" in observe(page, screenshot=False).text
    missing = act(page, Action(kind="wait", text="Never shows", seconds=0.5))
    assert not missing.ok and "did not appear" in (missing.error or "")
    assert act(page, Action(kind="wait", seconds=0.1)).ok


def test_custom_listbox_and_contenteditable(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/dynamic.html")
    assert act(page, Action(kind="select", element=element_id(page, "Colour", "listbox"), text="Blue")).ok
    assert page.text_content("#out") == "picked Blue"
    # An open suggestion list that closes once an option is clicked: the wanted option is clicked inside it.
    suggestions = element_id(page, "Company suggestions", "listbox")
    picked = act(page, Action(kind="select", element=suggestions, text="Gamma"))
    assert picked.ok, picked.error
    assert page.input_value("#company") == "Gamma"
    note = element_id(page, "Rich note", "textbox")
    assert act(page, Action(kind="type", element=note, text="hello")).ok
    assert page.inner_text("[contenteditable]") == "hello"


def test_scroll_page_and_element(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/long.html")
    assert act(page, Action(kind="scroll", direction="down", amount=500)).ok
    assert page.evaluate("scrollY") == 500
    box = next(e.id for e in observe(page, screenshot=False).elements if e.name == "inner scroll area")
    assert act(page, Action(kind="scroll", element=box, amount=200)).ok
    assert page.evaluate("document.getElementById('box').scrollTop") == 200
    act(page, Action(kind="scroll", direction="up", amount=5000))
    stuck = act(page, Action(kind="scroll", direction="up", amount=100))
    assert not stuck.ok and "already at the end" in (stuck.error or "")


def test_click_far_below_the_fold_scrolls_into_view(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/long.html")
    assert act(page, Action(kind="click", element=element_id(page, "Bottom button"))).ok
    assert page.text_content("#end") == "bottom clicked"


@pytest.mark.parametrize(("policy", "expected"), [("accept", "confirmed"), ("dismiss", "cancelled")])
def test_dialog_policy(page: Any, fixtures_url: str, policy: str, expected: str) -> None:
    page.goto(f"{fixtures_url}/dialogs.html")
    result = act(page, Action(kind="click", element=element_id(page, "Delete")), dialog_policy=policy)
    assert result.ok and result.dialog == "confirm: Delete ticket?"
    assert page.text_content("#out") == expected
    assert observe(page, screenshot=False).dialog == "confirm: Delete ticket?"


def test_alert_does_not_block(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/dialogs.html")
    result = act(page, Action(kind="click", element=element_id(page, "Alert")))
    assert result.dialog == "alert: Saved!" and page.text_content("#out") == "after alert"


def test_frames_and_shadow_dom_actions(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/frames.html")
    assert act(page, Action(kind="type", element=element_id(page, "Search inside"), text="inv")).ok
    assert act(page, Action(kind="click", element=element_id(page, "Go inside"))).ok
    assert page.frame(name="inner").text_content("#r") == "inner clicked inv"
    page.goto(f"{fixtures_url}/shadow.html")
    assert act(page, Action(kind="type", element=element_id(page, "Shadow name"), text="Zed")).ok
    assert act(page, Action(kind="click", element=element_id(page, "Shadow save"))).ok
    assert page.text_content("#out") == "saved Zed"


def test_new_tab_and_tab_ops(page: Any, fixtures_url: str) -> None:
    context = page.context
    page.goto(f"{fixtures_url}/tabs.html")
    result = act(page, Action(kind="click", element=element_id(page, "Open form in new tab")))
    assert result.ok and result.new_tab
    tab = current_page(context)
    assert tab is not page and tab.title() == "New ticket"
    assert observe(tab, screenshot=False).tabs == ["Tabs home", "New ticket"]
    assert act(tab, Action(kind="tab", tab_op="switch", index=0)).ok
    assert current_page(context) is page
    assert act(page, Action(kind="tab", tab_op="close", index=1)).ok
    assert len(context.pages) == 1
    opened = act(page, Action(kind="tab", tab_op="open", url=f"{fixtures_url}/long.html"))
    assert opened.ok and current_page(context).title() == "Long page"
    popup = act(page, Action(kind="click", element=element_id(page, "Popup")))
    assert popup.new_tab and current_page(context).url.endswith("/long.html")
    bad = act(page, Action(kind="tab", tab_op="switch", index=9))
    assert not bad.ok and "no tab 9" in (bad.error or "")


def test_upload_direct_and_through_a_file_chooser(page: Any, fixtures_url: str, tmp_path: Path) -> None:
    upload = tmp_path / "invoice.pdf"
    upload.write_bytes(b"%PDF-1.4 test")
    page.goto(f"{fixtures_url}/files.html")
    assert act(page, Action(kind="upload", element=element_id(page, "Attachment"), files=[str(upload)])).ok
    assert page.text_content("#picked") == "picked invoice.pdf"
    chooser = act(page, Action(kind="upload", element=element_id(page, "Choose file"), files=[str(upload)]))
    assert chooser.ok and page.text_content("#picked") == "chooser invoice.pdf"
    missing = act(page, Action(kind="upload", element=element_id(page, "Attachment"), files=["/nope/x.pdf"]))
    assert not missing.ok and "not found" in (missing.error or "")


def test_downloads_saved_under_downloads_dir(page: Any, fixtures_url: str, tmp_path: Path) -> None:
    page.goto(f"{fixtures_url}/files.html")
    result = act(page, Action(kind="click", element=element_id(page, "Download report")))
    assert result.ok and result.download == "downloads/report.csv"
    assert (tmp_path / "downloads" / "report.csv").read_text() == "id,customer\n1,Acme\n"
    other = tmp_path / "run" / "files"
    notes = act(page, Action(kind="click", element=element_id(page, "Download notes")), downloads_dir=other)
    assert notes.download == "files/notes.txt" and (other / "notes.txt").read_text() == "plain notes\n"


def test_done_and_ask_human_touch_nothing(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    for action in (Action(kind="done", text="42"), Action(kind="ask_human", text="Which Acme?")):
        result = act(page, action)
        assert result.ok and result.located_by == "page" and not result.url_changed


def test_goto_a_file_url_saves_the_download(page: Any, fixtures_url: str, tmp_path: Path) -> None:
    page.goto(f"{fixtures_url}/files.html")
    result = act(page, Action(kind="goto", url=f"{fixtures_url}/api/report.csv"))
    assert result.ok and result.download == "downloads/report.csv"
    assert page.title() == "Files"  # the page stays where it was


def test_modal_dialog_hides_the_blocked_page_controls(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/dialogs.html")
    assert "Confirm" not in observe(page, screenshot=False).text  # closed dialog: not shown
    assert act(page, Action(kind="click", element=element_id(page, "Change status"))).ok
    text = observe(page, screenshot=False).text
    assert "Set the ticket to Closed?" in text and 'button "Confirm"' in text
    assert 'button "Delete"' not in text  # blocked by the modal
    assert act(page, Action(kind="click", element=element_id(page, "Confirm"))).ok
    assert page.text_content("#out") == "closed"
    assert 'button "Delete"' in observe(page, screenshot=False).text


def test_ask_policy_dismisses_and_reports_the_dialog(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/dialogs.html")
    result = act(page, Action(kind="click", element=element_id(page, "Delete")), dialog_policy="ask")
    assert result.dialog == "confirm: Delete ticket?" and page.text_content("#out") == "cancelled"


def test_settle_waits_for_chained_timer_updates(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/dynamic.html")
    assert act(page, Action(kind="click", element=element_id(page, "Chain"))).ok
    assert 'text "step 2"' in observe(page, screenshot=False).text


def test_a_timer_that_fired_before_the_wait_began_still_earns_a_quiet_turn(
    page: Any, fixtures_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A slow machine: the click's first timer ("step 1", which sets a 5 ms one for "step 2") fires in the gap
    # between the click returning and the settle wait starting. Before, the wait saw no change of its own and
    # returned at "step 1" about one time in seven.
    act_module = sys.modules["eclair.browser.act"]
    real = act_module.settle
    monkeypatch.setattr(act_module, "settle", lambda *a, **k: (time.sleep(0.008), real(*a, **k))[1])
    for _ in range(10):
        page.goto(f"{fixtures_url}/dynamic.html")
        assert act(page, Action(kind="click", element=element_id(page, "Chain"))).ok
        assert page.text_content("#out") == "step 2"


def test_an_open_long_poll_does_not_stall_later_actions(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/dynamic.html")
    first = act(page, Action(kind="click", element=element_id(page, "Start long poll")))
    assert first.ok and 2900 <= first.duration_ms < 6000, first  # its own request: waited for, up to the 3 s cap
    result = act(page, Action(kind="click", element=element_id(page, "Chain")))
    assert result.ok and result.duration_ms < 2500, result  # the poll that was already open is not this click's
    assert page.text_content("#out") == "step 2"


def test_hover_and_wait_for_an_element(page: Any) -> None:
    page.set_content(
        "<button id='sub' hidden onclick=\"this.textContent = 'Exported'\">Export</button>"
        "<div tabindex='0' onmouseenter='this.textContent = \"Hovered\"'>Hover target</div>"
    )
    target = element_id(page, "Hover target")
    assert act(page, Action(kind="hover", element=target)).ok
    assert "Hovered" in observe(page, screenshot=False).text
    page.evaluate("document.getElementById('sub').hidden = false")
    export = element_id(page, "Export")
    page.evaluate("document.getElementById('sub').hidden = true")
    page.evaluate("setTimeout(() => document.getElementById('sub').hidden = false, 300)")
    assert act(page, Action(kind="wait", element=export, seconds=5)).ok
    assert act(page, Action(kind="click", element=export)).ok
    assert page.text_content("#sub") == "Exported"


def test_settle_waits_for_requests_inside_a_same_origin_iframe(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/frames.html")
    assert act(page, Action(kind="click", element=element_id(page, "Load inside"))).ok
    assert 'text "inner loaded"' in observe(page, screenshot=False).text
