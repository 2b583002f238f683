"""observe() against real Chromium on local fixtures: ids, roles, names, states, frames, shadow DOM, budget."""

from __future__ import annotations

import re
from typing import Any

import cv2
import numpy as np

from eclair.browser import draw_set_of_marks, observe, render_text
from eclair.types import Element


def by_name(obs: Any, name: str, role: str | None = None) -> Element:
    for element in obs.elements:
        if element.name == name and (role is None or element.role == role):
            return element
    raise AssertionError(f"no element named {name!r} in:\n{obs.text}")


def test_form_elements_roles_values_states(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    obs = observe(page)
    customer = by_name(obs, "Customer", "textbox")
    assert customer.placeholder == "Company name" and "required" in customer.states
    priority = by_name(obs, "Priority", "combobox")
    assert priority.value == "Medium" and priority.options == ["Low", "Medium", "High"]
    assert "checked" in by_name(obs, "Mail", "radio").states
    assert "checked" not in by_name(obs, "Urgent", "checkbox").states
    assert "disabled" in by_name(obs, "Disabled action", "button").states
    assert by_name(obs, "Password").value == "••••"  # the real value never leaves the page
    assert f'[{customer.id}] textbox "Customer" placeholder="Company name" required' in obs.text.splitlines()
    assert obs.title == "New ticket" and obs.url.endswith("/form.html")
    assert obs.screenshot is not None and obs.screenshot.startswith(b"\x89PNG")


def test_static_text_kept_in_reading_order_and_hidden_pruned(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    lines = [re.sub(r"^\[[\w.]+\] ", "", line) for line in observe(page, screenshot=False).text.splitlines()]
    assert lines[0] == 'heading "New ticket"'
    assert lines[1] == 'text "Fill in the customer and the priority, then press Create."'
    assert 'row "T-1 | Acme | Open"' in lines
    assert lines.index('row "Ticket | Customer | Status"') < lines.index('row "T-2 | Globex | Closed"')
    text = "\n".join(lines)
    for hidden in ("Invisible button", "Invisible text", "Hidden button"):
        assert hidden not in text


def test_ids_are_stable_across_observations_and_dom_changes(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    first = {e.name: e.id for e in observe(page, screenshot=False).elements if e.role == "button"}
    page.evaluate("document.querySelector('h1').insertAdjacentHTML('afterend', '<button>Brand new</button>')")
    second = {e.name: e.id for e in observe(page, screenshot=False).elements if e.role == "button"}
    for name, element_id in first.items():
        assert second[name] == element_id
    assert second["Brand new"] not in first.values()
    ids = [e.id for e in observe(page, screenshot=False).elements]
    assert len(ids) == len(set(ids))


def test_cloned_element_gets_a_fresh_id(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    observe(page, screenshot=False)
    page.evaluate("const b = document.querySelector('#hoverme'); b.after(b.cloneNode(true))")
    ids = [e.id for e in observe(page, screenshot=False).elements if e.name == "Hover me"]
    assert len(ids) == 2 and ids[0] != ids[1]


def test_same_origin_iframe_elements_with_page_coordinates(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/frames.html")
    obs = observe(page, screenshot=False)
    inner = by_name(obs, "Search inside", "textbox")
    assert inner.frame.endswith("inner") or "frame_inner" in inner.frame
    iframe_box = page.locator("iframe").bounding_box()
    assert inner.bbox[0] >= iframe_box["x"] and inner.bbox[1] >= iframe_box["y"]
    assert page.frame(name="inner").locator(f'[data-eclair-id="{inner.id}"]').count() == 1
    text = obs.text
    assert text.index("Outer page") < text.index("Search inside") < text.index("After the frame")


def test_open_shadow_root_and_slotted_content(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/shadow.html")
    obs = observe(page, screenshot=False)
    assert by_name(obs, "Shadow name", "textbox")
    assert by_name(obs, "Shadow save", "button")
    assert "Slotted title text" in obs.text


def test_focused_element_reported(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    page.focus("#notes")
    obs = observe(page, screenshot=False)
    notes = by_name(obs, "Notes")
    assert obs.focused == notes.id and "focused" in notes.states


def test_token_budget_trims_far_away_text_before_controls(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/long.html")
    full = observe(page, screenshot=False, token_budget=100_000)
    small = observe(page, screenshot=False, token_budget=450)
    assert len(small.text) < len(full.text) and len(small.text) // 4 <= 470
    assert "Paragraph 1:" in small.text  # on screen
    assert "Bottom button" in small.text  # off screen, but a control outranks off-screen text
    assert "Paragraph 79:" not in small.text  # the farthest text goes first
    assert "left out to fit the budget" in small.text


def test_render_text_without_budget_pressure_keeps_everything() -> None:
    elements = [
        Element(id="1", role="heading", name="Orders"),
        Element(id="2", role="button", name="Save", states={"disabled", "focused"}),
    ]
    assert render_text(elements) == '[1] heading "Orders"\n[2] button "Save" disabled focused'


def test_set_of_marks_draws_boxes_on_the_screenshot(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/form.html")
    obs = observe(page)
    assert obs.screenshot is not None
    marked = draw_set_of_marks(obs.screenshot, obs.elements)
    before = cv2.imdecode(np.frombuffer(obs.screenshot, np.uint8), cv2.IMREAD_COLOR)
    after = cv2.imdecode(np.frombuffer(marked, np.uint8), cv2.IMREAD_COLOR)
    assert before.shape == after.shape
    x, y, w, h = (round(v) for v in by_name(obs, "Create", "button").bbox)
    changed = np.any(before[y : y + h + 1, x : x + w + 1] != after[y : y + h + 1, x : x + w + 1])
    assert changed


def test_cross_origin_iframe_observed_and_actionable(page: Any, fixtures_url: str) -> None:
    from eclair.browser import act
    from eclair.types import Action

    other_origin = fixtures_url.replace("127.0.0.1", "localhost")  # same server, different origin
    page.goto(f"{fixtures_url}/form.html")
    page.evaluate(
        "url => { const f = document.createElement('iframe'); f.name = 'remote'; f.src = url;"
        " f.style.height = '150px'; document.body.prepend(f); }",
        f"{other_origin}/frame_inner.html",
    )
    frame = page.locator("iframe[name=remote]").element_handle().content_frame()
    frame.wait_for_load_state()
    frame.wait_for_selector("#q")
    obs = observe(page, screenshot=False)
    inner = by_name(obs, "Search inside", "textbox")
    assert inner.id.startswith("f1.") and inner.frame == "remote"
    frame_box = page.locator("iframe[name=remote]").bounding_box()
    assert frame_box["y"] <= inner.bbox[1] <= frame_box["y"] + frame_box["height"]
    assert observe(page, screenshot=False).element(inner.id) is not None  # stable across observations
    assert act(page, Action(kind="type", element=inner.id, text="xo")).ok
    assert act(page, Action(kind="click", element=by_name(obs, "Go inside").id)).ok
    assert page.frame(name="remote").text_content("#r") == "inner clicked xo"  # type: ignore[union-attr]


def test_description_list_pairs_share_a_line() -> None:
    elements = [
        Element(id="1", role="term", name="Priority"),
        Element(id="2", role="definition", name="Medium"),
        Element(id="3", role="term", name="Status"),
        Element(id="4", role="definition", name="Open"),
    ]
    assert render_text(elements).splitlines() == [
        '[1] term "Priority" definition "Medium"',
        '[3] term "Status" definition "Open"',
    ]


def test_scripted_click_targets_are_offered_as_clickable(page: Any, fixtures_url: str) -> None:
    from eclair.browser import act
    from eclair.types import Action

    page.goto(f"{fixtures_url}/clickable.html")
    obs = observe(page, screenshot=False)
    lines = obs.text.splitlines()
    pro = by_name(obs, "Pro plan, 50 users", "clickable")
    assert f'[{pro.id}] clickable "Pro plan, 50 users"' in lines
    assert by_name(obs, "Basic plan, 5 users", "clickable")  # inline <b> does not split the card
    assert by_name(obs, "Inline handler box", "clickable") and by_name(obs, "Focusable widget", "clickable")
    assert 'text "Enterprise: call us"' in obs.text  # no pointer, no handler: plain text
    assert act(page, Action(kind="click", element=pro.id)).ok
    assert page.text_content("#out") == "chose pro"


def test_budget_keeps_what_is_on_screen_before_anything_off_screen(page: Any) -> None:
    rows = "".join(f"<tr><td>Row {i}</td><td><a href='#'>Open {i}</a></td></tr>" for i in range(400))
    page.set_content(f"<h1>Orders</h1><table>{rows}</table>")
    text = observe(page, screenshot=False, token_budget=400).text
    assert "Row 0" in text and "Open 0" in text  # on screen: text and links both kept
    assert "Row 399" not in text and "Open 399" not in text
    assert "left out to fit the budget" in text


def test_focus_inside_a_same_origin_iframe(page: Any, fixtures_url: str) -> None:
    page.goto(f"{fixtures_url}/frames.html")
    page.frame(name="inner").focus("#q")  # type: ignore[union-attr]
    obs = observe(page, screenshot=False)
    inner = by_name(obs, "Search inside", "textbox")
    assert obs.focused == inner.id and "focused" in inner.states


def test_aria_grid_rows_read_like_table_rows(page: Any) -> None:
    page.set_content(
        "<div role='grid'><div role='row'><div role='columnheader'>Invoice</div><div role='columnheader'>Total"
        "</div></div><div role='row'><div role='gridcell'>INV-7</div><div role='gridcell'>120 EUR</div></div></div>"
    )
    lines = [re.sub(r"^\[[\w.]+\] ", "", line) for line in observe(page, screenshot=False).text.splitlines()]
    assert lines == ['row "Invoice | Total"', 'row "INV-7 | 120 EUR"']
