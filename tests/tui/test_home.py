"""Home: recent runs from the store, and bad input answered inline on the form (never a traceback)."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from textual.widgets import Button, DataTable, Input, Select, Static, TextArea

from eclair.config import Settings
from eclair.tui.app import EclairApp
from tests.tui.conftest import save_snapshot, settle

pytestmark = pytest.mark.asyncio
SIZE = (140, 44)


def form_message(app: EclairApp) -> str:
    return str(app.screen.query_one("#form-message", Static).render())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_home_lists_recent_runs_with_status_and_critic_label(
    settings: Settings, store: Any, filled_store: dict[str, str]
) -> None:
    app = EclairApp(settings, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#recent-runs", DataTable)
        assert table.row_count == 3
        rows = {table.get_row_at(i)[0]: table.get_row_at(i) for i in range(table.row_count)}
        assert str(rows[filled_store["failed"]][1]) == "failed"
        assert str(rows[filled_store["failed"]][2]) == "fail"
        assert str(rows[filled_store["unsure"]][1]) == "needs_review"
        save_snapshot(app, "home")


async def test_empty_description_is_an_inline_error(settings: Settings, store: Any) -> None:
    app = EclairApp(settings, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#run")
        await pilot.pause()
        assert "Describe the workflow" in form_message(app)
        assert app.screen.query_one("#description").has_class("invalid")
        assert not app.screen.query_one("#run", Button).disabled
        save_snapshot(app, "home-error")


async def test_not_a_url_and_unreachable_url_are_inline_errors(settings: Settings, store: Any) -> None:
    app = EclairApp(settings, store=store)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#description", TextArea).text = "Open a ticket for Acme"
        app.screen.query_one("#start-url", Input).value = "helpdesk please"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "is not a URL" in form_message(app)

        app.screen.query_one("#start-url", Input).value = f"http://127.0.0.1:{free_port()}/helpdesk"
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Cannot reach" in form_message(app)
        assert app.screen.query_one("#start-url").has_class("invalid")
        assert type(app.screen).__name__ == "HomeScreen"  # still on the form, no live screen, no crash


async def test_picking_a_saved_workflow_fills_the_form(settings: Settings, store: Any) -> None:
    store.save_workflow("acme-ticket", "Open a ticket for Acme, priority High", start_url="http://127.0.0.1:9/helpdesk")
    app = EclairApp(settings, store=store)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#saved-workflow", Select).value = "acme-ticket"
        await pilot.pause()
        assert app.screen.query_one("#description", TextArea).text == "Open a ticket for Acme, priority High"
        assert app.screen.query_one("#start-url", Input).value == "http://127.0.0.1:9/helpdesk"
        assert app.screen.read_form().workflow == "acme-ticket"


async def test_unconfigured_backend_is_an_inline_error(settings: Settings, store: Any) -> None:
    from demos.server import DemoServer

    app = EclairApp(settings.with_overrides(model=""), store=store)
    with DemoServer() as server:
        async with app.run_test(size=SIZE) as pilot:
            app.screen.query_one("#description", TextArea).text = "Open a ticket for Acme"
            app.screen.query_one("#start-url", Input).value = f"{server.base_url}/helpdesk/"
            app.screen.query_one("#backend", Select).value = "openai"
            await pilot.click("#run")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "Backend 'openai' is not usable" in form_message(app)
            assert "model name" in form_message(app)
            assert app.screen.query_one("#backend").has_class("invalid")
            assert type(app.screen).__name__ == "HomeScreen"
