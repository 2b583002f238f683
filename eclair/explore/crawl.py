"""Map an app with a read-only crawl: follow links inside its scope, read each page's structure, submit nothing."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urlsplit

from eclair.browser import navigate
from eclair.browser.errors import PageUnreachable
from eclair.browser.links import may_change_state
from eclair.browser.pagemap import read_page_map
from eclair.explore.appmap import AppMap, FieldInfo, FormInfo, PageInfo, TableInfo, url_pattern

if TYPE_CHECKING:
    from playwright.sync_api import Page

log = logging.getLogger(__name__)


def scope_of(start_url: str) -> str:
    """What the crawl stays inside: the start URL's origin and folder (`http://h:8000/helpdesk/`)."""
    parts = urlsplit(start_url)
    folder = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme}://{parts.netloc}{folder}"


def map_app(
    page: Page,
    start_url: str,
    *,
    name: str,
    max_pages: int = 60,
    per_pattern: int = 2,
    on_page: Callable[[str], None] | None = None,
) -> AppMap:
    """Breadth-first from `start_url`: at most `max_pages` visits, `per_pattern` URLs of each page pattern."""
    scope = scope_of(start_url)
    app = AppMap(name=name, base_url=scope)
    queue: deque[str] = deque([start_url])
    queued = {start_url}
    visits: dict[str, int] = {}
    while queue and sum(visits.values()) < max_pages:
        url = queue.popleft()
        pattern = url_pattern(url)
        if visits.get(pattern, 0) >= per_pattern:
            continue
        try:
            navigate(page, url)
        except PageUnreachable as exc:
            app.skipped.append(f"{url} (unreachable: {exc})")
            continue
        landed = urldefrag(page.url)[0]
        if not landed.startswith(scope):
            app.skipped.append(f"{url} (left the app for {landed})")
            continue
        pattern = url_pattern(landed)
        visits[pattern] = visits.get(pattern, 0) + 1
        raw = read_page_map(page)
        info = app.pages.get(pattern) or _page_info(pattern, raw)
        app.pages[pattern] = info
        if landed not in info.urls:
            info.urls.append(landed)
        if on_page:
            on_page(landed)
        for link in raw.get("links", []):
            target = urldefrag(str(link["href"]))[0]
            if not target.startswith(scope):
                continue
            if may_change_state(str(link.get("text", "")), target):  # a read-only crawl: never a GET that acts
                if target not in app.skipped:
                    app.skipped.append(f"{target} (may change state: {link.get('text', '')!r})")
                continue
            target_pattern = url_pattern(target)
            if target_pattern not in info.links_to and target_pattern != pattern:
                info.links_to.append(target_pattern)
            if target not in queued:
                queued.add(target)
                queue.append(target)
    return app


def _page_info(pattern: str, raw: dict) -> PageInfo:
    return PageInfo(
        pattern=pattern,
        title=str(raw.get("title", "")),
        headings=list(raw.get("headings", [])),
        forms=[
            FormInfo(
                action=str(f.get("action", "")),
                method=str(f.get("method", "get")),
                fields=[FieldInfo(**field) for field in f.get("fields", [])],
                buttons=list(f.get("buttons", [])),
            )
            for f in raw.get("forms", [])
            if f.get("fields")
        ],
        tables=[TableInfo(**t) for t in raw.get("tables", [])],
        buttons=list(raw.get("buttons", [])),
    )
