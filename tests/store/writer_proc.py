"""A separate process that writes a run through the Store: used to test crashes and concurrent writers.

Usage: python writer_proc.py DATA_DIR TRACES_DIR STEPS DELAY_S [DURABILITY [DB_URL]]
Prints `run <id>` then `step <n>` after each committed step (stdout flushed).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from eclair.config import Settings
from eclair.store import Store
from eclair.types import Task, Verdict
from tests.store.conftest import make_step


def main() -> None:
    data_dir, traces_dir, steps, delay = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    durability = sys.argv[5] if len(sys.argv) > 5 else "power"
    db_url = sys.argv[6] if len(sys.argv) > 6 else ""
    store = Store(Settings(data_dir=data_dir, traces_dir=traces_dir, durability=durability, db_url=db_url))
    run = store.create_run(Task(text="writer", workflow="wf"), agent="test", backend="none", model="none")
    store.start_run(run.id)
    print(f"run {run.id}", flush=True)
    for i in range(steps):
        store.record_step(run.id, make_step(i), screenshot=b"\x89PNG-" + bytes([i % 256]))
        store.add_verdict(run.id, Verdict(label="pass", score=1.0, critic="extra"), step_index=i)
        print(f"step {i}", flush=True)
        time.sleep(delay)
    store.finish_run(run.id, "succeeded")
    print("done", flush=True)


if __name__ == "__main__":
    main()
