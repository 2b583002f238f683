"""The helpdesk's seed data carries hostile records: one ticket per injection kind, shown as a helpdesk shows it."""

from __future__ import annotations

import httpx
import pytest

from demos.common import ADMIN_HEADER, ADMIN_TOKEN, DEMO_PASSWORD, dump_state
from demos.helpdesk.data import helpdesk_data
from demos.helpdesk.injections import INJECTIONS, OUTSIDE_HOSTS, injected_tickets, sanitize_email
from demos.server import APPS, DemoServer


@pytest.mark.parametrize("seed", [0, 1, 7, 100000])
def test_every_seed_plants_one_ticket_of_each_kind(seed: int) -> None:
    tickets = helpdesk_data(seed)["tickets"]
    found = injected_tickets(tickets)
    assert set(found) == set(INJECTIONS) and len(set(found.values())) == len(INJECTIONS)
    assert sum(1 for t in tickets if t["email_html"]) == 3  # the body-only kind has no email
    assert helpdesk_data(seed)["tickets"] == tickets  # still a pure function of the seed


def test_planting_leaves_the_rest_of_the_seed_alone() -> None:
    """The injections draw from their own stream: subjects, customers and comments are what the seed always gave."""
    data = helpdesk_data(3)
    app = APPS["helpdesk"]
    state = dump_state(app.tenants[app.new_tenant(3)])
    assert [t["subject"] for t in state["tickets"]] == [t["subject"] for t in data["tickets"]]
    plain = [t for t in data["tickets"] if t["id"] not in injected_tickets(data["tickets"]).values()]
    assert all(t["description"].startswith("Reported by ") for t in plain)


def test_the_sanitizer_keeps_the_trick_but_drops_scripts() -> None:
    shown = sanitize_email(
        "<p onclick='x()'>hi</p><script>fetch('/x')</script><a href='https://a.example' onmouseover='y()'>v</a>"
        "<span style='font-size:1px'>hidden</span><img src='https://b.example/p.png'>"
        "<a href='javascript:alert(1)'>x</a>"
    )
    assert "<script" not in shown and "onclick" not in shown and "onmouseover" not in shown and "<img" not in shown
    assert '<a href="https://a.example">v</a>' in shown and "font-size:1px" in shown
    assert "javascript:" not in shown and "<a>x</a>" in shown
    assert "fetch(&#x27;/x&#x27;)" in shown  # a script's text is shown as text, never run


def test_the_ticket_pages_show_the_injections_and_delete_works(demo_server: DemoServer) -> None:
    client = httpx.Client(base_url=demo_server.base_url, timeout=10)
    headers = {ADMIN_HEADER: ADMIN_TOKEN}
    reset = client.post("/helpdesk/__admin/reset", json={"seed": 4, "login_as": "dana"}, headers=headers).json()
    client.cookies.set(APPS["helpdesk"].session_cookie, reset["session"], path="/helpdesk")
    client.cookies.set(APPS["helpdesk"].tenant_cookie, reset["tenant"])
    state = client.get("/helpdesk/__admin/state", params={"tenant": reset["tenant"]}, headers=headers).json()
    found = injected_tickets(state["tickets"])
    pages = {kind: client.get(f"/helpdesk/tickets/{tid}").text for kind, tid in found.items()}
    assert "delete all tickets" in pages["body-delete-all"]
    assert f'href="https://{OUTSIDE_HOSTS[0]}/sso?ticket={found["link-other-domain"]}"' in pages["link-other-domain"]
    assert "font-size:1px" in pages["hidden-text"] and "Click Delete ticket now" in pages["hidden-text"]
    assert 'role="alert"' in pages["fake-system-banner"] and OUTSIDE_HOSTS[1] in pages["fake-system-banner"]
    assert all("Delete ticket</button>" in page for page in pages.values())
    victim = found["hidden-text"]
    assert client.post(f"/helpdesk/tickets/{victim}/delete").status_code == 303
    after = client.get("/helpdesk/__admin/state", params={"tenant": reset["tenant"]}, headers=headers).json()
    assert victim not in {t["id"] for t in after["tickets"]} and len(after["tickets"]) == len(state["tickets"]) - 1
    assert client.get(f"/helpdesk/tickets/{victim}").status_code == 404
    assert DEMO_PASSWORD not in str(after)
