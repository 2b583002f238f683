"""Every workflow works for many seeds: parameters generate, the task text fills, and nothing starts out done.

In-process (no browser, no HTTP): the app's seeded database is built directly, as the admin reset does.
"""

from __future__ import annotations

import pytest

from demos.common import dump_state
from demos.server import APPS
from demos.suite import WORKFLOWS

SEEDS = range(8)


@pytest.mark.parametrize("workflow_id", list(WORKFLOWS))
def test_no_seed_starts_solved_or_breaks_the_generators(workflow_id: str) -> None:
    spec = WORKFLOWS[workflow_id]
    app = APPS[spec.app]
    texts = set()
    for seed in SEEDS:
        initial = dump_state(app.tenants[app.new_tenant(seed)])
        params = spec.params_for(seed, initial)
        assert spec.params_for(seed, initial) == params  # deterministic
        texts.add(spec.task_text(params))
        spec.start_path.format(**params)
        assert 2 <= len(spec.solution(params)) <= 15
        ok, reason = spec.check(initial, initial, params)
        assert not ok, f"seed {seed}: the untouched start state already passes ({reason})"
        assert reason
        assert spec.wrong_params(params, initial) != params
    assert len(texts) >= 3, "the seed barely changes the task"
