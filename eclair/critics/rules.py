"""Rule validators for one step (ECLAIR-style): cheap checks of before/after observations, no model.

Each rule returns pass/fail/unsure with a score (confidence the step succeeded) and a one-line reason.
`applies_to` lists the action kinds a rule has an opinion on; the panel skips it for the others.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from eclair.critics.base import CriticRole
from eclair.critics.diff import dom_diff, visual_diff
from eclair.types import Action, ActionResult, Element, Observation, StepRecord, Verdict

MASK_CHARS = set("•*●")
MIN_VISUAL_CHANGE = 0.0005  # share of pixels; below it a click most likely changed nothing visible
STRONG_ERROR_WORDS = re.compile(r"\b(error|invalid|failed|not allowed|incorrect|not valid|unable to)\b", re.IGNORECASE)
ERROR_WORDS = re.compile(  # strong words plus the wording of form hints, which a fresh form page also shows
    STRONG_ERROR_WORDS.pattern[:-3]
    + r"|required|must be|must not|is missing|please (enter|fill|select|provide|choose)|cannot be|can't be"
    + r"|(choose|select) an? (active|valid)"
    + r"|too (long|short))\b",
    re.IGNORECASE,
)
LOADING_WORDS = re.compile(r"^\s*(loading|please wait|saving|submitting)\b.{0,20}$", re.IGNORECASE)
EDITABLE_ROLES = {"textbox", "searchbox", "combobox", "spinbutton", "slider", "listbox"}
TOGGLE_ROLES = {"checkbox", "radio", "switch", "menuitemcheckbox", "menuitemradio"}


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _verdict(critic: str, label: str, score: float, reason: str) -> Verdict:
    return Verdict(label=label, score=round(score, 3), reason=reason, critic=critic)  # type: ignore[arg-type]


def _target(obs: Observation, action: Action, before: Observation | None = None) -> Element | None:
    """The acted-on element in `obs`: by id, else by the before-element's role+name (re-rendered nodes)."""
    if not action.element:
        return None
    found = obs.element(action.element)
    if found is not None or before is None:
        return found
    old = before.element(action.element)
    if old is None:
        return None
    return next((e for e in obs.elements if e.role == old.role and e.name == old.name and e.frame == old.frame), None)


class StepRule:
    """Base for rule validators; subclasses implement `evaluate`."""

    name = "rule"
    role: CriticRole = "effect"
    applies_to: frozenset[str] | None = None  # None: every action kind

    def check_step(
        self,
        before: Observation,
        action: Action,
        after: Observation,
        expected: str = "",
        *,
        result: ActionResult | None = None,
        history: Sequence[StepRecord] = (),
    ) -> Verdict:
        return self.evaluate(before, action, after, result, history)

    def needs_pixels(
        self, before: Observation, action: Action, after: Observation, result: ActionResult | None
    ) -> bool:
        """Whether this rule must compare screenshots for this step (the runner then captures `after` first)."""
        return False

    def evaluate(
        self,
        before: Observation,
        action: Action,
        after: Observation,
        result: ActionResult | None,
        history: Sequence[StepRecord],
    ) -> Verdict:
        raise NotImplementedError


class ActionSucceededRule(StepRule):
    """The browser reported the action ran (element found, no exception)."""

    name = "rule.action_ok"
    role: CriticRole = "guard"

    def evaluate(self, before, action, after, result, history):  # type: ignore[no-untyped-def]
        if result is None:
            return _verdict(self.name, "unsure", 0.5, "no action result recorded")
        if not result.ok:
            return _verdict(self.name, "fail", 0.02, f"action failed: {result.error or 'unknown error'}")
        return _verdict(self.name, "pass", 0.6, "action ran without error")


class TypedValueRule(StepRule):
    """After `type`, the field holds the typed text."""

    name = "rule.typed_value"
    applies_to = frozenset({"type"})

    def evaluate(self, before, action, after, result, history):  # type: ignore[no-untyped-def]
        wanted = action.text or ""
        field = _target(after, action, before)
        if field is None:
            if action.enter:
                return _verdict(self.name, "unsure", 0.5, "field gone after Enter (form may have been submitted)")
            return _verdict(self.name, "unsure", 0.4, f"field [{action.element}] is not on the page any more")
        value = field.value if field.value is not None else field.name
        if value == wanted:
            return _verdict(self.name, "pass", 0.95, f"field holds {wanted!r}")
        if value and set(value) <= MASK_CHARS:
            return _verdict(self.name, "unsure", 0.6, "field value is masked (password); cannot compare")
        if action.enter and not value and result is not None and result.ok:
            # search boxes and chat inputs clear themselves after Enter submits them
            return _verdict(self.name, "unsure", 0.5, "field empty after Enter (input may have been submitted)")
        if _norm(wanted) and (_norm(value) == _norm(wanted) or _norm(wanted) in _norm(value)):
            return _verdict(self.name, "pass", 0.8, f"field holds {value!r} (contains {wanted!r})")
        return _verdict(self.name, "fail", 0.08, f"typed {wanted!r} but the field holds {value!r}")


class SelectCheckRule(StepRule):
    """After `select`, the option is chosen; after `check`, the control's checked state is as asked."""

    name = "rule.select_check"
    applies_to = frozenset({"select", "check"})

    def evaluate(self, before, action, after, result, history):  # type: ignore[no-untyped-def]
        field = _target(after, action, before)
        if field is None:
            return _verdict(self.name, "unsure", 0.4, f"element [{action.element}] is not on the page any more")
        if action.kind == "select":
            wanted, value = _norm(action.text), _norm(field.value)
            if not value:
                if field.role in {"listbox", "combobox"}:
                    return _verdict(self.name, "unsure", 0.5, "custom list without a readable value")
                return _verdict(self.name, "fail", 0.1, f"nothing selected; wanted {action.text!r}")
            chosen = [v.strip() for v in value.split(",")]
            if wanted in chosen or wanted == value:
                return _verdict(self.name, "pass", 0.95, f"{action.text!r} is selected")
            if wanted and (wanted in value or value in wanted):
                return _verdict(self.name, "pass", 0.7, f"selected {field.value!r} for {action.text!r}")
            return _verdict(self.name, "fail", 0.08, f"wanted {action.text!r} but {field.value!r} is selected")
        is_checked = "checked" in field.states
        if field.role not in TOGGLE_ROLES and not is_checked:
            return _verdict(self.name, "unsure", 0.5, f"{field.role} has no readable checked state")
        if is_checked == action.checked:
            return _verdict(self.name, "pass", 0.95, f"{'checked' if is_checked else 'unchecked'} as asked")
        return _verdict(self.name, "fail", 0.05, f"still {'checked' if is_checked else 'unchecked'}")


class ChangeRule(StepRule):
    """A click/press/goto/tab changed something: URL, DOM, focus, a dialog, a tab, a download or the pixels.
    Nothing visible changed is `unsure`, not `fail`: a correct click may only run a script."""

    name = "rule.changed"
    # select/check have their own effect rule: choosing the value already chosen rightly changes nothing
    applies_to = frozenset({"click", "press", "goto", "tab", "upload"})

    def evaluate(self, before, action, after, result, history):  # type: ignore[no-untyped-def]
        if action.kind == "goto" and action.url:
            if _norm(after.url).rstrip("/").startswith(_norm(action.url).rstrip("/")):
                return _verdict(self.name, "pass", 0.85, f"now at {after.url}")
            return _verdict(self.name, "fail", 0.15, f"asked for {action.url} but at {after.url}")
        signs = self._cheap_signs(before, action, after, result)
        if signs:  # pixels are compared only when nothing cheaper shows a change
            return _verdict(self.name, "pass", 0.75, "; ".join(signs))
        target = before.element(action.element) if action.element else None
        visual = visual_diff(before.screenshot, after.screenshot, ignore=[target.bbox] if target else None)
        if visual.comparable and visual.changed_ratio >= MIN_VISUAL_CHANGE:
            return _verdict(
                self.name, "pass", 0.75, f"{visual.changed_ratio:.1%} pixels in {len(visual.regions)} regions"
            )
        pixels = "pixels" if visual.comparable else "pixels not compared"
        # a click may only run a script (analytics, a saved preference): no visible effect is no proof of failure
        return _verdict(
            self.name, "unsure", 0.4, f"no visible effect after {action.kind} (URL, DOM, focus, {pixels} unchanged)"
        )

    def needs_pixels(self, before, action, after, result):  # type: ignore[no-untyped-def]
        if action.kind not in self.applies_to or (action.kind == "goto" and action.url):
            return False
        return not self._cheap_signs(before, action, after, result)

    @staticmethod
    def _cheap_signs(before: Observation, action: Action, after: Observation, result: ActionResult | None) -> list[str]:
        """Changes visible without pixels: URL, tabs, dialogs, downloads, the DOM and focus."""
        signs: list[str] = []
        if before.url != after.url or (result is not None and result.url_changed):
            signs.append("URL changed")
        if result is not None and (result.new_tab or result.dialog or result.download):
            signs.append("tab/dialog/download")
        if after.dialog and after.dialog != before.dialog:
            signs.append("dialog opened")
        if before.tabs != after.tabs:
            signs.append("tabs changed")
        diff = dom_diff(before, after)
        if not diff.empty:
            signs.append(f"DOM: +{len(diff.added)} -{len(diff.removed)} ~{len(diff.changed)}")
        focused = after.element(after.focused) if after.focused else None
        if before.focused != after.focused and focused is not None and focused.role in EDITABLE_ROLES:
            signs.append(f"focus moved to {focused.role}")  # focus on the clicked button itself proves nothing
        return signs


def _action_identity(action: Action, obs: Observation) -> tuple[object, ...]:
    """What an action does, independent of ids (ids restart on every page load): kind, values, target, page."""
    target = obs.element(action.element) if action.element else None
    what = (target.role, target.name, target.frame) if target is not None else (action.element,)
    values = action.model_dump(exclude={"element", "amount"})
    return (tuple(sorted((k, str(v)) for k, v in values.items())), what, obs.url)


class NoRepeatRule(StepRule):
    """The action is not a repeat of one of the last two actions (a loop)."""

    name = "rule.no_repeat"
    role: CriticRole = "guard"
    applies_to = frozenset({"click", "type", "select", "check", "hover", "goto", "upload"})

    def evaluate(self, before, action, after, result, history):  # type: ignore[no-untyped-def]
        recent = [h for h in history if h.result is not None][-2:]
        this = _action_identity(action, before)
        repeats = [h for h in recent if _action_identity(h.decision.action, h.observation) == this]
        if len(repeats) == 2:
            return _verdict(self.name, "fail", 0.05, f"third time in a row: {action.describe()}")
        if repeats:  # once may be a deliberate retry or a "Next" button; not a veto
            return _verdict(self.name, "fail", 0.3, f"repeats a recent action: {action.describe()}")
        return _verdict(self.name, "pass", 0.55, "not a repeat")


class PageLoadedRule(StepRule):
    """The page after the action finished loading: not blank, no spinner or 'Loading…' text left."""

    name = "rule.page_loaded"
    role: CriticRole = "guard"

    def evaluate(self, before, action, after, result, history):  # type: ignore[no-untyped-def]
        if after.url in {"", "about:blank"} and action.kind != "tab":
            return _verdict(self.name, "fail", 0.1, "blank page")
        if not after.elements and not after.text.strip():
            return _verdict(self.name, "fail", 0.15, f"empty page at {after.url}")
        busy = [e for e in after.elements if "busy" in e.states or e.role == "progressbar"]
        loading = [e for e in after.elements if LOADING_WORDS.match(e.name or "")]
        if busy or loading:
            what = (busy or loading)[0]
            return _verdict(self.name, "fail", 0.3, f'still loading: {what.role} "{what.name}"')
        return _verdict(self.name, "pass", 0.55, "page loaded")


ERROR_TEXT_ROLES = {"text", "paragraph", "status", "alert", "listitem", "definition", "generic"}


def _looks_like_error(e: Element, words: re.Pattern[str]) -> bool:
    if not e.name or len(e.name) > 300:
        return False
    return e.role in ERROR_TEXT_ROLES and bool(words.search(e.name))


def _error_texts(obs: Observation, words: re.Pattern[str] = ERROR_WORDS) -> dict[str, str]:
    """Element key → message for everything that looks like a validation error on the page."""
    found: dict[str, str] = {}
    for e in obs.elements:
        if "invalid" in e.states:
            found[f"invalid:{e.role}:{e.name}"] = f'{e.role} "{e.name}" is invalid'
        elif _looks_like_error(e, words):
            found[f"text:{_norm(e.name)}"] = e.name
    if obs.dialog and words.search(obs.dialog):
        found[f"dialog:{_norm(obs.dialog)}"] = obs.dialog
    return found


class NoNewErrorRule(StepRule):
    """No new validation error (invalid fields, alert text, error dialog) appeared after the action."""

    name = "rule.no_new_error"
    role: CriticRole = "guard"

    def evaluate(self, before, action, after, result, history):  # type: ignore[no-untyped-def]
        old = _error_texts(before)
        # on a new page, "required" hints belong to the fresh form; only strong error words count there
        same_page = before.url.split("?")[0].split("#")[0] == after.url.split("?")[0].split("#")[0]
        words = ERROR_WORDS if same_page else STRONG_ERROR_WORDS
        new = {k: v for k, v in _error_texts(after, words).items() if k not in old}
        if result is not None and result.dialog and ERROR_WORDS.search(result.dialog):
            new[f"dialog:{result.dialog}"] = result.dialog
        if new:
            first = next(iter(new.values()))
            more = f" (+{len(new) - 1} more)" if len(new) > 1 else ""
            return _verdict(self.name, "fail", 0.1, f"new error: {first[:120]}{more}")
        return _verdict(self.name, "pass", 0.55, "no new error")


def default_step_rules() -> list[StepRule]:
    return [
        ActionSucceededRule(),
        TypedValueRule(),
        SelectCheckRule(),
        ChangeRule(),
        NoRepeatRule(),
        PageLoadedRule(),
        NoNewErrorRule(),
    ]
