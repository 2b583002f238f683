"""Acceptance of learning a workflow from one demonstration (issue 9).

For each demo-suite workflow: record one demonstration with parameter values A (seed A) through
`record_demonstration(--script)` driving the suite's scripted solution, check that demonstration with the hidden
checker, write the SOP (deterministic generalisation to the parameters), then run the workflow with different
values B (seed B, …) with the embedded model and the scoring agent, once without and once with the SOP filled
with B's values. The hidden checker decides success. Prints a table and writes JSON.

    .venv/bin/python benchmarks/sop_acceptance.py --json bench-out/sop_acceptance.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_WORKFLOWS = [
    "clinic-record-pulse",
    "helpdesk-assign-ticket",
    "procurement-change-terms",
    "helpdesk-add-comment",
    "helpdesk-tag-ticket",
    "procurement-approve-invoice",
    "clinic-change-insurer",
    "helpdesk-create-ticket",
]
SCRIPT = """from demos.suite import WORKFLOWS


def demonstrate(page, params):
    for step in WORKFLOWS[{workflow!r}].solution(params):
        step.run(page)
"""


class SopEnv:
    """The suite's env with the workflow's SOP (filled with this episode's values) put into the Task."""

    def __init__(self, env: Any, sop_steps: list[str] | None, max_steps: int) -> None:
        self.env, self.sop_steps, self.name, self.max_steps = env, sop_steps, env.name, max_steps

    def setup(self, page: Any, seed: int) -> Any:
        from eclair.demonstrations import instantiate_sop

        task = self.env.setup(page, seed)
        update: dict[str, Any] = {"max_steps": min(task.max_steps, self.max_steps)}
        if self.sop_steps is not None:
            update["sop"] = instantiate_sop(self.sop_steps, task.params)
        return task.model_copy(update=update)

    def validate(self, page: Any) -> tuple[float, bool]:
        return self.env.validate(page)  # type: ignore[no-any-return]

    def reward_reason(self, page: Any) -> str:
        return str(self.env.last_reason)

    def teardown(self) -> None:
        self.env.teardown()


def run(
    workflows: list[str],
    seed_a: int,
    seeds_b: list[int],
    work_dir: Path,
    *,
    extra_steps: int = 3,
    agent_options: dict[str, Any] | None = None,
    partial_json: Path | None = None,
    record_only: bool = False,
    arms: tuple[str, ...] = ("plain", "sop"),
) -> dict[str, Any]:
    from agents import make_agent
    from demos.server import DemoServer
    from demos.suite import WORKFLOWS, make_env
    from eclair.assemble import RunParts
    from eclair.bench.harness import run_episode
    from eclair.browser import open_browser
    from eclair.config import load_settings
    from eclair.demonstrations import record_demonstration, write_sop
    from eclair.models import load_backend
    from eclair.store import Store

    base = load_settings()
    settings = base.with_overrides(
        data_dir=work_dir / "data", traces_dir=work_dir / "traces", models_dir=base.model_root, backend="local"
    )
    store = Store(settings)
    backend = None if record_only else load_backend(settings)
    agent = None if record_only else make_agent("scoring", backend, **(agent_options or {}))
    model_id = "" if backend is None else backend.model_id
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    with DemoServer() as server, open_browser(settings) as browser:
        for workflow in workflows:
            env = make_env(workflow, server.base_url)
            episode = env.reset(seed_a)
            params_a = dict(getattr(episode, "params", episode))  # the values A the demonstration uses
            script = work_dir / f"demo_{workflow.replace('-', '_')}.py"
            script.write_text(SCRIPT.format(workflow=workflow))
            t0 = time.perf_counter()
            saved = record_demonstration(
                settings,
                url=None,
                workflow=workflow,
                script=script,
                params=params_a,
                store=store,
                browser=browser,
                prepare=lambda page, env=env: env.setup(page, seed_a),
            )
            record_s = time.perf_counter() - t0
            demo_ok, demo_reason = env.check()
            env.teardown()
            sop = write_sop(store, workflow, regenerate=True)
            print(
                f"{workflow:<28} demo: {len(saved.manifest.actions)} actions, checker {'pass' if demo_ok else 'FAIL'}, "
                f"fidelity {sop.fidelity:.2f} ({record_s:.0f}s)",
                flush=True,
            )
            # both conditions get the same step budget: the demonstration's length plus a few retries
            budget = len(saved.manifest.actions) + extra_steps
            row: dict[str, Any] = {
                "workflow": workflow,
                "params_a": {k: v for k, v in params_a.items() if k != "password"},
                "demo_actions": len(saved.manifest.actions),
                "demo_checker_ok": demo_ok,
                "demo_checker_reason": demo_reason,
                "record_s": round(record_s, 1),
                "solution_steps": len(WORKFLOWS[workflow].solution(params_a)),
                "sop_steps": sop.steps,
                "fidelity": sop.fidelity,
                "episodes": [],
            }
            for seed in [] if record_only else seeds_b:
                for arm in arms:
                    with_sop = arm != "plain"
                    sop_env = SopEnv(make_env(workflow, server.base_url), sop.steps if with_sop else None, budget)
                    parts = RunParts(store=store, agent=agent, critics=None, backend=backend)
                    res = run_episode(sop_env, seed, parts, browser, settings=settings)
                    sop_env.teardown()
                    row["episodes"].append(
                        {
                            "seed": seed,
                            "with_sop": with_sop,
                            "arm": arm,
                            "success": res.success,
                            "steps": res.steps,
                            "wall_s": round(res.wall_s, 1),
                            "run_id": res.run_id,
                            "error": res.error,
                        }
                    )
                    print(
                        f"{workflow:<28} seed {seed} {arm:<8}: "
                        f"{'pass' if res.success else 'fail'} in {res.steps} steps ({res.wall_s:.0f}s)",
                        flush=True,
                    )
            rows.append(row)
            if partial_json is not None:  # a long run interrupted still leaves what it measured
                partial = summarise(rows, seed_a, seeds_b, time.perf_counter() - started, model_id)
                partial_json.write_text(json.dumps(partial, indent=2))
    return summarise(rows, seed_a, seeds_b, time.perf_counter() - started, model_id)


def summarise(rows: list[dict[str, Any]], seed_a: int, seeds_b: list[int], wall_s: float, model: str) -> dict[str, Any]:
    def rate(arm: str) -> float | None:
        eps = [e for r in rows for e in r["episodes"] if e.get("arm") == arm]
        return sum(e["success"] for e in eps) / len(eps) if eps else None

    fidelities = [r["fidelity"] for r in rows if r["fidelity"] is not None]
    return {
        "benchmark": "sop_acceptance",
        "model": model,
        "agent": "scoring",
        "seed_a": seed_a,
        "seeds_b": seeds_b,
        "workflows": len(rows),
        "demos_passing_checker": sum(r["demo_checker_ok"] for r in rows),
        "demos_matching_solution_length": sum(r["demo_actions"] == r["solution_steps"] for r in rows),
        "success_without_sop": rate("plain"),
        "success_with_sop": rate("sop"),
        "mean_fidelity": sum(fidelities) / max(1, len(fidelities)),
        "wall_s": round(wall_s, 1),
        "rows": rows,
    }


def markdown(result: dict[str, Any]) -> str:
    if not any(r["episodes"] for r in result["rows"]):
        return markdown_recording(result)
    arms = [a for a in ("plain", "sop") if any(e.get("arm") == a for r in result["rows"] for e in r["episodes"])]
    titles = {"plain": "success without SOP", "sop": "success with SOP"}
    lines = [
        "| workflow | demo actions | demo passes checker | SOP fidelity | "
        + " | ".join(titles[a] for a in arms)
        + " |",
        "|---|---:|:---:|---:|" + "---:|" * len(arms),
    ]
    for r in result["rows"]:
        cells = []
        for arm in arms:
            got = [e["success"] for e in r["episodes"] if e.get("arm") == arm]
            cells.append(f"{sum(got)}/{len(got)}")
        lines.append(
            f"| {r['workflow']} | {r['demo_actions']} | {'yes' if r['demo_checker_ok'] else 'no'} | "
            f"{r['fidelity']:.2f} | " + " | ".join(cells) + " |"
        )
    keys = {"plain": "success_without_sop", "sop": "success_with_sop"}
    lines.append(
        f"| **all ({result['workflows']})** | | {result['demos_passing_checker']}/{result['workflows']} | "
        f"{result['mean_fidelity']:.2f} | " + " | ".join(f"{result[keys[a]]:.0%}" for a in arms) + " |"
    )
    return "\n".join(lines)


def markdown_recording(result: dict[str, Any]) -> str:
    lines = [
        "| workflow | solution steps | recorded actions | demo passes checker | SOP fidelity |",
        "|---|---:|---:|:---:|---:|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['workflow']} | {r['solution_steps']} | {r['demo_actions']} | "
            f"{'yes' if r['demo_checker_ok'] else 'no'} | {r['fidelity']:.2f} |"
        )
    n = result["workflows"]
    lines.append(
        f"| **all ({n})** | | {result['demos_matching_solution_length']}/{n} match | "
        f"{result['demos_passing_checker']}/{n} | {result['mean_fidelity']:.2f} |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workflows", default=",".join(DEFAULT_WORKFLOWS), help="comma-separated demo workflow ids")
    parser.add_argument("--seed-a", type=int, default=1, help="seed of the demonstrated values A")
    parser.add_argument("--seeds-b", default="2", help="comma-separated seeds of the run values B")
    parser.add_argument("--json", type=Path, default=None, help="write the result JSON here")
    parser.add_argument("--work-dir", type=Path, default=None, help="store + traces here (default: a temp dir)")
    parser.add_argument("--extra-steps", type=int, default=3, help="step budget = demo length + this, both arms")
    parser.add_argument(
        "--arms", default="plain,sop", help="plain, sop (the agent grounds each SOP step), comma-separated"
    )
    parser.add_argument("--record-only", action="store_true", help="record + SOP only (no model runs)")
    parser.add_argument("--max-candidates", type=int, default=None, help="scoring agent option (default: its own)")
    args = parser.parse_args(argv)
    workflows = [w.strip() for w in args.workflows.split(",") if w.strip()]
    if workflows == ["all"]:
        from demos.suite import WORKFLOWS

        workflows = list(WORKFLOWS)
    seeds_b = [int(s) for s in args.seeds_b.split(",") if s.strip()]
    if args.seed_a in seeds_b:
        parser.error("--seeds-b must differ from --seed-a: the point is running with values the demo did not use")
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="eclair-sop-acceptance-"))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
    options = {"max_candidates": args.max_candidates} if args.max_candidates else {}
    result = run(
        workflows,
        args.seed_a,
        seeds_b,
        work_dir,
        extra_steps=args.extra_steps,
        agent_options=options,
        partial_json=args.json,
        record_only=args.record_only,
        arms=tuple(a.strip() for a in args.arms.split(",") if a.strip()),
    )
    result["agent_options"] = options
    result["extra_steps"] = args.extra_steps
    print(markdown(result))
    rates = {k: result[k] for k in ("success_without_sop", "success_with_sop")}
    shown = ", ".join(f"{k} {v:.0%}" for k, v in rates.items() if v is not None)
    print(f"{shown}; mean SOP fidelity {result['mean_fidelity']:.2f}; {result['wall_s']:.0f}s; work dir {work_dir}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
