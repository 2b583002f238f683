"""Workflows, SOP versions, demonstrations, reviews, learning records, and run export/import."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from eclair.config import Settings
from eclair.store import CorruptExport, Store, UnknownModelVersion, UnknownRun, UnknownWorkflow
from eclair.types import Task, Verdict
from tests.store.conftest import make_step

FreshSettings = Callable[[Path], Settings]


def test_workflows_keep_every_sop_version(store: Store) -> None:
    store.save_workflow(
        "create-ticket", "Open a ticket", start_url="http://x/helpdesk", params_schema={"type": "object"}
    )
    assert store.get_sop("create-ticket") is None
    assert store.set_sop("create-ticket", "1. Click New") == 1
    assert store.set_sop("create-ticket", "1. Click New\n2. Save") == 2
    info = store.get_workflow("create-ticket")
    assert info is not None and (info.sop_version, info.sop) == (2, "1. Click New\n2. Save")
    assert store.get_sop("create-ticket", version=1) == "1. Click New"
    store.save_workflow("create-ticket", "Open a helpdesk ticket")  # update keeps the SOPs
    assert [w.description for w in store.list_workflows()] == ["Open a helpdesk ticket"]
    assert store.get_workflow("nope") is None
    with pytest.raises(UnknownWorkflow, match="nope"):
        store.set_sop("nope", "x")


def test_demonstrations_belong_to_a_workflow(store: Store) -> None:
    store.save_workflow("wf", "d")
    demo_id = store.add_demonstration("wf", source="recording", action_log=[{"kind": "click"}], files=["demo/a.png"])
    demos = store.list_demonstrations("wf")
    assert [(d.id, d.source, d.files, d.action_log) for d in demos] == [
        (demo_id, "recording", ["demo/a.png"], [{"kind": "click"}])
    ]
    with pytest.raises(UnknownWorkflow):
        store.add_demonstration("missing", source="video", action_log=[], files=[])


def test_reviews_are_listed_and_show_on_the_run(store: Store) -> None:
    run = store.create_run(Task(text="t"))
    store.add_review(run.id, "rejected", step_labels={0: "fail"}, note="wrong field", reviewer="ana")
    store.add_review(run.id, "approved", reviewer="bo")
    reviews = store.get_reviews(run.id)
    assert [(r.decision, r.step_labels, r.reviewer) for r in reviews] == [
        ("rejected", {0: "fail"}, "ana"),
        ("approved", {}, "bo"),
    ]
    assert store.get_run(run.id).review == "approved"
    with pytest.raises(UnknownRun):
        store.add_review("nope", "approved")


def test_promote_keeps_exactly_one_promoted_model(store: Store) -> None:
    ds = store.add_dataset("round1", "sft", "/data/sft.jsonl", 120, {"runs": ["a", "b"]})
    first = store.add_model_version("m1", base="embedded", adapter_path="/a1", dataset_id=ds, metrics={"success": 0.4})
    second = store.add_model_version(
        "m2", base="embedded", adapter_path="/a2", dataset_id=ds, metrics={}, promoted=True
    )
    assert store.promoted_model().id == second  # type: ignore[union-attr]
    store.promote(first)
    assert [(m.id, m.promoted) for m in store.list_model_versions()] == [(first, True), (second, False)]
    assert store.list_datasets()[0].provenance == {"runs": ["a", "b"]}
    with pytest.raises(UnknownModelVersion):
        store.promote(999)
    r1 = store.add_round(metrics={"success": 0.4}, dataset_id=ds, model_version_id=first, promoted=True)
    store.add_round(metrics={"success": 0.5}, workflow="wf")
    assert [(r.id == r1, r.number, r.metrics["success"]) for r in store.list_rounds()] == [
        (True, 1, 0.4),
        (False, 2, 0.5),
    ]


def _full_run(store: Store) -> str:
    run = store.create_run(Task(text="export me", workflow="wf", params={"p": "1"}, seed=3), agent="scoring")
    store.start_run(run.id)
    store.record_step(run.id, make_step(0), b"png0")
    store.record_step(run.id, make_step(1, label="fail"), b"png1")
    store.record_step(run.id, make_step(1, attempt=1), b"png1b")
    store.add_verdict(run.id, Verdict(label="pass", score=0.8, critic="combined", reason="ok"))
    store.add_review(run.id, "approved", step_labels={1: "pass"}, reviewer="ana")
    store.finish_run(run.id, "succeeded", answer="42")
    return run.id


def test_export_import_round_trip(store: Store, tmp_path: Path, fresh_settings: FreshSettings) -> None:
    run_id = _full_run(store)
    (store.run_dir(run_id) / "trace.zip").write_bytes(b"zip")
    out = store.export_run(run_id, tmp_path / "run.jsonl")
    header = json.loads(out.read_text().splitlines()[0])
    assert f"{run_id}/trace.zip" in header["files"] and f"{run_id}/step-001-a1.png" in header["files"]
    other = Store(fresh_settings(tmp_path / "other"))
    assert other.import_run(out) == run_id
    original, copy = store.get_run(run_id), other.get_run(run_id)
    assert copy.model_dump(exclude={"trace_dir"}) == original.model_dump(exclude={"trace_dir"})
    assert other.get_steps(run_id) == store.get_steps(run_id)
    assert other.get_verdicts(run_id) == store.get_verdicts(run_id)
    assert [r.step_labels for r in other.get_reviews(run_id)] == [{1: "pass"}]
    # importing into the same database again gives a fresh id and leaves the original untouched
    again = store.import_run(out)
    assert again != run_id and store.get_steps(again) == store.get_steps(run_id)
    assert store.get_steps(again)[0].screenshot_path == f"{run_id}/step-000.png"  # file references stay valid


@pytest.mark.parametrize(
    "damage",
    ["truncate", "bad_json", "bad_step", "bad_verdict", "no_header", "empty"],
)
def test_corrupt_import_is_all_or_nothing(
    store: Store, tmp_path: Path, fresh_settings: FreshSettings, damage: str
) -> None:
    run_id = _full_run(store)
    lines = store.export_run(run_id, tmp_path / "run.jsonl").read_text().splitlines()
    if damage == "truncate":
        lines = lines[:-2]
    elif damage == "bad_json":
        lines[2] = lines[2][:40]
    elif damage == "bad_step":
        step = json.loads(lines[2])
        step["decision"]["action"] = {"kind": "type"}  # a type action without element/text
        lines[2] = json.dumps(step)
    elif damage == "bad_verdict":
        verdict = json.loads(lines[-2])
        verdict["label"] = "maybe"
        lines[-2] = json.dumps(verdict)
    elif damage == "no_header":
        lines = lines[1:]
    else:
        lines = []
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines))
    fresh = Store(fresh_settings(tmp_path / "fresh"))
    with pytest.raises(CorruptExport) as err:
        fresh.import_run(broken)
    assert "\n" not in str(err.value) and "broken.jsonl" in str(err.value)
    assert fresh.list_runs() == []


def test_import_failing_inside_the_transaction_rolls_back(
    store: Store, tmp_path: Path, fresh_settings: FreshSettings
) -> None:
    run_id = _full_run(store)
    lines = store.export_run(run_id, tmp_path / "run.jsonl").read_text().splitlines()
    lines[3] = lines[2]  # the same (index, attempt) twice: valid JSON, fails the unique constraint mid-insert
    broken = tmp_path / "dup.jsonl"
    broken.write_text("\n".join(lines))
    fresh = Store(fresh_settings(tmp_path / "fresh"))
    with pytest.raises(CorruptExport, match="line 4"):
        fresh.import_run(broken)
    assert fresh.list_runs() == []
    with pytest.raises(CorruptExport, match="no such file"):
        fresh.import_run(tmp_path / "missing.jsonl")
