"""Bounded waits after an action: navigation, network idle, and a quiet DOM. Never longer than the caps."""

from __future__ import annotations

import logging
import time

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from eclair.browser.state import page_state

log = logging.getLogger(__name__)

# Installed before the action: records the time of the last DOM mutation in this document.
WATCH_MUTATIONS_JS = """() => {
  if (window.__eclairMO) { window.__eclairLastMutation = 0; return; }
  window.__eclairLastMutation = 0;
  window.__eclairMO = new MutationObserver(() => { window.__eclairLastMutation = performance.now(); });
  window.__eclairMO.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
}"""

# Resolves once no mutation happened for `quiet` ms; at once when none happened since watch_mutations.
DOM_QUIET_JS = """([quiet, cap]) => new Promise((resolve) => {
  const start = performance.now();
  const check = () => {
    const last = window.__eclairLastMutation || 0;
    const now = performance.now();
    if (last === 0 || now - last >= quiet || now - start >= cap) resolve(now - start);
    else setTimeout(check, Math.max(5, quiet - (now - last)));
  };
  check();
})"""


def watch_mutations(page: Page) -> None:
    try:
        page.evaluate(WATCH_MUTATIONS_JS)
    except PlaywrightError as exc:
        log.debug("mutation watch not installed: %s", exc)


def settle(
    page: Page,
    *,
    url_before: str,
    network_cap_s: float = 3.0,
    dom_quiet_ms: int = 50,
    dom_cap_ms: int = 1500,
    load_cap_ms: int = 10_000,
) -> None:
    """Wait (bounded) for a started navigation to load, in-flight requests to finish and the DOM to go quiet."""
    if page.is_closed():
        return
    if page.url != url_before:
        try:
            page.wait_for_load_state("load", timeout=load_cap_ms)
        except PlaywrightError as exc:
            log.debug("load wait cut: %s", exc)
    ps = page_state(page)
    deadline = time.monotonic() + network_cap_s
    while ps.inflight > 0 and time.monotonic() < deadline and not page.is_closed():
        page.wait_for_timeout(25)  # pumps Playwright events, which update the in-flight count
    if page.is_closed():
        return
    try:
        page.evaluate(DOM_QUIET_JS, [dom_quiet_ms, dom_cap_ms])
    except PlaywrightError as exc:
        # the document navigated during the wait: give the new one its load event
        log.debug("DOM quiet wait interrupted: %s", exc)
        try:
            page.wait_for_load_state("load", timeout=load_cap_ms)
        except PlaywrightError:
            pass
