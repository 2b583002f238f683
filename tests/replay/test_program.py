"""Programs without a browser: parameter binding, targets found on changed pages, checks, stored versions."""

from __future__ import annotations

from eclair.replay.checks import run_check
from eclair.replay.compile import TracedStep, build_program
from eclair.replay.pagetext import compile_pattern, pattern_of
from eclair.replay.program import Check, Program, Target, bind, fill
from eclair.replay.resolve import resolve
from eclair.store import Store
from eclair.types import Element, Observation

FORM = (
    '[7] heading "New ticket"\n[8] combobox "Customer" placeholder="Start typing"\n[9] textbox "Subject"\n'
    '[10] combobox "Priority" value="Medium" options=[Low | Medium | High]\n[19] button "Create ticket"'
)


def test_values_become_placeholders_and_back() -> None:
    params = {"customer": "Acme Corp", "ticket": "1043", "n": "94"}
    assert bind("Acme Corp", params) == "{{customer}}"
    assert bind("Ticket #1043 for Acme Corp", params) == "Ticket #{{ticket}} for {{customer}}"
    assert bind("Room 94B", params) == "Room 94B"  # short values only bind whole
    assert bind("Room 94B", params, whole_only=True) == "Room 94B"
    assert fill("#{{ticket}} {{password}}", params) == "#1043 {{password}}"  # a secret stays for the runner
    pattern = compile_pattern(pattern_of('heading "Ticket #1043 for {{customer}}"'), {"customer": "Zed (EU)"})
    assert pattern.search('heading "Ticket #77 for Zed (EU)"') and not pattern.search('heading "Ticket #77 for Zed"')


def test_compiled_steps_bind_params_and_derive_checks() -> None:
    after_create = '[3] heading "Ticket #1043"\n[4] status "Ticket #1043 created"'
    traced = [
        TracedStep("type", Target(role="combobox", name="Customer", id_hint="8"), value="Acme Corp"),
        TracedStep("select", Target(role="combobox", name="Priority"), value="High"),
        TracedStep(
            "click",
            Target(role="button", name="Create ticket"),
            before_url="http://x/helpdesk/tickets/new",
            before_text=FORM,
            after_url="http://x/helpdesk/tickets/1043?notice=1",
            after_text=after_create,
        ),
    ]
    program = build_program(
        "create",
        traced,
        description="Create a ticket for Acme Corp with priority High.",
        params={"customer": "Acme Corp", "priority": "High"},
        secret_params=[],
        start_url="http://x/helpdesk/tickets/new",
        source="test",
    )
    assert program.description == "Create a ticket for {{customer}} with priority {{priority}}."
    assert [s.value for s in program.steps] == ["{{customer}}", "{{priority}}", None]
    assert program.steps[0].checks == [Check(kind="value", expected="{{customer}}")]
    (url_check,) = program.steps[2].checks
    assert url_check.kind == "url" and compile_pattern(url_check.expected, {}).search("/helpdesk/tickets/7")
    assert not compile_pattern(url_check.expected, {}).search("/helpdesk/tickets/new")
    assert program.placeholders() == {"customer", "priority"}


def _obs(*elements: Element) -> Observation:
    return Observation(url="http://x/", elements=list(elements))


def test_targets_are_found_by_meaning_not_id() -> None:
    moved = _obs(
        Element(id="31", role="textbox", name="Summary"),
        Element(id="32", role="combobox", name="Client name", placeholder="Start typing"),
        Element(id="33", role="combobox", name="Urgency", options=["Low", "Medium", "High"]),
        Element(id="34", role="button", name="Create ticket"),
    )
    exact = resolve(moved, Target(role="button", name="Create ticket", id_hint="19"))
    assert exact.element is not None and exact.element.id == "34" and exact.how == "exact"
    by_options = resolve(moved, Target(role="combobox", name="Priority", options=["Low", "Medium", "High"]))
    assert by_options.element is not None and by_options.element.id == "33" and by_options.how == "similar"
    assert resolve(moved, Target(role="textbox", name="Description")).element is None  # missing: heal, not guess
    twins = _obs(*(Element(id=str(i), role="link", name="Edit") for i in range(3)))
    second = resolve(twins, Target(role="link", name="Edit", nth=1))
    assert second.element is not None and second.element.id == "1"


def test_checks_read_the_page_after() -> None:
    after = Observation(
        url="http://x/helpdesk/tickets/55?notice=ok",
        text='[3] heading "Ticket #55"',
        elements=[
            Element(id="8", role="textbox", name="Subject", value="Printer down"),
            Element(id="9", role="checkbox", name="urgent", states={"checked"}),
        ],
    )
    params = {"subject": "Printer down"}
    assert run_check(Check(kind="value", expected="{{subject}}"), after, "8", params) is None
    assert "expected 'Other'" in (run_check(Check(kind="value", expected="Other"), after, "8", params) or "")
    assert run_check(Check(kind="checked", expected="true"), after, "9", params) is None
    assert run_check(Check(kind="checked", expected="false"), after, "9", params)
    assert run_check(Check(kind="url", expected=r"/helpdesk/tickets/\d+$"), after, None, params) is None
    assert run_check(Check(kind="url", expected=r"/helpdesk/tickets$"), after, None, params)
    assert run_check(Check(kind="text", any_of=[pattern_of('heading "Ticket #9"')]), after, None, params) is None
    assert run_check(Check(kind="text", any_of=[pattern_of('status "Saved"')]), after, None, params)


def test_programs_are_stored_in_versions(store: Store) -> None:
    program = Program(name="create", description="d", steps=[])
    assert store.save_program("create", program.model_dump(mode="json"), source="run:a") == 1
    assert store.save_program("create", program.model_dump(mode="json"), status="pending_review") == 2
    assert store.get_program("create").version == 1  # the pending one is not used until approved
    assert store.get_program("create", include_pending=True).version == 2
    store.set_program_status("create", 2, "active")
    assert store.get_program("create").version == 2 and store.get_program("create").program["status"] == "active"
    assert [p.version for p in store.list_programs("create")] == [1, 2]
    assert [(p.name, p.version) for p in store.list_programs()] == [("create", 2)]
