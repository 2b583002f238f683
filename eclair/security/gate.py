"""The gate between an agent's decision and the browser: domain allow-list and approval of risky actions."""

from __future__ import annotations

import sys
from collections.abc import Callable
from urllib.parse import urlparse

from pydantic import BaseModel

from eclair.actions import has_risk
from eclair.config import ConfigError, Settings
from eclair.security.human import HumanDesk, console_desk
from eclair.types import Action, Observation, Task

Approver = Callable[[Action, Observation, str], bool]  # returns True to let the action run


class GateDecision(BaseModel):
    allowed: bool
    reason: str = ""
    asked_human: bool = False


def _host(url: str) -> str:
    return (urlparse(url).hostname or "").lower()


def domain_allowed(url: str, allowed_domains: tuple[str, ...]) -> bool:
    """True when no allow-list is set, for non-network pages, or when the host is (a subdomain of) an allowed one."""
    if not allowed_domains:
        return True
    scheme = urlparse(url).scheme
    if scheme in {"about", "data", "blob"}:
        return True
    host = _host(url)
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in allowed_domains)


def _leads_to(action: Action, obs: Observation) -> str:
    """Where a click goes: the link's href or the submitted form's action (the element says, not the page text)."""
    follows = action.kind == "click" or (action.kind == "press" and (action.key or "").lower() == "enter")
    if not follows or not action.element:
        return ""
    element = obs.element(action.element)
    return (
        element.target_url if element is not None and urlparse(element.target_url).scheme in ("http", "https") else ""
    )


class Gate:
    """Enforces the allow-list; asks `approver` for actions that `needs_approval` flags (none by default)."""

    def __init__(
        self,
        allowed_domains: tuple[str, ...] = (),
        *,
        approver: Approver | None = None,
        needs_approval: Callable[[Action, Observation], str | None] | None = None,
        approve_all: bool = False,
        human: HumanDesk | None = None,
        ask_when_unsure: bool = False,
    ) -> None:
        self.allowed_domains = allowed_domains
        self.approver = approver
        self.needs_approval = needs_approval
        self.approve_all = approve_all
        self.human = human  # who answers the run's questions and can take the browser over; None: nobody
        self.ask_when_unsure = ask_when_unsure

    def check(self, action: Action, obs: Observation) -> GateDecision:
        # Any url on a kind that opens urls is checked, even one a tab switch would ignore: refusing costs nothing.
        target = action.url if has_risk(action.kind, "opens_url") else None
        if target and not domain_allowed(target, self.allowed_domains):
            return GateDecision(allowed=False, reason=f"{_host(target)!r} is outside the allowed domains")
        leads_to = _leads_to(action, obs)
        if leads_to and not domain_allowed(leads_to, self.allowed_domains):
            return GateDecision(allowed=False, reason=f"it leads to {_host(leads_to)!r}, outside the allowed domains")
        why = self.needs_approval(action, obs) if self.needs_approval else None
        if why and not self.approve_all:
            if self.approver is None:
                return GateDecision(allowed=False, reason=f"needs approval ({why}) and nobody can approve it here")
            ok = self.approver(action, obs, why)
            return GateDecision(allowed=ok, reason="" if ok else f"rejected by the reviewer ({why})", asked_human=True)
        return GateDecision(allowed=True)


def console_approver() -> Approver | None:
    """Ask on the terminal (y/N) when eclair runs in one; None otherwise (a risky action is then refused)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None

    def ask(action: Action, obs: Observation, why: str) -> bool:
        reply = input(f"\napprove {action.describe()} on {obs.url}?\n  reason: {why}\n  [y/N] ")
        return reply.strip().lower() in {"y", "yes"}

    return ask


def policy_gate(
    settings: Settings, task: Task, approver: Approver | None = None, human: HumanDesk | None = None
) -> Gate:
    """The gate eclair.toml describes: the allow-list, `approve = [...]` risks sent to a person, and whether an
    unsure critic or the agent's question asks one (`ask_when_unsure`; the terminal, when eclair runs in one)."""
    from eclair.security.risk import RISK_VERBS, approval_rule

    unknown = [r for r in settings.approve if r.strip().lower() not in RISK_VERBS]
    if unknown:
        raise ConfigError(f"approve: unknown risk(s) {unknown}; choose from {sorted(RISK_VERBS)}")
    return Gate(
        settings.allowed_domains,
        approver=approver or console_approver(),
        needs_approval=approval_rule(settings.approve, task),
        approve_all=settings.approve_all,
        # the terminal answers questions only when asked to: a benchmark run in a terminal must never block on one
        human=human or (console_desk(headed=not settings.headless) if settings.ask_when_unsure else None),
        ask_when_unsure=settings.ask_when_unsure,
    )
