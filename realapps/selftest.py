"""Checker self-tests inside one Django process per app: pristine → fail, intended effect → pass, near miss → fail.

Run as `python -m realapps.manage PROJECT selftest TEMPLATE.sqlite3 SEEDS OUT.json` (tests call `run_selftest`).
Each case gets a fresh copy of the template DB; the effect goes through the app's own models.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import traceback
from pathlib import Path
from typing import Any

from realapps.server import manage, template
from realapps.spec import run_check

MODES = ("pristine", "effect", "near_miss")


def _use_db(path: Path) -> None:
    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict["NAME"] = str(path)


def selftest_in_django(project: str, template_db: Path, seeds: list[int]) -> list[dict[str, Any]]:
    from django.db import transaction

    from realapps.suite import WORKFLOWS

    results = []
    scratch = Path(tempfile.mkdtemp(prefix="realapps-selftest-"))
    try:
        for workflow in (w for w in WORKFLOWS.values() if w.app == project):
            for seed in seeds:
                params = workflow.params_for(seed)
                for mode in MODES:
                    db = scratch / f"{workflow.id}-{seed}-{mode}.sqlite3"
                    shutil.copyfile(template_db, db)
                    _use_db(db)
                    error = None
                    try:
                        with transaction.atomic():
                            if mode != "pristine":
                                getattr(workflow, mode)(params)
                    except Exception:
                        error = traceback.format_exc(limit=3)
                    _use_db(template_db)
                    ok, reason = run_check(workflow, db, params) if error is None else (False, "")
                    results.append(
                        {
                            "workflow": workflow.id,
                            "seed": seed,
                            "mode": mode,
                            "ok": ok,
                            "reason": reason,
                            "error": error,
                        }
                    )
                    db.unlink()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def run_selftest(project: str, seeds: list[int]) -> list[dict[str, Any]]:
    """Build (or reuse) the template, then self-test every checker of `project` in one subprocess."""
    built = template(project)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "selftest.json"
        manage(project, ["selftest", str(built.db), ",".join(map(str, seeds)), str(out)], built.db)
        return list(json.loads(out.read_text()))
