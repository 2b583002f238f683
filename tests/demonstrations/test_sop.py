"""SOPs: faithful steps, deterministic generalisation to parameters, fidelity, versions in the real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from eclair.config import Settings
from eclair.demonstrations import (
    DemoAction,
    DemonstrationManifest,
    NoDemonstration,
    TargetInfo,
    generalised_steps,
    instantiate_sop,
    parse_sop,
    sop_fidelity,
    task_sop,
    write_sop,
)
from eclair.demonstrations.saving import commit_demonstration, new_staging_dir
from eclair.store import Store

PARAMS = {"customer": "Acme Corp", "priority": "High", "assignee": "Dana"}


def demo_actions() -> list[DemoAction]:
    def target(role: str, name: str, tag: str = "input") -> TargetInfo:
        return TargetInfo(role=role, name=name, tag=tag, xpath=f"//*[@name='{name}']")

    return [
        DemoAction(kind="click", target=target("link", "New ticket", "a")),
        DemoAction(kind="type", target=target("textbox", "Customer"), text="Acme"),
        DemoAction(kind="click", target=target("option", "Acme Corp", "li")),
        DemoAction(kind="select", target=target("combobox", "Priority", "select"), text="High"),
        DemoAction(kind="check", target=target("radio", "Dana"), checked=True),
        DemoAction(kind="type", target=target("textbox", "Password"), text="{{password}}", secret=True),
        DemoAction(kind="click", target=target("button", "Save", "button")),
    ]


def test_generalised_steps_replace_values_with_parameters_and_keep_every_step() -> None:
    steps = generalised_steps(demo_actions(), PARAMS)
    assert steps == [
        'Click the link "New ticket"',
        'Type "Acme" into the textbox "Customer"',  # a prefix typed into an autocomplete is not the parameter's value
        'Click the option "{customer}"',
        'Select "{priority}" in the combobox "Priority"',
        'Choose the radio "{assignee}"',
        'Type "{{password}}" into the textbox "Password"',
        'Click the button "Save"',
    ]
    assert instantiate_sop(steps, {"customer": "Globex", "priority": "Low", "assignee": "Eve"})[2:5] == [
        'Click the option "Globex"',
        'Select "Low" in the combobox "Priority"',
        'Choose the radio "Eve"',
    ]
    assert instantiate_sop(["Type '{{password}}' into 'Password'"], {"password": "x"}) == [
        "Type '{{password}}' into 'Password'"
    ]


def test_short_values_only_replace_whole_names() -> None:
    actions = [DemoAction(kind="click", target=TargetInfo(role="button", name="Highlight"))]
    assert generalised_steps(actions, {"priority": "High"}) == ['Click the button "Highlight"']


def test_fidelity_counts_actions_found_in_order() -> None:
    actions = demo_actions()
    steps = generalised_steps(actions, PARAMS)
    assert sop_fidelity(actions, steps, PARAMS) == 1.0
    assert sop_fidelity(actions, steps[:3] + steps[4:], PARAMS) == pytest.approx(6 / 7)
    swapped = [steps[3], *steps[:3], *steps[4:]]
    assert sop_fidelity(actions, swapped, PARAMS) == pytest.approx(6 / 7)
    assert sop_fidelity(actions, ["Do the thing"], PARAMS) == 0.0
    human = ['Click "New ticket"', "Enter Acme in the Customer box", "Pick Acme Corp", "Set Priority to High"]
    assert sop_fidelity(actions, human, PARAMS) == pytest.approx(4 / 7)


def test_parse_sop_accepts_numbering_bullets_and_comments() -> None:
    text = "# header\n1. Click 'A'\n2) Type 'x' into 'B'\n\n- Press Enter\n* Scroll down\n"
    assert parse_sop(text) == ["Click 'A'", "Type 'x' into 'B'", "Press Enter", "Scroll down"]


def _save_demo(settings: Settings, params: dict[str, str]) -> Store:
    store = Store(settings)
    staging = new_staging_dir(store.traces_root)
    manifest = DemonstrationManifest(
        workflow="create-ticket", source="recording", params=params, actions=demo_actions()
    )
    commit_demonstration(store, staging, manifest)
    return store


def test_write_sop_versions_in_the_store_and_feeds_task_sop(settings: Settings) -> None:
    store = _save_demo(settings, PARAMS)
    first = write_sop(store, "create-ticket")
    assert first.generated and first.version == 1 and first.fidelity == 1.0
    assert "{customer}" in first.text and "Acme Corp" not in first.text
    again = write_sop(store, "create-ticket")
    assert not again.generated and again.version == 1 and again.text == first.text
    edited_text = "\n".join(line for line in first.text.splitlines() if "Priority" not in line)
    store.set_sop("create-ticket", edited_text)  # a person's edit drops a step
    edited = write_sop(store, "create-ticket")
    assert edited.version == 2 and edited.fidelity is not None and edited.fidelity < 1.0
    regenerated = write_sop(store, "create-ticket", regenerate=True)
    assert regenerated.version == 3 and regenerated.text == first.text
    steps = task_sop(store, "create-ticket", {"customer": "Globex", "priority": "Low", "assignee": "Eve"})
    assert steps is not None and steps[2] == 'Click the option "Globex"'


def test_write_sop_without_workflow_or_demonstration_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    store = Store(settings)
    with pytest.raises(NoDemonstration, match="'nope' is not in the store"):
        write_sop(store, "nope")
    store.save_workflow("empty", "no demos yet")
    with pytest.raises(NoDemonstration, match="no demonstration"):
        write_sop(store, "empty")


def test_model_pass_is_kept_only_when_it_passes_the_checks(settings: Settings) -> None:
    import json

    from eclair.models import load_backend
    from tests.demonstrations.openai_double import serve_chat_double

    store = _save_demo(settings, PARAMS)
    deterministic = generalised_steps(demo_actions(), PARAMS)
    polished = [s.replace("Click the", "Click on the") for s in deterministic]
    answers = [
        json.dumps({"steps": deterministic[:-1]}),  # drops a step: refused
        json.dumps({"steps": [*polished[:3], "Select a priority", *polished[4:]]}),  # loses {priority}: refused
        json.dumps({"steps": polished}),  # same steps, placeholders kept: accepted
    ]
    with serve_chat_double(answers) as (base_url, requests):
        remote = settings.with_overrides(backend="openai", openai_base_url=base_url, openai_api_key="t", model="m")
        backend = load_backend(remote)
        first = write_sop(store, "create-ticket", backend=backend)
        assert first.steps == deterministic and "changed the step count (7→6)" in first.note
        second = write_sop(store, "create-ticket", regenerate=True, backend=backend)
        assert second.steps == deterministic and "dropped {priority}" in second.note
        third = write_sop(store, "create-ticket", regenerate=True, backend=backend)
        assert third.steps == polished and third.fidelity == 1.0 and "accepted" in third.note
    assert len(requests) == 3 and third.version == 3


def test_ids_inside_names_and_equal_values_pick_the_matching_parameter() -> None:
    actions = [
        DemoAction(kind="click", target=TargetInfo(role="link", name="#1020")),
        DemoAction(kind="type", target=TargetInfo(role="textbox", name="Quantity 2"), text="4"),
        DemoAction(kind="type", target=TargetInfo(role="textbox", name="Quantity 1"), text="4"),
        DemoAction(kind="upload", target=TargetInfo(role="button", name="PDF file", input_type="file"), text="a.pdf"),
    ]
    steps = generalised_steps(actions, {"ticket": "1020", "qty1": "4", "qty2": "4", "file_name": "a.pdf"})
    assert steps == [
        'Click the link "#{ticket}"',
        'Type "{qty2}" into the textbox "Quantity 2"',
        'Type "{qty1}" into the textbox "Quantity 1"',
        'Upload "{file_name}" in the file field "PDF file"',
    ]
