"""Task values from free text: what each value is, what it is for, and which field of a form takes it."""

from __future__ import annotations

import pytest

from agents.scoring_agent.candidates import task_values
from agents.scoring_agent.values import concept_fit, label_concepts, parse_values
from eclair.types import Task


def _found(text: str) -> dict[str, str]:
    return {v.text: v.concept for v in parse_values(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("log on as j.doe, password hunter2", {"j.doe": "user", "hunter2": "password"}),
        ("Sign in as dana with password 'pa55word' and open ticket #1013.", {"dana": "user", "pa55word": "password"}),
        ("Log in with user name jdoe and password s3cret!, then approve it", {"jdoe": "user", "s3cret!": "password"}),
        ("Login: mchen  Password: Tr0ub4dor", {"mchen": "user", "Tr0ub4dor": "password"}),
        ("Use the account ops-admin (pin 4421) to sign in", {"ops-admin": "user", "4421": "password"}),
        ('Enter the username "kasie" and the password "xyz"', {"kasie": "user", "xyz": "password"}),
        ("Add a comment saying the printer is fixed, then close the ticket.", {"the printer is fixed": "comment"}),
        ("Reply to the ticket with the comment: Replaced the toner.", {"Replaced the toner": "comment"}),
        ("Add a note that says call back tomorrow", {"call back tomorrow": "comment"}),
        ("Reject invoice INV-7017 because the amount is wrong.", {"INV-7017": "code", "the amount is wrong": "reason"}),
        ("Create a ticket titled Printer offline for Acme with priority High", {"Printer offline": "title"}),
        ("Open a case with the subject Broken badge reader.", {"Broken badge reader": "title"}),
        ("Create a project named Apollo with budget $12,500.50", {"Apollo": "name", "12500.50": "amount"}),
        ("Assign it to Dana Scully and e-mail bob@example.com", {"Dana Scully": "name", "bob@example.com": "email"}),
        ("Schedule the visit on May 3, 2027", {"May 3, 2027": "date"}),
        ("Book it for 2026-03-01 and pay 40 EUR", {"2026-03-01": "date", "40": "amount"}),
    ],
)
def test_free_text_values_and_their_purpose(text: str, expected: dict[str, str]) -> None:
    found = _found(text)
    for value, concept in expected.items():
        assert found.get(value) == concept, (text, found)


def test_prose_gives_no_values() -> None:
    assert _found("Open the reports page and look around.") == {}
    assert _found("Send a message to Bob") == {}  # no value given, only a recipient the page will name


def test_task_values_add_free_text_values_after_quoted_ones() -> None:
    task = Task(text='log on as j.doe, password hunter2, then open "Reports"')
    assert task_values(task) == ["Reports", "j.doe", "hunter2"]
    quoted = Task(text='Enter the username "kasie" and the password "xyz" and press login.')
    assert task_values(quoted) == ["kasie", "xyz"]  # nothing twice


@pytest.mark.parametrize(
    ("label", "concepts"),
    [
        ("User name", {"user"}),
        ("Username", {"user"}),
        ("Login", {"user"}),
        ("Password", {"password"}),
        ("Passcode", {"password"}),
        ("Subject", {"title"}),
        ("Full name", {"name"}),
        ("Email address", {"email"}),
        ("Due date", {"date"}),
        ("Reason for rejection", {"reason"}),
    ],
)
def test_labels_name_concepts(label: str, concepts: set[str]) -> None:
    assert concepts <= label_concepts(label)


def test_a_comment_does_not_fit_a_user_name_box() -> None:
    comment = next(v for v in parse_values("Add a comment saying ship it today") if v.concept == "comment")
    assert concept_fit(comment, "User name") == -1
    assert concept_fit(comment, "Comment") == 1
    assert concept_fit(comment, "Search") == 0  # a label naming no concept says nothing
