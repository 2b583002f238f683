"""Summarise the rows `eclair bench replay` printed (one JSON object a line), e.g. of a run cut short by a time limit.

python benchmarks/replay_summary.py LOG [LOG ...] --json out.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from eclair.replay.bench import EpisodeRow, RetrievalRow, summarise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logs", nargs="+", type=Path)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    episodes, retrievals = [], []
    for log in args.logs:
        for line in log.read_text().splitlines():
            if not line.startswith("{") or not line.endswith("}"):
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:  # a line cut at the print limit
                continue
            if "mode" in row:
                episodes.append(EpisodeRow(**row))
            elif "phrasing" in row:
                retrievals.append(RetrievalRow(**row))
    seeds = sorted({e.seed for e in episodes} | {r.seed for r in retrievals})
    summary = summarise(episodes, retrievals, seeds=seeds)
    figures = {k: v for k, v in summary.items() if k not in ("episodes", "retrievals", "overhead_per_workflow")}
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
        print(f"json: {args.json}")


if __name__ == "__main__":
    main()
