"""The grounding probe (`eclair bench grounding`): synthetic pages with known answers, scored in several formats.

Reproduces the table in docs/embedded-policy.md so a change to prompts or scoring is measured.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from agents.scoring_agent.agent import ScoringAgent
from eclair.models.base import Backend, require_scorer
from eclair.types import Element, Observation, Task

WORDS = (
    "yes",
    "no",
    "ok",
    "cancel",
    "submit",
    "next",
    "previous",
    "back",
    "home",
    "save",
    "delete",
    "edit",
    "open",
    "close",
    "start",
    "stop",
    "apply",
    "reset",
    "search",
    "login",
    "logout",
    "help",
    "more",
    "less",
    "left",
    "right",
    "up",
    "down",
    "new",
    "old",
    "red",
    "blue",
    "green",
    "black",
    "white",
    "alpha",
    "beta",
    "gamma",
    "delta",
    "report",
    "invoice",
    "ticket",
    "order",
    "vendor",
    "patient",
    "refer",
    "export",
    "import",
    "print",
    "share",
    "copy",
    "paste",
    "undo",
    "redo",
)


def synthetic_page(rng: random.Random, n_buttons: int) -> tuple[Observation, str, str]:
    """A page of buttons with random distinct labels; returns (observation, task text, answer element id)."""
    labels = rng.sample(WORDS, n_buttons)
    labels = [w.upper() if rng.random() < 0.3 else w.capitalize() for w in labels]
    ids = rng.sample(range(10, 99), n_buttons)
    elements = [
        Element(id=str(i), role="button", name=label, tag="button") for i, label in zip(ids, labels, strict=True)
    ]
    answer = rng.randrange(n_buttons)
    text = "\n".join(f'[{e.id}] button "{e.name}"' for e in elements)
    obs = Observation(url="http://probe.local/", title="probe", elements=elements, text=text)
    return obs, f'Click on the "{labels[answer]}" button.', elements[answer].id


def _ids_prompt(obs: Observation, task: str) -> str:
    return f"Task: {task}\nPage:\n{obs.text}\nNext action:"


def _argmax(scores: list[float]) -> int:
    return max(range(len(scores)), key=lambda i: scores[i])


def run_probe(backend: Backend, *, trials: int = 40, n_buttons: int = 6, seed: int = 0) -> dict[str, Any]:
    """Accuracy of each prompt/candidate format on the same seeded pages, plus decision latency."""
    scorer = require_scorer(backend)
    rng = random.Random(seed)
    pages = [synthetic_page(rng, n_buttons) for _ in range(trials)]
    formats: dict[str, Callable[[Observation, str], str]] = {}

    def ids_only(obs: Observation, task: str) -> str:
        scores = scorer.score(_ids_prompt(obs, task), [f" click [{e.id}]" for e in obs.elements])
        return obs.elements[_argmax(scores)].id

    def ids_and_names(obs: Observation, task: str, calibrate: bool = False) -> str:
        conts = [f' click [{e.id}] button "{e.name}"' for e in obs.elements]
        scores = scorer.score(_ids_prompt(obs, task), conts)
        if calibrate:
            prior = scorer.score(f"Page:\n{obs.text}\nNext action:", conts)
            scores = [s - p for s, p in zip(scores, prior, strict=True)]
        return obs.elements[_argmax(scores)].id

    def agent_format(calibrate: bool) -> Callable[[Observation, str], str]:
        agent = ScoringAgent(backend, calibrate=calibrate)

        def choose(obs: Observation, task: str) -> str:
            decision = agent.decide(Task(text=task), obs, [])
            return decision.action.element or ""

        return choose

    formats["ids, task first, `click [id]`"] = ids_only
    formats['ids, task first, `click [id] button "name"`'] = ids_and_names
    formats["same, PMI-calibrated"] = lambda o, t: ids_and_names(o, t, calibrate=True)
    formats['no ids, task last, `click button "name"` (agent, raw)'] = agent_format(False)
    formats["same, PMI-calibrated (agent default)"] = agent_format(True)
    rows = []
    for label, choose in formats.items():
        correct = 0
        latencies = []
        for obs, task, answer in pages:
            started = time.perf_counter()
            correct += choose(obs, task) == answer
            latencies.append((time.perf_counter() - started) * 1000.0)
        rows.append(
            {
                "format": label,
                "correct": correct,
                "trials": trials,
                "accuracy": correct / trials,
                "median_ms": statistics.median(latencies),
            }
        )
    return {
        "trials": trials,
        "n_buttons": n_buttons,
        "seed": seed,
        "chance": 1 / n_buttons,
        "model": backend.model_id,
        "rows": rows,
    }
