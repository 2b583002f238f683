"""`python -m realapps.manage PROJECT ARGS…`: Django's manage.py for one project, plus `seed OUT.json`.

`seed` fills the (freshly migrated) database at $REALAPPS_DB with the project's seed data and writes what the
benchmark needs to know about it (the seeded sessions' cookies) to OUT.json.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

PROJECTS = ("wagtail_cms", "oscar_shop")


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in PROJECTS:
        sys.exit(f"error: usage: python -m realapps.manage {{{'|'.join(PROJECTS)}}} COMMAND [ARGS]")
    project, rest = argv[0], argv[1:]
    os.environ["DJANGO_SETTINGS_MODULE"] = f"realapps.{project}.settings"
    if rest[:1] == ["seed"]:
        import django

        django.setup()
        facts = importlib.import_module(f"realapps.{project}.seed").seed()
        with open(rest[1], "w", encoding="utf-8") as out:
            json.dump(facts, out, indent=1)
        return
    if rest[:1] == ["selftest"]:  # selftest TEMPLATE SEEDS OUT
        import django

        from realapps.selftest import selftest_in_django

        django.setup()
        seeds = [int(s) for s in rest[2].split(",")]
        with open(rest[3], "w", encoding="utf-8") as out:
            json.dump(selftest_in_django(project, Path(rest[1]), seeds), out, indent=1)
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *rest])


if __name__ == "__main__":
    main(sys.argv[1:])
