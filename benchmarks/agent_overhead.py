"""Agent overhead and decision latency on a demo workflow (issue 5).

Runs the smoke workflow `helpdesk-create-ticket` with the scoring agent and the embedded model for N episodes and
reports, per step: decision latency (model), and the agent overhead = step wall time minus model time (observe,
act, critics, persisting the step). In the same run it times raw Playwright actions on the same app pages: a
navigating click, a fill and a select. It prints overhead ÷ raw two ways: against the navigating click, and against
the raw cost of the same mix of action kinds the agent took. Writes JSON.

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
    from eclair.assemble import load_parts
    from eclair.config import load_settings
    from eclair.runner import browser_page, run_task

    tmp = Path(tempfile.mkdtemp(prefix="eclair-overhead-"))
    settings = load_settings().with_overrides(
        data_dir=tmp / "data", traces_dir=tmp / "traces", models_dir=load_settings().model_root
    )
    parts = load_parts(settings)
    decide, overhead, observe, act, validate, persist = [], [], [], [], [], []
    raw: list[float] = []
    raw_fill: list[float] = []
    raw_select: list[float] = []
    kinds: list[str] = []
    with DemoServer(port=0) as server, browser_page(settings) as page:
        env = make_env(args.workflow, server.base_url)
        for episode in range(args.episodes):
            task = env.setup(page, episode)
            outcome = run_task(
                task,
                parts.agent,
                page,
                store=parts.store,
                critics=parts.critics,
                settings=settings,
                backend_name=parts.backend.name,
                model_id=parts.backend.model_id,
                tracing=False,
                is_finished=lambda p: env.validate(p)[1],
            )
            steps = [s for s in outcome.steps if s.result is not None]
            kinds.extend(s.decision.action.kind for s in steps)
            for s in steps:
                t = s.timings
                decide.append(t.decide_ms)
                observe.append(t.observe_ms)
                act.append(t.act_ms)
                validate.append(t.validate_ms)
            if steps:
                model_ms = sum(s.timings.decide_ms for s in outcome.steps)
                overhead.append((outcome.wall_ms - model_ms) / len(outcome.steps))
                accounted = sum(s.timings.observe_ms + s.timings.act_ms + s.timings.validate_ms for s in outcome.steps)
                persist.append((outcome.wall_ms - model_ms - accounted) / len(outcome.steps))
        # the same app, a raw Playwright click that re-renders part of the page
        env.setup(page, 0)
        target = page.get_by_role("link", name="Tickets").first
        for _ in range(args.raw_clicks):
            started = time.perf_counter()
            target.click()
            page.wait_for_load_state("load")
            raw.append((time.perf_counter() - started) * 1000.0)
            page.go_back()
        env.setup(page, 0)  # the new-ticket form: a raw fill and a raw select on the fields the agent uses
        field = page.get_by_role("textbox", name="Subject").first
        select = page.get_by_role("combobox", name="Priority").first
        for n in range(args.raw_clicks):
            started = time.perf_counter()
            field.fill(f"raw fill {n}")
            raw_fill.append((time.perf_counter() - started) * 1000.0)
            started = time.perf_counter()
            select.select_option(["Low", "High"][n % 2])
            raw_select.append((time.perf_counter() - started) * 1000.0)

    def med(values: list[float]) -> float:
        return round(statistics.median(values), 1) if values else float("nan")

    report = {
        "workflow": args.workflow,
        "episodes": args.episodes,
        "steps": len(decide),
        "decision_ms_median": med(decide),
        "overhead_ms_per_step_median": med(overhead),
        "observe_ms_median": med(observe),
        "act_ms_median": med(act),
        "validate_ms_median": med(validate),
        "persist_and_loop_ms_per_step_median": med(persist),
        "raw_click_ms_median": med(raw),
        "overhead_over_raw": round(med(overhead) / med(raw), 2) if raw and overhead else None,
        "raw_fill_ms_median": med(raw_fill),
        "raw_select_ms_median": med(raw_select),
    }
    per_kind = {"click": med(raw), "type": med(raw_fill), "select": med(raw_select)}
    mix = [per_kind[k] for k in kinds if k in per_kind]
    if mix and overhead:
        report["raw_same_mix_ms_mean"] = round(statistics.mean(mix), 1)
        report["overhead_over_raw_same_mix"] = round(med(overhead) / statistics.mean(mix), 2)
    for key, value in report.items():
        print(f"{key:38s} {value}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
