"""CLI of the browser room: `eclair observe URL` and `eclair bench browser`."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add this room's commands to `app` and its benchmarks to `bench`."""

    @app.command("observe")
    def observe_command(
        url: str = typer.Argument(..., help="http(s):// or file:// URL to open."),
        screenshot: Path | None = typer.Option(None, "--screenshot", help="Write the viewport PNG here."),
        som: Path | None = typer.Option(None, "--som", help="Write the Set-of-Marks overlay PNG here."),
        as_json: bool = typer.Option(False, "--json", help="Print the Observation as JSON."),
        budget: int = typer.Option(1500, "--budget", help="Token budget of the text rendering."),
        browser_path: str | None = typer.Option(None, "--browser-path", help="Chromium binary to launch."),
        cdp_url: str | None = typer.Option(None, "--cdp-url", help="Connect to a running Chromium over CDP."),
        ws_endpoint: str | None = typer.Option(None, "--ws-endpoint", help="Connect to a Playwright server."),
        headed: bool = typer.Option(False, "--headed", help="Show the browser window."),
    ) -> None:
        """Open URL and print exactly what an agent would see."""
        from eclair.browser import current_page, draw_set_of_marks, navigate, new_context, observe, open_browser
        from eclair.config import load_settings

        settings = load_settings(
            browser_path=browser_path, cdp_url=cdp_url, ws_endpoint=ws_endpoint, headless=False if headed else None
        )
        from eclair.browser.errors import PageUnreachable
        from eclair.browser.launch import OPENABLE_SCHEMES

        if not url.lower().startswith(OPENABLE_SCHEMES):  # fail before paying for a browser start
            raise PageUnreachable(f"{url!r} is not an http://, https:// or file:// URL")
        with open_browser(settings) as browser:
            context = new_context(browser)
            page = current_page(context)
            status = navigate(page, url)
            obs = observe(page, screenshot=bool(screenshot or som), token_budget=budget)
        if status is not None and status >= 400:
            typer.echo(f"warning: {url} answered HTTP {status}", err=True)
        if screenshot and obs.screenshot:
            screenshot.write_bytes(obs.screenshot)
        if som and obs.screenshot:
            som.write_bytes(draw_set_of_marks(obs.screenshot, obs.elements))
        if as_json:
            typer.echo(obs.model_dump_json(indent=2))
            return
        typer.echo(f"url: {obs.url}\ntitle: {obs.title}")
        if len(obs.tabs) > 1:
            typer.echo("tabs: " + " | ".join(obs.tabs))
        typer.echo(obs.text)

    @bench.command("browser")
    def bench_browser(
        rounds: int = typer.Option(40, "--rounds", help="Measured rounds per series."),
        json_path: Path | None = typer.Option(None, "--json", help="Write the figures here as JSON."),
    ) -> None:
        """observe+act through eclair vs a raw Playwright locator click on a typical form page (medians)."""
        from eclair.bench.browser import measure_browser_overhead
        from eclair.config import load_settings

        result = measure_browser_overhead(load_settings(), rounds=rounds)
        typer.echo(
            f"raw click {result['raw_click_ms']} ms | observe {result['observe_ms']} ms "
            f"(+screenshot {result['observe_with_screenshot_ms']} ms) | act {result['act_click_ms']} ms | "
            f"observe+act {result['observe_act_ms']} ms | ratio {result['ratio_observe_act_vs_raw']}x "
            f"| round trip {result['round_trip_ms']} ms | {result['elements']} elements, "
            f"~{result['observation_tokens']} tokens"
        )
        if json_path:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(result, indent=2))
