"""Risk of an action, read from what it acts on (the element's role and name, a form's target, a URL), and the
approval rule built from the policy in eclair.toml (`approve = ["delete", "send", "pay"]`).

A risky action waits for a person unless the task itself asked for exactly that: the task names the risk (any
of its verbs) and the element's own words. Page text can never ask on the task's behalf.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlparse

from eclair.actions import has_risk
from eclair.types import Action, Element, Observation, Task

RISK_VERBS: dict[str, tuple[str, ...]] = {
    "delete": ("delete", "remove", "erase", "purge", "destroy", "drop", "wipe", "clear all"),
    "send": ("send", "email", "publish", "post", "share", "forward", "reply", "invite"),
    "pay": ("pay", "payment", "purchase", "buy", "checkout", "check out", "transfer", "place order", "refund"),
    "approve": ("approve", "authorize", "authorise", "sign off", "grant"),
    "submit": ("submit", "confirm", "finalize", "finalise"),
}
MONEY_ROUTE = re.compile(r"/(pay|payment|payments|checkout|billing|transfer|invoice[s]?/\w+/pay)(/|\?|$)", re.I)
NeedsApproval = Callable[[Action, Observation], str | None]


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()).strip() + " "


def risks_of_text(text: str, risks: Iterable[str]) -> list[str]:
    """Which of `risks` a label names (word-wise: 'Delete ticket' is delete, 'Deleted items' is not)."""
    words = _words(text)
    return [risk for risk in risks if any(f" {verb} " in words for verb in RISK_VERBS.get(risk, (risk,)))]


def _element(action: Action, obs: Observation) -> Element | None:
    return next((e for e in obs.elements if e.id == action.element), None) if action.element else None


def action_risks(action: Action, obs: Observation, risks: Iterable[str]) -> list[str]:
    """The policy risks this action carries: by the element it acts on, or a URL on a money route."""
    risks = list(risks)
    submits = has_risk(action.kind, "enter_submits") and presses_enter(action)
    if not has_risk(action.kind, "commits") and not submits:
        return []
    found: list[str] = []
    element = _element(action, obs)
    if element is not None and has_risk(action.kind, "labelled"):
        found += risks_of_text(f"{element.name} {element.value or ''}", risks)
    if submits and "submit" in risks:  # Enter in a field submits its form
        found.append("submit")
    url = action.url or ""
    if url:
        found += risks_of_text(url.replace("/", " ").replace("-", " ").replace("_", " "), risks)
    follows = action.kind == "click" or (action.kind == "press" and (action.key or "").lower() == "enter")
    leads_to = element.target_url if element is not None and follows else ""
    if leads_to:  # the element's own destination: a link's href, the action of the form a button submits
        found += risks_of_text(_path_words(leads_to), risks)
    on_money_route = any(MONEY_ROUTE.search(u) for u in (url, leads_to) if u)
    if "pay" in risks and (on_money_route or (element is not None and MONEY_ROUTE.search(element.name))):
        found.append("pay")
    return sorted(set(found))


def _path_words(url: str) -> str:
    """The words of a URL's path ('/tickets/3/delete' → 'tickets 3 delete'); host and query say nothing here."""
    return re.sub(r"[/_\-.]+", " ", urlparse(url).path)


def presses_enter(action: Action) -> bool:
    """The action asks for Enter: a press of that key, or text typed with enter=true (either field counts: safer)."""
    return action.enter or (action.key or "").lower() == "enter"


def task_asked_for(task: Task, risk: str, action: Action, obs: Observation) -> bool:
    """The task text names the risk and the element's own words (or the URL's path), so the person asked for it."""
    text = _words(task.text)
    if not any(f" {verb} " in text for verb in RISK_VERBS.get(risk, (risk,))):
        return False
    element = _element(action, obs)
    label = element.name if element is not None else (action.url or "")
    verbs = {w for verb in RISK_VERBS.get(risk, (risk,)) for w in verb.split()}
    content = [w for w in _words(label).split() if w not in verbs and len(w) > 2 and w not in _FILLER]
    return all(f" {w} " in text for w in content)


_FILLER = {"the", "and", "for", "this", "that", "with", "now"}  # never "all": "Delete all" is not "Delete #3"


def approval_rule(approve: Iterable[str], task: Task) -> NeedsApproval | None:
    """The gate's rule for this task: a reason string when an action needs a person, else None."""
    risks = [r.strip().lower() for r in approve if r.strip()]
    if not risks:
        return None

    def needs_approval(action: Action, obs: Observation) -> str | None:
        pending = [r for r in action_risks(action, obs, risks) if not task_asked_for(task, r, action, obs)]
        if not pending:
            return None
        element = _element(action, obs)
        target = (
            f" {element.role} {element.name!r}" if element is not None else (f" {action.url}" if action.url else "")
        )
        return f"{'/'.join(pending)}:{target} (the task did not ask for it)"

    return needs_approval
