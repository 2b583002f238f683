"""act(page, action): execute one typed Action. Page-level problems come back as a failed ActionResult.

The executors are bound here per kind, in tables keyed by eclair.actions.ACTION_SPECS: a kind's `acts_on` says
which table runs it (page, located element, or the element's last known point when it is gone).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from eclair.actions import ACTION_SPECS, has_risk
from eclair.browser.downloads import save_downloads
from eclair.browser.launch import current_page
from eclair.browser.locate import ID_PATTERN, ActionFailed, Target, locate
from eclair.browser.observe import DEFAULT_TOKEN_BUDGET, INSTALLED_SNAPSHOT_JS, MAIN_FRAME_ARGS, observe
from eclair.browser.page_actions import goto, scroll, tab, wait
from eclair.browser.state import context_state, page_state
from eclair.browser.waits import Watch, settle, watch_mutations
from eclair.types import Action, ActionResult, Observation

log = logging.getLogger(__name__)

ACTION_TIMEOUT_MS = 5_000


def _watched(action: Action) -> bool:
    """Whether a mutation/popup watch starts first: not for kinds that do nothing or leave this document."""
    return ACTION_SPECS[action.kind].acts_on != "nothing" and not has_risk(action.kind, "opens_url")


def act(
    page: Page, action: Action, *, downloads_dir: Path | None = None, dialog_policy: str = "accept"
) -> ActionResult:
    """Run `action` on `page`, wait (bounded) for the page to settle, report what happened."""
    return _act(page, action, downloads_dir=downloads_dir, dialog_policy=dialog_policy)[0]


def act_and_observe(
    page: Page,
    action: Action,
    *,
    downloads_dir: Path | None = None,
    dialog_policy: str = "accept",
    token_budget: int = DEFAULT_TOKEN_BUDGET,
) -> tuple[ActionResult, Page, Observation]:
    """`act`, then `observe` the tab the agent is on now (returned too; no screenshot).

    The same as the two calls, one browser round trip cheaper: when the action stayed in this document, the
    settle wait takes the main frame's snapshot in the same call, the moment the page is quiet."""
    result, snapshot = _act(
        page, action, downloads_dir=downloads_dir, dialog_policy=dialog_policy, snapshot_args=MAIN_FRAME_ARGS
    )
    current = current_page(page.context)
    prefetched = snapshot if current is page else None
    return result, current, observe(current, screenshot=False, token_budget=token_budget, main_snapshot=prefetched)


def _act(
    page: Page,
    action: Action,
    *,
    downloads_dir: Path | None,
    dialog_policy: str,
    snapshot_args: dict[str, object] | None = None,
) -> tuple[ActionResult, str | None]:
    started = time.perf_counter()
    cstate = context_state(page.context)
    cstate.dialog_policy = dialog_policy
    cstate.dialogs.clear()
    cstate.downloads.clear()
    cstate.new_pages.clear()
    url_before = page.url
    navigations_before = page_state(page).navigations
    inflight_before = page_state(page).inflight
    located_by = "none"
    error: str | None = None
    watch = Watch()
    if _watched(action):
        watch = watch_mutations(page, action.element if _is_id(action.element) else None)
    dispatched_at = time.perf_counter()
    try:
        located_by = _dispatch(page, action, watch)
    except ActionFailed as exc:
        error, located_by = str(exc), exc.located_by
    except PlaywrightTimeoutError as exc:
        error = f"{action.describe()} timed out: {_first_line(exc)}"
    except PlaywrightError as exc:
        error = f"{action.describe()} failed: {_first_line(exc)}"
    after = current_page(page.context)
    snapshot: str | None = None
    if ACTION_SPECS[action.kind].acts_on != "nothing":
        popups_possible = after is page and _watched(action)  # the watch reset its popup count
        snapshot = settle(
            after,
            url_before=url_before if after is page else "",
            popups_possible=popups_possible,
            inflight_before=inflight_before if after is page else 0,
            then=INSTALLED_SNAPSHOT_JS if snapshot_args is not None and after is page else None,
            then_args=snapshot_args,
            acted_at=dispatched_at if after is page else None,
        )
    settled = (page.url, page_state(page).navigations) if snapshot is not None else None
    if action.kind == "click" and error is None and not cstate.downloads and after is page:
        _await_late_download(page, action, url_before, navigations_before)
    download = save_downloads(cstate.downloads, downloads_dir or cstate.downloads_dir)
    for new_page in cstate.new_pages:
        try:
            new_page.wait_for_load_state("domcontentloaded", timeout=ACTION_TIMEOUT_MS)
        except PlaywrightError as exc:
            log.debug("new tab did not load: %s", exc)
    if settled is not None and (
        cstate.new_pages or cstate.downloads or page.is_closed() or (page.url, page_state(page).navigations) != settled
    ):
        snapshot = None  # the page moved on after the settle wait took the snapshot
    result = ActionResult(
        ok=error is None,
        error=error,
        located_by=located_by,  # type: ignore[arg-type]
        url_changed=after is not page or (not page.is_closed() and page.url != url_before),
        new_tab=bool(cstate.new_pages),
        download=download,
        dialog=" | ".join(cstate.dialogs) or None,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return result, snapshot


def _await_late_download(page: Page, action: Action, url_before: str, navigations_before: int) -> None:
    """A download arrives as an event after the click; wait for it when the click looks like one."""
    if page.is_closed() or page.url != url_before:
        return
    ps = page_state(page)
    element = ps.elements.get(action.element or "")
    started_navigation = ps.navigations > navigations_before
    is_download_link = False
    if not started_navigation and element is not None and element.tag == "a":
        try:
            target = locate(page, action.element or "")
            is_download_link = bool(
                target.locator and target.locator.get_attribute("download", timeout=1000) is not None
            )
        except (ActionFailed, PlaywrightError):
            return
    cstate = context_state(page.context)
    deadline = time.monotonic() + 2.0
    # a slow navigation also starts as a request: stop as soon as either a download or a new document shows up
    while (started_navigation or is_download_link) and not cstate.downloads and time.monotonic() < deadline:
        if page.is_closed() or page.url != url_before:
            return
        page.wait_for_timeout(25)  # pumps Playwright events


def _is_id(element_id: str | None) -> bool:
    return bool(element_id and ID_PATTERN.match(element_id))


def _dispatch(page: Page, action: Action, watch: Watch) -> str:
    """Run the executor `acts_on` picks; returns how the target was found."""
    acts_on = ACTION_SPECS[action.kind].acts_on
    if acts_on == "nothing":  # done, ask_human: the runner's business
        return "page"
    if acts_on == "page" or (acts_on == "element_or_page" and not action.element):
        return PAGE_EXECUTORS[action.kind](page, action)
    target = locate(page, action.element or "", main_frame_count=watch.count)
    loc = target.locator
    if loc is None:
        return _act_on_point(page, action, target)
    # the watch read the options of the one main-frame element with this id, which is the target located by id
    in_main = target.located_by == "id" and not page_state(page).frame_of.get(action.element or "")
    try:
        _on_locator(page, loc, action, target, watch.options if in_main else None)
    except ActionFailed:
        raise
    except PlaywrightTimeoutError as exc:
        raise ActionFailed(_explain_timeout(loc, action, exc), located_by=target.located_by) from None
    except PlaywrightError as exc:
        raise ActionFailed(f"{action.describe()} failed: {_first_line(exc)}", located_by=target.located_by) from None
    return target.located_by


def _on_locator(
    page: Page, loc: Locator, action: Action, target: Target, options: list[list[str]] | None = None
) -> None:
    kind = action.kind
    if target.element is not None and "disabled" in target.element.states and kind != "hover" and loc.is_disabled():
        raise ActionFailed(f"element [{action.element}] is disabled; do what enables it first", target.located_by)
    ELEMENT_EXECUTORS[kind](page, loc, action, options)


def _explain_timeout(loc: Locator, action: Action, exc: BaseException) -> str:
    """Turn Playwright's actionability timeout into the reason an agent can act on."""
    try:
        if not loc.is_visible():
            return f"element [{action.element}] is not visible; scroll, open its section, or observe again"
        if not loc.is_enabled():
            return f"element [{action.element}] is disabled; do what enables it first"
    except PlaywrightError:
        pass
    return f"{action.describe()} timed out: {_first_line(exc)}"


def _act_on_point(page: Page, action: Action, target: Target) -> str:
    run = POINT_EXECUTORS.get(action.kind)
    if run is None:
        raise ActionFailed(
            f"element [{action.element}] is gone and {action.kind} needs it; observe again", located_by="bbox"
        )
    run(page, target.centre(), action)
    return "bbox"


def _type_at(page: Page, point: tuple[float, float], action: Action) -> None:
    page.mouse.click(*point)
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(action.text or "")
    if action.enter:
        page.keyboard.press("Enter")


def _type(page: Page, loc: Locator, action: Action) -> None:
    text = action.text or ""
    try:
        loc.fill(text, timeout=ACTION_TIMEOUT_MS)
    except PlaywrightError as exc:
        if "not an <input>" not in str(exc):
            raise
        # a custom widget may move focus to an inner field when clicked; type there if it does
        loc.click(timeout=ACTION_TIMEOUT_MS)
        if not page.evaluate(_FOCUS_IS_EDITABLE_JS):
            raise ActionFailed(
                f"element [{action.element}] is not a text field; pick a textbox to type into", located_by="id"
            ) from None
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type(text)
    if action.enter:
        loc.press("Enter", timeout=ACTION_TIMEOUT_MS)


_FOCUS_IS_EDITABLE_JS = """() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return !!a && (a.isContentEditable || a.tagName === 'TEXTAREA' || (a.tagName === 'INPUT' && !a.readOnly));
}"""

_OPTIONS_JS = "el => el.tagName === 'SELECT' ? Array.from(el.options).map(o => [o.value, o.label || o.text]) : null"


def _select(page: Page, loc: Locator, wanted: str, options: list[list[str]] | None = None) -> None:
    """Choose `wanted` (a label or value, exact first, then case-insensitive, then a substring of the label).

    `options`: the native select's [value, label] pairs when the caller has just read them."""
    if options is None:
        options = loc.evaluate(_OPTIONS_JS)
    if options is None:
        # A custom widget. An open listbox (e.g. an autocomplete's suggestions) already shows its options: click the
        # one wanted inside it (clicking the list itself would hit some option and close the list). A collapsed
        # combobox is opened first, then the option is picked by its accessible name.
        if loc.get_attribute("role") == "listbox":
            loc.get_by_role("option", name=wanted, exact=False).first.click(timeout=ACTION_TIMEOUT_MS)
            return
        loc.click(timeout=ACTION_TIMEOUT_MS)
        option = page.get_by_role("option", name=wanted, exact=False).first
        option.click(timeout=ACTION_TIMEOUT_MS)
        return
    low = wanted.strip().lower()
    for matcher in (
        lambda v, lab: lab == wanted or v == wanted,
        lambda v, lab: lab.strip().lower() == low or v.lower() == low,
        lambda v, lab: low in lab.lower(),
    ):
        hits = [value for value, label in options if matcher(value, label)]
        if hits:
            loc.select_option(value=hits[0], timeout=ACTION_TIMEOUT_MS)
            return
    labels = ", ".join(label for _, label in options[:20])
    raise ActionFailed(f"no option {wanted!r} in this select; options are: {labels}", located_by="id")


def _upload(page: Page, loc: Locator, files: list[str]) -> None:
    paths = [Path(f).expanduser() for f in files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ActionFailed(f"upload: file(s) not found: {', '.join(missing)}", located_by="id")
    is_file_input = loc.evaluate("el => el.tagName === 'INPUT' && el.type === 'file'")
    if is_file_input:
        loc.set_input_files([str(p) for p in paths], timeout=ACTION_TIMEOUT_MS)
        return
    # a button that opens the file chooser
    with page.expect_file_chooser(timeout=ACTION_TIMEOUT_MS) as chooser:
        loc.click(timeout=ACTION_TIMEOUT_MS)
    chooser.value.set_files([str(p) for p in paths])


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else type(exc).__name__


def _goto(page: Page, action: Action) -> str:
    goto(page, action.url or "")
    return "page"


def _tab(page: Page, action: Action) -> str:
    tab(page, action)
    return "page"


def _press_in_focus(page: Page, action: Action) -> str:
    page.keyboard.press(action.key or "")
    return "page"


# Kinds that act on the page; each finds any element it names itself and returns how.
PAGE_EXECUTORS: dict[str, Callable[[Page, Action], str]] = {
    "goto": _goto,
    "tab": _tab,
    "scroll": scroll,
    "wait": wait,
    "press": _press_in_focus,  # without an element: the focused one gets the key
}
# Kinds that act on a located element; `options` are a native select's [value, label] pairs when already read.
ELEMENT_EXECUTORS: dict[str, Callable[[Page, Locator, Action, list[list[str]] | None], None]] = {
    "click": lambda page, loc, action, options: loc.click(timeout=ACTION_TIMEOUT_MS),
    "type": lambda page, loc, action, options: _type(page, loc, action),
    "select": lambda page, loc, action, options: _select(page, loc, action.text or "", options),
    "check": lambda page, loc, action, options: loc.set_checked(action.checked, timeout=ACTION_TIMEOUT_MS),
    "hover": lambda page, loc, action, options: loc.hover(timeout=ACTION_TIMEOUT_MS),
    "press": lambda page, loc, action, options: loc.press(action.key or "", timeout=ACTION_TIMEOUT_MS),
    "upload": lambda page, loc, action, options: _upload(page, loc, action.files),
}
# Kinds that still run at the element's last known centre when it can no longer be located.
POINT_EXECUTORS: dict[str, Callable[[Page, tuple[float, float], Action], None]] = {
    "click": lambda page, point, action: page.mouse.click(*point),
    "hover": lambda page, point, action: page.mouse.move(*point),
    "type": _type_at,
}
