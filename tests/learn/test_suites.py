"""Named suites for `eclair improve`: servers start with the suite, and parts join with +."""

from __future__ import annotations

import pytest

from eclair.learn.suites import UnknownSuite, open_suite


def test_suites_join_with_plus() -> None:
    with open_suite("click-test,click-button+demos-smoke") as envs:
        names = [env.name for env in envs]
    assert names[:2] == ["miniwob/click-test", "miniwob/click-button"]
    assert names[2:] == [
        "demos/helpdesk-create-ticket",
        "demos/clinic-record-pulse",
        "demos/procurement-approve-invoice",
    ]


@pytest.mark.parametrize("name", ["click-test++demos-smoke", "no such suite!"])
def test_unknown_suites_are_one_line_errors(name: str) -> None:
    with pytest.raises(UnknownSuite, match="use miniwob-dev"), open_suite(name):
        pass


def test_demo_workflows_by_name() -> None:
    with open_suite("helpdesk-change-tier,demos/procurement-reject-invoice+click-test") as envs:
        names = [env.name for env in envs]
    assert names == ["demos/helpdesk-change-tier", "demos/procurement-reject-invoice", "miniwob/click-test"]


def test_an_unknown_name_beside_demo_workflows_is_named() -> None:
    from eclair.bench.miniwob import UnknownMiniWoBTask

    with pytest.raises(UnknownMiniWoBTask, match="no-such-task; see"), open_suite("helpdesk-change-tier,no-such-task"):
        pass
