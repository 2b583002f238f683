"""`eclair bench replay` (lives in the replay room: the layer contract puts eclair.bench below eclair.replay).

Per workflow: record the scripted solution once (seed 0) as a demonstration and compile it; then, on new seeds,
(1) replay it on the default UI with no policy (success, model calls); (2) time a plain Playwright loop over the same
steps that checks each step, on the same seed (the overhead baseline); (3) replay it on the drift UI with the live
policy healing broken steps (healed and verified, model calls); (4) retrieve the workflow and its values from a
fresh phrasing of the request (phrasings.json, written before the extractor ran) and from the task text.
Success is always the app's hidden checker. Demo environments come through `eclair.learn.suites.open_suite`.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from eclair.browser import new_context, open_browser
from eclair.browser.scripted import ScriptedStep, run_scripted_steps
from eclair.config import Settings
from eclair.replay import Program, compile_demonstration, replay
from eclair.replay.program import fill
from eclair.replay.retrieve import find_workflow

PHRASINGS = Path(__file__).with_name("phrasings.json")
DRIFT_COOKIE = "demo_ui"


@dataclass
class EpisodeRow:
    workflow: str
    seed: int
    mode: str  # replay | baseline | drift
    success: bool
    model_calls: int = 0
    healed_steps: int = 0
    wall_s: float = 0.0
    error: str = ""


@dataclass
class RetrievalRow:
    workflow: str
    seed: int
    phrasing: str  # fresh | task
    request: str
    found: str | None
    right_workflow: bool
    right_values: bool
    wrong: dict[str, Any] = field(default_factory=dict)


def scripted_steps(program: Program, params: dict[str, str]) -> list[ScriptedStep]:
    """The program's steps as a plain script with this episode's values (secrets included, never stored)."""
    steps = []
    for step in program.steps:
        target = step.target
        value_check = next((c.expected for c in step.checks if c.kind == "value"), None)
        path_check = next((c.expected for c in step.checks if c.kind == "url"), None)
        secret = value_check is not None and "{{" in (fill(value_check, params) or "")
        steps.append(
            ScriptedStep(
                kind=step.kind,
                role=target.role if target else "",
                name=fill(target.name, params) or "" if target else "",
                nth=target.nth if target else 0,
                frame=target.frame if target else "",
                value=fill(step.value, params),
                checked=step.checked,
                key=step.key,
                url=fill(step.url, params),
                files=[fill(f, params) or f for f in step.files],
                expect_value=None if secret or value_check is None else fill(value_check, params),
                expect_path=_path_regex(path_check, params) if path_check else None,
            )
        )
    return steps


def _path_regex(pattern: str, params: dict[str, str]) -> str:
    from eclair.replay.pagetext import compile_pattern

    return compile_pattern(pattern, params).pattern


def _oracle(env: Any) -> Callable[[Any, dict[str, str]], None]:
    """The env's scripted solution as a demonstrate(page, params) function (duck-typed: a demo env's spec)."""

    def demonstrate(page: Any, params: dict[str, str]) -> None:
        for step in env.spec.solution(dict(env.params)):
            step.run(page)

    return demonstrate


def _host(env: Any) -> str:
    return str(env.base_url).split("://", 1)[1].rsplit(":", 1)[0]


def _context(browser: Any, env: Any, *, drift: bool) -> Any:
    context = new_context(browser)
    if drift:
        context.add_cookies([{"name": DRIFT_COOKIE, "value": "drift", "domain": _host(env), "path": "/"}])
    return context


def learn_workflow(env: Any, *, settings: Settings, store: Any, browser: Any, seed: int = 0) -> Program:
    """Record the env's scripted solution once as a demonstration, compile it, store it as the next version."""
    from eclair.demonstrations import record_demonstration

    episode = env.reset(seed)
    params = {**env.spec.visible_params(episode.params), **{k: v for k, v in episode.params.items() if k == "password"}}
    record_demonstration(
        settings,
        url=None,
        workflow=env.spec.id,
        browser=browser,
        prepare=lambda page: env.setup(page, seed),
        demonstrate=_oracle(env),
        store=store,
        params=params,
        description=env.spec.task_text(episode.params),
    )
    program = compile_demonstration(store, env.spec.id)
    version = store.save_program(program.name, program.model_dump(mode="json"), source=program.source)
    return program.model_copy(update={"version": version})


def reused(store: Any, name: str) -> Program | None:
    """The latest active program already learned into this store (a rerun skips the recording)."""
    from eclair.errors import EclairError

    try:
        info = store.get_program(name)
    except EclairError:
        return None
    return Program.model_validate(info.program)


def replay_episode(
    env: Any, program: Program, seed: int, *, settings: Settings, store: Any, browser: Any, drift: bool, policy: Any
) -> EpisodeRow:
    context = _context(browser, env, drift=drift)
    try:
        page = context.new_page()
        task = env.setup(page, seed)
        result = replay(
            program,
            page,
            store=store,
            settings=settings,
            params=task.params,
            secrets=task.secrets,
            task=task,
            policy=policy if drift else None,
            navigate_first=False,
        )
        ok, reason = env.check(result.page)
        return EpisodeRow(
            env.spec.id,
            seed,
            "drift" if drift else "replay",
            ok and result.status == "succeeded",
            result.model_calls,
            sum(s.how == "healed" for s in result.steps),
            round(result.wall_ms / 1000, 3),
            "" if ok else (result.error or reason),
        )
    finally:
        context.close()


def baseline_episode(env: Any, program: Program, seed: int, *, browser: Any) -> EpisodeRow:
    """The plain Playwright loop over the same steps, on the same seed and a fresh context."""
    context = _context(browser, env, drift=False)
    try:
        page = context.new_page()
        task = env.setup(page, seed)
        steps = scripted_steps(program, {**task.params, **task.secrets})
        started = time.perf_counter()
        error = ""
        try:
            run_scripted_steps(page, steps)
        except Exception as exc:  # a failed step is a result here, not a crash of the benchmark
            error = str(exc).splitlines()[0][:200]
        wall = time.perf_counter() - started
        ok, reason = env.check(page)
        return EpisodeRow(env.spec.id, seed, "baseline", ok and not error, wall_s=round(wall, 3), error=error or reason)
    finally:
        context.close()


def retrieval_rows(env: Any, seed: int, programs: list[Program], phrasing: str | None) -> list[RetrievalRow]:
    """The workflow and values found from the task text and from the fresh phrasing, on this seed's values."""
    episode = env.reset(seed)
    visible = env.spec.visible_params(episode.params)
    requests = [("task", env.spec.description, env.spec.task_text(episode.params))]
    if phrasing:
        requests.append(("fresh", phrasing, phrasing.format(**episode.params)))
    rows = []
    for kind, template, request in requests:
        match = find_workflow(request, programs)
        found = match.program.name if match else None
        got = match.params if match else {}
        named = {k: v for k, v in visible.items() if "{" + k + "}" in template}  # the values the request gives
        wrong = {k: {"want": v, "got": got.get(k)} for k, v in named.items() if got.get(k) != v}
        rows.append(RetrievalRow(env.spec.id, seed, kind, request, found, found == env.spec.id, not wrong, wrong))
    return rows


def run_replay_bench(
    envs: list[Any],
    *,
    settings: Settings,
    store: Any,
    seeds: list[int],
    policy: Any,
    drift: bool = True,
    episodes_too: bool = True,
    reuse: bool = False,
    on_row: Callable[[Any], None] | None = None,
) -> dict[str, Any]:
    """Every measurement for every env; returns the summary with all rows."""
    phrasings = json.loads(PHRASINGS.read_text())["phrasings"]
    programs: dict[str, Program] = {}
    episodes: list[EpisodeRow] = []
    retrievals: list[RetrievalRow] = []
    emit = on_row or (lambda row: None)
    with open_browser(settings) as browser:
        for env in envs:
            try:
                programs[env.spec.id] = (reused(store, env.spec.id) if reuse else None) or learn_workflow(
                    env, settings=settings, store=store, browser=browser
                )
            except Exception as exc:  # a workflow that cannot be learned counts as failed everywhere
                for seed in seeds:
                    row = EpisodeRow(env.spec.id, seed, "replay", False, error=f"not learned: {exc}"[:200])
                    episodes.append(row)
                    emit(row)
                continue
            for seed in seeds if episodes_too else []:
                program = programs[env.spec.id]
                for row in (
                    replay_episode(
                        env, program, seed, settings=settings, store=store, browser=browser, drift=False, policy=None
                    ),
                    baseline_episode(env, program, seed, browser=browser),
                    *(
                        [
                            replay_episode(
                                env,
                                program,
                                seed,
                                settings=settings,
                                store=store,
                                browser=browser,
                                drift=True,
                                policy=policy,
                            )
                        ]
                        if drift
                        else []
                    ),
                ):
                    episodes.append(row)
                    emit(row)
        for env in envs:
            for seed in seeds:
                for retrieval in retrieval_rows(env, seed, list(programs.values()), phrasings.get(env.spec.id)):
                    retrievals.append(retrieval)
                    emit(retrieval)
    return summarise(episodes, retrievals, seeds=seeds)


def _rate(rows: list[Any], attr: str) -> float | None:
    return round(sum(bool(getattr(r, attr)) for r in rows) / len(rows), 4) if rows else None


def summarise(episodes: list[EpisodeRow], retrievals: list[RetrievalRow], *, seeds: list[int]) -> dict[str, Any]:
    by_mode = {m: [e for e in episodes if e.mode == m] for m in ("replay", "baseline", "drift")}
    healed = [e for e in by_mode["drift"] if e.healed_steps]
    ratios: dict[str, float] = {}
    for workflow in dict.fromkeys(e.workflow for e in episodes):
        pairs = [
            (r.wall_s, b.wall_s)
            for r in by_mode["replay"]
            for b in by_mode["baseline"]
            if r.workflow == b.workflow == workflow and r.seed == b.seed and r.success and b.success and b.wall_s
        ]
        if pairs:
            ratios[workflow] = round(statistics.median(r / b for r, b in pairs), 3)
    fresh = [r for r in retrievals if r.phrasing == "fresh"]
    task = [r for r in retrievals if r.phrasing == "task"]
    return {
        "workflows": len({e.workflow for e in episodes}),
        "seeds": seeds,
        "replay_success": _rate(by_mode["replay"], "success"),
        "replay_model_calls": sum(e.model_calls for e in by_mode["replay"]),
        "replay_median_wall_s": statistics.median([e.wall_s for e in by_mode["replay"]] or [0.0]),
        "baseline_success": _rate(by_mode["baseline"], "success"),
        "baseline_median_wall_s": statistics.median([e.wall_s for e in by_mode["baseline"]] or [0.0]),
        "overhead_median_ratio": statistics.median(ratios.values()) if ratios else None,
        "overhead_per_workflow": ratios,
        "drift_success": _rate(by_mode["drift"], "success"),
        "drift_runs_healed": len(healed),
        "drift_healed_success": _rate(healed, "success"),
        "drift_model_calls_per_healed_run": round(statistics.mean(e.model_calls for e in healed), 2)
        if healed
        else None,
        "retrieval_fresh_workflow": _rate(fresh, "right_workflow"),
        "retrieval_fresh_workflow_and_values": _rate([r for r in fresh if r.right_workflow], "right_values")
        if fresh
        else None,
        "retrieval_fresh_all_right": round(sum(r.right_workflow and r.right_values for r in fresh) / len(fresh), 4)
        if fresh
        else None,
        "retrieval_task_all_right": round(sum(r.right_workflow and r.right_values for r in task) / len(task), 4)
        if task
        else None,
        "episodes": [asdict(e) for e in episodes],
        "retrievals": [asdict(r) for r in retrievals],
    }
