"""`eclair bench critic` on a small labelled set in a real SQLite store, and the scripted demo generator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eclair.cli import app
from eclair.config import Settings
from eclair.types import Action, ActionResult, Decision, Element, Observation, StepRecord, Task, Verdict

URL = "http://app.test/people/new"


def _page(name_value: str = "", saved: str | None = None, url: str = URL) -> Observation:
    elements = [
        Element(id="1", role="textbox", name="Name", value=name_value),
        Element(id="2", role="button", name="Save"),
    ]
    if saved is not None:
        elements = [Element(id="5", role="heading", name="Person"), Element(id="6", role="text", name=saved)]
    return Observation(url=url, title="People", elements=elements)


def _record(store, task: Task, agent: str, steps: list[tuple[Observation, Action]], success: bool) -> str:  # type: ignore[no-untyped-def]
    run = store.create_run(task, agent=agent)
    for i, (obs, action) in enumerate(steps):
        decision = Decision(action=action, expected_outcome="")
        store.record_step(run.id, StepRecord(index=i, observation=obs, decision=decision, result=ActionResult(ok=True)))
    store.finish_run(run.id, "succeeded")
    store.add_verdict(run.id, Verdict(label="pass" if success else "fail", score=float(success), critic="checker"))
    return str(run.id)


def _fill_store(settings: Settings) -> None:
    from eclair.store import Store

    store = Store(settings)
    for n, name in enumerate(["Ann", "Bea", "Cid", "Dov"]):
        family = "alpha" if n % 2 else "beta"  # two apps, so one can be held out while the other trains
        sop = [f'Type "{name}" into "Name"', 'Click the "Save" button']
        task = Task(
            text=f'Add a person named "{name}"', params={"name": name}, start_url=URL, env=f"demos/{family}-add"
        )
        task.sop = sop
        typed = Action(kind="type", element="1", text=name)
        save = Action(kind="click", element="2")
        done = Action(kind="done")
        after_url = f"http://app.test/people/{n}"
        # correct: typed, saved, done on the saved page
        saved = _page(saved=f"{name} saved", url=after_url)
        _record(store, task, "scripted:correct", [(_page(), typed), (_page(name), save), (saved, done)], True)
        # stopped before saving, claimed done anyway
        _record(store, task, "scripted:stop_early", [(_page(), typed), (_page(name), done)], False)
        # saved the wrong name
        _record(store, task, "scripted:wrong_values", [
            (_page(), Action(kind="type", element="1", text="Zed")), (_page("Zed"), save),
            (_page(saved="Zed saved", url=after_url), done)], False)  # fmt: skip


def test_bench_critic_on_a_small_store(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", traces_dir=tmp_path / "traces")
    _fill_store(settings)
    out_json = tmp_path / "critic.json"
    result = CliRunner().invoke(
        app,
        ["bench", "critic", "--db", settings.database_url, "--no-judge", "--min-runs", "0",
         "--json", str(out_json), "--out", str(tmp_path / "plots")],
        env={"ECLAIR_TRACES_DIR": str(tmp_path / "traces")},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "false exit-0 rate" in result.output
    data = json.loads(out_json.read_text())
    assert data["dataset"]["completion_runs"] == 12 + 4  # 12 stored runs + 4 synthetic truncations
    combined = data["task_completion"]["combined (rules)"]
    assert combined["positives"] == 4
    assert combined["fp"] == 0 and combined["tp"] >= 3  # the rules see the unsaved and the wrong-name runs
    assert data["step"]["combined (rules)"]["n"] == data["dataset"]["steps"] > 0
    assert data["step"]["rule.typed_value"]["fp"] == 0  # before==after copies of a typing step never pass
    assert (tmp_path / "plots" / "critics-task-pr.png").stat().st_size > 5000
    held_out = data["out_of_sample"]
    assert held_out["families"] == {"alpha": 6, "beta": 6}
    learned = held_out["all"]["combined (learned, leave-one-app-out)"]
    assert learned["n"] == 12 and learned["positives"] == 4
    assert set(held_out["fitted_per_held_out_family"]) == {"alpha", "beta"}


def test_bench_critic_refuses_an_unlabelled_store(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", traces_dir=tmp_path / "traces")
    result = CliRunner().invoke(
        app, ["bench", "critic", "--db", settings.database_url, "--no-judge", "--min-runs", "0"]
    )
    assert result.exit_code != 0
    assert "labelled runs" in str(result.exception) or "labelled runs" in result.output


@pytest.mark.slow
def test_generated_demo_runs_are_labelled_by_the_checker(tmp_path: Path) -> None:
    """Scripted correct and stopped-early runs of one demo workflow through the real runner and browser."""
    from eclair.bench.critic_data import load_store_runs
    from eclair.bench.critic_generate import generate_demo_runs
    from eclair.store import Store

    settings = Settings(data_dir=tmp_path / "data", traces_dir=tmp_path / "traces")
    store = Store(settings)
    runs = generate_demo_runs(
        settings, store, workflows=["helpdesk-assign-ticket"], seeds=[3], variants=["correct", "stop_early"]
    )
    assert [(r.variant, r.success) for r in runs] == [("correct", True), ("stop_early", False)]
    labelled = load_store_runs(store)
    assert {r.success for r in labelled} == {True, False}
    correct = next(r for r in labelled if r.success)
    assert correct.task.sop and correct.trajectory[-1].decision.action.kind == "done"
    assert any(s.observation.screenshot for s in correct.trajectory)  # screenshots come back for the visual diff
