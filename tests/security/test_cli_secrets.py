"""`eclair secrets set|list|rm`: values from stdin, never echoed; bad input is one line and exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _eclair(args: list[str], data: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ECLAIR_DATA_DIR": str(data)}
    command = [sys.executable, "-m", "eclair", *args]
    return subprocess.run(command, input=stdin, env=env, capture_output=True, text=True, timeout=120)


def test_set_list_rm_and_errors(tmp_path: Path) -> None:
    data = tmp_path / "data"
    stored = _eclair(["secrets", "set", "DB_PW"], data, "s3cret-Value\n")
    assert stored.returncode == 0, stored.stderr
    assert "s3cret" not in stored.stdout + stored.stderr
    assert b"s3cret" not in (data / "vault.json").read_bytes()
    listed = _eclair(["secrets", "list", "--json"], data)
    assert [e["name"] for e in json.loads(listed.stdout)] == ["DB_PW"] and "s3cret" not in listed.stdout
    bad = _eclair(["secrets", "set", "no spaces"], data, "x\n")
    assert bad.returncode == 2 and bad.stderr.startswith("error: secret name 'no spaces'")
    seed = _eclair(["secrets", "set", "MFA", "--totp"], data, "not-base32!\n")
    assert seed.returncode == 2 and "base32" in seed.stderr
    assert _eclair(["secrets", "rm", "DB_PW"], data).returncode == 0
    missing = _eclair(["secrets", "rm", "DB_PW"], data)
    assert missing.returncode == 2 and "eclair secrets list" in missing.stderr
    assert json.loads(_eclair(["secrets", "list", "--json"], data).stdout) == []


def test_runs_list_json_is_one_document_even_on_an_empty_store(tmp_path: Path) -> None:
    listed = _eclair(["runs", "list", "--json"], tmp_path / "data")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
