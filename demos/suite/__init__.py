"""The demo workflow suite: every workflow of the three apps, the named suites, and `make_env`."""

from __future__ import annotations

from demos.suite.clinic import WORKFLOWS as CLINIC_WORKFLOWS
from demos.suite.helpdesk import WORKFLOWS as HELPDESK_WORKFLOWS
from demos.suite.procurement import WORKFLOWS as PROCUREMENT_WORKFLOWS
from demos.suite.spec import DemoAppUnreachable, DemoEnv, Step, WorkflowSpec
from eclair.errors import EclairError

WORKFLOWS: dict[str, WorkflowSpec] = {w.id: w for w in [*HELPDESK_WORKFLOWS, *CLINIC_WORKFLOWS, *PROCUREMENT_WORKFLOWS]}
SUITES: dict[str, list[str]] = {
    "smoke": ["helpdesk-create-ticket", "clinic-record-pulse", "procurement-approve-invoice"],
    "all": list(WORKFLOWS),
}


class UnknownWorkflow(EclairError):
    """A workflow or suite name that does not exist."""


def make_env(workflow_id: str, base_url: str) -> DemoEnv:
    """A TaskEnvironment for one workflow against the demo server at `base_url`."""
    spec = WORKFLOWS.get(workflow_id)
    if spec is None:
        raise UnknownWorkflow(f"no demo workflow '{workflow_id}'; choose one of: {', '.join(WORKFLOWS)}")
    return DemoEnv(spec, base_url)


def suite_ids(suite: str) -> list[str]:
    """Workflow ids of a named suite (smoke, all, or an app name)."""
    if suite in SUITES:
        return list(SUITES[suite])
    by_app = [w.id for w in WORKFLOWS.values() if w.app == suite]
    if by_app:
        return by_app
    raise UnknownWorkflow(
        f"no demo suite '{suite}'; choose one of: {', '.join([*SUITES, 'helpdesk', 'clinic', 'procurement'])}"
    )


__all__ = [
    "SUITES",
    "WORKFLOWS",
    "DemoAppUnreachable",
    "DemoEnv",
    "Step",
    "UnknownWorkflow",
    "WorkflowSpec",
    "make_env",
    "suite_ids",
]
