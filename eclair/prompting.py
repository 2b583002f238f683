"""Platform prompts are Jinja templates beside the code that sends them (as the agents' are); this loads them.

Templates render with StrictUndefined (a missing value is a bug, not an empty string), trim_blocks and no
trailing newline, so a template reads like the text a model gets.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined


@cache
def _environment(folder: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(folder), undefined=StrictUndefined, trim_blocks=True, keep_trailing_newline=False
    )


def render_prompt(beside: str, name: str, **values: Any) -> str:
    """Render template `name` from the folder of module file `beside` (pass `__file__`)."""
    return _environment(Path(beside).parent).get_template(name).render(**values)
