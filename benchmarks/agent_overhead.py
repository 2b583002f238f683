"""Agent overhead and decision latency on a demo workflow (issue 5).

Runs a demo workflow (default `helpdesk-create-ticket`) with the scoring agent and the embedded model for N
episodes. Per step, from the runner's `step_finished` events: the step's wall time (its observation through its
committed record), the model time inside the decision, and the agent overhead = wall − model (observe, the agent's
own candidate work, gate, act with its settle wait, critics, persisting the step). In the same run it times raw
Playwright actions on the same app pages, each waiting as a script would: a click that navigates (then the load
event), a fill, a select. It prints overhead ÷ raw per action kind and for the whole mix of steps the agent took
(the sum of the steps' overheads over the sum of the same kinds' raw times). Writes JSON.

    .venv/bin/python benchmarks/agent_overhead.py --episodes 3 --json bench-out/agent-overhead.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=3)
    parser.add_argument("--workflow", default="helpdesk-create-ticket")
    parser.add_argument("--raw-clicks", type=int, default=20)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    from demos.server import DemoServer
    from demos.suite import make_env
    from eclair.assemble import build_run, load_parts
    from eclair.browser import observe
    from eclair.config import load_settings
    from eclair.runner import browser_page, run_task
    from eclair.types import Action, RunEvent

    tmp = Path(tempfile.mkdtemp(prefix="eclair-overhead-"))
    settings = load_settings().with_overrides(
        data_dir=tmp / "data", traces_dir=tmp / "traces", models_dir=load_settings().model_root
    )
    parts = load_parts(settings)
    steps: list[dict[str, float | str]] = []  # one per acted step: kind, wall, model, and the runner's parts
    per_run: list[float] = []  # (run wall − model) / steps: also charges run set-up and the final task check
    raw: dict[str, list[float]] = {"click": [], "type": [], "select": []}
    framework: dict[str, list[float]] = {"click": [], "type": [], "select": []}  # the same actions through eclair

    def on_event(event: RunEvent) -> None:
        if event.kind == "step_finished" and "wall_ms" in event.data:
            steps.append(dict(event.data))

    with DemoServer(port=0) as server, browser_page(settings) as page:
        env = make_env(args.workflow, server.base_url)
        for episode in range(args.episodes):
            task = env.setup(page, episode)
            spec = build_run(task, parts, settings, tracing=False, is_finished=lambda p: env.validate(p)[1])
            outcome = run_task(spec, page, store=parts.store, on_event=on_event)
            if outcome.steps:
                model = sum(s.decision.usage.model_ms for s in outcome.steps)
                per_run.append((outcome.wall_ms - model) / len(outcome.steps))
        # The same app, interleaved: a raw Playwright action and eclair's step machinery on the same element
        # (observe, act with its settle wait, persist a step record), so the ratio isolates the framework.
        step_once = FrameworkStep(parts.store)
        env.setup(page, 0)
        target = page.get_by_role("link", name="Tickets").first
        for _ in range(args.raw_clicks):
            started = time.perf_counter()
            target.click()
            page.wait_for_load_state("load")
            raw["click"].append((time.perf_counter() - started) * 1000.0)
            page.go_back()
            link = next(e for e in observe(page, screenshot=False).elements if e.name == "Tickets")
            framework["click"].append(step_once(page, Action(kind="click", element=link.id)))
            page.go_back()
        env.setup(page, 0)  # the new-ticket form: the fields the agent fills
        field = page.get_by_role("textbox", name="Subject").first
        select = page.get_by_role("combobox", name="Priority").first
        elements = observe(page, screenshot=False).elements
        field_id = next(e.id for e in elements if e.role == "textbox" and e.name == "Subject")
        select_id = next(e.id for e in elements if e.role == "combobox" and e.name == "Priority")
        for n in range(args.raw_clicks):
            started = time.perf_counter()
            field.fill(f"raw fill {n}")
            raw["type"].append((time.perf_counter() - started) * 1000.0)
            started = time.perf_counter()
            select.select_option(["Low", "High"][n % 2])
            raw["select"].append((time.perf_counter() - started) * 1000.0)
            typed = Action(kind="type", element=field_id, text=f"eclair fill {n}")
            framework["type"].append(step_once(page, typed))
            chosen = Action(kind="select", element=select_id, text=["High", "Low"][n % 2])
            framework["select"].append(step_once(page, chosen))

    def med(values: list[float]) -> float:
        return round(statistics.median(values), 1) if values else float("nan")

    def col(key: str, kind: str | None = None) -> list[float]:
        return [float(s[key]) for s in steps if kind is None or s["action_kind"] == kind]

    overhead = [float(s["wall_ms"]) - float(s["model_ms"]) for s in steps]
    report: dict[str, object] = {
        "workflow": args.workflow,
        "episodes": args.episodes,
        "steps": len(steps),
        "decision_ms_median": med(col("decide_ms")),
        "model_ms_median": med(col("model_ms")),
        "step_wall_ms_median": med(col("wall_ms")),
        "overhead_ms_per_step_median": med(overhead),
        "persist_ms_median": med(col("persist_ms")),
        "overhead_per_step_incl_run_setup_ms_median": med(per_run),
    }
    ratios = {}
    for kind, times in raw.items():
        mine = [o for o, s in zip(overhead, steps, strict=True) if s["action_kind"] == kind]
        report[f"raw_{kind}_ms_median"] = med(times)
        report[f"overhead_{kind}_ms_median"] = med(mine)
        for part in ("observe_ms", "act_ms", "validate_ms", "persist_ms"):
            report[f"{kind}_{part}_median"] = med(col(part, kind))
        if mine and times:
            ratios[kind] = round(med(mine) / med(times), 2)
    report["overhead_over_raw_by_kind"] = ratios
    report["framework_step_ms_median"] = {kind: med(times) for kind, times in framework.items()}
    report["framework_over_raw_same_element"] = {
        kind: round(med(framework[kind]) / med(raw[kind]), 2) for kind in raw if framework[kind] and raw[kind]
    }
    mixed = [
        (o, med(raw[str(s["action_kind"])])) for o, s in zip(overhead, steps, strict=True) if s["action_kind"] in raw
    ]
    if mixed:
        report["overhead_over_raw_same_mix"] = round(sum(o for o, _ in mixed) / sum(r for _, r in mixed), 2)
    for key, value in report.items():
        print(f"{key:38s} {value}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))


class FrameworkStep:
    """One step of the runner's machinery without a model: act and observe the result, commit a step record."""

    def __init__(self, store: Any) -> None:
        from eclair.types import Task

        self.store = store
        self.run_id = store.create_run(Task(text="framework timing"), agent="none", backend="", model="").id
        self.index = 0

    def __call__(self, page: Any, action: Any) -> float:
        from eclair.browser import act_and_observe
        from eclair.types import Decision, StepRecord

        started = time.perf_counter()
        result, _page, after = act_and_observe(page, action)  # as the runner does
        record = StepRecord(index=self.index, observation=after, decision=Decision(action=action), result=result)
        self.store.record_step(self.run_id, record, b"\x89PNG\r\n")
        self.index += 1
        return (time.perf_counter() - started) * 1000.0


if __name__ == "__main__":
    main()
