"""Pick and build a backend from Settings (and CLI overrides)."""

from __future__ import annotations

from eclair.config import Settings
from eclair.models.base import Backend, ModelError


def load_backend(settings: Settings, *, backend: str | None = None, model: str | None = None) -> Backend:
    """The backend named by `backend` (else settings.backend) running `model` (else settings.model)."""
    kind = (backend or settings.backend or "local").strip().lower()
    model_id = model if model is not None else settings.model
    if kind == "local":
        from eclair.models.current import current_model
        from eclair.models.local import LocalBackend

        # no model named: the last promoted one (eclair improve / eclair models use), else the embedded default
        return LocalBackend(model_id or current_model(settings), device=settings.device, settings=settings)
    if kind == "openai":
        from eclair.models.openai_compat import OpenAICompatBackend

        if not model_id:
            raise ModelError("the openai backend needs a model name; pass --model NAME or set ECLAIR_MODEL")
        return OpenAICompatBackend(
            settings.openai_base_url or None,
            settings.openai_api_key or None,
            model_id,
            vision=settings.openai_vision,
            json_schema=settings.openai_json_schema,
            timeout=settings.request_timeout_s,
            max_retries=settings.max_retries,
        )
    raise ModelError(f"unknown backend {kind!r}; use 'local' or 'openai'")
