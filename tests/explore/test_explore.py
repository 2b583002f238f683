"""eclair explore: a read-only map of a real (demo) app, proposals with intended effects, and a state check that
fails on the pristine app, passes once the effect is made, and fails on a near miss."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from demos.common import DEMO_PASSWORD
from demos.server import DemoServer
from eclair.browser import navigate, new_context
from eclair.browser.pagemap import log_in, read_page_map
from eclair.cli import app as cli_app
from eclair.config import Settings
from eclair.explore import AppMap, ProposedTask, map_app, propose_tasks, verify_task
from eclair.explore.env import ExploreEnv
from eclair.explore.session import save_exploration
from eclair.store import Store

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def helpdesk(browser: Any) -> Iterator[tuple[Any, AppMap, str]]:
    """A fresh demo server (its own data), a signed-in page, and the helpdesk's map."""
    with DemoServer() as server:
        context = new_context(browser)
        page = context.new_page()
        page.set_default_timeout(5000)
        start = server.base_url + "/helpdesk/"
        navigate(page, start)
        assert log_in(page, "dana", DEMO_PASSWORD)
        yield page, map_app(page, start, name="helpdesk", max_pages=30), start
        context.close()


def _apply(page: Any, url: str, values: dict[str, str], button: str) -> None:
    """Make a task's effect directly, as a script would: fill each field by its label and submit."""
    navigate(page, url)
    for label, value in values.items():
        box = page.get_by_label(label, exact=True)
        if box.evaluate("e => e.tagName") == "SELECT":
            box.select_option(label=value)
        else:
            box.fill(value)
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_map_reads_forms_tables_and_records_without_following_unsafe_links(helpdesk: Any) -> None:
    _, app, _ = helpdesk
    new_ticket = app.pages["/helpdesk/tickets/new"].forms[0]
    labels = {f.label: f for f in new_ticket.fields}
    assert new_ticket.writes and {"Customer", "Subject", "Priority"} <= set(labels)
    assert labels["Priority"].options == ["Low", "Medium", "High", "Urgent"]
    assert "/helpdesk/tickets/{id}/edit" in app.pages and app.pages["/helpdesk/tickets/{id}"].is_record
    assert app.pages["/helpdesk/tickets"].tables[0].rows > 0
    visited = [url for page in app.pages.values() for url in page.urls]
    assert not any("logout" in url for url in visited)
    assert app.counts()["write_forms"] >= 4


def test_proposals_draw_new_values_per_seed_and_never_the_current_one(helpdesk: Any) -> None:
    _, app, _ = helpdesk
    tasks = propose_tasks(app, seed=3)
    assert {t.kind for t in tasks} >= {"create", "edit"}
    edit = next(t for t in tasks if t.kind == "edit" and any(f.kind == "select" for f in t.fields))
    select = next(f for f in edit.fields if f.kind == "select")
    for seed in range(12):
        text, intended = edit.instantiate(seed, {select.label: select.options[0]})
        assert intended[select.label] != select.options[0] and intended[select.label] in select.options
        assert edit.instantiate(seed, {select.label: select.options[0]}) == (text, intended)
    assert len({edit.instantiate(s)[0] for s in range(12)}) > 1
    create = next(t for t in tasks if t.kind == "create" and t.form_pattern == "/helpdesk/customers/new")
    assert create.check_urls and all("/helpdesk/customers" in url for url in create.check_urls)


def test_verification_fails_pristine_passes_made_effect_and_fails_near_miss(helpdesk: Any) -> None:
    page, app, _ = helpdesk
    tasks = [ProposedTask.model_validate(t.model_dump()) for t in propose_tasks(app, seed=5)]
    edit = next(t for t in tasks if t.kind == "edit" and t.form_pattern == "/helpdesk/customers/{id}/edit")
    navigate(page, edit.check_urls[0])
    from eclair.explore.verify import current_values

    _, intended = edit.instantiate(7, current_values(read_page_map(page)))
    assert not verify_task(page, edit, intended).passed
    near = {label: (value + "x" if "@" not in value else "x" + value) for label, value in intended.items()}
    select_labels = [f.label for f in edit.fields if f.kind == "select"]
    near = {k: v for k, v in near.items() if k not in select_labels} or None
    if near:
        _apply(page, edit.check_urls[0], near, "Save customer")
        assert not verify_task(page, edit, intended).passed
    _apply(page, edit.check_urls[0], intended, "Save customer")
    result = verify_task(page, edit, intended)
    assert result.passed, result.reason

    create = next(t for t in tasks if t.kind == "create" and t.form_pattern == "/helpdesk/customers/new")
    _, wanted = create.instantiate(11)
    assert not verify_task(page, create, wanted).passed
    form_url = app.pages["/helpdesk/customers/new"].urls[0]
    _apply(page, form_url, wanted, app.pages["/helpdesk/customers/new"].forms[0].buttons[0])
    assert verify_task(page, create, wanted).passed


def test_explore_env_rewards_only_the_change_it_asked_for(helpdesk: Any, tmp_path: Any) -> None:
    page, app, start = helpdesk
    store = Store(Settings(data_dir=tmp_path, traces_dir=tmp_path / "traces"))
    report = save_exploration(store, app, seed=2)
    assert report.proposed == sum(report.splits.values()) > 0
    stored = store.list_proposed_tasks("helpdesk")
    proposal = next(p for p in stored if p["task"]["form_pattern"] == "/helpdesk/tickets/{id}/edit")
    env = ExploreEnv("helpdesk", proposal["id"], ProposedTask.model_validate(proposal["task"]))
    task = env.setup(page, seed=100)
    assert task.text and task.start_url == start and env.intended
    before = page.url
    assert env.validate(page) == (0.0, False)
    assert page.url == before  # the check looked in a side context, not in the agent's tab
    _apply(page, env.task.check_urls[0], env.intended, "Save changes")
    assert env.validate(page) == (1.0, True), env.last


def test_improve_opens_an_explored_app_by_split(helpdesk: Any, tmp_path: Any) -> None:
    from eclair.cli.learn import suite_opener

    _, app, _ = helpdesk
    settings = Settings(data_dir=tmp_path, traces_dir=tmp_path / "traces")
    report = save_exploration(Store(settings), app, seed=2)
    opener = suite_opener(settings)
    with opener("explore:helpdesk/train") as train, opener("explore:helpdesk/heldout") as heldout:
        assert len(train) == report.splits.get("train", 0) and len(heldout) == report.splits.get("heldout", 0)
        assert not {e.proposal_id for e in train} & {e.proposal_id for e in heldout}  # promotion never sees train
    with opener("explore:helpdesk") as every:
        assert len(every) == report.proposed


def test_cli_errors_name_the_input(tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("ECLAIR_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    bad = runner.invoke(cli_app, ["explore", "ftp://example.org/"])
    assert bad.exit_code != 0
    shown = runner.invoke(cli_app, ["explore", "show", "nowhere"])
    assert shown.exit_code != 0
