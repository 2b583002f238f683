"""Model judges: malformed output is "unsure" (never "pass"), over the real OpenAI protocol and the real local model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from eclair.critics.judges import CompletionJudge, SopJudge, StepJudge, parse_judge_reply
from eclair.types import Action, ActionResult, Decision, Element, Observation, StepRecord, Task
from tests.models.chat_server import ChatServer, Reply, completion_body

BEFORE = Observation(
    url="http://app.test/tickets/new",
    title="New ticket",
    elements=[Element(id="1", role="textbox", name="Subject", value=""), Element(id="2", role="button", name="Save")],
)
AFTER = Observation(
    url="http://app.test/tickets/17",
    title="Ticket 17",
    elements=[Element(id="9", role="heading", name="Ticket #17"), Element(id="10", role="text", name="Ticket saved")],
)
SAVE = Action(kind="click", element="2")
TASK = Task(text='Create a ticket with subject "Printer offline"', params={"subject": "Printer offline"})
TRAJECTORY = [
    StepRecord(
        index=0,
        observation=BEFORE,
        decision=Decision(action=Action(kind="type", element="1", text="Printer offline")),
        result=ActionResult(ok=True),
    ),
    StepRecord(index=1, observation=BEFORE, decision=Decision(action=SAVE), result=ActionResult(ok=True)),
]


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "pass",
        "The action passed.",
        '{"verdict": "yes"}',
        '{"verdict": "pass"',
        "1. 1. 2. 2. 3.",
        '["pass"]',
        '{"label": "pass", "reason": "looks fine"}',
    ],
)
def test_malformed_reply_is_unsure(reply: str) -> None:
    verdict = parse_judge_reply(reply, "judge.test")
    assert verdict.label == "unsure"
    assert verdict.score == 0.5


def test_wellformed_reply_parses() -> None:
    verdict = parse_judge_reply('Sure: ```json\n{"verdict": "fail", "reason": "nothing saved"}\n```', "j")
    assert (verdict.label, verdict.reason) == ("fail", "nothing saved")
    assert verdict.score < 0.5


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    with ChatServer() as server:
        yield server


def _remote(server: ChatServer):  # type: ignore[no-untyped-def]
    from eclair.models import OpenAICompatBackend

    return OpenAICompatBackend(server.base_url, "test-key", "judge-model", timeout=5, max_retries=0)


def test_remote_judge_garbage_is_unsure(chat_server: ChatServer) -> None:
    chat_server.script(*[Reply(body=completion_body("I think it worked!!")) for _ in range(6)])
    judge = StepJudge(_remote(chat_server))
    verdict = judge.check_step(BEFORE, SAVE, AFTER, "the ticket is saved", result=ActionResult(ok=True))
    assert verdict.label == "unsure"
    assert len(chat_server.requests) == 2  # the first reply plus one retry with the parse error
    prompt = str(chat_server.requests[0].json["messages"])
    assert "Ticket saved" in prompt and "Save" in prompt


def test_remote_judge_reads_json_and_skips_scoring(chat_server: ChatServer) -> None:
    chat_server.script(Reply(body=completion_body('{"verdict": "pass", "reason": "ticket page shown"}')))
    verdict = CompletionJudge(_remote(chat_server)).check_task(TASK, TRAJECTORY, AFTER)
    assert verdict.label == "pass" and verdict.reason == "ticket page shown"
    sent = str(chat_server.requests[0].json["messages"])
    assert "Printer offline" in sent


def test_remote_sop_judge_lists_skipped_steps(chat_server: ChatServer) -> None:
    chat_server.script(Reply(body=completion_body('{"verdict": "pass", "skipped": [2], "reason": "no save"}')))
    task = TASK.model_copy(update={"sop": ["Type the subject", "Click Save"]})
    verdict = SopJudge(_remote(chat_server)).check_task(task, TRAJECTORY[:1], BEFORE)
    assert verdict.label == "fail" and "[2]" in verdict.reason  # a listed skipped step overrides "pass"


def test_remote_server_error_is_unsure_not_pass(chat_server: ChatServer) -> None:
    from eclair.critics import default_panel

    chat_server.script(*[Reply(status=500, body={"error": {"message": "boom"}}) for _ in range(6)])
    panel = default_panel(judge=_remote(chat_server))
    scroll = Action(kind="scroll")  # no effect rule applies to a scroll, so the judge is asked
    verdicts = panel.check_step(BEFORE, scroll, ActionResult(ok=True), BEFORE, "", [])
    judged = [v for v in verdicts if v.critic == "judge.step"]
    assert judged and judged[0].label == "unsure"


@pytest.mark.slow
def test_embedded_judge_scores_yes_no() -> None:
    """The 135M model judges by calibrated yes/no log-likelihoods; its verdict is well-formed either way."""
    from eclair.config import load_settings
    from eclair.models import LocalBackend

    backend = LocalBackend("embedded", settings=load_settings())
    judge = StepJudge(backend)
    verdict = judge.check_step(BEFORE, SAVE, AFTER, "the ticket is saved", result=ActionResult(ok=True))
    assert verdict.label in {"pass", "fail", "unsure"}
    assert "log-odds" in verdict.reason and 0.0 <= verdict.score <= 1.0
    sop = SopJudge(backend).check_task(
        TASK.model_copy(update={"sop": ["Type the subject", "Click Save"]}), TRAJECTORY, AFTER
    )
    assert sop.critic == "judge.sop" and sop.label in {"pass", "fail", "unsure"}
