"""Bounded waits after an action: navigation, network idle, and a quiet DOM. Never longer than the caps."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from eclair.browser.state import context_state, page_state

log = logging.getLogger(__name__)

# Added to every document of an eclair context: counts the page's own fetch/XHR calls as they start, so the
# settle wait sees a request the moment a click handler issues it (Playwright's events can arrive later).
COUNT_PENDING_REQUESTS_JS = """(() => {
  if (window.__eclairPending !== undefined) return;
  window.__eclairPending = 0;
  const done = () => { window.__eclairPending = Math.max(0, window.__eclairPending - 1); };
  const origFetch = window.fetch;
  if (origFetch) {
    window.fetch = function (...args) {
      window.__eclairPending++;
      return origFetch.apply(this, args).finally(done);
    };
  }
  const origSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    window.__eclairPending++;
    this.addEventListener('loadend', done, { once: true });
    return origSend.apply(this, args);
  };
})();"""

# The page's window and its same-origin iframes' windows (their DOM and requests count as the page's).
_WINDOWS_JS = """const windows = [window];
  for (const f of document.querySelectorAll('iframe, frame')) {
    try { if (f.contentDocument && f.contentWindow) windows.push(f.contentWindow); } catch (e) { /* cross-origin */ }
  }"""

# Run before the action: records the time of the last DOM mutation from now on, and counts the target id's
# matches (open shadow roots included) so locating it costs no extra round trip; a native <select> target's
# options ([value, label]) come back too, so choosing one costs none either.
WATCH_MUTATIONS_JS = (
    """(id) => {
  """
    + _WINDOWS_JS
    + """
  window.__eclairLastMutation = -Infinity;
  window.__eclairPopups = 0;
  for (const w of windows) {
    w.__eclairPendingBase = w.__eclairPending || 0;  // long-polls already open are not the action's
    if (w.__eclairMO) continue;
    w.__eclairMO = new w.MutationObserver(() => { window.__eclairLastMutation = performance.now(); });
    w.__eclairMO.observe(w.document, {subtree: true, childList: true, attributes: true, characterData: true});
    // popups: Playwright reports the new page a moment later, so count the attempts here to wait for it
    const open = w.open;
    w.open = function (...args) { window.__eclairPopups++; return open.apply(this, args); };
    w.document.addEventListener('click', (e) => {
      const a = e.target && e.target.closest ? e.target.closest('a[target]') : null;
      if (a && a.href && !['_self', '_parent', '_top', ''].includes(a.target)) window.__eclairPopups++;
    }, true);
  }
  if (!id) return null;
  const sel = '[data-eclair-id="' + id + '"]';
  const deepCount = (root) => {
    let n = root.querySelectorAll(sel).length;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) n += deepCount(el.shadowRoot);
    return n;
  };
  const found = document.querySelectorAll(sel);
  const el = found.length === 1 ? found[0] : null;
  const options = el && el.tagName === 'SELECT'
    ? Array.from(el.options).map((o) => [o.value, o.label || o.text]) : null;
  return [found.length || deepCount(document), options];
}"""
)

# Resolves once the page's own requests are done and one macrotask turn passed without a DOM mutation
# (updates the action scheduled with timers or message channels run first, and a change during a turn earns
# another turn `quiet` ms later), or when `cap` ms have passed. Returns, and resets, the popups attempted.
SETTLE_JS = (
    """([quiet, cap, lookback = 0]) => new Promise((resolve) => {
  """
    + _WINDOWS_JS
    + """
  const start = performance.now();
  let since = start - lookback;  // a change made since the action began, before this call, counts too
  const finish = () => { const popups = window.__eclairPopups || 0; window.__eclairPopups = 0; resolve(popups); };
  const check = () => {
    const now = performance.now();
    if (now - start >= cap) return finish();
    const busy = windows.some((w) => { try { return (w.__eclairPending || 0) > (w.__eclairPendingBase || 0); }
                                       catch (e) { return false; } });
    if (busy) { since = now; return setTimeout(check, 20); }
    if ((window.__eclairLastMutation ?? -Infinity) >= since) { since = now; return setTimeout(check, quiet); }
    finish();
  };
  setTimeout(check, 0);
})"""
)


def install_request_counter(context: BrowserContext) -> None:
    context.add_init_script(COUNT_PENDING_REQUESTS_JS)


@dataclass(frozen=True)
class Watch:
    """What the pre-action watch learnt about the target in the main frame (None: unknown)."""

    count: int | None = None  # how often the target id occurs
    options: list[list[str]] | None = None  # [value, label] per option when the target is a native <select>


def watch_mutations(page: Page, element_id: str | None = None) -> Watch:
    """Start watching DOM mutations; report the target `element_id` as the main frame has it now."""
    try:
        found = page.evaluate(WATCH_MUTATIONS_JS, element_id)
    except PlaywrightError as exc:
        log.debug("mutation watch not installed: %s", exc)
        return Watch()
    if not found:
        return Watch()
    count, options = found
    return Watch(count=int(count), options=options)


@cache
def settle_script(then: str | None = None) -> str:
    """SETTLE_JS, or SETTLE_JS followed in the same call by the function `then` (its result, or null when it throws,
    comes back beside the popup count): what a caller would read right after settling costs no extra round trip."""
    if then is None:
        return SETTLE_JS
    return (
        f"([quiet, cap, lookback, args]) => ({SETTLE_JS})([quiet, cap, lookback]).then((popups) => {{"
        f" let out = null; try {{ out = ({then})(args); }} catch (e) {{ out = null; }} return [popups, out]; }})"
    )


def settle(
    page: Page,
    *,
    url_before: str,
    settle_cap_ms: int = 3_000,
    dom_quiet_ms: int = 10,
    load_cap_ms: int = 10_000,
    popups_possible: bool = True,
    inflight_before: int = 0,
    then: str | None = None,
    then_args: Any = None,
    acted_at: float | None = None,
) -> Any:
    """Wait (bounded) for a started navigation to load, requests to finish and the DOM to go quiet.

    `popups_possible`: the action ran in this page after watch_mutations, so a popup it attempted is awaited.
    `inflight_before`: requests open before the action (long-polls, streams) that it need not wait for.
    `then`: a page function run on `then_args` in the same call once the page is quiet; its result is returned
    (None when no popup opened meanwhile is all it may be trusted for: a popup or navigation gives None).
    `acted_at`: `time.perf_counter()` when the action began; DOM changes since then (the action's own, and a timer
    it set that fired before this wait began) earn the quiet turn that changes during the wait do, so a chain of
    short timers the action started is followed even when its first link ran before the wait.
    """
    if page.is_closed():
        return None
    if page.url != url_before:
        try:
            page.wait_for_load_state("load", timeout=load_cap_ms)
        except PlaywrightError as exc:
            log.debug("load wait cut: %s", exc)
    ps = page_state(page)
    deadline = time.monotonic() + settle_cap_ms / 1000
    while ps.inflight > inflight_before and time.monotonic() < deadline and not page.is_closed():
        page.wait_for_timeout(20)  # pumps Playwright events, which update the in-flight count
    if page.is_closed():
        return None
    try:
        remaining_ms = max(0, int((deadline - time.monotonic()) * 1000))  # one cap for the whole settle
        lookback = (time.perf_counter() - acted_at) * 1000 if acted_at is not None else 0.0
        if then is None:
            popups, out = page.evaluate(SETTLE_JS, [dom_quiet_ms, remaining_ms, lookback]), None
        else:
            popups, out = page.evaluate(settle_script(then), [dom_quiet_ms, remaining_ms, lookback, then_args])
        if popups and popups_possible and not context_state(page.context).new_pages:
            page.context.wait_for_event("page", timeout=load_cap_ms)
        return None if popups else out
    except PlaywrightError as exc:
        # the document navigated during the wait: give the new one its load event
        log.debug("settle wait interrupted: %s", exc)
        try:
            page.wait_for_load_state("load", timeout=load_cap_ms)
        except PlaywrightError:
            pass
    return None
