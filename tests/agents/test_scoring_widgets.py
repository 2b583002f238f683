"""Widget priors of the scoring agent: a date picker's calendar, autocomplete suggestions, ranked offers."""

from __future__ import annotations

from agents.scoring_agent.fields import pairing
from agents.scoring_agent.priors import pending, state_prior
from agents.scoring_agent.widgets import (
    awaits_suggestions,
    calendar_target,
    ranked_target,
    stale_days,
    suggestions,
    widget_prior,
    widget_targets,
)
from eclair.types import Action, ActionResult, Candidate, Decision, Element, Observation, StepRecord


def _page(*elements: Element) -> Observation:
    return Observation(url="http://x/", elements=list(elements))


def _calendar(title: str) -> Observation:
    days = [Element(id=f"d{n}", role="link", name=str(n), tag="a") for n in range(1, 32)]
    return _page(
        Element(id="prev", role="link", name="Prev", tag="a"),
        Element(id="next", role="link", name="Next", tag="a"),
        Element(id="title", role="text", name=title, tag="div"),
        *days,
    )


def test_the_calendar_walks_to_the_task_month_then_picks_the_day() -> None:
    assert calendar_target(_calendar("December 2016"), ["12/23/2016"]) == "d23"
    assert widget_targets("on 10/09/2016", _calendar("October 2016"), ["10/09/2016"]) == {"d9"}  # kept in pruning
    assert calendar_target(_calendar("December 2016"), ["10/05/2016"]) == "prev"
    assert calendar_target(_calendar("March 2015"), ["2016-01-02"]) == "next"
    assert calendar_target(_calendar("December 2016"), ["Anvik"]) is None  # no date in the task
    assert calendar_target(_page(Element(id="t", role="text", name="December 2016")), ["12/23/2016"]) is None


def _typed(before: Observation, text: str) -> StepRecord:
    return StepRecord(
        index=0,
        observation=before,
        result=ActionResult(ok=True),
        decision=Decision(action=Action(kind="type", element="to", text=text), completion="c", prompt="p"),
    )


def test_suggestions_that_appear_for_what_was_just_typed_come_first() -> None:
    form = _page(Element(id="to", role="textbox", name="To:", tag="input"))
    shown = _page(
        *form.elements,
        Element(id="s1", role="clickable", name="Minot, ND (MOT)", tag="li"),
        Element(id="s2", role="clickable", name="Moab, UT (CNY)", tag="li"),
        Element(id="t", role="text", name="1 result is available", tag="div"),
    )
    assert suggestions(shown, [_typed(form, "MOT")]) == {"s1"}
    assert suggestions(shown, [_typed(shown, "MOT")]) == set()  # not new: no list opened by the typing
    assert suggestions(shown, []) == set()


def _offers() -> Observation:
    els: list[Element] = []
    for n, (duration, price) in enumerate([("17h 47m", 220), ("1h 45m", 482), ("16h 28m", 119)]):
        els.append(Element(id=f"t{n}", role="text", name="3:23 PM", tag="div"))
        els.append(Element(id=f"d{n}", role="text", name=duration, tag="div"))
        els.append(Element(id=f"b{n}", role="button", name=f"Book flight for ${price}", tag="button"))
    return _page(Element(id="back", role="button", name="Back", tag="button"), *els)


def test_the_offer_the_task_ranks_first_is_the_target() -> None:
    assert ranked_target("Book the cheapest one-way flight from: A to: B.", _offers()) == "b2"
    assert ranked_target("Book the shortest one-way flight from: A to: B.", _offers()) == "b1"
    assert ranked_target("Book a flight from: A to: B.", _offers()) is None


def test_a_date_goes_in_the_date_field_and_a_read_only_one_is_opened_by_a_click() -> None:
    task = "Book the cheapest one-way flight from: Anvik, AK to: MOT on 12/23/2016."
    assert pairing(task, "12/23/2016", "Departure Date", ["12/23/2016", "Anvik", "MOT"]) == 1
    box = Element(id="1", role="textbox", name="Departure Date", tag="input", states={"readonly"})
    search = Element(id="2", role="button", name="Search", tag="button")
    page = _page(box, search)
    todo = pending(task, page, [], ["12/23/2016"])
    assert todo == ["Departure Date"]
    click = Candidate(action=Action(kind="click", element="1"), text="click")
    assert state_prior(task, page, [], click, ["12/23/2016"], todo, 2.0) == 2.0
    submit = Candidate(action=Action(kind="click", element="2"), text="click")
    assert state_prior(task, page, [], submit, ["12/23/2016"], todo, 2.0) < 0


def _waited(obs: Observation) -> StepRecord:
    return StepRecord(
        index=1,
        observation=obs,
        result=ActionResult(ok=True),
        decision=Decision(action=Action(kind="wait", seconds=0.6), completion="wait", prompt=""),
    )


def test_after_typing_into_a_suggesting_field_the_agent_waits_once_for_the_list() -> None:
    field = Element(id="to", role="textbox", name="To:", tag="input", states={"autocomplete"})
    typed = [_typed(_page(field), "MOT")]
    assert awaits_suggestions(_page(field), typed)
    assert not awaits_suggestions(_page(field), [*typed, _waited(_page(field))])  # once
    plain = Element(id="to", role="textbox", name="To:", tag="input")
    assert not awaits_suggestions(_page(plain), [_typed(_page(plain), "MOT")])
    shown = _page(field, Element(id="s1", role="clickable", name="Minot, ND (MOT)", tag="li"))
    assert suggestions(shown, [*typed, _waited(_page(field))]) == {"s1"}  # the list that came after the wait


def test_a_calendar_is_done_once_a_field_shows_the_date_and_other_days_are_unlikely() -> None:
    cal = _calendar("October 2016")
    assert calendar_target(cal, ["10/16/2016"]) == "d16"
    filled = _page(Element(id="f", role="textbox", name="Date", tag="input", value="10/16/2016"), *cal.elements)
    assert calendar_target(filled, ["10/16/2016"]) is None
    closing = Candidate(action=Action(kind="click", element="d16"), text="click")  # the picker fading out
    assert widget_prior("on 10/16/2016", filled, closing, ["10/16/2016"], 2.0) == -4.0
    assert len(stale_days(filled, ["10/16/2016"])) == 31 and stale_days(cal, ["10/16/2016"]) == set()
    december = _calendar("December 2016")
    day = Candidate(action=Action(kind="click", element="d16"), text="click")
    prev = Candidate(action=Action(kind="click", element="prev"), text="click")
    assert widget_prior("on 10/16/2016", december, day, ["10/16/2016"], 2.0) == -4.0
    assert widget_prior("on 10/16/2016", december, prev, ["10/16/2016"], 2.0) == 4.0


def test_the_fragment_an_item_starts_with_is_typed_first() -> None:
    task = 'Enter an item that starts with "Gui" and ends with "sau".'
    page = _page(Element(id="1", role="textbox", name="Tags:", tag="input"))
    start = Candidate(action=Action(kind="type", element="1", text="Gui"), text="t")
    end = Candidate(action=Action(kind="type", element="1", text="sau"), text="t")
    assert state_prior(task, page, [], start, ["Gui", "sau"], [], 2.0) == 4.0
    assert state_prior(task, page, [], end, ["Gui", "sau"], [], 2.0) == 0.0
