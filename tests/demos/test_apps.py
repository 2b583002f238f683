"""The demo apps behave like real apps: login, validation instead of 500s, hidden admin endpoints, seeded state."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.routing import Mount, Route

from demos.common import ADMIN_HEADER, ADMIN_TOKEN, DEMO_PASSWORD
from demos.server import APPS, DemoServer, DemoServerError, build_app
from demos.suite import SUITES, WORKFLOWS, make_env
from demos.suite.spec import SECRET_KEYS

GARBAGE = {
    "q": "'; DROP TABLE x; --",
    "page": "-3",
    "sort": "nonsense",
    "date": "2026-02-31",
    "dob": "yesterday",
    "qty": "lots",
    "unit_price": "free",
    "vendor_id": "abc",
    "rating": "11",
    "ids": "x",
    "status": "Gone",
}


def _login(base_url: str, app: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=10)
    user = next(iter(APPS[app].users))
    reply = client.post(f"/{app}/login", data={"username": user, "password": DEMO_PASSWORD})
    assert reply.status_code == 303, reply.text
    return client


@pytest.fixture(scope="module")
def clients(demo_server: DemoServer) -> Iterator[dict[str, httpx.Client]]:
    made = {app: _login(demo_server.base_url, app) for app in APPS}
    yield made
    for client in made.values():
        client.close()


def _routes() -> list[tuple[str, str]]:
    """(method, path) of every app page, with path parameters filled in."""
    found = []
    for mount in build_app().routes:
        if not isinstance(mount, Mount) or mount.path.strip("/") not in APPS:
            continue
        for route in mount.routes:
            if isinstance(route, Route) and "__admin" not in route.path and route.path != "/logout":
                for method in sorted((route.methods or set()) - {"HEAD"}):
                    found.append((method, mount.path + route.path))
    return found


def test_no_page_answers_500_to_bad_input(clients: dict[str, httpx.Client]) -> None:
    checked = 0
    for method, template in _routes():
        app = template.split("/")[1]
        for path_value, data in (("1", {}), ("1", GARBAGE), ("not-a-number", GARBAGE)):
            path = re.sub(r"\{[^}]+\}", path_value, template)
            client = clients[app]
            reply = client.get(path, params=data) if method == "GET" else client.post(path, data=data)
            assert reply.status_code < 500, f"{method} {path} {data} -> {reply.status_code}"
            checked += 1
    assert checked > 100


def test_bad_form_input_shows_validation_errors(clients: dict[str, httpx.Client]) -> None:
    reply = clients["clinic"].post("/clinic/patients/new", data={"first_name": "Ana", "dob": "1990-02-30"})
    assert reply.status_code == 400
    assert "is not a valid date" in reply.text and "Last name is required" in reply.text
    reply = clients["helpdesk"].post("/helpdesk/tickets/new", data={"customer": "Nobody Inc", "priority": "Low"})
    assert reply.status_code == 400 and "does not exist" in reply.text and "Subject is required" in reply.text
    reply = clients["procurement"].post(
        "/procurement/orders/new", data={"vendor_id": "1", "description": "Pens", "qty": "0", "unit_price": "-2"}
    )
    assert reply.status_code == 400 and "quantity must be a whole number" in reply.text


def test_pages_need_login_and_the_password_is_checked(demo_server: DemoServer) -> None:
    with httpx.Client(base_url=demo_server.base_url) as anonymous:
        reply = anonymous.get("/helpdesk/tickets")
        assert reply.status_code == 303 and "/helpdesk/login" in reply.headers["location"]
        reply = anonymous.post("/helpdesk/login", data={"username": "dana", "password": "wrong"})
        assert reply.status_code == 400 and "Invalid username or password" in reply.text


def test_admin_endpoints_are_hidden_from_browsers(demo_server: DemoServer) -> None:
    with httpx.Client(base_url=demo_server.base_url) as client:
        assert client.post("/clinic/__admin/reset", json={"seed": 1}).status_code == 404
        assert client.get("/clinic/__admin/state", params={"tenant": "default"}).status_code == 404
        headers = {ADMIN_HEADER: ADMIN_TOKEN}
        tenant = client.post("/clinic/__admin/reset", json={"seed": 1}, headers=headers).json()["tenant"]
        state = client.get("/clinic/__admin/state", params={"tenant": tenant}, headers=headers).json()
        assert len(state["patients"]) == 36 and "sessions" not in state


def test_csv_export_and_pdf_upload(clients: dict[str, httpx.Client]) -> None:
    client = clients["procurement"]
    reply = client.get("/procurement/invoices/export.csv", params={"status": "Approved"})
    assert reply.headers["content-disposition"] == 'attachment; filename="invoices-approved.csv"'
    lines = reply.text.strip().splitlines()
    assert lines[0].startswith("number,vendor") and all(line.endswith(",Approved") for line in lines[1:])
    reply = client.post("/procurement/invoices/2/attachments", files={"file": ("notes.pdf", b"plain text")})
    assert "is+not+a+PDF" in reply.headers["location"]


def test_same_seed_same_episode_and_different_seeds_differ(demo_server: DemoServer) -> None:
    for workflow_id in SUITES["smoke"]:
        env = make_env(workflow_id, demo_server.base_url)
        first, again, other = env.reset(5), env.reset(5), env.reset(6)
        assert first.params == again.params and first.initial == again.initial
        assert first.tenant != again.tenant
        assert (first.params, first.initial) != (other.params, other.initial)


def test_secrets_never_reach_task_text(demo_server: DemoServer) -> None:
    with_secrets = [w for w in WORKFLOWS.values() if SECRET_KEYS & set(w.make_params.__code__.co_names) or not w.login]
    assert len(with_secrets) >= 3
    for spec in with_secrets:
        env = make_env(spec.id, demo_server.base_url)
        params = env.reset(3).params
        assert params["password"] == DEMO_PASSWORD
        text = spec.task_text(params)
        assert DEMO_PASSWORD not in text and "{{password}}" in text  # the runner types the secret in its place


def test_one_env_serves_parallel_contexts(demo_server: DemoServer, browser: Any, demo_page: Any) -> None:
    from eclair.browser import new_context

    env = make_env("procurement-approve-invoice", demo_server.base_url)
    other = new_context(browser)
    try:
        pages = [demo_page, other.new_page()]
        tasks = [env.setup(pages[0], 1), env.setup(pages[1], 2)]
        steps = WORKFLOWS["procurement-approve-invoice"].solution(tasks[0].params)
        for step in steps:
            step.run(pages[0])
        assert env.validate(pages[0]) == (1.0, True)
        assert env.validate(pages[1]) == (0.0, False)  # the other episode's tenant is untouched
    finally:
        other.close()


def test_suite_shape() -> None:
    for app in APPS:
        assert sum(w.app == app for w in WORKFLOWS.values()) >= 12
    assert len(WORKFLOWS) >= 36 and len(SUITES["smoke"]) == 3


def test_port_in_use_is_a_clear_error(demo_server: DemoServer) -> None:
    with pytest.raises(DemoServerError, match="pick another --port"):
        DemoServer(port=demo_server.port).start()
