"""Each action kind is defined once (eclair.actions); the prompt, the schema, the executors and the gate read it."""

from __future__ import annotations

from typing import get_args

import pytest

from eclair.actions import ACTION_SPECS, ActionKind, candidate_phrase, has_risk
from eclair.browser.act import ELEMENT_EXECUTORS, PAGE_EXECUTORS, POINT_EXECUTORS
from eclair.security.gate import Gate
from eclair.security.risk import action_risks
from eclair.types import Action, Element, Observation, action_schema, action_space_prompt


def test_every_kind_is_defined_once_with_a_valid_example() -> None:
    assert list(ACTION_SPECS) == list(get_args(ActionKind))
    for kind, spec in ACTION_SPECS.items():
        assert Action.model_validate(spec.example).kind == kind
        assert f"- {kind}: {spec.doc}" in action_space_prompt()


def test_every_kind_the_browser_runs_has_its_executor() -> None:
    for kind, spec in ACTION_SPECS.items():
        assert (kind in PAGE_EXECUTORS) == (spec.acts_on in ("page", "element_or_page")), kind
        assert (kind in ELEMENT_EXECUTORS) == (spec.acts_on in ("element", "element_or_page")), kind
    assert set(POINT_EXECUTORS) <= set(ELEMENT_EXECUTORS)


def test_schema_variants_require_what_the_definition_requires() -> None:
    variants = {v["properties"]["kind"]["enum"][0]: v for v in action_schema(["1", "2"])["anyOf"]}
    assert set(variants) == set(ACTION_SPECS)
    for kind, spec in ACTION_SPECS.items():
        assert variants[kind]["required"] == ["kind", *spec.required]
    assert variants["click"]["properties"]["element"] == {"type": "string", "enum": ["1", "2"]}
    assert variants["upload"]["properties"]["files"]["type"] == "array"


def test_candidate_phrases_come_from_the_definition() -> None:
    assert candidate_phrase("type", text="Acme", target='textbox "Customer"') == 'type "Acme" into textbox "Customer"'
    assert candidate_phrase("press", key="Enter") == "press Enter"
    with pytest.raises(ValueError, match="no candidate phrase"):
        candidate_phrase("scroll")


PAGE = Observation(url="http://a.test/t/3", elements=[Element(id="5", role="button", name="Delete ticket")])


@pytest.mark.parametrize("kind", list(ACTION_SPECS))
def test_the_gate_reads_each_kinds_risk_tags(kind: str) -> None:
    fields = {**ACTION_SPECS[kind].example, "element": "5", "key": "Enter", "url": "http://evil.test/delete"}
    action = Action.model_validate(fields)
    risks = action_risks(action, PAGE, ["delete", "submit"])
    acts = has_risk(kind, "commits") or has_risk(kind, "enter_submits")  # an acting action's url is read too
    assert ("delete" in risks) == (has_risk(kind, "labelled") or acts)
    assert ("submit" in risks) == has_risk(kind, "enter_submits")
    refused = not Gate(("a.test",)).check(action, PAGE).allowed
    assert refused == has_risk(kind, "opens_url")
