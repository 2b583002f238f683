"""Record priors of the scoring agent: the list row showing the task's record, staying on its page (no model)."""

from __future__ import annotations

from agents.scoring_agent.candidates import enumerate_candidates
from agents.scoring_agent.records import commit_button, record_in_view, record_prior, record_targets
from eclair.types import Action, ActionResult, Candidate, Decision, Element, Observation, StepRecord, Task


def _row(y: float, link: str, *cells: str, base: int = 10) -> list[Element]:
    els = [Element(id=str(base), role="link", name=link, tag="a", bbox=(20, y, 60, 16))]
    els += [
        Element(id=str(base + i + 1), role="cell", name=c, tag="td", bbox=(100 + 100 * i, y, 90, 16))
        for i, c in enumerate(cells)
    ]
    return els


def _list_page() -> Observation:
    return Observation(
        url="http://x/patients",
        title="Find patient · App",
        elements=[
            Element(id="1", role="link", name="Patients", tag="a", bbox=(10, 10, 60, 16)),
            Element(id="2", role="heading", name="Find patient", tag="h1", bbox=(10, 60, 300, 26)),
            *_row(120, "Abara, Omar", "Omar", "1979-06-24", base=10),
            *_row(140, "Abara, Omar", "Omar", "1967-02-17", base=20),
            *_row(160, "Brennan, Kofi", "Kofi", "1960-11-09", base=30),
        ],
    )


def _click(el: str) -> Candidate:
    return Candidate(action=Action(kind="click", element=el), text="click")


def test_the_row_with_most_task_values_is_the_record_and_its_link_is_the_target() -> None:
    values = ["Omar", "Abara", "1967-02-17", "89"]
    assert record_targets(_list_page(), values) == {"20"}
    task = "Find Omar Abara (born 1967-02-17) and record pulse 89."
    best = record_prior(task, _list_page(), [], _click("20"), values, [], 2.0)
    other = record_prior(task, _list_page(), [], _click("10"), values, [], 2.0)
    assert best > other
    assert record_prior(task, _list_page(), [], _click("21"), values, [], 2.0) < 0, "a cell is no control"
    assert record_prior(task, _list_page(), [], _click("1"), values, [], 2.0) < 0, "the nav bar leads away"


def test_a_record_page_is_recognised_by_its_heading() -> None:
    page = Observation(url="http://x/t/1013", title="Ticket #1013 · Helpdesk", elements=[])
    assert record_in_view(page, ["1013", "Sam Ortega"]) and not record_in_view(page, ["Sam Ortega"])


def _edit_form() -> Observation:
    return Observation(
        url="http://x/edit",
        title="Edit ticket #1013",
        elements=[
            Element(id="1", role="heading", name="Edit ticket #1013", tag="h1"),
            Element(id="2", role="textbox", name="Subject", tag="input", value="Printer offline"),
            Element(id="3", role="combobox", name="Assignee", tag="select", options=["Priya", "Sam Ortega"]),
            Element(id="4", role="combobox", name="Change status to", tag="select", options=["Open", "Closed"]),
            Element(id="5", role="button", name="Save changes", tag="button"),
        ],
    )


def test_an_edit_form_keeps_filled_fields_and_offers_only_what_the_task_names() -> None:
    task = Task(text="Assign ticket #1013 to Sam Ortega.")
    texts = [c.text for c in enumerate_candidates(task, _edit_form(), [])]
    assert not any(t.startswith("type") for t in texts), "no value belongs in the filled Subject field"
    assert 'select "Sam Ortega" in combobox "Assignee"' in texts
    assert not any("Change status to" in t and t.startswith("select") for t in texts), "'to' is no shared word"


def test_after_a_select_the_next_button_saves_it() -> None:
    step = StepRecord(
        index=0,
        observation=_edit_form(),
        result=ActionResult(ok=True),
        decision=Decision(
            action=Action(kind="select", element="3", text="Sam Ortega"), completion="select", prompt="p"
        ),
    )
    assert commit_button(_edit_form(), [step]) == "5"
    assert commit_button(_edit_form(), []) is None


def test_the_save_button_waits_while_a_select_the_task_names_is_unset() -> None:
    step = StepRecord(
        index=0,
        observation=_edit_form(),
        result=ActionResult(ok=True),
        decision=Decision(action=Action(kind="type", element="2", text="x"), completion="type", prompt="p"),
    )
    task = "Create a ticket about x assigned to Sam Ortega."
    assert record_prior(task, _edit_form(), [step], _click("5"), ["x", "Sam Ortega"], [], 2.0) == 0.0
