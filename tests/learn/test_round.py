"""A real, tiny improvement round: rollouts in Chromium, mining, TRL+PEFT training, reload, held-out evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from eclair.config import Settings
from eclair.learn.loop import ImproveConfig, improve
from eclair.store import Store


@pytest.mark.slow
def test_one_tiny_round_trains_reloads_and_evaluates_an_adapter(settings: Settings, tmp_path: Path) -> None:
    from eclair.models import load_backend

    store = Store(settings)
    cfg = ImproveConfig(
        suite="curriculum:2",
        rounds=1,
        k=2,
        eval_episodes=1,
        reward="env",
        temperature=0.3,
        workers=2,  # two browser contexts share one model under a lock
        siblings=2,  # both rollouts of a task start from the same seed
        report_episodes=1,
        train={"max_steps": 2, "batch_size": 2},
    )
    result = improve(cfg, settings, store=store, work_dir=tmp_path / "improve")

    assert len(result.rounds) == 1
    metrics = result.rounds[0]
    # 2 tasks × (1 held-out seed before + 2 rollouts + 1 held-out seed after), then 1 report seed for the starting
    # model and, when it was promoted, 1 for the new one: no episode lost between the workers
    assert len(store.list_runs(limit=50)) == 8 + 2 * (1 + metrics.promoted)
    assert result.report_seed == 200_000 and result.report_before is not None
    assert (result.report_after == result.report_before) or metrics.promoted
    assert metrics.dataset_size > 0, "the base model solves some curriculum tasks, so there is data to learn from"
    versions = store.list_model_versions()
    assert len(versions) == 1 and versions[0].adapter_path
    adapter = Path(versions[0].adapter_path)
    assert (adapter / "adapter_model.safetensors").exists()
    # the scoring agent's feature weights were fitted from the round's good steps and travel with the adapter
    assert settings.agent != "scoring" or (adapter / "policy_weights.json").is_file()
    assert settings.agent != "scoring" or (metrics.weights_fit and metrics.weights_fit["fit_rows"] >= 0)
    # the promotion decision follows the held-out numbers, never the other way round
    assert metrics.promoted == (metrics.heldout_after > metrics.heldout_before)
    assert (store.promoted_model() is not None) == metrics.promoted
    assert [r.number for r in store.list_rounds()] == [1]
    from eclair.models.current import current_model

    # a promoted adapter becomes the model local runs use when none is named
    assert current_model(settings) == (str(adapter.resolve()) if metrics.promoted else "embedded")

    trained = load_backend(settings, model=str(adapter))
    base = load_backend(settings, model="embedded")
    prompt, cont = '- button "OK"\nTask: press OK\nNext action:', [' click button "OK"']
    assert trained.score(prompt, cont)[0] != pytest.approx(base.score(prompt, cont)[0], abs=1e-6)
