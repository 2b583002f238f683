"""Raw DOM events → the actions a person would name (pure logic, no browser)."""

from __future__ import annotations

from eclair.demonstrations.merge import RawEvent, merge_events
from eclair.demonstrations.schema import TargetInfo

CUSTOMER = TargetInfo(
    eclair_id="2", role="textbox", name="Customer", tag="input", xpath="//*[@id='c']", input_type="text"
)
SAVE = TargetInfo(eclair_id="7", role="button", name="Save", tag="button", xpath="//*[@id='s']")
URGENT = TargetInfo(role="checkbox", name="Urgent", tag="input", xpath="//*[@id='u']", input_type="checkbox")
URGENT_LABEL = TargetInfo(role="label", name="Urgent", tag="label", xpath="/html/body/label[1]")


def events(*items: dict[str, object]) -> list[RawEvent]:
    return [RawEvent(seq=i, t=0.1 * i, **item) for i, item in enumerate(items)]  # type: ignore[arg-type]


def kinds(evs: list[RawEvent]) -> list[str]:
    return [m.action.describe() for m in merge_events(evs)]


def test_keystrokes_into_one_field_become_one_type_and_the_focus_click_folds_away() -> None:
    evs = events(
        {"type": "mousedown", "target": CUSTOMER},
        {"type": "mouseup", "target": CUSTOMER},
        {"type": "click", "target": CUSTOMER},
        *({"type": "input", "target": CUSTOMER, "value": "Acme"[: n + 1]} for n in range(4)),
        {"type": "keydown", "key": "Tab", "target": CUSTOMER},
        {"type": "change", "target": CUSTOMER, "value": "Acme"},
    )
    merged = merge_events(evs)
    assert [m.action.describe() for m in merged] == ['Type "Acme" into the textbox "Customer"']
    assert merged[0].first_seq == 0  # the before-state is the one before the focusing click


def test_mouse_down_up_without_click_event_is_still_a_click_and_submit_after_it_folds() -> None:
    evs = events(
        {"type": "mousedown", "target": SAVE},
        {"type": "mouseup", "target": SAVE},
        {"type": "submit", "target": TargetInfo(tag="form", name="Ticket")},
    )
    assert kinds(evs) == ['Click the button "Save"']
    evs = events({"type": "mousedown", "target": SAVE}, {"type": "mouseup", "target": CUSTOMER})
    assert kinds(evs) == []  # pressed on one element, released on another: no click


def test_label_click_toggling_a_checkbox_is_one_check() -> None:
    evs = events(
        {"type": "click", "target": URGENT_LABEL},
        {"type": "click", "target": URGENT},
        {"type": "input", "target": URGENT},
        {"type": "change", "target": URGENT, "checked": True},
    )
    assert kinds(evs) == ['Tick the checkbox "Urgent"']
    off = events({"type": "click", "target": URGENT}, {"type": "change", "target": URGENT, "checked": False})
    assert kinds(off) == ['Untick the checkbox "Urgent"']


def test_enter_is_kept_and_its_submit_folds_a_blur_change_is_not_a_new_type() -> None:
    evs = events(
        {"type": "input", "target": CUSTOMER, "value": "Acme"},
        {"type": "click", "target": SAVE},
        {"type": "change", "target": CUSTOMER, "value": "Acme"},  # blur commit arrives late
        {"type": "input", "target": CUSTOMER, "value": "Acme Co"},
        {"type": "keydown", "key": "Enter", "target": CUSTOMER},
        {"type": "submit", "target": TargetInfo(tag="form")},
        {"type": "keydown", "key": "a", "target": CUSTOMER},
    )
    assert kinds(evs) == [
        'Type "Acme" into the textbox "Customer"',
        'Click the button "Save"',
        'Type "Acme Co" into the textbox "Customer"',
        'Press Enter in the textbox "Customer"',
    ]


def test_loads_typed_urls_become_goto_clicked_navigations_stay_with_their_click_scrolls_merge() -> None:
    evs = events(
        {"type": "load", "url": "about:blank", "referrer": ""},
        {"type": "load", "url": "http://x/start", "referrer": ""},  # the start page
        {"type": "click", "target": SAVE},
        {"type": "load", "url": "http://x/saved", "referrer": "http://x/start"},
        {"type": "scroll", "dy": 300.0, "target": TargetInfo(tag="html")},
        {"type": "scroll", "dy": 200.0, "target": TargetInfo(tag="html")},
        {"type": "load", "url": "http://x/report", "referrer": ""},
        {"type": "load", "url": "http://x/frame", "referrer": "", "top": False},
    )
    merged = merge_events(evs)
    assert [m.action.describe() for m in merged] == ['Click the button "Save"', "Scroll down", "Go to http://x/report"]
    assert merged[1].action.dy == 500.0
    assert merged[0].last_seq == 3  # the navigation it caused belongs to the click


def test_select_change_is_one_select_and_secret_flag_travels() -> None:
    priority = TargetInfo(role="combobox", name="Priority", tag="select", xpath="//*[@id='p']")
    password = TargetInfo(role="textbox", name="Password", tag="input", xpath="//*[@id='pw']", input_type="password")
    evs = events(
        {"type": "click", "target": priority},
        {"type": "input", "target": priority, "value": "High"},
        {"type": "change", "target": priority, "value": "High"},
        {"type": "input", "target": password, "value": "{{password}}", "secret": True},
    )
    merged = merge_events(evs)
    assert [m.action.describe() for m in merged] == [
        'Select "High" in the combobox "Priority"',
        'Type "{{password}}" into the textbox "Password"',
    ]
    assert merged[1].action.secret
