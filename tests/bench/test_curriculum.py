"""Curriculum tasks: seeded, varied, solved by a scripted correct action through act, failed by a wrong one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eclair.bench.curriculum import KINDS, CurriculumEnv, CurriculumError, curriculum_envs, write_preview
from eclair.browser import act
from eclair.types import Action
from tests.bench.conftest import eclair_id_of


def perform(page: Any, step: dict[str, Any]) -> None:
    """Run one scripted step (addressed by the page's opaque cid) through eclair's act."""
    element = eclair_id_of(page, f'[data-cid="{step["cid"]}"]')
    kind = step["kind"]
    if kind == "click":
        action = Action(kind="click", element=element)
    elif kind in ("type", "select"):
        action = Action(kind=kind, element=element, text=step["text"])
    else:
        action = Action(kind="check", element=element, checked=step.get("checked", True))
    result = act(page, action)
    assert result.ok, f"{action.describe()}: {result.error}"


def test_generation_is_seeded_and_covers_every_kind() -> None:
    envs = curriculum_envs(len(KINDS), seed=5)
    assert {env.kind for env in envs} == set(KINDS)
    again = curriculum_envs(len(KINDS), seed=5)
    assert [e.name for e in envs] == [e.name for e in again]
    assert [e.generate(0).text for e in envs] == [e.generate(0).text for e in again]
    assert [e.generate(0).text for e in envs] != [e.generate(1).text for e in envs]
    phrasings = {curriculum_envs(1, seed=s, kinds=["click-button"])[0].generate(0).text.split()[0] for s in range(30)}
    assert len(phrasings) >= 3, f"task phrasing should vary, got {phrasings}"
    with pytest.raises(CurriculumError):
        curriculum_envs(0)
    with pytest.raises(CurriculumError, match="nope"):
        CurriculumEnv("nope", 1)


def test_forms_need_two_to_six_actions() -> None:
    lengths = {len(env.generate(s).solution) for env in curriculum_envs(5, 0, kinds=["form"]) for s in range(8)}
    assert min(lengths) >= 2 and max(lengths) <= 6 and len(lengths) >= 3


@pytest.mark.parametrize("kind", KINDS)
def test_scripted_solution_succeeds_and_wrong_action_fails(page: Any, kind: str) -> None:
    env = curriculum_envs(1, seed=7, kinds=[kind])[0]
    task = env.setup(page, seed=2)
    assert task.text and task.env == env.name and task.start_url is None
    assert env.current is not None
    content = page.content()  # the answer key lives in JS memory, never in the DOM
    assert json.dumps(env.current.goal) not in content
    if kind == "type-field":  # the value to type appears in the task text only
        assert env.current.goal["conditions"][0]["equals"] not in content
    assert env.validate(page) == (0.0, False)
    for step in env.current.solution:
        perform(page, step)
    assert env.validate(page) == (1.0, True)

    env.setup(page, seed=2)  # same instance again, now the wrong way
    for step in env.current.wrong:
        perform(page, step)
    reward, _ = env.validate(page)
    assert reward == 0.0


def test_preview_and_cli(tmp_path: Path) -> None:
    envs = curriculum_envs(4, seed=1)
    index = write_preview(envs, 1, tmp_path / "preview")
    rows = [json.loads(line) for line in index.read_text().splitlines()]
    assert [r["env"] for r in rows] == [e.name for e in envs]
    assert all((tmp_path / "preview" / r["page"]).is_file() and r["solution"] for r in rows)

    from eclair.cli import app

    out = tmp_path / "cli"
    result = CliRunner().invoke(app, ["curriculum", "--n", "3", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len((out / "tasks.jsonl").read_text().splitlines()) == 3
