"""The demo apps as an eclair environment family; registered in pyproject under `eclair.environments` as `demos`."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager

from demos.server import APPS, DEMO_PASSWORD, DemoServer
from demos.suite import SUITES, WORKFLOWS, UnknownWorkflow, make_env, suite_ids
from demos.suite.spec import SECRET_KEYS, DemoEnv


class DemoApps:
    """Helpdesk, Clinic and Procurement with their seeded workflows and hidden checkers."""

    name = "demos"
    secret_keys = SECRET_KEYS

    def suites(self) -> Mapping[str, list[str]]:
        return {name: list(ids) for name, ids in SUITES.items()}

    def workflows(self) -> Mapping[str, str]:
        return {wid: spec.description for wid, spec in WORKFLOWS.items()}

    def resolve(self, spec: str) -> list[str]:
        if "," not in spec and spec not in WORKFLOWS:
            return suite_ids(spec)
        ids = [part.strip() for part in spec.split(",") if part.strip()]
        unknown = [i for i in ids if i not in WORKFLOWS]
        if unknown:
            raise UnknownWorkflow(f"unknown demo workflow(s) {unknown}; choose from: {', '.join(WORKFLOWS)}")
        return ids

    def make_env(self, workflow_id: str, base_url: str) -> DemoEnv:
        return make_env(workflow_id, base_url)

    def serve(self, port: int = 0) -> AbstractContextManager[DemoServer]:
        return DemoServer(port=port)

    def server_banner(self, base_url: str) -> list[str]:
        lines = [f"demo apps at {base_url}/"]
        for name, demo in APPS.items():
            lines.append(f"  {demo.title:14s} {base_url}/{name}/   users: {', '.join(demo.users)}")
        lines.append(f"  demo password: {DEMO_PASSWORD}   (Ctrl-C stops)")
        return lines


DEMO_APPS = DemoApps()
