"""read_page_map(page): the structure of one page (links, forms, tables, buttons) for exploration. Read-only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page


@cache
def _script() -> str:
    source = resources.files("eclair.browser").joinpath("pagemap.js").read_text()
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//")).strip()


def read_page_map(page: Page) -> dict[str, Any]:
    """Links, forms (fields: label, name, kind, required, options), tables and buttons of the page's main frame.

    Password values are never read; nothing on the page is clicked or changed.
    """
    return dict(json.loads(page.evaluate(_script())))


_PASSWORD_BOX = "input[type=password]:visible"


def shows_login_form(page: Page) -> bool:
    """Whether the page asks for a password (a login form), i.e. the context is not signed in here."""
    return page.locator(_PASSWORD_BOX).count() > 0


def log_in(page: Page, username: str, password: str, *, timeout_ms: int = 15_000) -> bool:
    """Fill the page's login form (the first password field and the text field before it) and submit it.

    Returns True when the page no longer shows a password field afterwards. The password goes straight to the
    field; it is never logged or returned.
    """
    if not shows_login_form(page):
        return False
    password_box = page.locator(_PASSWORD_BOX).first
    form = password_box.locator("xpath=ancestor::form[1]")
    scope = form if form.count() else page
    user_box = scope.locator(
        "input:visible:not([type=password]):not([type=hidden]):not([type=submit]):not([type=checkbox])"
    ).first
    if user_box.count():
        user_box.fill(username)
    password_box.fill(password)
    with page.expect_navigation(timeout=timeout_ms, wait_until="load"):
        password_box.press("Enter")
    return not shows_login_form(page)


@contextmanager
def side_page(page: Page) -> Iterator[Page]:
    """A page in a new context of the same browser, signed in as `page` is (its cookies and storage), so a check
    can look around the app without touching the agent's tab or showing up as one of its tabs."""
    browser = page.context.browser
    if browser is None:
        raise RuntimeError("side_page needs a page of a launched or connected browser")
    context = browser.new_context(storage_state=page.context.storage_state())
    try:
        yield context.new_page()
    finally:
        context.close()


def content_key(page: Page) -> str:
    """A cheap fingerprint of what the page shows now (URL and text length), to skip re-checking an unchanged page."""
    try:
        return f"{page.url}|{page.evaluate('() => document.body ? document.body.innerText.length : 0')}"
    except PlaywrightError:
        return f"{page.url}|?"
