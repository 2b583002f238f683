"""Each rule validator on real before/after pages in Chromium: one case where the step worked, one where not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from eclair.critics.rules import (
    ChangeRule,
    NoNewErrorRule,
    NoRepeatRule,
    PageLoadedRule,
    SelectCheckRule,
    TypedValueRule,
)
from eclair.types import Action, ActionResult, Decision, Element, Observation, StepRecord

from .conftest import SITE

pytestmark = pytest.mark.slow

PageWith = Callable[..., Any]


def run_step(page: Any, **action_fields: Any) -> tuple[Observation, Action, ActionResult, Observation]:
    """Observe, act, observe again; `element` may be given as a name to look up in the before-observation."""
    from eclair.browser import act, observe

    before = observe(page)
    name = action_fields.pop("named", None)
    if name is not None:
        action_fields["element"] = next(e.id for e in before.elements if e.name.startswith(name))
    action = Action(**action_fields)
    result = act(page, action)
    return before, action, result, observe(page)


def verdict_of(rule: Any, page: Any, history: list[StepRecord] | None = None, **action_fields: Any) -> Any:
    before, action, result, after = run_step(page, **action_fields)
    return rule.check_step(before, action, after, "", result=result, history=history or [])


FIELD = '<label>Customer <input id="c" {extra}></label>'


def test_typed_value_in_field(page_with: PageWith) -> None:
    page = page_with(FIELD.format(extra=""))
    v = verdict_of(TypedValueRule(), page, kind="type", named="Customer", text="Acme Corp")
    assert v.label == "pass" and v.score >= 0.9, v


def test_typed_value_lost(page_with: PageWith) -> None:
    page = page_with(FIELD.format(extra="oninput=\"this.value=''\""))  # a field that throws input away
    v = verdict_of(TypedValueRule(), page, kind="type", named="Customer", text="Acme Corp")
    assert v.label == "fail", v
    assert "Acme Corp" in v.reason


SELECT = (
    '<label>Priority <select onchange="{js}"><option>Low</option><option>Medium</option>'
    "<option>High</option></select></label>"
)


def test_select_took_effect(page_with: PageWith) -> None:
    page = page_with(SELECT.format(js=""))
    v = verdict_of(SelectCheckRule(), page, kind="select", named="Priority", text="High")
    assert v.label == "pass", v


def test_select_reverted(page_with: PageWith) -> None:
    page = page_with(SELECT.format(js="this.selectedIndex=0"))  # the app snaps back to Low
    v = verdict_of(SelectCheckRule(), page, kind="select", named="Priority", text="High")
    assert v.label == "fail" and "Low" in v.reason, v


def test_check_took_effect(page_with: PageWith) -> None:
    page = page_with('<label><input type="checkbox"> Urgent</label>')
    v = verdict_of(SelectCheckRule(), page, kind="check", named="Urgent", checked=True)
    assert v.label == "pass", v


def test_check_prevented(page_with: PageWith) -> None:
    page = page_with('<label><input type="checkbox" onclick="return false"> Urgent</label>')
    v = verdict_of(SelectCheckRule(), page, kind="check", named="Urgent", checked=True)
    assert v.label == "fail", v


def test_click_changed_page(page_with: PageWith) -> None:
    page = page_with(
        "<button onclick=\"document.getElementById('out').textContent='Ticket T-17 created'\">Create</button>"
        '<p id="out"></p>'
    )
    v = verdict_of(ChangeRule(), page, kind="click", named="Create")
    assert v.label == "pass" and "DOM" in v.reason, v


def test_click_navigation_is_a_change(page_with: PageWith) -> None:
    page = page_with(f'<a href="{SITE}/next">Next page</a>')
    v = verdict_of(ChangeRule(), page, kind="click", named="Next page")
    assert v.label == "pass" and "URL" in v.reason, v


def test_dead_click_is_unsure_not_fail(page_with: PageWith) -> None:
    page = page_with("<p>Some text here</p><button>Does nothing</button>")
    v = verdict_of(ChangeRule(), page, kind="click", named="Does nothing")
    assert v.label == "unsure" and "no visible effect" in v.reason, v


def test_canvas_pixels_count_as_change(page_with: PageWith) -> None:
    # only pixels change (no DOM text), so the visual diff has to see it
    page = page_with(
        '<canvas id="cv" width="300" height="100"></canvas><button onclick="'
        "document.getElementById('cv').getContext('2d').fillRect(0,0,300,100)\">Draw</button>"
    )
    v = verdict_of(ChangeRule(), page, kind="click", named="Draw")
    assert v.label == "pass" and "pixels" in v.reason, v


def test_pixels_are_asked_for_only_when_nothing_cheaper_shows_a_change(page_with: PageWith) -> None:
    from eclair.browser import observe

    rule = ChangeRule()
    page = page_with(
        '<canvas id="cv" width="300" height="100"></canvas><button onclick="'
        "document.getElementById('cv').getContext('2d').fillRect(0,0,300,100)\">Draw</button>"
        "<button onclick=\"document.getElementById('out').textContent='Saved'\">Write</button><p id=\"out\"></p>"
    )
    before, action, result, after = run_step(page, kind="click", named="Draw")
    assert rule.needs_pixels(before, action, after.model_copy(update={"screenshot": None}), result)
    before, action, result, after = run_step(page, kind="click", named="Write")
    assert not rule.needs_pixels(before, action, after, result)  # the DOM changed: no capture needed
    text_only = observe(page, screenshot=False)
    assert rule.evaluate(before, action, text_only, result, []).label == "pass"


def test_goto_reached(page_with: PageWith) -> None:
    page = page_with("<p>start</p>")
    assert verdict_of(ChangeRule(), page, kind="goto", url=f"{SITE}/other").label == "pass"


def _history(obs: Observation, *actions: Action) -> list[StepRecord]:
    return [
        StepRecord(index=i, observation=obs, decision=Decision(action=a), result=ActionResult(ok=True))
        for i, a in enumerate(actions)
    ]


def test_no_repeat(page_with: PageWith) -> None:
    page = page_with("<button>Go</button><input aria-label='Name'>")  # a button that does nothing invites loops
    from eclair.browser import observe

    obs = observe(page)
    go = next(e.id for e in obs.elements if e.name == "Go")
    name = next(e.id for e in obs.elements if e.name == "Name")
    fresh = _history(obs, Action(kind="type", element=name, text="x"))
    assert verdict_of(NoRepeatRule(), page, fresh, kind="click", element=go).label == "pass"
    looping = _history(obs, Action(kind="click", element=go), Action(kind="click", element=go))
    v = verdict_of(NoRepeatRule(), page, looping, kind="click", element=go)
    assert v.label == "fail" and v.score <= 0.1, v


def test_page_loaded(page_with: PageWith) -> None:
    page = page_with(f'<a href="{SITE}/done">Open</a>', **{"/done": "<h1>Report</h1><p>All figures ready.</p>"})
    assert verdict_of(PageLoadedRule(), page, kind="click", named="Open").label == "pass"


def test_page_still_loading(page_with: PageWith) -> None:
    page = page_with(
        f'<a href="{SITE}/slow">Open</a>', **{"/slow": '<h1>Report</h1><p>Loading...</p><div role="progressbar"></div>'}
    )
    v = verdict_of(PageLoadedRule(), page, kind="click", named="Open")
    assert v.label == "fail" and "loading" in v.reason, v


VALIDATING_FORM = """
<label>Email <input id="e" aria-label="Email"></label>
<button onclick="
  const e = document.getElementById('e');
  const ok = e.value.includes('@');
  e.setAttribute('aria-invalid', ok ? 'false' : 'true');
  document.getElementById('msg').textContent = ok ? 'Profile saved' : 'Email is invalid';">Save</button>
<p id="msg"></p>
"""


def test_no_new_error_after_valid_submit(page_with: PageWith) -> None:
    page = page_with(VALIDATING_FORM)
    page.fill("#e", "dana@example.com")
    assert verdict_of(NoNewErrorRule(), page, kind="click", named="Save").label == "pass"


def test_new_validation_error(page_with: PageWith) -> None:
    page = page_with(VALIDATING_FORM)
    page.fill("#e", "not an email")
    v = verdict_of(NoNewErrorRule(), page, kind="click", named="Save")
    assert v.label == "fail" and "invalid" in v.reason.lower(), v


def test_rules_without_browser_edge_cases() -> None:
    """Masked password values are not compared; a vanished field after Enter is not a failure."""
    before = Observation(url=f"{SITE}/", elements=[Element(id="p", role="textbox", name="Password", value="")])
    masked = Observation(url=f"{SITE}/", elements=[Element(id="p", role="textbox", name="Password", value="••••")])
    typed = Action(kind="type", element="p", text="hunter2")
    assert TypedValueRule().check_step(before, typed, masked).label == "unsure"
    gone = Observation(url=f"{SITE}/home", elements=[Element(id="h", role="heading", name="Home")])
    enter = Action(kind="type", element="p", text="hunter2", enter=True)
    assert TypedValueRule().check_step(before, enter, gone).label == "unsure"
