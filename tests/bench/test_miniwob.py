"""MiniWoB++ episodes in real Chromium: the right action through eclair's act earns reward 1, a wrong one 0."""

from __future__ import annotations

import re
from typing import Any

import pytest

from eclair.bench.miniwob import (
    DEV_SET,
    PUBLISHED_56,
    MiniWoBEnv,
    MiniWoBServer,
    UnknownMiniWoBTask,
    all_tasks,
    resolve_tasks,
)
from eclair.browser import act, observe
from eclair.types import Action, Observation


def quoted(text: str) -> str:
    match = re.search(r'"([^"]*)"', text)
    assert match, text
    return match.group(1)


def elements(obs: Observation, role: str) -> list[Any]:
    return [e for e in obs.elements if e.role == role]


def test_task_lists_match_the_package() -> None:
    names = set(all_tasks())
    assert len(names) == 130
    assert len(DEV_SET) == 24 and set(DEV_SET) <= names
    assert len(PUBLISHED_56) == len(set(PUBLISHED_56)) == 56 and set(PUBLISHED_56) <= names
    assert resolve_tasks(None, "dev") == DEV_SET
    heldout = resolve_tasks(None, "heldout")  # published-56 tasks nobody tuned the agent on
    assert len(heldout) == 32 and not set(heldout) & set(DEV_SET) and set(heldout) | set(DEV_SET) == set(PUBLISHED_56)
    assert resolve_tasks("click-test, enter-text", None) == ["click-test", "enter-text"]
    assert resolve_tasks(None, "all") == all_tasks()
    with pytest.raises(UnknownMiniWoBTask, match="no-such-task"):
        resolve_tasks("click-test,no-such-task", None)
    with pytest.raises(UnknownMiniWoBTask, match="--set"):
        resolve_tasks(None, "everything")


def _click_button_episode(page: Any, server: MiniWoBServer, seed: int) -> tuple[MiniWoBEnv, str, Observation]:
    env = MiniWoBEnv("click-button", server)
    task = env.setup(page, seed)
    assert task.env == "miniwob/click-button" and task.seed == seed and task.start_url is None
    return env, quoted(task.text), observe(page, screenshot=False)


def test_click_button_right_button_earns_reward(page: Any, miniwob_server: MiniWoBServer) -> None:
    env, label, obs = _click_button_episode(page, miniwob_server, seed=3)
    assert env.validate(page) == (0.0, False)  # nothing done yet
    assert "Click on the" not in obs.text  # the instruction is the task text, not a page element (as in MiniWoB)
    target = next(e for e in elements(obs, "button") if e.name == label)
    assert act(page, Action(kind="click", element=target.id)).ok
    assert env.validate(page) == (1.0, True)
    # the page's reward display is hidden: the agent never sees its reward
    assert "reward" not in observe(page, screenshot=False).text.lower()


def test_click_button_wrong_button_fails(page: Any, miniwob_server: MiniWoBServer) -> None:
    for seed in range(20):  # find an episode with a differently labelled distractor button
        env, label, obs = _click_button_episode(page, miniwob_server, seed)
        wrong = [e for e in elements(obs, "button") if e.name != label]
        if wrong:
            break
    assert wrong, "no click-button episode with a distractor in 20 seeds"
    assert act(page, Action(kind="click", element=wrong[0].id)).ok
    assert env.validate(page) == (0.0, True)
    # the episode is over and stays failed: clicking the right button afterwards changes nothing
    right = next(e for e in elements(obs, "button") if e.name == label)
    act(page, Action(kind="click", element=right.id))
    assert env.validate(page) == (0.0, True)


@pytest.mark.parametrize(("typed", "reward"), [(None, 1.0), ("definitely wrong", 0.0)])
def test_enter_text(page: Any, miniwob_server: MiniWoBServer, typed: str | None, reward: float) -> None:
    env = MiniWoBEnv("enter-text", miniwob_server)
    task = env.setup(page, seed=11)
    obs = observe(page, screenshot=False)
    box = elements(obs, "textbox")[0]
    submit = next(e for e in elements(obs, "button") if e.name == "Submit")
    assert act(page, Action(kind="type", element=box.id, text=typed or quoted(task.text))).ok
    assert env.validate(page) == (0.0, False)
    assert act(page, Action(kind="click", element=submit.id)).ok
    assert env.validate(page) == (reward, True)


def test_seed_reproduces_the_problem(page: Any, miniwob_server: MiniWoBServer) -> None:
    env = MiniWoBEnv("click-checkboxes", miniwob_server)
    first = env.setup(page, seed=5).text
    first_page = observe(page, screenshot=False).text
    again = env.setup(page, seed=5).text
    assert again == first
    assert observe(page, screenshot=False).text == first_page
    others = {env.setup(page, seed=s).text for s in (6, 7, 8)}
    assert others - {first}, "different seeds should give different problems"


def test_leaving_the_task_page_ends_the_episode_as_failure(page: Any, miniwob_server: MiniWoBServer) -> None:
    env = MiniWoBEnv("click-test", miniwob_server)
    env.setup(page, seed=1)
    page.goto(miniwob_server.base_url + "/core/core.css")
    assert env.validate(page) == (0.0, True)


def test_unknown_task_is_a_user_error(miniwob_server: MiniWoBServer) -> None:
    with pytest.raises(UnknownMiniWoBTask, match="click-nothing"):
        MiniWoBEnv("click-nothing", miniwob_server)


def test_cli_lists_tasks_and_rejects_unknown_names() -> None:
    from typer.testing import CliRunner

    from eclair.cli import app

    listed = CliRunner().invoke(app, ["bench", "miniwob", "--list"])
    assert listed.exit_code == 0 and "dev (24)" in listed.output and "published56 (56)" in listed.output
    bad = CliRunner().invoke(app, ["bench", "miniwob", "--tasks", "click-nothing"])
    assert isinstance(bad.exception, UnknownMiniWoBTask)  # main() prints it as one line and exits 2
