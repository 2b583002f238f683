"""Control for `eclair bench security`: the same runs with every masking sink switched off (secrets are still
typed), to show the scanners find the secrets when nothing hides them. Prints the table, writes JSON."""

from __future__ import annotations

import sys
from pathlib import Path

from eclair.bench.security import run_security_bench
from eclair.bench.security_control import masking_switched_off


def main() -> None:
    only = sys.argv[1].split(",") if len(sys.argv) > 1 else []
    with masking_switched_off():
        run_security_bench(json_path=Path("benchmarks/results/security-control.json"), only=only)


if __name__ == "__main__":
    main()
