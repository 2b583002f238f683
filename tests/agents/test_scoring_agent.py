"""The scoring agent's candidates, prompt and choice; the real embedded model on the grounding probe."""

from __future__ import annotations

import pytest

from agents.scoring_agent.candidates import enumerate_candidates, prune, task_values
from agents.scoring_agent.prompt import page_lines, render
from agents.scoring_agent.sop import ground_step, sop_position
from eclair.types import Action, ActionResult, Decision, Element, Observation, StepRecord, Task


def _form() -> Observation:
    return Observation(
        url="http://x/",
        elements=[
            Element(id="1", role="textbox", name="Customer", tag="input"),
            Element(id="2", role="textbox", name="Subject", tag="input"),
            Element(
                id="3", role="combobox", name="Priority", tag="select", options=["Low", "High", "Urgent"], value="Low"
            ),
            Element(id="4", role="checkbox", name="billing", tag="input"),
            Element(id="5", role="button", name="Create ticket", tag="button"),
            Element(id="6", role="button", name="Disabled", tag="button", states={"disabled"}),
        ],
    )


def _typed(element: str, text: str) -> StepRecord:
    action = Action(kind="type", element=element, text=text)
    return StepRecord(
        index=0,
        observation=Observation(url="http://x/"),
        result=ActionResult(ok=True),
        decision=Decision(action=action, completion=f'type "{text}"', prompt="p"),
    )


def test_task_values_come_from_params_quotes_dates_and_secrets() -> None:
    task = Task(
        text='Enter "Kasie" and 04/19/2016, then mail bob@example.com',
        params={"customer": "Acme"},
        secrets={"password": "hunter2"},
    )
    assert task_values(task) == ["Acme", "{{password}}", "Kasie", "04/19/2016", "bob@example.com"]
    assert "hunter2" not in " ".join(task_values(task))


def test_candidates_type_values_choose_options_and_skip_disabled() -> None:
    task = Task(text='Create a ticket for "Acme" with priority "Urgent"')
    texts = [c.text for c in enumerate_candidates(task, _form(), [])]
    assert 'type "Acme" into textbox "Customer"' in texts
    assert 'select "Urgent" in combobox "Priority"' in texts
    assert not any('type "Urgent"' in t for t in texts), "an option label is chosen, never typed"
    assert 'click button "Create ticket"' in texts and not any("Disabled" in t for t in texts)


def test_a_filled_field_and_a_used_value_are_not_offered_again() -> None:
    task = Task(text='Ticket for "Acme" about "Printer offline"')
    cands = enumerate_candidates(task, _form(), [_typed("1", "Acme")])
    typed = [c.text for c in cands if c.action.kind == "type"]
    assert typed == ['type "Printer offline" into textbox "Subject"']


def test_a_field_with_nothing_to_type_can_still_be_clicked() -> None:
    texts = [c.text for c in enumerate_candidates(Task(text="Focus into the textbox."), _form(), [])]
    assert 'click textbox "Customer"' in texts and not any(t.startswith("type") for t in texts)


def test_prune_keeps_the_most_relevant_in_page_order() -> None:
    task = Task(text='Select "Urgent" priority')
    cands = enumerate_candidates(task, _form(), [])
    kept = prune(cands, task.text, 2)
    assert len(kept) == 2 and any("Urgent" in c.text for c in kept)


def test_prompt_has_no_ids_and_ends_with_the_task() -> None:
    lines = page_lines(_form(), "anything", 40)
    prompt = render(lines, "Click Create", [])
    assert "[1]" not in prompt and '- textbox "Customer"' in prompt
    assert prompt.rstrip().endswith("Task: Click Create\nNext action:")
    assert "Task:" not in render(lines, None, [])


def test_ground_step_finds_the_one_candidate_that_does_the_step() -> None:
    cands = [
        'click link "Record vitals"',
        'click link "Schedule appointment"',
        'click tab "Vitals"',
        'type "86" into textbox "Pulse (bpm)"',
        'type "86" into textbox "Systolic (mmHg)"',
        'select "High" in combobox "Priority"',
        'click checkbox "Urgent"',
        'click button "Urgent"',
        "press Enter",
    ]
    assert ground_step('Click the link "Record vitals"', cands) == 0
    assert ground_step('Type "86" into the textbox "Pulse (bpm)"', cands) == 3
    assert ground_step('Select "High" in the combobox "Priority"', cands) == 5
    assert ground_step('Tick the checkbox "Urgent"', cands) == 6  # the role settles a tie
    assert ground_step("Press Enter", cands) == 8
    assert ground_step('Type "87" into the textbox "Pulse (bpm)"', cands) is None  # not offered
    assert ground_step('Click "Vitals"', [*cands, 'click link "Vitals"']) is None  # ambiguous: let the model pick
    assert ground_step("Scroll down", cands) is None


def test_the_sop_pointer_moves_only_when_the_step_was_done() -> None:
    sop = ['Click the link "New ticket"', 'Type "Acme" into the textbox "Customer"']
    wrong = _typed("1", "Globex")
    wrong.decision.completion = 'type "Globex" into textbox "Customer"'
    right = _typed("1", "Acme")
    right.decision.completion = 'type "Acme" into textbox "Customer"'
    click = _typed("9", "x")
    click.decision.completion = 'click link "New ticket"'
    assert sop_position(sop, [wrong]) == 0
    assert sop_position(sop, [click, wrong]) == 1
    assert sop_position(sop, [click, wrong, right]) == 2


@pytest.mark.slow
def test_embedded_model_grounds_well_above_chance_with_calibration(settings) -> None:  # type: ignore[no-untyped-def]
    from agents.scoring_agent.probe import run_probe
    from eclair.models import load_backend

    report = run_probe(load_backend(settings), trials=12, n_buttons=6, seed=3)
    default = next(r for r in report["rows"] if "agent default" in r["format"])
    assert default["correct"] >= 9, report["rows"]  # chance is 2 of 12
