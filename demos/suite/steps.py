"""Builders for the scripted reference solutions: each returns a Step with readable text and a Playwright call.

Locators go by label and role, the way a person reads the page, so the scripts also check that the pages are
labelled properly.
"""

from __future__ import annotations

from typing import Any

from demos.suite.spec import Step


def _root(page: Any, frame: str | None) -> Any:
    return page.frame_locator(f'iframe[title="{frame}"]') if frame else page


def fill(label: str, value: str, *, frame: str | None = None) -> Step:
    return Step(f'Type "{value}" into "{label}"', lambda p: _root(p, frame).get_by_label(label, exact=True).fill(value))


def secret_fill(label: str, value: str) -> Step:
    """Like fill, but the step text never shows the value."""
    return Step(f'Type the password into "{label}"', lambda p: p.get_by_label(label, exact=True).fill(value))


def select(label: str, option: str, *, frame: str | None = None) -> Step:
    return Step(
        f'Choose "{option}" in "{label}"',
        lambda p: _root(p, frame).get_by_label(label, exact=True).select_option(label=option),
    )


def check(label: str, *, frame: str | None = None, on: bool = True) -> Step:
    verb = "Tick" if on else "Untick"
    return Step(f'{verb} "{label}"', lambda p: _root(p, frame).get_by_label(label, exact=True).set_checked(on))


def click(name: str, role: str = "button", *, frame: str | None = None) -> Step:
    """A click that does not load a new page (a tab, a modal opener, an autocomplete option)."""
    return Step(
        f'Click the "{name}" {role}', lambda p: _root(p, frame).get_by_role(role, name=name, exact=True).first.click()
    )


def submit(name: str, role: str = "button") -> Step:
    """A click that loads a new page: waits for it, so the next step (or the checker) sees the result."""

    def run(p: Any) -> None:
        with p.expect_navigation(wait_until="domcontentloaded"):
            p.get_by_role(role, name=name, exact=True).first.click()

    return Step(f'Click the "{name}" {role}', run)


def submit_row_link(row_text: str) -> Step:
    """Open the link in the table row with a cell that reads exactly `row_text` (e.g. a ticket by its subject)."""

    def run(p: Any) -> None:
        row = p.get_by_role("row").filter(has=p.get_by_role("cell", name=row_text, exact=True))
        with p.expect_navigation(wait_until="domcontentloaded"):
            row.get_by_role("link").first.click()

    return Step(f'Open the row "{row_text}"', run)


def submit_in_frame(name: str, frame_name: str, frame_title: str) -> Step:
    def run(p: Any) -> None:
        button = p.frame_locator(f'iframe[title="{frame_title}"]').get_by_role("button", name=name, exact=True)
        button.wait_for()  # the iframe may still be loading after the parent page's DOMContentLoaded
        with p.frame(name=frame_name).expect_navigation(wait_until="domcontentloaded"):
            button.click()

    return Step(f'Click the "{name}" button in the {frame_title.lower()}', run)


def download(name: str, role: str = "link") -> Step:
    """A click that downloads a file; waits until the download has started."""

    def run(p: Any) -> None:
        with p.expect_download() as info:
            p.get_by_role(role, name=name, exact=True).first.click()
        info.value.path()

    return Step(f'Click the "{name}" {role} to download the file', run)


def upload(label: str, path: str) -> Step:
    return Step(f'Attach "{path}" in "{label}"', lambda p: p.get_by_label(label, exact=True).set_input_files(path))


def autocomplete(label: str, value: str) -> list[Step]:
    """Type into a combobox, then pick the matching suggestion."""
    return [fill(label, value), click(value, "option")]
