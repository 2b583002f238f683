"""One masker that every sink uses: it knows a run's secret values and replaces each with its `{{NAME}}`.

A value is also recognised in the forms sinks write it in: URL-quoted (a query string), JSON-escaped (step
JSON, trace files), HTML-escaped (DOM snapshots) and base64 (HTTP basic auth). TOTP codes typed during the run
join the set the moment they are generated.
"""

from __future__ import annotations

import base64
import html
import json
import re
import threading
from typing import TypeVar
from urllib.parse import quote, quote_plus

from pydantic import BaseModel

from eclair.security.vault import totp_code
from eclair.types import Action, Observation

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z][A-Za-z0-9_-]{0,63})(\.totp)?\s*\}\}")
TOTP_SUFFIX = ".totp"
MIN_MASKED_LENGTH = 4  # shorter values would blank out ordinary text; refuse them as secrets instead

M = TypeVar("M", bound=BaseModel)


def placeholder_names(text: str) -> set[str]:
    """Secret names a text refers to as `{{NAME}}` or `{{NAME.totp}}` (the latter as 'NAME.totp')."""
    return {match.group(1) + (match.group(2) or "") for match in PLACEHOLDER.finditer(text or "")}


def encoded_forms(value: str) -> list[str]:
    """The spellings of `value` that artifacts may hold, longest first, without duplicates."""
    forms = {
        value,
        quote(value, safe=""),
        quote_plus(value, safe=""),
        quote(value),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        html.escape(value),
        html.escape(value, quote=False),
        base64.b64encode(value.encode()).decode().rstrip("="),
    }
    return sorted((f for f in forms if len(f) >= MIN_MASKED_LENGTH), key=len, reverse=True)


class Masker:
    """A run's secrets: values to type (`fill`) and to hide (`text`, `observation`, `model`, `data`)."""

    def __init__(self, secrets: dict[str, str] | None = None) -> None:
        self._secrets: dict[str, str] = {}
        self._forms: list[tuple[str, str]] = []  # (spelling, replacement), longest spelling first
        self._lock = threading.Lock()
        for name, value in (secrets or {}).items():
            self.add(name, value)

    @property
    def active(self) -> bool:
        return bool(self._forms)

    @property
    def secrets(self) -> dict[str, str]:
        """name → value, for a recorder that must write {{name}} where a person typed the value."""
        return dict(self._secrets)

    @property
    def names(self) -> list[str]:
        return list(self._secrets)

    def values(self) -> list[str]:
        """Every spelling to hide (for scanners and the screenshot redactor)."""
        return [form for form, _ in self._forms]

    def raw_values(self) -> list[str]:
        return [value for _, value in self._all_raw()]

    def add(self, name: str, value: str) -> None:
        """Hide `value` as `{{name}}` from now on. A TOTP entry (`NAME.totp`) hides its seed as `{{NAME}}`."""
        if not value:
            return
        with self._lock:
            self._secrets[name] = value
            label = "{{" + (name.removesuffix(TOTP_SUFFIX)) + "}}"
            self._add_forms(value, label)

    def _add_forms(self, value: str, label: str) -> None:
        known = {form for form, _ in self._forms}
        self._forms.extend((form, label) for form in encoded_forms(value) if form not in known)
        self._forms.sort(key=lambda pair: len(pair[0]), reverse=True)

    def _all_raw(self) -> list[tuple[str, str]]:
        return list(self._secrets.items())

    # ---- typing --------------------------------------------------------------------------------------------
    def fill(self, text: str) -> str:
        """`{{NAME}}` → the value, `{{NAME.totp}}` → the current code (which is hidden from then on)."""

        def value_of(match: re.Match[str]) -> str:
            name, totp = match.group(1), match.group(2)
            if totp:
                seed = self._secrets.get(name + TOTP_SUFFIX)
                if seed is None:
                    return match.group(0)
                code = totp_code(seed)
                with self._lock:
                    self._add_forms(code, "{{" + name + ".totp}}")
                return code
            return self._secrets.get(name, match.group(0))

        return PLACEHOLDER.sub(value_of, text)

    def fill_action(self, action: Action) -> Action:
        """The action as the browser runs it: placeholders in its text and its URL (a token link) filled."""
        update = {
            key: self.fill(value)
            for key, value in (("text", action.text), ("url", action.url))
            if self._secrets and value and "{{" in value
        }
        return action.model_copy(update=update) if update else action

    # ---- hiding --------------------------------------------------------------------------------------------
    def text(self, text: str) -> str:
        if not text or not self._forms:
            return text
        for form, label in self._forms:
            if form in text:
                text = _replace(text, form, label)
        return text

    def contains_secret(self, text: str) -> bool:
        return self.text(text) != text

    def data(self, value: object) -> object:
        """Mask every string inside plain JSON-like data (dicts, lists, strings)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(str(k)) if isinstance(k, str) else k: self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value

    def model(self, record: M) -> M:
        """A copy of a pydantic record with every string masked; bytes (screenshots) are kept as they are."""
        if not self._forms:
            return record
        return type(record).model_validate(self.data(record.model_dump(mode="python")))

    def observation(self, obs: Observation) -> Observation:
        """Mask an observation in place (the agent, the critics and the store all see this one object)."""
        if not self._forms:
            return obs
        obs.url = self.text(obs.url)
        obs.title = self.text(obs.title)
        obs.text = self.text(obs.text)
        obs.tabs = [self.text(t) for t in obs.tabs]
        if obs.dialog:
            obs.dialog = self.text(obs.dialog)
        for element in obs.elements:
            element.name = self.text(element.name)
            if element.value:
                element.value = self.text(element.value)
            if element.placeholder:
                element.placeholder = self.text(element.placeholder)
            if element.options:
                element.options = [self.data(o) for o in element.options]  # type: ignore[misc]
        return obs


def _replace(text: str, form: str, label: str) -> str:
    """A numeric value (a TOTP code) only as a whole number: never the digits inside a timestamp."""
    if form.isdigit():
        return re.sub(rf"(?<![0-9]){form}(?![0-9])", label, text)
    return text.replace(form, label)
