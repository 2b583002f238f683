"""`--executor ray[:ADDRESS]`: episodes as tasks on Ray actors, each with its own Playwright browser.

Each EpisodeActor launches Chromium once (eclair.browser.open_browser) and runs `harness.run_episode` in a fresh
context per job. A model-driven agent calls the node's one ModelHost actor for its language model and its sentence
embeddings (one loaded model of each per node, like the thread executor's one model under a lock). Actors write
through the same store URL as the driver: the runner commits every step as it happens (crash-safe, screenshots under
traces_dir), which returned records could not do; SQLite takes writers from several processes through WAL, BEGIN
IMMEDIATE and its busy timeout (eclair/store/engine.py). So a cluster needs a server database (Postgres) and a
shared traces_dir.
"""

from __future__ import annotations

import inspect
import logging
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eclair.bench.executors import EpisodeWork, Job
from eclair.errors import EclairError

if TYPE_CHECKING:
    from eclair.bench.harness import EpisodeResult
    from eclair.config import Settings

log = logging.getLogger(__name__)


class RayUnavailable(EclairError):
    """Ray is not installed, or the cluster at the address cannot be joined."""


def _ray() -> Any:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage reporting (and no prompt about it)
    try:
        import ray
    except ImportError:
        raise RayUnavailable("--executor ray needs Ray: pip install 'eclair[scale]' or use threads") from None
    return ray


def ensure_ray(address: str | None = None, num_cpus: int | None = None) -> Any:
    """Join the cluster at `address`, or start a local Ray with `num_cpus` CPUs (no dashboard); once per process."""
    if address and (os.environ.get("RAY_AUTH_TOKEN") or (Path.home() / ".ray" / "auth_token").exists()):
        # Ray 2.60 clusters want a token by default; a joining driver sends it only when told so before `import ray`.
        os.environ.setdefault("RAY_AUTH_MODE", "token")
    ray = _ray()
    if ray.is_initialized():
        return ray
    try:
        if address:
            _check_reachable(address)
            ray.init(address=address, logging_level=logging.WARNING)
        else:  # "local": a new Ray of our own, never a cluster some other process left running on this host
            ray.init(address="local", num_cpus=num_cpus, include_dashboard=False, logging_level=logging.WARNING)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        raise RayUnavailable(
            f"--executor ray:{address or ''} could not start or join Ray ({str(exc).splitlines()[0]}); "
            "check the address (ray status) or use --executor threads"
        ) from None
    return ray


def _check_reachable(address: str) -> None:
    """Fail in seconds on a host:port nobody listens on (Ray itself retries for minutes)."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # "auto" and the like: Ray resolves them
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise RayUnavailable(
            f"--executor ray:{address}: nothing answers at {host}:{port} ({exc.strerror or exc}); "
            "start the cluster (ray start --head) or fix the address"
        ) from None


def _without_secret(settings: Settings) -> Settings:
    """Settings as sent to Ray (its object store and GCS may spill to disk): the API key stays behind."""
    return settings.with_overrides(openai_api_key="")


def _with_secret(settings: Settings) -> Settings:
    """On the worker: the API key from its own environment or eclair.toml, as the driver read it."""
    from eclair.config import load_settings

    key = load_settings().openai_api_key
    return settings.with_overrides(openai_api_key=key) if key else settings


class ModelHost:
    """One node's loaded model; episode actors call it one request at a time (the model is not thread-safe)."""

    def __init__(self, settings: Settings, backend: str | None, model: str | None) -> None:
        from eclair.models import load_backend

        try:
            import torch

            torch.set_num_threads(max(1, os.cpu_count() or 1))  # Ray pins actors to 1 thread; the model uses all
        except ImportError:
            pass
        self.backend = load_backend(_with_secret(settings), backend=backend, model=model)

    def encode(self, texts: list[str]) -> list[Any]:
        """Sentence embeddings from the node's one MiniLM (eclair.models.embedding), for every actor on the node."""
        from eclair.models.embedding import encode_here

        return encode_here(texts)

    def describe(self, name: str) -> tuple[str, Any]:
        try:
            attr = getattr(self.backend, name)
        except AttributeError:
            return "missing", None
        return ("method", None) if inspect.ismethod(attr) else ("value", attr)

    def call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
        out = getattr(self.backend, name)(*args, **kwargs)
        return out, getattr(self.backend, "last_usage", None)

    def identity(self) -> tuple[str, str]:
        return str(getattr(self.backend, "name", "")), str(getattr(self.backend, "model_id", ""))


class RemoteBackend:
    """A backend whose methods run on the node's ModelHost; `last_usage` is this actor's own last call's."""

    def __init__(self, host: Any) -> None:
        self._host = host
        self._attrs: dict[str, tuple[str, Any]] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_host", "_attrs"):
            raise AttributeError(name)
        ray = _ray()
        if name not in self._attrs:
            self._attrs[name] = ray.get(self._host.describe.remote(name))
        kind, value = self._attrs[name]
        if kind == "missing":
            raise AttributeError(name)
        if kind == "value":
            return value

        def remote_call(*args: Any, **kwargs: Any) -> Any:
            out, usage = ray.get(self._host.call.remote(name, args, kwargs))
            self.__dict__["last_usage"] = usage  # later reads find it here, not on the host
            return out

        return remote_call


class EpisodeActor:
    """One worker: its own Chromium and agent; runs one episode per call in a fresh browser context."""

    def __init__(self, work: EpisodeWork, store_settings: Settings) -> None:
        self.work = replace(work, settings=_with_secret(work.settings))
        self.store_settings = store_settings
        self.parts: Any = None
        self._browser_cm: Any = None
        self.browser: Any = None

    def node_id(self) -> str:
        return str(_ray().get_runtime_context().get_node_id())

    def start(self, host: Any) -> None:
        from eclair.assemble import RunParts
        from eclair.browser import open_browser
        from eclair.store import Store

        self._browser_cm = open_browser(self.work.settings)  # first: Chromium starts while the node loads its model
        self.browser = self._browser_cm.__enter__()
        backend = RemoteBackend(host) if host is not None else None
        if host is not None:  # the node's encoder too: no torch or MiniLM of its own in this process
            from eclair.models.embedding import encode_through

            encode_through(lambda texts: _ray().get(host.encode.remote(texts)))
        store = Store(self.store_settings, recover=False)  # recover=False: other workers' runs are live, not stale
        self.parts = RunParts(store=store, agent=self.work.factory(backend), critics=self.work.critics, backend=backend)

    def run(self, env: Any, seed: int, episode: int) -> EpisodeResult:
        from eclair.bench.harness import run_episode

        w = self.work
        return run_episode(env, seed, self.parts, self.browser, settings=w.settings, tracing=w.tracing, episode=episode)

    def close(self) -> None:
        if self._browser_cm is not None:
            self._browser_cm.__exit__(None, None, None)
        if self.parts is not None:
            self.parts.store.close()


def run_on_ray(
    address: str | None,
    jobs: Sequence[Job],
    work: EpisodeWork,
    workers: int,
    record: Callable[[EpisodeResult], None],
) -> tuple[str, str]:
    """Run `jobs` on min(workers, jobs) EpisodeActors; returns the model's (backend name, model id) if one ran."""
    ray = ensure_ray(address, num_cpus=max(workers, os.cpu_count() or 1))
    from ray.util import ActorPool
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    shipped = _ship_envs(ray, jobs)
    store_settings = _without_secret(getattr(work.store, "settings", work.settings))
    # The store's engine stays here (each actor opens its own); the API key too (workers read their own).
    shared = replace(work, store=None, backend=None, settings=_without_secret(work.settings))
    actor_cls = ray.remote(num_cpus=1, max_restarts=0)(EpisodeActor)
    actors = [actor_cls.remote(shared, store_settings) for _ in range(max(1, min(workers, len(jobs))))]
    hosts: dict[str, Any] = {}

    def host_on(node: str) -> Any:
        if node not in hosts and work.load is not None:
            strategy = NodeAffinitySchedulingStrategy(node_id=node, soft=False)
            host_cls = ray.remote(num_cpus=0, max_concurrency=1, scheduling_strategy=strategy)(ModelHost)
            hosts[node] = host_cls.remote(shared.settings, *work.load)
        return hosts.get(node)

    try:
        if address is None:  # a local Ray has one node, this one: load its model while the actors start
            host_on(str(ray.get_runtime_context().get_node_id()))
        nodes = ray.get([a.node_id.remote() for a in actors])
        for node in nodes:
            host_on(node)
        ray.get([a.start.remote(host_on(node)) for a, node in zip(actors, nodes, strict=True)])
        identity = ray.get(next(iter(hosts.values())).identity.remote()) if hosts else ("", "")
        pool = ActorPool(actors)
        for env_ref, seed, episode in shipped:
            pool.submit(lambda actor, job: actor.run.remote(*job), (env_ref, seed, episode))
        while pool.has_next():
            record(pool.get_next_unordered())
        return identity
    finally:
        _stop(ray, actors, list(hosts.values()))


def _ship_envs(ray: Any, jobs: Sequence[Job]) -> list[tuple[Any, int, int]]:
    """Put each env in the object store once; one that cannot be pickled is named with the fix."""
    refs: dict[int, Any] = {}
    shipped = []
    for env, seed, episode in jobs:
        if id(env) not in refs:
            try:
                refs[id(env)] = ray.put(env)
            except Exception as exc:  # pickling errors come as TypeError, PicklingError, or Ray's own wrappers
                raise EclairError(
                    f"--executor ray: environment {env.name} cannot be sent to a Ray worker ({exc}); "
                    "use --executor threads"
                ) from None
        shipped.append((refs[id(env)], seed, episode))
    return shipped


def _stop(ray: Any, actors: list[Any], hosts: list[Any]) -> None:
    try:
        ray.get([a.close.remote() for a in actors], timeout=60)
    except Exception as exc:  # a dead actor has nothing left to close
        log.warning("closing Ray episode actors: %s", exc)
    for handle in actors + hosts:
        ray.kill(handle)
