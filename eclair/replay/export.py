"""Export a program as a standalone pytest-playwright script: readable, parameters as arguments, no eclair import.

The script locates each target the way a person would (role + accessible name; text for non-ARIA targets), does
the action and checks what the program checks (field values, ticks, the URL). Text checks stay as comments: they
are patterns over eclair's page text, which a plain script does not have.
"""

from __future__ import annotations

import keyword

from eclair.replay.program import PLACEHOLDER, Program, ProgramStep, Target

NON_ARIA = {"clickable", "text", "label", "term", "definition", "cell"}

HEADER = '''"""{title}

Exported by `eclair workflows export`; needs only Playwright. Run it either way:
  pytest {file} --browser chromium      (values from the environment: START_URL, PARAM_<NAME>, STORAGE_STATE)
  python {file} --start-url URL {usage}
"""

from __future__ import annotations

import argparse
import os
import re
from urllib.parse import urlparse

from playwright.sync_api import Page, sync_playwright

DEFAULTS = {defaults}

try:  # under pytest-playwright: launch the Chromium named by $CHROMIUM (e.g. Debian's /usr/bin/chromium)
    import pytest

    @pytest.fixture(scope="session")
    def browser_type_launch_args(browser_type_launch_args):
        path = os.environ.get("CHROMIUM")
        return {{**browser_type_launch_args, **({{"executable_path": path}} if path else {{}})}}

    @pytest.fixture(scope="session")
    def browser_context_args(browser_context_args):
        state = os.environ.get("STORAGE_STATE")  # a signed-in session saved by Playwright (cookies, storage)
        return {{**browser_context_args, **({{"storage_state": state}} if state else {{}})}}

except ImportError:
    pass


def _root(page: Page, frame: str):
    """The page, or the iframe named (or addressed) `frame`."""
    if not frame:
        return page
    found = page.frame(name=frame) or page.frame(url=frame)
    if found is None:
        raise AssertionError(f"no frame {{frame!r}}")
    return found


def _target(page: Page, role: str, name: str, nth: int = 0, frame: str = ""):
    root = _root(page, frame)
    if role in {non_aria}:
        return root.get_by_text(name, exact=True).nth(nth)
    return root.get_by_role(role, name=name, exact=True).nth(nth)


def _fill(template: str, values: dict) -> str:
    return re.sub(r"\\{{\\{{(\\w+)\\}}\\}}", lambda m: values[m.group(1)], template)


def _expect_path(page: Page, pattern: str) -> None:
    page.wait_for_url(lambda url: re.search(pattern, urlparse(url).path) is not None, timeout=10_000)


def _expect_value(locator, expected: str) -> None:
    shown = locator.evaluate(
        "e => e.tagName === 'SELECT' ? (e.options[e.selectedIndex] || {{}}).text || '' : e.value"
    )
    assert shown.strip().lower() == expected.strip().lower(), f"field holds {{shown!r}}, expected {{expected!r}}"

'''

FOOTER = """

def test_{func}(page: Page) -> None:
    values = {{name: os.environ.get("PARAM_" + name.upper(), default) for name, default in DEFAULTS.items()}}
    run_workflow(page, os.environ.get("START_URL", {start!r}), **values)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description={title!r})
    parser.add_argument("--start-url", default={start!r})
    for name, default in DEFAULTS.items():
        parser.add_argument("--" + name.replace("_", "-"), dest=name, default=default)
    args = vars(parser.parse_args())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM") or None)
        context = browser.new_context(storage_state=os.environ.get("STORAGE_STATE") or None)
        run_workflow(context.new_page(), args.pop("start_url"), **args)
        browser.close()
    print("ok")
"""


def _ident(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) else name


def _expr(template: str | None) -> str:
    """A Python expression for a template: a plain string, one parameter, or an f-string."""
    text = template or ""
    names = PLACEHOLDER.findall(text)
    if not names:
        return repr(text)
    if PLACEHOLDER.fullmatch(text):
        return _ident(names[0])
    parts = PLACEHOLDER.split(text)  # literal, name, literal, name, ...
    body = "".join(
        (p.replace("{", "{{").replace("}", "}}") if i % 2 == 0 else "{" + _ident(p) + "}") for i, p in enumerate(parts)
    )
    return "f" + repr(body)


def _locator(target: Target) -> str:
    args = [repr(target.role), _expr(target.name)]
    if target.nth:
        args.append(str(target.nth))
    if target.frame:
        args += ([] if target.nth else ["0"]) + [repr(target.frame)]
    return f"_target(page, {', '.join(args)})"


def _step_lines(step: ProgramStep) -> list[str]:
    loc = _locator(step.target) if step.target else "page"
    value = _expr(step.value)
    action = {
        "click": f"{loc}.click()",
        "type": f"{loc}.fill({value})",
        "select": f"{loc}.select_option(label={value})",
        "check": f"{loc}.set_checked({step.checked})",
        "press": f"{loc}.press({step.key!r})" if step.target else f"page.keyboard.press({step.key!r})",
        "goto": f"page.goto({_expr(step.url)})",
        "upload": f"{loc}.set_input_files({[*step.files]!r})",
        "scroll": "page.mouse.wheel(0, 600)",
    }[step.kind]
    lines = [f"    # {step.intent}", f"    {action}"]
    for check in step.checks:
        if check.kind == "value":
            lines.append(f"    _expect_value({loc}, {_expr(check.expected)})")
        elif check.kind == "checked":
            lines.append(f"    assert {loc}.is_checked() is {check.expected != 'false'}")
        elif check.kind == "url":
            lines.append(f"    _expect_path(page, {_pattern_expr(check.expected)})")
        else:
            lines.append(f"    # eclair also checks: {check.describe()}")
    return lines


def _pattern_expr(pattern: str) -> str:
    """A URL pattern whose placeholders are filled with escaped values."""
    parts = PLACEHOLDER.split(pattern)
    if len(parts) == 1:
        return repr(pattern)
    pieces = [repr(p) if i % 2 == 0 else f"re.escape({_ident(p)})" for i, p in enumerate(parts) if p or i % 2]
    return " + ".join(pieces)


def export_playwright(program: Program, *, file_name: str = "workflow.py") -> str:
    """The script's source text."""
    names = sorted(program.placeholders())
    defaults = {n: program.params.get(n, "") for n in names}
    usage = " ".join(f"--{n.replace('_', '-')} VALUE" for n in names)
    title = f"{program.name} v{program.version}: {program.description}".replace('"""', "'''")
    head = HEADER.format(
        title=title, file=file_name, usage=usage, defaults=repr(defaults), non_aria=repr(sorted(NON_ARIA))
    )
    signature = ", ".join(f"{_ident(n)}: str" for n in names)
    body = [f"def run_workflow(page: Page, start_url: str{', *, ' + signature if names else ''}) -> None:"]
    body.append(f'    """{title}"""')
    body.append("    if start_url:\n        page.goto(_fill(start_url, dict(locals())))")
    for step in program.steps:
        body.extend(_step_lines(step))
    func = "".join(c if c.isalnum() else "_" for c in program.name).strip("_") or "workflow"
    foot = FOOTER.format(func=func, start=program.start_url or "", title=title)
    return head + "\n".join(body) + "\n" + foot
