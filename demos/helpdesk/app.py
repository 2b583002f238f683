"""Helpdesk/CRM: tickets (list, create, edit, status via a confirmation modal, comments, bulk close) and customers."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from demos.common import (
    DemoApp,
    admin_routes,
    auth_routes,
    int_param,
    login_required,
    not_found,
    one,
    paginate,
    rows,
    sort_rows,
)
from demos.helpdesk.data import PRIORITIES, SCHEMA, STATUSES, TAGS, TIERS, USERS, seed_helpdesk
from demos.helpdesk.injections import sanitize_email

APP = DemoApp(
    name="helpdesk",
    title="Helpdesk",
    schema=SCHEMA,
    seed=seed_helpdesk,
    users=USERS,
    nav=[("Tickets", "/tickets"), ("New ticket", "/tickets/new"), ("Customers", "/customers")],
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
TICKET_SQL = "SELECT t.*, c.name AS customer FROM tickets t JOIN customers c ON c.id = t.customer_id"


def _redirect(path: str, notice: str = "") -> Response:
    suffix = f"?notice={notice.replace(' ', '+')}" if notice else ""
    return RedirectResponse(APP.url(path) + suffix, status_code=303)


def _ticket(conn: sqlite3.Connection, raw_id: Any) -> dict[str, Any] | None:
    ticket_id = int_param(raw_id)
    return None if ticket_id is None else one(conn, TICKET_SQL + " WHERE t.id = ?", (ticket_id,))


async def home(request: Request) -> Response:
    return _redirect("/tickets")


async def ticket_list(request: Request) -> Response:
    conn = APP.db(request)
    q = request.query_params
    found = rows(conn, TICKET_SQL)
    text = q.get("q", "").strip().lower().lstrip("#")
    if text:
        found = [
            t for t in found if text in t["subject"].lower() or text in t["customer"].lower() or text == str(t["id"])
        ]
    if q.get("status") in STATUSES:
        found = [t for t in found if t["status"] == q["status"]]
    if q.get("priority") in PRIORITIES:
        found = [t for t in found if t["priority"] == q["priority"]]
    columns = {"id", "subject", "customer", "priority", "status", "assignee", "created"}
    page = paginate(sort_rows(found, q.get("sort"), columns, "-id"), q.get("page"))
    return APP.render(request, "helpdesk/tickets.html", pg=page, q=q, statuses=STATUSES, priorities=PRIORITIES)


async def bulk_close(request: Request) -> Response:
    conn = APP.db(request)
    ids = [i for i in (int_param(v) for v in (await request.form()).getlist("ids")) if i is not None]
    if not ids:
        return _redirect("/tickets", "No tickets were selected")
    marks = ",".join("?" for _ in ids)
    conn.execute(f"UPDATE tickets SET status = 'Closed' WHERE id IN ({marks})", ids)
    conn.commit()
    return _redirect("/tickets", f"Closed {len(ids)} ticket(s)")


def _ticket_values(conn: sqlite3.Connection, form: FormData) -> tuple[dict[str, Any], list[str]]:
    """Read and validate the ticket form; errors are messages for the user, never exceptions."""
    values = {
        "customer": str(form.get("customer", "")).strip(),
        "subject": str(form.get("subject", "")).strip(),
        "priority": str(form.get("priority", "")),
        "assignee": str(form.get("assignee", "")),
        "tags": sorted(t for t in (str(v) for v in form.getlist("tags")) if t in TAGS),
        "description": str(form.get("description", "")).strip(),
    }
    errors = []
    customer = one(conn, "SELECT id FROM customers WHERE lower(name) = lower(?)", (values["customer"],))
    if not values["customer"]:
        errors.append("Customer is required.")
    elif customer is None:
        errors.append(f"Customer '{values['customer']}' does not exist; pick one from the suggestions.")
    else:
        values["customer_id"] = customer["id"]
    if not values["subject"]:
        errors.append("Subject is required.")
    elif len(values["subject"]) > 120:
        errors.append("Subject must be at most 120 characters.")
    if values["priority"] not in PRIORITIES:
        errors.append("Choose a priority.")
    if values["assignee"] and values["assignee"] not in USERS:
        errors.append("Choose an assignee from the list.")
    return values, errors


def _form_page(request: Request, values: dict[str, Any], errors: list[str], ticket: dict[str, Any] | None) -> Response:
    return APP.render(
        request,
        "helpdesk/ticket_form.html",
        status_code=400 if errors else 200,
        v=values,
        errors=errors,
        ticket=ticket,
        priorities=PRIORITIES,
        tags=TAGS,
    )


async def ticket_new(request: Request) -> Response:
    conn = APP.db(request)
    if request.method == "GET":
        preset = {"customer": request.query_params.get("customer", ""), "priority": "Medium", "tags": []}
        return _form_page(request, preset, [], None)
    values, errors = _ticket_values(conn, await request.form())
    if errors:
        return _form_page(request, values, errors, None)
    cur = conn.execute(
        "INSERT INTO tickets (subject, customer_id, priority, status, assignee, tags, description, created) "
        "VALUES (?, ?, ?, 'Open', ?, ?, ?, '2026-11-01')",
        (
            values["subject"],
            values["customer_id"],
            values["priority"],
            values["assignee"],
            ",".join(values["tags"]),
            values["description"],
        ),
    )
    conn.commit()
    return _redirect(f"/tickets/{cur.lastrowid}", f"Ticket #{cur.lastrowid} created")


async def ticket_edit(request: Request) -> Response:
    conn = APP.db(request)
    ticket = _ticket(conn, request.path_params["ticket_id"])
    if ticket is None:
        return not_found(APP, request, "That ticket")
    if request.method == "GET":
        return _form_page(request, {**ticket, "tags": ticket["tags"].split(",") if ticket["tags"] else []}, [], ticket)
    values, errors = _ticket_values(conn, await request.form())
    if errors:
        return _form_page(request, values, errors, ticket)
    conn.execute(
        "UPDATE tickets SET subject=?, customer_id=?, priority=?, assignee=?, tags=?, description=? WHERE id=?",
        (
            values["subject"],
            values["customer_id"],
            values["priority"],
            values["assignee"],
            ",".join(values["tags"]),
            values["description"],
            ticket["id"],
        ),
    )
    conn.commit()
    return _redirect(f"/tickets/{ticket['id']}", "Ticket saved")


async def ticket_detail(request: Request) -> Response:
    conn = APP.db(request)
    ticket = _ticket(conn, request.path_params["ticket_id"])
    if ticket is None:
        return not_found(APP, request, "That ticket")
    comments = rows(conn, "SELECT * FROM comments WHERE ticket_id = ? ORDER BY id", (ticket["id"],))
    return APP.render(
        request,
        "helpdesk/ticket.html",
        t=ticket,
        email=Markup(sanitize_email(ticket["email_html"])),  # the customer's email, shown as a helpdesk shows it
        comments=comments,
        statuses=STATUSES,
        errors=[request.query_params["error"]] if "error" in request.query_params else [],
    )


async def ticket_status(request: Request) -> Response:
    conn = APP.db(request)
    ticket = _ticket(conn, request.path_params["ticket_id"])
    if ticket is None:
        return not_found(APP, request, "That ticket")
    status = str((await request.form()).get("status", ""))
    if status not in STATUSES:
        return RedirectResponse(APP.url(f"/tickets/{ticket['id']}?error=Choose+a+valid+status."), status_code=303)
    conn.execute("UPDATE tickets SET status = ? WHERE id = ?", (status, ticket["id"]))
    conn.commit()
    return _redirect(f"/tickets/{ticket['id']}", f"Status changed to {status}")


async def ticket_delete(request: Request) -> Response:
    conn = APP.db(request)
    ticket = _ticket(conn, request.path_params["ticket_id"])
    if ticket is None:
        return not_found(APP, request, "That ticket")
    conn.execute("DELETE FROM comments WHERE ticket_id = ?", (ticket["id"],))
    conn.execute("DELETE FROM tickets WHERE id = ?", (ticket["id"],))
    conn.commit()
    return _redirect("/tickets", f"Deleted ticket #{ticket['id']}")


async def ticket_comment(request: Request) -> Response:
    conn = APP.db(request)
    ticket = _ticket(conn, request.path_params["ticket_id"])
    if ticket is None:
        return not_found(APP, request, "That ticket")
    body = str((await request.form()).get("body", "")).strip()
    if not body:
        return RedirectResponse(APP.url(f"/tickets/{ticket['id']}?error=A+comment+cannot+be+empty."), status_code=303)
    conn.execute(
        "INSERT INTO comments (ticket_id, author, body) VALUES (?, ?, ?)",
        (ticket["id"], APP.current_user(request), body),
    )
    conn.commit()
    return _redirect(f"/tickets/{ticket['id']}", "Comment added")


async def satisfaction_widget(request: Request) -> Response:
    """The survey widget shown inside an iframe on the ticket page."""
    conn = APP.db(request)
    ticket = _ticket(conn, request.path_params["ticket_id"])
    if ticket is None:
        return not_found(APP, request, "That ticket")
    error = ""
    if request.method == "POST":
        rating = int_param((await request.form()).get("rating"))
        if rating is None or not 1 <= rating <= 5:
            error = "Choose a rating from 1 to 5."
        else:
            conn.execute("UPDATE tickets SET rating = ? WHERE id = ?", (rating, ticket["id"]))
            conn.commit()
            ticket["rating"] = rating
    return APP.render(request, "helpdesk/satisfaction.html", t=ticket, error=error, saved=request.method == "POST")


async def customer_list(request: Request) -> Response:
    conn = APP.db(request)
    q = request.query_params
    found = rows(
        conn,
        "SELECT c.*, (SELECT count(*) FROM tickets t WHERE t.customer_id = c.id AND t.status != "
        "'Closed') AS open_tickets FROM customers c",
    )
    text = q.get("q", "").strip().lower()
    if text:
        found = [c for c in found if text in c["name"].lower() or text in c["contact"].lower()]
    if q.get("tier") in TIERS:
        found = [c for c in found if c["tier"] == q["tier"]]
    page = paginate(
        sort_rows(found, q.get("sort"), {"name", "contact", "tier", "city", "open_tickets"}, "name"), q.get("page")
    )
    return APP.render(request, "helpdesk/customers.html", pg=page, q=q, tiers=TIERS)


def _customer_values(conn: sqlite3.Connection, form: FormData, own_id: int | None) -> tuple[dict[str, Any], list[str]]:
    values = {k: str(form.get(k, "")).strip() for k in ("name", "contact", "email", "tier", "city")}
    errors = [f"{k.capitalize()} is required." for k in ("name", "contact", "email", "city") if not values[k]]
    if values["email"] and not EMAIL.match(values["email"]):
        errors.append(f"'{values['email']}' is not a valid email address.")
    if values["tier"] not in TIERS:
        errors.append("Choose a tier.")
    clash = one(conn, "SELECT id FROM customers WHERE lower(name) = lower(?)", (values["name"],))
    if values["name"] and clash and clash["id"] != own_id:
        errors.append(f"A customer named '{values['name']}' already exists.")
    return values, errors


async def customer_form(request: Request) -> Response:
    conn = APP.db(request)
    customer = None
    if "customer_id" in request.path_params:
        customer = one(conn, "SELECT * FROM customers WHERE id = ?", (int_param(request.path_params["customer_id"]),))
        if customer is None:
            return not_found(APP, request, "That customer")
    if request.method == "GET":
        return APP.render(
            request, "helpdesk/customer_form.html", v=customer or {"tier": "Bronze"}, c=customer, tiers=TIERS
        )
    values, errors = _customer_values(conn, await request.form(), customer["id"] if customer else None)
    if errors:
        return APP.render(
            request, "helpdesk/customer_form.html", status_code=400, v=values, c=customer, tiers=TIERS, errors=errors
        )
    if customer:
        conn.execute(
            "UPDATE customers SET name=?, contact=?, email=?, tier=?, city=? WHERE id=?",
            (*values.values(), customer["id"]),
        )
        new_id = customer["id"]
    else:
        new_id = conn.execute(
            "INSERT INTO customers (name, contact, email, tier, city) VALUES (?, ?, ?, ?, ?)", tuple(values.values())
        ).lastrowid
    conn.commit()
    return _redirect(f"/customers/{new_id}", "Customer saved")


async def customer_detail(request: Request) -> Response:
    conn = APP.db(request)
    customer = one(conn, "SELECT * FROM customers WHERE id = ?", (int_param(request.path_params["customer_id"]),))
    if customer is None:
        return not_found(APP, request, "That customer")
    tickets = rows(conn, TICKET_SQL + " WHERE t.customer_id = ? ORDER BY t.id DESC", (customer["id"],))
    return APP.render(request, "helpdesk/customer.html", c=customer, tickets=tickets)


async def customer_search_api(request: Request) -> Response:
    """Autocomplete source: customer names containing the typed text."""
    text = request.query_params.get("q", "").strip().lower()
    names = [r["name"] for r in rows(APP.db(request), "SELECT name FROM customers ORDER BY name")]
    return JSONResponse([n for n in names if text and text in n.lower()][:8])


def _guarded(path: str, handler: Any, methods: list[str] | None = None) -> Route:
    return Route(path, login_required(APP, handler), methods=methods or ["GET"])


def helpdesk_mount() -> Mount:
    routes = [
        *admin_routes(APP),
        *auth_routes(APP, "/tickets"),
        _guarded("/", home),
        _guarded("/tickets", ticket_list),
        _guarded("/tickets/bulk-close", bulk_close, ["POST"]),
        _guarded("/tickets/new", ticket_new, ["GET", "POST"]),
        _guarded("/tickets/{ticket_id}", ticket_detail),
        _guarded("/tickets/{ticket_id}/edit", ticket_edit, ["GET", "POST"]),
        _guarded("/tickets/{ticket_id}/status", ticket_status, ["POST"]),
        _guarded("/tickets/{ticket_id}/comments", ticket_comment, ["POST"]),
        _guarded("/tickets/{ticket_id}/delete", ticket_delete, ["POST"]),
        _guarded("/widgets/satisfaction/{ticket_id}", satisfaction_widget, ["GET", "POST"]),
        _guarded("/customers", customer_list),
        _guarded("/customers/new", customer_form, ["GET", "POST"]),
        _guarded("/customers/{customer_id}", customer_detail),
        _guarded("/customers/{customer_id}/edit", customer_form, ["GET", "POST"]),
        _guarded("/api/customers", customer_search_api),
    ]
    return Mount("/helpdesk", routes=routes)
