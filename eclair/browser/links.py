"""Links a careful reader never follows: a GET that may still change state, end the session or fetch a file."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# the words of a link (its name or its path) that may delete, end the session, decide, or download on a plain GET
STATE_CHANGING_LINK = re.compile(
    r"\b(log ?out|sign ?out|log ?off|delete|remove|destroy|reset|archive|approve|reject|cancel|close|disable|"
    r"unsubscribe|export|download)\b|\.(pdf|csv|zip|xlsx?)$",
    re.IGNORECASE,
)


def may_change_state(name: str, url: str = "") -> bool:
    """True when the link's name or its URL's path says following it may change something (or fetch a file)."""
    return bool(STATE_CHANGING_LINK.search(name) or (url and STATE_CHANGING_LINK.search(urlsplit(url).path)))
