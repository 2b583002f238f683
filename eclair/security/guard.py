"""RunGuard: everything a run does with secrets, in one object the runner holds.

It resolves `{{NAME}}` placeholders against the task's own secrets and the vault, types values only at the
moment of acting, and puts the one masker in front of every sink: observations (so prompts), screenshots, the
store (DB rows and step JSON), live events, log records, downloads and trace.zip.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eclair.security.artifacts import screenshot_guard, scrub_downloads, scrub_trace_zip
from eclair.security.logs import masking_logs
from eclair.security.masking import TOTP_SUFFIX, Masker, placeholder_names
from eclair.security.network import RequestFence
from eclair.security.vault import Vault, VaultError
from eclair.types import Action, ActionResult, RunEvent, RunStatus, StepRecord, Task, Verdict

if TYPE_CHECKING:
    from eclair.config import Settings
    from eclair.store import Store

log = logging.getLogger(__name__)


def task_placeholders(task: Task) -> set[str]:
    texts = [task.text, *(task.sop or []), *task.params.values()]
    return set().union(*(placeholder_names(t) for t in texts))


def resolve_secrets(task: Task, vault: Vault | None) -> dict[str, str]:
    """The task's secrets plus every vault secret its text, SOP or params name; an unknown name is an error."""
    secrets = dict(task.secrets)
    for name in sorted(task_placeholders(task)):
        base, wants_code = name.removesuffix(TOTP_SUFFIX), name.endswith(TOTP_SUFFIX)
        if name in secrets or (not wants_code and base in secrets):
            continue
        if vault is None:
            raise VaultError(f"the task names {{{{{name}}}}} but no vault is open; pass the secret in the task")
        kind = vault.kind(base)
        if wants_code != (kind == "totp"):
            fix = f"{{{{{base}.totp}}}}" if kind == "totp" else f"{{{{{base}}}}}"
            raise VaultError(f"{{{{{name}}}}}: {base!r} is a {kind} in the vault; write {fix} instead")
        secrets[name] = vault.get(base)
    return secrets


class MaskedStore:
    """The store as a run writes to it: every record masked on the way in. Reads go straight through."""

    def __init__(self, store: Store, masker: Masker) -> None:
        self._store = store
        self._masker = masker

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def create_run(self, task: Task, **kwargs: Any) -> Any:
        return self._store.create_run(self._masker.model(task), **kwargs)

    def record_step(self, run_id: str, step: StepRecord, screenshot: bytes | None = None) -> StepRecord:
        png = screenshot if screenshot is not None else step.observation.screenshot
        saved = self._store.record_step(run_id, self._masker.model(step), png)
        saved.observation.screenshot = step.observation.screenshot
        return saved

    def add_verdict(self, run_id: str, verdict: Verdict, step_index: int | None = None) -> None:
        self._store.add_verdict(run_id, self._masker.model(verdict), step_index)

    def finish_run(
        self, run_id: str, status: RunStatus, *, error: str | None = None, answer: str | None = None
    ) -> None:
        mask = self._masker.text
        self._store.finish_run(run_id, status, error=mask(error) if error else error, answer=mask(answer or "") or None)


class RunGuard:
    """The secrets of one run and the hooks that keep them in."""

    def __init__(self, masker: Masker) -> None:
        self.masker = masker
        self.requests = RequestFence(())

    @classmethod
    def for_task(cls, task: Task, settings: Settings | None = None) -> RunGuard:
        names = task_placeholders(task)
        needs_vault = any(n not in task.secrets and n.removesuffix(TOTP_SUFFIX) not in task.secrets for n in names)
        vault = Vault(settings.data_dir) if settings is not None and needs_vault else None
        return cls(Masker(resolve_secrets(task, vault)))

    @property
    def active(self) -> bool:
        return self.masker.active

    @property
    def trace_screenshots(self) -> bool:
        """Screencast frames in trace.zip are JPEGs nobody can scrub afterwards: none while secrets are held."""
        return not self.active

    def fill(self, action: Action) -> Action:
        return self.masker.fill_action(action)

    def attach(self, context: Any, *, allowed_domains: tuple[str, ...] = ()) -> None:
        """Enforce the allow-list on every request of this browser context; mask every observation and black
        out every screenshot taken in it."""
        self.requests = RequestFence(allowed_domains)
        self.requests.install(context)
        if not self.active:
            return
        from eclair.browser.state import context_state

        state = context_state(context)
        state.observation_filter = self.masker.observation
        state.capture_guard = screenshot_guard(self.masker)

    def detach(self, context: Any) -> None:
        from eclair.browser.state import context_state

        self.requests.remove(context)
        state = context_state(context)
        state.observation_filter = state.capture_guard = None

    def store(self, store: Store) -> Store:
        return MaskedStore(store, self.masker) if self.active else store  # type: ignore[return-value]

    def sink(self, sink: Callable[[RunEvent], None] | None) -> Callable[[RunEvent], None] | None:
        if sink is None or not self.active:
            return sink
        target = sink
        return lambda event: target(self.masker.model(event))

    @contextmanager
    def logs(self) -> Iterator[None]:
        with masking_logs(self.masker):
            yield

    def after_act(self, result: ActionResult, run_dir: Path) -> ActionResult:
        """The action's result as critics, prompts and records see it (an error may quote the typed value);
        downloads renamed and scrubbed at once, not only at the end of the run."""
        if not self.active:
            return result
        scrub_downloads(run_dir / "downloads", self.masker)
        return self.masker.model(result)

    def finish(self, run_dir: Path) -> None:
        """Scrub what the run left on disk: trace.zip and downloads."""
        if not self.active:
            return
        changed = scrub_trace_zip(run_dir / "trace.zip", self.masker)
        changed += scrub_downloads(run_dir / "downloads", self.masker)
        log.debug("secrets scrubbed from %d trace entries and downloads of %s", changed, run_dir.name)
