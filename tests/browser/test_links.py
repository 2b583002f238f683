"""The one rule both the verification pass and the read-only crawl use to leave a state-changing GET alone."""

from __future__ import annotations

from eclair.browser.links import may_change_state


def test_a_link_that_may_act_on_get_is_known_by_its_name_or_its_path() -> None:
    assert may_change_state("Log out")
    assert may_change_state("Ticket 12", "http://app/tickets/12/delete")
    assert may_change_state("Report", "http://app/reports/2026.csv")
    assert not may_change_state("Closed tickets", "http://app/tickets?status=closed")  # a word inside another
    assert not may_change_state("Ticket 12", "http://app/tickets/12/")
