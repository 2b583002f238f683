"""One real-app workflow end to end: the real default agent and embedded model drive Chromium on django-oscar.

It may fail the task; the test asserts the episode ran on a live server, was stored, and was judged by the
checker from the app's DB (the stored verdict agrees with a fresh checker read).
"""

from __future__ import annotations

import pytest

from eclair.config import Settings


@pytest.mark.slow
def test_a_real_app_episode_runs_is_stored_and_validated(settings: Settings) -> None:
    from eclair.bench.harness import run_suite
    from eclair.plugins import environments
    from eclair.store import Store

    family = environments("realapps")
    [workflow_id] = family.resolve("smoke")
    store = Store(settings)
    with family.serve() as server:
        env = family.make_env(workflow_id, server.base_url)
        result = run_suite(
            [env], agent_name=settings.agent, settings=settings, episodes=1, seed=0, store=store, suite="realapps/smoke"
        )
        [episode] = result.results
        assert episode.error is None, episode.error
        assert episode.steps >= 1 and episode.run_id and "partner" in episode.task_text
        verdicts = [v for _, v in store.get_verdicts(episode.run_id) if v.critic == "checker"]
        assert len(verdicts) == 1 and verdicts[0].label == ("pass" if episode.success else "fail")
        assert "partner" in verdicts[0].reason or "added" in verdicts[0].reason
