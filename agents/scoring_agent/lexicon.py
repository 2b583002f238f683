"""The scoring agent's shared vocabulary: one place for the patterns and role sets every module reads.

Quoted strings, dates, numbers and e-mails in task text; submit, leave-the-form and danger verbs on controls;
validation messages; and the role sets that say what an element is (a field, a toggle, a select, plain text).
"""

from __future__ import annotations

import re

# -- task text ---------------------------------------------------------------------------------------------------
QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”|(?<![a-zA-Z])'([^']+)'(?![a-zA-Z])")
DOUBLE_QUOTED = re.compile(r'"([^"]+)"')
DATE_IN_TEXT = re.compile(r"\b(\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})\b")
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
NUMBER = re.compile(r"(?<![\w/.-])(\d+(?:\.\d+)?)(?![\w/])")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
CLICK_TASK = re.compile(r"^\s*(click|select|check|uncheck|tick|choose|tap|press|expand|open)\b", re.I)
TYPE_VERB = re.compile(
    r"\b(enter|type|fill|write|input|search|reply|forward|send|set|put|change|update|rename|log ?in|sign ?in|"
    r"log ?on|sign ?on)\b",
    re.I,
)

# -- controls ----------------------------------------------------------------------------------------------------
SUBMIT_WORDS = re.compile(
    r"\b(submit|save|create|confirm|send|approve|reject|ok|done|search|log ?in|sign ?in|register|add|update|"
    r"book|finish|apply|schedule|close|delete|post|continue)\b",
    re.I,
)
AWAY_WORDS = re.compile(r"\b(cancel|log ?out|sign ?out|reset|clear|back|discard|close)\b", re.I)
# A click the task must ask for by name: it ends the session or destroys data (the one hard filter left).
DANGER_WORDS = re.compile(r"\b(log ?out|sign ?out|log ?off|sign ?off|delete|remove|erase|destroy|purge)\b", re.I)
FORM_ERROR = re.compile(
    r"\b(is required|are required|required field|please (fix|correct|enter|fill|select|choose)|is invalid|"
    r"is not valid|does not exist|must be|can(not|'t) be (blank|empty))\b",
    re.IGNORECASE,
)

# -- roles -------------------------------------------------------------------------------------------------------
TEXT_ROLES = {"textbox", "searchbox", "combobox-text", "spinbutton", "textarea"}
FIELD_ROLES = TEXT_ROLES
SELECT_ROLES = {"combobox", "listbox"}
TOGGLE_ROLES = {"checkbox", "radio", "switch"}
LABEL_ROLES = {"label", "text", "columnheader", "cell", "term", "statictext"}
CONTROL_ROLES = {"link", "button", "tab", "menuitem", "clickable"}
TEXT_ONLY_ROLES = {
    "cell", "text", "statictext", "term", "definition", "listitem", "paragraph", "caption", "heading", "columnheader",
}  # fmt: skip
NON_CLICK_ROLES = {
    "text", "statictext", "paragraph", "heading", "img", "image", "separator", "cell", "row", "table", "group",
    "region", "list", "form", "dialog", "label", "status", "alert", "generic-text",
}  # fmt: skip


def is_submit(text: str) -> bool:
    """The text names a submit-like control ("Save", "Log in", "Create ticket")."""
    return SUBMIT_WORDS.search(text) is not None


def quoted(text: str) -> list[str]:
    """Every quoted string in `text`, in order ("…", “…” or '…')."""
    return [next(g for g in m.groups() if g) for m in QUOTED.finditer(text)]
