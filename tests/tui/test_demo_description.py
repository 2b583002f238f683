"""The Home form's demo picker: a description typed beside a demo app runs as written; the app sets only the start.

Real demo server, real Chromium, real store; a scripted policy stands in for the model and records what it was
asked. The run happens in a worker thread, as the Live screen runs it (sync Playwright stays off the UI loop)."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

from eclair.config import Settings
from eclair.tui.launch import PreparedRun, RunRequest, demo_workflow_text, execute_prepared
from eclair.types import Action, Decision, Observation, RunEvent, StepRecord, Task

WORKFLOW = "helpdesk-create-ticket"
NO_MODEL = SimpleNamespace(name="scripted", model_id="")  # the scripted policy needs no backend


class FinishAtOnce:
    """Says done on the first step and keeps the task it was given."""

    name = "finish-at-once"
    uses_screenshot = False

    def __init__(self) -> None:
        self.tasks: list[Task] = []
        self.urls: list[str] = []

    def begin(self, task: Task) -> None:
        self.tasks.append(task)

    def decide(self, task: Task, obs: Observation, history: list[StepRecord]) -> Decision:
        self.urls.append(obs.url)
        return Decision(action=Action(kind="done", text="ok"), rationale="scripted", expected_outcome="")


def run_demo_request(settings: Settings, store: Any, description: str) -> tuple[FinishAtOnce, Any, list[str]]:
    agent = FinishAtOnce()
    request = RunRequest(description=description, demo_workflow=WORKFLOW, seed=3)
    run_settings = settings.with_overrides(max_steps=2)
    prepared = PreparedRun(request=request, settings=run_settings, agent=agent, backend=NO_MODEL)
    logs: list[str] = []
    out: dict[str, Any] = {}

    def on_event(event: RunEvent) -> None:
        if event.kind == "log":
            logs.append(str(event.data.get("message", "")))

    def work() -> None:
        try:
            out["outcome"] = execute_prepared(prepared, store, on_event=on_event)
        except BaseException as exc:  # surfaced below, in the test's thread
            out["error"] = exc

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=300)
    if "error" in out:
        raise out["error"]
    return agent, out["outcome"], logs


def checker_verdicts(store: Any, run_id: str) -> list[Any]:
    return [v for _, v in store.get_verdicts(run_id) if v.critic == "checker"]


def test_a_typed_description_runs_as_written_from_the_demo_start_without_its_checker(
    settings: Settings, store: Any
) -> None:
    typed = 'Create a ticket for "Acme Corp" with subject "VPN down".'
    agent, outcome, logs = run_demo_request(settings, store, typed)
    (task,) = agent.tasks
    assert task.text == typed
    assert task.params == {} and task.workflow is None and task.sop is None, "no hidden workflow parameters"
    assert "/helpdesk" in agent.urls[0], "the demo app only chose where the run starts"
    run = store.get_run(outcome.run_id)
    assert run.task_text == typed
    assert checker_verdicts(store, outcome.run_id) == [], "the workflow's checker does not judge another task"
    assert any("no checker" in line for line in logs)


def test_the_demo_workflows_own_text_runs_the_seeded_task_and_its_checker(settings: Settings, store: Any) -> None:
    template = demo_workflow_text(WORKFLOW)
    assert "{" in template, "the prefilled text names the workflow's parameters"
    agent, outcome, logs = run_demo_request(settings, store, template)
    (task,) = agent.tasks
    assert task.workflow == WORKFLOW and task.params, "the seeded task with its parameters"
    assert "{" not in task.text
    (verdict,) = checker_verdicts(store, outcome.run_id)
    assert verdict.label == "fail", "done at once leaves the ticket uncreated"
    assert any(line.startswith("checker: fail") for line in logs)
