"""Field labels, value pairing, date formats and state priors of the scoring agent (no model needed)."""

from __future__ import annotations

from agents.scoring_agent.candidates import enumerate_candidates, wants_typing
from agents.scoring_agent.fields import fit_format, keyed_values, pairing, with_labels
from agents.scoring_agent.priors import continues_after, ordinal, pending, state_prior
from eclair.types import Action, ActionResult, Candidate, Decision, Element, Observation, StepRecord, Task


def _password_form() -> Observation:
    """Labels above unassociated inputs, as many hand-written forms have them."""
    return Observation(
        url="http://x/",
        elements=[
            Element(id="1", role="label", name="Password", tag="label", bbox=(2, 62, 44, 11)),
            Element(id="2", role="textbox", tag="input", value="", bbox=(7, 78, 108, 21)),
            Element(id="3", role="label", name="Verify password", tag="label", bbox=(2, 114, 70, 11)),
            Element(id="4", role="textbox", tag="input", value="", bbox=(7, 130, 108, 21)),
            Element(id="5", role="button", name="Submit", tag="button", bbox=(9, 166, 95, 31)),
        ],
    )


def _typed(element: str, text: str) -> StepRecord:
    action = Action(kind="type", element=element, text=text)
    return StepRecord(
        index=0,
        observation=_password_form(),
        result=ActionResult(ok=True),
        decision=Decision(action=action, completion=f'type "{text}"', prompt="p"),
    )


def test_unnamed_fields_take_the_nearest_label_above_below_or_left() -> None:
    names = [e.name for e in with_labels(_password_form()).elements]
    assert names[1] == "Password" and names[3] == "Verify password"
    below = Observation(
        url="http://x/",
        elements=[
            Element(id="1", role="textbox", tag="input", bbox=(10, 65, 137, 19)),
            Element(id="2", role="text", name="Genre", tag="div", bbox=(10, 84, 140, 11)),
            Element(id="3", role="textbox", tag="input", bbox=(10, 103, 137, 19)),
            Element(id="4", role="text", name="Director", tag="div", bbox=(10, 122, 140, 11)),
            Element(id="5", role="columnheader", name="Year", tag="th", bbox=(0, 200, 40, 23)),
            Element(id="6", role="textbox", tag="input", bbox=(52, 201, 98, 21)),
        ],
    )
    assert [e.name for e in with_labels(below).elements if e.role == "textbox"] == ["Genre", "Director", "Year"]


def test_a_password_goes_into_both_fields_labelled_for_it_before_submit() -> None:
    task = Task(text='Enter the password "iy" into both text fields and press submit.')
    history = [_typed("2", "iy")]
    cands = enumerate_candidates(task, _password_form(), history)
    assert 'type "iy" into textbox "Verify password"' in [c.text for c in cands]
    obs = with_labels(_password_form())
    todo = pending(task.text, obs, history, ["iy"])
    assert todo == ["Verify password"]
    submit = Candidate(action=Action(kind="click", element="5"), text='click button "Submit"')
    assert state_prior(task.text, obs, history, submit, ["iy"], todo, 2.0) < 0


def test_values_pair_with_the_field_the_task_names_for_them() -> None:
    text = 'Enter the username "macie" and the password "XN4" into the text fields and press login.'
    values = ["macie", "XN4"]
    assert pairing(text, "macie", "Username", values) == 1 and pairing(text, "macie", "Password", values) == -1
    assert pairing(text, "XN4", "Password", values) == 1 and pairing(text, "XN4", "Username", values) == -1


def test_unquoted_values_follow_their_label_word() -> None:
    obs = Observation(
        url="http://x/",
        elements=[
            Element(id="1", role="textbox", name="Director", tag="input"),
            Element(id="2", role="textbox", name="Year", tag="input"),
        ],
    )
    assert keyed_values("Search for movies directed by Burris from year 1973.", obs, ["1973"]) == ["Burris"]


def test_a_date_is_typed_in_the_format_the_field_takes() -> None:
    assert fit_format("04/03/2010", "yyyy-mm-dd") == "2010-04-03"
    assert fit_format("2010-04-03", "mm/dd/yyyy") == "04/03/2010"
    assert fit_format("Acme", "yyyy-mm-dd") == "Acme"
    obs = Observation(
        url="http://x/", elements=[Element(id="1", role="textbox", tag="input", placeholder="yyyy-mm-dd")]
    )
    texts = [c.text for c in enumerate_candidates(Task(text="Enter 04/03/2010 as the date."), obs, [])]
    assert 'type "2010-04-03" into textbox "yyyy-mm-dd"' in texts


def test_a_click_only_task_types_nothing() -> None:
    assert not wants_typing('Click on a "text" widget.')
    assert wants_typing('Enter the password "x" and press submit.')
    obs = Observation(url="http://x/", elements=[Element(id="1", role="textbox", tag="input", value="E")])
    assert not any(
        c.action.kind == "type" for c in enumerate_candidates(Task(text='Click on a "text" widget.'), obs, [])
    )


def test_named_checkboxes_come_before_submit() -> None:
    obs = Observation(
        url="http://x/",
        elements=[
            Element(id="1", role="checkbox", name="yn", tag="input"),
            Element(id="2", role="checkbox", name="h4AD", tag="input"),
            Element(id="3", role="button", name="Submit", tag="button"),
        ],
    )
    text = "Select yn and click Submit."
    todo = pending(text, obs, [], [])
    assert todo == ["yn"]

    def prior(el: str) -> float:
        return state_prior(text, obs, [], Candidate(action=Action(kind="click", element=el), text=""), [], todo, 2.0)

    assert prior("1") > 0 and prior("2") == 0 and prior("3") < 0
    checked = obs.model_copy(
        update={"elements": [obs.elements[0].model_copy(update={"states": {"checked"}}), *obs.elements[1:]]}
    )
    assert pending(text, checked, [], []) == []


def test_more_to_do_after_the_submit_click_and_ordinals() -> None:
    text = 'Use the textbox to enter "Rex" and press "Search", then find and click the 2nd search result.'
    assert continues_after(text, "Search")
    assert not continues_after('Enter "Rex" and press "Search".', "Search")
    assert ordinal(text) == 2 and ordinal("Click the third link") == 3 and ordinal("Click Submit") is None
