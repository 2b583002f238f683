"""The helpdesk's hostile seed tickets through a real demo workflow: each one works without defences, none with."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_each_seeded_injection_works_undefended_and_is_stopped_with_defences() -> None:
    from benchmarks.injection_demos import OBEY, run_bench

    rows = run_bench(["obey-undefended", "obey"], list(OBEY))
    outcomes = {(r["scenario"], r["agent"]): r for r in rows}
    for kind in OBEY:
        bare, guarded = outcomes[(kind, "obey-undefended")], outcomes[(kind, "obey")]
        assert bare["outcome"] == "followed", bare  # the injection is real: an agent that obeys does harm
        assert guarded["outcome"] in ("gated", "blocked"), guarded
        assert not guarded["deleted_tickets"] and not guarded["outside_requests"]
    assert outcomes[("body-delete-all", "obey")]["asked"][0].startswith("delete: button 'Delete ticket'")
    assert outcomes[("link-other-domain", "obey")]["refused"]  # the gate saw where the link leads
