"""Run every workflow's scripted reference solution and report checker success and wall time (the suite's ceiling).

python -m demos.suite.oracle [--suite all] [--seeds 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from demos.server import DemoServer
from demos.suite import WORKFLOWS, make_env, suite_ids


def run_oracle(workflow_ids: list[str], seeds: range) -> list[dict[str, Any]]:
    """One fresh browser context per episode, as the benchmark harness does; returns one row per episode."""
    from eclair.browser import new_context, open_browser
    from eclair.config import load_settings

    rows = []
    with DemoServer() as server, open_browser(load_settings()) as browser:
        for workflow_id in workflow_ids:
            env = make_env(workflow_id, server.base_url)
            for seed in seeds:
                context = new_context(browser)
                started = time.perf_counter()
                try:
                    page = context.new_page()
                    task = env.setup(page, seed)
                    steps = WORKFLOWS[workflow_id].solution({**task.params, **task.secrets})
                    for step in steps:
                        step.run(page)
                    ok, reason = env.check(page)
                finally:
                    context.close()
                rows.append(
                    {
                        "workflow": workflow_id,
                        "seed": seed,
                        "success": ok,
                        "steps": len(steps),
                        "wall_s": round(time.perf_counter() - started, 3),
                        "reason": reason,
                    }
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="all")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rows = run_oracle(suite_ids(args.suite), range(args.seeds))
    success = sum(r["success"] for r in rows) / len(rows)
    walls = [r["wall_s"] for r in rows]
    summary = {
        "suite": args.suite,
        "episodes": len(rows),
        "success_rate": success,
        "mean_steps": statistics.mean(r["steps"] for r in rows),
        "mean_wall_s": statistics.mean(walls),
        "total_wall_s": round(sum(walls), 1),
        "episodes_detail": rows,
    }
    for r in rows:
        if not r["success"]:
            print(f"FAIL {r['workflow']} seed={r['seed']}: {r['reason']}")
    print(
        f"scripted solutions: {success:.1%} of {len(rows)} episodes pass the hidden checkers; "
        f"mean {summary['mean_steps']:.1f} steps, {summary['mean_wall_s']:.2f} s per episode"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2))
        print(f"json: {args.json}")


if __name__ == "__main__":
    main()
