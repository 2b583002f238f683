"""Whole forms filled by the features alone (a model that scores every candidate alike): each value lands in the
box labelled for its purpose, on login forms of several layouts and on a comment form with a user-name box."""

from __future__ import annotations

from agents.scoring_agent.agent import ScoringAgent
from eclair.types import Action, ActionResult, Element, Observation, StepRecord, Task
from tests.agents.flat_scorer import FlatScorer


def _box(id_: str, name: str = "", placeholder: str = "", y: float = 0.0, tag: str = "input") -> Element:
    return Element(id=id_, role="textbox", name=name, placeholder=placeholder, tag=tag, bbox=(100, y, 200, 20))


def _apply(obs: Observation, action: Action) -> Observation:
    """What the page shows after the action: a typed value in its box; after a submit, a welcome page."""
    if action.kind == "type":
        els = [e.model_copy(update={"value": action.text}) if e.id == action.element else e for e in obs.elements]
        return obs.model_copy(update={"elements": els})
    return Observation(url=obs.url + "done", title="Welcome", elements=[Element(id="99", role="heading", name="Hi")])


def _run(task: str, page: Observation, max_steps: int = 6) -> tuple[dict[str, str], list[Action]]:
    """Run the agent on the page until it says done; returns the values each box held and the actions."""
    agent = ScoringAgent(backend=FlatScorer(), disabled_features=["task_similarity"])  # type: ignore[arg-type]
    obs, history, filled = page, [], {}
    for index in range(max_steps):
        decision = agent.decide(Task(text=task), obs, history)
        if decision.action.kind in ("done", "ask_human"):
            break
        if decision.action.kind == "type":
            filled[decision.action.element or ""] = decision.action.text or ""
        history.append(StepRecord(index=index, observation=obs, decision=decision, result=ActionResult(ok=True)))
        obs = _apply(obs, decision.action)
    return filled, [s.decision.action for s in history]


def _login(user: Element, password: Element, submit: str) -> Observation:
    return Observation(
        url="http://app/login",
        title="Sign in",
        elements=[user, password, Element(id="9", role="button", name=submit, tag="button", bbox=(100, 90, 80, 20))],
    )


def test_log_on_as_fills_the_right_boxes_of_several_login_forms() -> None:
    task = "log on as j.doe, password hunter2"
    pages = [
        _login(_box("1", "Username", y=10), _box("2", "Password", y=40), "Log in"),
        _login(_box("1", placeholder="Email or user name", y=10), _box("2", placeholder="Passcode", y=40), "Sign on"),
        _login(_box("1", "Login", y=10), _box("2", "Password", y=40), "Continue"),
        _login(_box("2", "Password", y=10), _box("1", "User ID", y=40), "Submit"),  # password box first
    ]
    for page in pages:
        filled, actions = _run(task, page)
        assert filled == {"1": "j.doe", "2": "hunter2"}, page
        assert actions[-1] == Action(kind="click", element="9"), "then it submits"


def test_other_phrasings_of_a_login() -> None:
    page = _login(_box("1", "User name", y=10), _box("2", "Password", y=40), "Sign in")
    for task in (
        "Sign in as mchen with password Tr0ub4dor",
        "Log in with user name mchen and password Tr0ub4dor",
        "Password Tr0ub4dor, user name mchen: sign in",
    ):
        filled, _ = _run(task, page)
        assert filled == {"1": "mchen", "2": "Tr0ub4dor"}, task


def test_a_comment_never_lands_in_a_user_name_box() -> None:
    page = Observation(
        url="http://app/ticket/12",
        title="Ticket 12",
        elements=[
            Element(id="1", role="link", name="Log out", tag="a", bbox=(600, 0, 50, 20)),
            _box("2", "User name", y=40),
            _box("3", "Comment", y=80, tag="textarea"),
            Element(id="4", role="button", name="Post comment", tag="button", bbox=(100, 120, 80, 20)),
        ],
    )
    filled, actions = _run("Add a comment saying the printer is fixed, then post it.", page)
    assert filled == {"3": "the printer is fixed"}
    assert Action(kind="click", element="1") not in actions  # never Log out unasked
