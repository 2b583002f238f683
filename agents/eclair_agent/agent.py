"""The ECLAIR execute stage: an SOP-guided agent that plans and grounds by generating a JSON decision.

Meant for capable (OpenAI-compatible) models; the embedded 135M model cannot write this JSON reliably, which is
why the scoring agent exists (docs/embedded-policy.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import BaseModel

from eclair.models import generate_json
from eclair.models.base import Backend
from eclair.types import (
    UNTRUSTED_NOTE,
    Action,
    Decision,
    Observation,
    StepRecord,
    Task,
    Usage,
    action_schema,
    action_space_prompt,
    fence_untrusted,
)

REPLY_TOKENS = 300
_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent), undefined=StrictUndefined, trim_blocks=True)


class AgentReply(BaseModel):
    """The JSON the model must produce each step."""

    rationale: str = ""
    action: Action
    expected_outcome: str = ""
    is_done: bool = False
    answer: str | None = None


class EclairAgent:
    name = "eclair"

    def __init__(
        self, backend: Backend, *, temperature: float = 0.0, max_retries: int = 2, max_page_chars: int = 6000
    ) -> None:
        self.backend = backend
        self.temperature = temperature
        self.max_retries = max_retries
        self.max_page_chars = max_page_chars
        self.plan = ""

    @property
    def uses_screenshot(self) -> bool:
        """A vision backend gets the Set-of-Marks screenshot, so it must exist before deciding."""
        return bool(self.backend.supports_images)

    def begin(self, task: Task) -> None:
        self.plan = ""
        if task.sop:
            return
        prompt = _ENV.get_template("plan.j2").render(task=task.text)
        completion = self.backend.chat([{"role": "user", "content": prompt}], temperature=0.0, max_tokens=160)[0]
        self.plan = completion.text.strip()

    def prompt(
        self, task: Task, obs: Observation, history: list[StepRecord], schema: dict[str, Any] | None = None
    ) -> str:
        ok_steps = sum(1 for s in history if s.result is not None and s.result.ok and not s.feedback)
        lines = []
        for step in history[-8:]:
            mark = "ok" if (step.result is not None and step.result.ok and not step.feedback) else "failed"
            lines.append(f"{step.index + 1}. {step.decision.action.describe()} -> {mark}")
        values = {
            "actions": action_space_prompt(),
            "task": task.text,
            "sop": task.sop or [],
            "sop_index": min(ok_steps, len(task.sop) - 1) if task.sop else -1,
            "plan": self.plan,
            "history": lines,
            # feedback quotes verdicts and browser errors, which quote the page
            "feedback": fence_untrusted(history[-1].feedback, "FEEDBACK") if history and history[-1].feedback else None,
            "untrusted_note": UNTRUSTED_NOTE,
        }
        template = _ENV.get_template("prompt.j2")
        page_chars = self.max_page_chars
        budget = self.backend.prompt_budget_chars(REPLY_TOKENS, schema) if schema is not None else None
        if budget is not None:  # a small context: the page gets what the rest of the prompt leaves
            rest = len(template.render(page=fence_untrusted(f"{obs.title} ({obs.url})\n"), **values))
            page_chars = min(page_chars, max(200, budget - rest))
        return template.render(page=fence_untrusted(f"{obs.title} ({obs.url})\n{obs.text[:page_chars]}"), **values)

    def decide(self, task: Task, obs: Observation, history: list[StepRecord]) -> Decision:
        schema = reply_schema([e.id for e in obs.elements])
        prompt = self.prompt(task, obs, history, schema)
        images: list[bytes] = [obs.screenshot] if (self.backend.supports_images and obs.screenshot) else []
        reply, completions = generate_json(
            self.backend,
            [{"role": "user", "content": prompt}],
            AgentReply,
            retries=self.max_retries,
            schema=schema,
            images=images,
            temperature=self.temperature,
            max_tokens=REPLY_TOKENS,
        )
        action = reply.action
        if reply.is_done and action.kind != "done":
            action = Action(kind="done", text=reply.answer)
        elif action.kind == "done" and reply.answer and not action.text:
            action = action.model_copy(update={"text": reply.answer})
        usage = _sum_usage(completions)
        return Decision(
            action=action,
            rationale=reply.rationale,
            expected_outcome=reply.expected_outcome,
            prompt=prompt,
            completion=completions[-1].text if completions else "",
            usage=usage,
        )


def reply_schema(element_ids: list[str]) -> dict[str, Any]:
    """AgentReply's schema with `action` as one variant per kind (eclair.types.action_schema)."""
    schema = AgentReply.model_json_schema()
    schema["properties"]["action"] = action_schema(element_ids)
    schema.pop("$defs", None)
    return schema


def _sum_usage(completions: list[Any]) -> Usage:
    total = Usage()
    for c in completions:
        total.tokens_in += c.usage.tokens_in
        total.tokens_out += c.usage.tokens_out
        total.model_ms += c.usage.model_ms
    return total
