"""`--executor`: the same episodes on threads and on a local Ray give the same records in the same store.

Real parts throughout: a local Ray (num_cpus=2) with two actors, each launching its own Chromium; the real runner;
one real SQLite store written by the driver's threads and by the Ray worker processes. The policy is the
deterministic click-the-named-control agent of test_harness, so both executors must agree exactly.
"""

from __future__ import annotations

import pytest

from eclair.bench.executors import BadExecutor, Executor, parse_executor
from eclair.bench.harness import SuiteResult, run_suite
from eclair.bench.miniwob import MiniWoBEnv, MiniWoBServer
from eclair.config import Settings
from eclair.store import Store
from tests.bench.test_harness import ClickNamedControlAgent


def test_parse_executor_reads_threads_ray_and_an_address() -> None:
    assert parse_executor(None) == parse_executor("threads") == Executor("threads")
    assert parse_executor("ray") == Executor("ray")
    assert parse_executor("ray:10.0.0.5:6379") == Executor("ray", "10.0.0.5:6379")
    assert str(parse_executor("ray:auto")) == "ray:auto"


@pytest.mark.parametrize("text", ["procs", "ray:", "Ray", "threads:4"])
def test_parse_executor_names_the_fix_for_anything_else(text: str) -> None:
    with pytest.raises(BadExecutor, match="is not threads, ray or ray:ADDRESS"):
        parse_executor(text)


def test_a_ray_address_nobody_listens_on_fails_fast_naming_it() -> None:
    from eclair.bench.ray_executor import RayUnavailable, ensure_ray
    from eclair.store.pg_local import free_port

    port = free_port()  # bound, then released: nothing listens there
    with pytest.raises(RayUnavailable, match=f"nothing answers at 127.0.0.1:{port}"):
        ensure_ray(f"127.0.0.1:{port}")


def test_the_api_key_stays_behind_and_workers_read_their_own(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eclair.bench.ray_executor import _with_secret, _without_secret

    sent = _without_secret(settings.with_overrides(openai_api_key="sk-driver-secret"))
    assert "sk-driver-secret" not in repr(vars(sent))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-worker-env")
    assert _with_secret(sent).openai_api_key == "sk-worker-env"


def _suite(settings: Settings, server: MiniWoBServer, executor: str) -> SuiteResult:
    return run_suite(
        [MiniWoBEnv("click-button", server), MiniWoBEnv("click-test", server)],
        agent_name="click-named",
        settings=settings,
        episodes=1,
        seed=7,
        workers=2,
        store=Store(settings),
        agent_factory=lambda backend: ClickNamedControlAgent(),
        suite=f"executor-{executor}",
        executor=executor,
    )


def _records(store: Store, result: SuiteResult) -> list[tuple]:  # type: ignore[type-arg]
    rows = []
    for r in result.results:
        run = store.get_run(r.run_id)
        steps = store.get_steps(r.run_id)
        checker = [v.label for _, v in store.get_verdicts(r.run_id) if v.critic == "checker"]
        actions = [(s.decision.action.kind, s.result.ok) for s in steps]
        rows.append((r.env, r.seed, r.episode, r.success, r.steps, run.status, run.task_text, actions, checker))
    return rows


@pytest.mark.slow
def test_ray_executor_matches_the_thread_executor(
    settings: Settings, miniwob_server: MiniWoBServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eclair.bench.ray_executor import ensure_ray

    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    # the executor's own local start, as CI asks for it (num_cpus=2); a cluster file some earlier `ray start` left
    # on this host must not be joined instead
    ray = ensure_ray(None, num_cpus=2)
    try:
        threads = _suite(settings, miniwob_server, "threads")
        on_ray = _suite(settings, miniwob_server, "ray")
    finally:
        ray.shutdown()
    store = Store(settings)
    assert len(on_ray.results) == len(threads.results) == 2
    assert all(r.error is None and r.run_id for r in on_ray.results), on_ray.results
    assert {r.run_id for r in on_ray.results}.isdisjoint({r.run_id for r in threads.results})
    assert _records(store, on_ray) == _records(store, threads)
    assert [r.success for r in on_ray.results] == [True, True]
    runs = {run.id for run in store.list_runs(limit=10)}  # the Ray workers wrote into the driver's database
    assert {r.run_id for r in on_ray.results + threads.results} <= runs
