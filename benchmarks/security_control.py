"""Control for `eclair bench security`: the same runs with every masking sink switched off (secrets are still
typed), to show the scanners find the secrets when nothing hides them. Prints the table, writes JSON."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import eclair.security.guard as guard_module
from eclair.bench.security import run_security_bench


class Unmasked(guard_module.RunGuard):
    trace_screenshots = True  # type: ignore[assignment]

    def attach(self, context: Any, *, allowed_domains: tuple[str, ...] = ()) -> None:
        pass

    def store(self, store: Any) -> Any:
        return store

    def sink(self, sink: Any) -> Any:
        return sink

    def logs(self) -> Any:
        return contextlib.nullcontext()

    def after_act(self, result: Any, run_dir: Path) -> Any:
        return result

    def finish(self, run_dir: Path) -> None:
        pass


def main() -> None:
    real = guard_module.RunGuard.for_task.__func__  # type: ignore[attr-defined]
    guard_module.RunGuard.for_task = classmethod(  # type: ignore[method-assign,assignment]
        lambda cls, task, settings=None: Unmasked(real(guard_module.RunGuard, task, settings).masker)
    )
    only = sys.argv[1].split(",") if len(sys.argv) > 1 else []
    run_security_bench(json_path=Path("benchmarks/results/security-control.json"), only=only)


if __name__ == "__main__":
    main()
