"""The real apps as an eclair environment family; registered in pyproject under `eclair.environments` as `realapps`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from eclair.errors import EclairError
from realapps.server import POOL, template
from realapps.spec import SECRET_KEYS, RealAppEnv
from realapps.suite import APPS, SUITES, WORKFLOWS, make_env


class UnknownRealWorkflow(EclairError):
    """A suite or workflow id that realapps does not have."""


class RealAppsServers:
    """The family's 'server': templates are built on entry; each worker thread starts its own app servers."""

    base_url = "http://127.0.0.1"  # per-episode servers pick their own free ports


class RealApps:
    """Wagtail's CMS admin and django-oscar's shop, installed from PyPI, with 24 workflows split dev / holdout."""

    name = "realapps"
    secret_keys = SECRET_KEYS

    def suites(self) -> Mapping[str, list[str]]:
        return {name: list(ids) for name, ids in SUITES.items()}

    def workflows(self) -> Mapping[str, str]:
        return {wid: f"[{w.split}] {w.description}" for wid, w in WORKFLOWS.items()}

    def resolve(self, spec: str) -> list[str]:
        if spec in SUITES:
            return list(SUITES[spec])
        if spec in APPS:
            return [w.id for w in WORKFLOWS.values() if w.app == spec]
        ids = [part.strip() for part in spec.split(",") if part.strip()]
        unknown = [i for i in ids if i not in WORKFLOWS]
        if unknown or not ids:
            raise UnknownRealWorkflow(
                f"unknown realapps set or workflow {unknown or spec!r}; choose {', '.join(SUITES)}, "
                f"{', '.join(APPS)} or workflow ids from `eclair bench realapps --list`"
            )
        return ids

    def make_env(self, workflow_id: str, base_url: str = "") -> RealAppEnv:
        return make_env(workflow_id)

    @contextmanager
    def serve(self, port: int = 0) -> Iterator[RealAppsServers]:
        for project in APPS:
            template(project)  # build once up front, so no episode pays for it
        try:
            yield RealAppsServers()
        finally:
            POOL.close()

    def server_banner(self, base_url: str) -> list[str]:
        return [f"{title}: started per episode on a free port (`eclair bench realapps`)" for title in APPS.values()]


REAL_APPS = RealApps()
