"""Task rules on small trajectories: values entered vs offered, SOP adherence, how the run ended."""

from __future__ import annotations

from eclair.critics.task_rules import FinalPageRule, FinishedRule, SopRule, TaskValuesRule, task_values
from eclair.types import Action, ActionResult, Decision, Element, Observation, StepRecord, Task

FORM = Observation(
    url="http://a.test/tickets/new",
    elements=[
        Element(id="1", role="textbox", name="Subject", value=""),
        Element(
            id="2", role="combobox", name="Priority Low High Urgent", value="Low", options=["Low", "High", "Urgent"]
        ),
        Element(id="3", role="button", name="Create ticket"),
        Element(id="4", role="text", name="Signed in as Dana Whitfield"),
    ],
)
SAVED = Observation(
    url="http://a.test/tickets/9",
    elements=[Element(id="1", role="heading", name="Ticket #9"), Element(id="2", role="text", name="Ticket created")],
)
TASK = Task(
    text='Create a ticket "Printer offline" with priority High for Dana Whitfield',
    params={"subject": "Printer offline", "priority": "High", "owner": "Dana Whitfield", "internal_id": "77"},
    sop=['Type "Printer offline" into "Subject"', 'Choose "High" in "Priority"', 'Click the "Create ticket" button'],
)


def run(*actions: Action, final: Observation = SAVED) -> list[StepRecord]:
    steps = [
        StepRecord(index=i, observation=FORM, decision=Decision(action=a), result=ActionResult(ok=True))
        for i, a in enumerate(actions)
    ]
    steps.append(
        StepRecord(
            index=len(steps),
            observation=final,
            decision=Decision(action=Action(kind="done")),
            result=ActionResult(ok=True),
        )
    )
    return steps


TYPE = Action(kind="type", element="1", text="Printer offline")
HIGH = Action(kind="select", element="2", text="High")
URGENT = Action(kind="select", element="2", text="Urgent")
CREATE = Action(kind="click", element="3")


def test_task_values_are_the_mentioned_ones() -> None:
    assert task_values(TASK) == ["Printer offline", "High", "Dana Whitfield"]  # "77" is not in the task text


def test_values_entered_pass_and_wrong_choice_fails() -> None:
    assert TaskValuesRule().check_task(TASK, run(TYPE, HIGH, CREATE), SAVED).label == "pass"
    wrong = TaskValuesRule().check_task(TASK, run(TYPE, URGENT, CREATE), SAVED)
    assert wrong.label == "fail" and "High" in wrong.reason and wrong.score <= 0.2


def test_secret_params_never_reach_a_reason() -> None:
    task = TASK.model_copy(update={"params": {**TASK.params, "password": "hunter2"}, "text": TASK.text + " hunter2"})
    verdict = TaskValuesRule().check_task(task, run(CREATE), SAVED)
    assert "hunter2" not in verdict.reason


def test_sop_followed_skipped_and_last_step_missing() -> None:
    assert SopRule().check_task(TASK, run(TYPE, HIGH, CREATE), SAVED).label == "pass"
    skipped = SopRule().check_task(TASK, run(TYPE, CREATE), SAVED)
    assert skipped.label == "fail" and "[2]" in skipped.reason
    unsaved = SopRule().check_task(TASK, run(TYPE, HIGH), FORM)
    assert unsaved.label == "fail" and unsaved.score <= 0.2 and "last SOP step" in unsaved.reason
    wrong_value = SopRule().check_task(TASK, run(TYPE, URGENT, CREATE), SAVED)
    assert wrong_value.label == "fail"  # "High" was never chosen, so step 2 was not done


def test_finished_rule() -> None:
    assert FinishedRule().check_task(TASK, run(TYPE, HIGH, CREATE), SAVED).label == "pass"
    stopped = FinishedRule().check_task(TASK, run(TYPE, HIGH), FORM)
    assert stopped.label == "fail" and "without submitting" in stopped.reason
    assert FinishedRule().check_task(TASK, run(), FORM).label == "fail"


def test_final_page_rule() -> None:
    assert FinalPageRule().check_task(TASK, run(TYPE, HIGH, CREATE), SAVED).label == "pass"
    error_page = Observation(
        url="http://a.test/tickets/new", elements=[Element(id="9", role="text", name="Subject is required")]
    )
    assert FinalPageRule().check_task(TASK, run(TYPE, CREATE), error_page).label == "fail"
    assert FinalPageRule().check_task(TASK, run(TYPE), FORM).label == "fail"  # the start page, unchanged
