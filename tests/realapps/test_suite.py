"""The realapps family as eclair sees it: found by entry point, split by workflow, parameters seeded, no secrets."""

from __future__ import annotations

import pytest

from eclair.errors import EclairError
from eclair.plugins import environments
from realapps.spec import SECRET_KEYS
from realapps.suite import WORKFLOWS


def test_found_through_its_entry_point_with_a_split_by_workflow() -> None:
    family = environments("realapps")
    dev, holdout = family.resolve("dev"), family.resolve("holdout")
    assert len(dev) + len(holdout) == len(WORKFLOWS) >= 24
    assert not set(dev) & set(holdout) and abs(len(dev) - len(holdout)) <= 2
    for app in ("wagtail_cms", "oscar_shop"):  # both apps on both sides of the split
        assert any(WORKFLOWS[i].app == app for i in dev) and any(WORKFLOWS[i].app == app for i in holdout)
    assert family.resolve("shop-add-partner,cms-rename-site") == ["shop-add-partner", "cms-rename-site"]
    with pytest.raises(EclairError, match="unknown realapps"):
        family.resolve("no-such-workflow")


@pytest.mark.parametrize("workflow_id", sorted(WORKFLOWS))
def test_parameters_are_seeded_and_secrets_stay_out_of_the_text(workflow_id: str) -> None:
    workflow = WORKFLOWS[workflow_id]
    params = workflow.params_for(100000)
    assert params == workflow.params_for(100000)
    assert any(workflow.params_for(seed) != params for seed in range(1, 40)), "parameters never vary with the seed"
    text = workflow.task_text(params)
    assert "{" not in text.replace("{{password}}", "")
    for key in SECRET_KEYS & params.keys():
        assert params[key] not in text and "{{password}}" in text
        assert key not in workflow.visible_params(params)
