"""What the three demo apps share: per-episode SQLite tenants, sessions, the hidden admin endpoints, templates.

Each app keeps one in-memory SQLite database per *tenant*. A tenant is one seeded copy of the app's data; the
browser picks its tenant with a cookie, so parallel episodes in separate browser contexts never see each other.
Without that cookie a request lands on the shared "default" tenant (seed 0), which is what a person browsing
`eclair serve-demos` sees. The admin endpoints need a header a browser never sends, so agents cannot reach them.
"""

from __future__ import annotations

import json
import logging
import math
import os
import secrets
import sqlite3
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

log = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=str(DEMO_DIR / "templates"))


def _urlencode_with(params: Mapping[str, Any], **changes: Any) -> str:
    """The current query string with some keys changed; used by sort links and the pager."""
    merged = {k: v for k, v in dict(params).items() if v not in (None, "")}
    merged.update(changes)
    return urlencode(merged)


TEMPLATES.env.filters["urlencode_with"] = _urlencode_with
ADMIN_HEADER = "X-Demo-Admin"
ADMIN_TOKEN = "checker-only"  # a browser never sends this header, so agents cannot open the admin endpoints
DEMO_PASSWORD = "tangerine-42"  # the demo login secret; workflows pass it in Task.params["password"], never in text
MAX_TENANTS = 256  # oldest tenants are dropped first; an episode only needs its own for a few minutes
PAGE_SIZE = 10

Seeder = Callable[[sqlite3.Connection, int], None]
Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class DemoApp:
    """One demo app: its name, schema, seeding function and the tenants (databases) it serves."""

    name: str
    title: str
    schema: str
    seed: Seeder
    users: dict[str, str]  # username -> full name; all share DEMO_PASSWORD
    nav: list[tuple[str, str]] = field(default_factory=list)  # (label, path) links in the header
    tenants: OrderedDict[str, sqlite3.Connection] = field(default_factory=OrderedDict)

    @property
    def tenant_cookie(self) -> str:
        return f"{self.name}_tenant"

    @property
    def session_cookie(self) -> str:
        return f"{self.name}_session"

    def new_tenant(self, seed: int, tenant: str | None = None) -> str:
        """Create a freshly seeded database and return its tenant id."""
        tenant = tenant or secrets.token_hex(8)
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executescript(self.schema + SESSION_SCHEMA)
        self.seed(conn, seed)
        conn.commit()
        old = self.tenants.pop(tenant, None)
        if old is not None:
            old.close()
        self.tenants[tenant] = conn
        while len(self.tenants) > MAX_TENANTS:
            _, dropped = self.tenants.popitem(last=False)
            dropped.close()
        return tenant

    def db(self, request: Request) -> sqlite3.Connection:
        """The database of the tenant this browser belongs to (the default tenant if none or unknown)."""
        tenant = request.cookies.get(self.tenant_cookie, "default")
        if tenant not in self.tenants:
            tenant = "default"
            if tenant not in self.tenants:
                self.new_tenant(0, "default")
        return self.tenants[tenant]

    def current_user(self, request: Request) -> str | None:
        token = request.cookies.get(self.session_cookie)
        if not token:
            return None
        row = self.db(request).execute("SELECT username FROM sessions WHERE token = ?", (token,)).fetchone()
        return str(row["username"]) if row else None

    def login(self, conn: sqlite3.Connection, username: str) -> str:
        token = secrets.token_hex(12)
        conn.execute("INSERT INTO sessions (token, username) VALUES (?, ?)", (token, username))
        conn.commit()
        return token

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
        context.update(app=self, user=self.current_user(request), base=f"/{self.name}", ui_variant=ui_variant(request))
        return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)

    def url(self, path: str) -> str:
        return f"/{self.name}{path}"


UI_VARIANTS = ("default", "drift")
UI_COOKIE = "demo_ui"  # per browser context: parallel episodes can see different UIs


def ui_variant(request: Request) -> str:
    """Which UI to draw: the `demo_ui` cookie, else $ECLAIR_DEMO_UI, else the default one (see static/drift.js)."""
    chosen = request.cookies.get(UI_COOKIE) or os.environ.get("ECLAIR_DEMO_UI", "default")
    return chosen if chosen in UI_VARIANTS else "default"


SESSION_SCHEMA = """
CREATE TABLE sessions (token TEXT PRIMARY KEY, username TEXT NOT NULL);
CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
"""


def record_event(conn: sqlite3.Connection, kind: str, detail: dict[str, Any]) -> None:
    """Log something that leaves no row elsewhere (a download, a login) so checkers can see it happened."""
    conn.execute("INSERT INTO events (kind, detail) VALUES (?, ?)", (kind, json.dumps(detail, sort_keys=True)))
    conn.commit()


def login_required(app: DemoApp, handler: Handler) -> Handler:
    """Wrap a page handler so that anonymous visitors go to the login form first."""

    async def wrapped(request: Request) -> Response:
        if app.current_user(request) is None:
            return RedirectResponse(app.url(f"/login?next={request.url.path}"), status_code=303)
        return await handler(request)

    return wrapped


def dump_state(conn: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    """Every table except sessions, as lists of row dicts; what checkers read."""
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return {t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in tables if t != "sessions"}


def admin_routes(app: DemoApp) -> list[Route]:
    """Hidden endpoints for checkers and environment setup: reset a tenant, read its state."""

    def allowed(request: Request) -> bool:
        return request.headers.get(ADMIN_HEADER) == ADMIN_TOKEN

    async def reset(request: Request) -> Response:
        if not allowed(request):
            return JSONResponse({"error": "not found"}, status_code=404)
        body = await request.json()
        tenant = app.new_tenant(int(body.get("seed", 0)), body.get("tenant"))
        session = None
        if body.get("login_as"):
            session = app.login(app.tenants[tenant], str(body["login_as"]))
        return JSONResponse({"tenant": tenant, "session": session})

    async def state(request: Request) -> Response:
        tenant = request.query_params.get("tenant", "default")
        if not allowed(request) or tenant not in app.tenants:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse(dump_state(app.tenants[tenant]))

    return [Route("/__admin/reset", reset, methods=["POST"]), Route("/__admin/state", state)]


def auth_routes(app: DemoApp, home: str) -> list[Route]:
    """The login form (real password check, error on bad input) and logout."""

    async def login_page(request: Request) -> Response:
        next_url = request.query_params.get("next", app.url(home))
        if request.method == "GET":
            return app.render(request, "login.html", next_url=next_url, errors=[], username="")
        form = await request.form()
        username = str(form.get("username", "")).strip()
        password = str(form.get("password", ""))
        next_url = str(form.get("next", next_url))
        if not next_url.startswith(f"/{app.name}"):
            next_url = app.url(home)  # only same-app redirects: no open redirect
        if username not in app.users or password != DEMO_PASSWORD:
            errors = ["Enter a username and password."] if not username or not password else []
            errors = errors or ["Invalid username or password."]
            return app.render(
                request, "login.html", status_code=400, next_url=next_url, errors=errors, username=username
            )
        conn = app.db(request)
        token = app.login(conn, username)
        record_event(conn, "login", {"username": username})
        response = RedirectResponse(next_url, status_code=303)
        response.set_cookie(app.session_cookie, token, path=f"/{app.name}", httponly=True, samesite="lax")
        return response

    async def logout(request: Request) -> Response:
        response = RedirectResponse(app.url("/login"), status_code=303)
        response.delete_cookie(app.session_cookie, path=f"/{app.name}")
        return response

    return [Route("/login", login_page, methods=["GET", "POST"]), Route("/logout", logout, methods=["GET", "POST"])]


@dataclass
class PageOf:
    """One page of a list view."""

    rows: list[dict[str, Any]]
    page: int
    pages: int
    total: int


def paginate(rows: list[dict[str, Any]], page_param: str | None, size: int = PAGE_SIZE) -> PageOf:
    try:
        page = max(1, int(page_param or 1))
    except ValueError:
        page = 1
    pages = max(1, math.ceil(len(rows) / size))
    page = min(page, pages)
    return PageOf(rows[(page - 1) * size : page * size], page, pages, len(rows))


def sort_rows(rows: list[dict[str, Any]], sort: str | None, allowed: set[str], default: str) -> list[dict[str, Any]]:
    """Sort by `col` or `-col` (descending); unknown columns fall back to the default."""
    sort = sort or default
    key = sort.lstrip("-")
    if key not in allowed:
        sort, key = default, default.lstrip("-")
    return sorted(
        rows,
        key=lambda r: (r[key] is None, str(r[key]).lower() if isinstance(r[key], str) else r[key]),
        reverse=sort.startswith("-"),
    )


def rows(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(sql, params)]


def one(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> dict[str, Any] | None:
    row = conn.execute(sql, params).fetchone()
    return dict(row) if row else None


def int_param(value: Any) -> int | None:
    """Parse an id or count from a form or path; None (not a 500) when it is not a number."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def not_found(app: DemoApp, request: Request, what: str) -> Response:
    return app.render(request, "not_found.html", status_code=404, what=what)


def insert_rows(conn: sqlite3.Connection, data: dict[str, list[dict[str, Any]]]) -> None:
    """Insert seed rows table by table (shared by all three apps)."""
    for table, table_rows in data.items():
        for row in table_rows:
            cols = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(row.values()))
