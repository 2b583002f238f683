"""Purchase orders: a line-items table (add/remove rows, totals), drafts, submission and approval."""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from demos.common import int_param, not_found, one, paginate, rows, sort_rows
from demos.procurement.app import APP, guarded, redirect
from demos.procurement.data import ORDER_STATUSES

ORDER_SQL = (
    "SELECT o.*, v.name AS vendor, (SELECT coalesce(sum(qty * unit_price), 0) FROM order_lines l "
    "WHERE l.order_id = o.id) AS total FROM orders o JOIN vendors v ON v.id = o.vendor_id"
)
MAX_LINES = 12


async def order_list(request: Request) -> Response:
    q = request.query_params
    found = rows(APP.db(request), ORDER_SQL)
    text = q.get("q", "").strip().lower()
    if text:
        found = [o for o in found if text in o["number"].lower() or text in o["vendor"].lower()]
    if q.get("status") in ORDER_STATUSES:
        found = [o for o in found if o["status"] == q["status"]]
    page = paginate(
        sort_rows(found, q.get("sort"), {"number", "vendor", "status", "total", "created"}, "-number"), q.get("page")
    )
    return APP.render(request, "procurement/orders.html", pg=page, q=q, statuses=ORDER_STATUSES)


def _order(conn: sqlite3.Connection, request: Request) -> dict[str, Any] | None:
    return one(conn, ORDER_SQL + " WHERE o.id = ?", (int_param(request.path_params["order_id"]),))


def _lines(conn: sqlite3.Connection, order_id: int) -> list[dict[str, Any]]:
    return rows(conn, "SELECT * FROM order_lines WHERE order_id = ? ORDER BY id", (order_id,))


def _read_lines(form: FormData) -> tuple[list[dict[str, Any]], list[str]]:
    """The submitted line-items table; blank rows are ignored, bad numbers become messages."""
    lines, errors = [], []
    columns = zip(form.getlist("description"), form.getlist("qty"), form.getlist("unit_price"), strict=False)
    for n, (description, qty, price) in enumerate(columns, start=1):
        description, qty, price = str(description).strip(), str(qty).strip(), str(price).strip()
        if not (description or qty or price):
            continue
        line = {"description": description, "qty": qty, "unit_price": price}
        lines.append(line)
        if not description:
            errors.append(f"Line {n}: description is required.")
        count = int_param(qty)
        if count is None or count < 1:
            errors.append(f"Line {n}: quantity must be a whole number of at least 1.")
        try:
            unit = float(price)
            if unit <= 0:
                raise ValueError
        except ValueError:
            errors.append(f"Line {n}: unit price must be a positive number.")
    if not lines:
        errors.append("Add at least one line item.")
    if len(lines) > MAX_LINES:
        errors.append(f"An order can have at most {MAX_LINES} lines.")
    return lines, errors


async def order_form(request: Request) -> Response:
    conn = APP.db(request)
    order = None
    if "order_id" in request.path_params:
        order = _order(conn, request)
        if order is None:
            return not_found(APP, request, "That purchase order")
        if order["status"] != "Draft":
            return redirect(
                f"/orders/{order['id']}", error=f"{order['number']} is {order['status']}; only drafts can be edited."
            )
    vendors = rows(conn, "SELECT id, name, status FROM vendors ORDER BY name")
    if request.method == "GET":
        lines = _lines(conn, order["id"]) if order else [{"description": "", "qty": "", "unit_price": ""}]
        return APP.render(
            request,
            "procurement/order_form.html",
            order=order,
            vendors=vendors,
            lines=lines,
            vendor_id=order["vendor_id"] if order else None,
            notes=order["notes"] if order else "",
        )
    form = await request.form()
    lines, errors = _read_lines(form)
    vendor = one(conn, "SELECT * FROM vendors WHERE id = ?", (int_param(form.get("vendor_id")),))
    if vendor is None:
        errors.insert(0, "Choose a vendor.")
    elif vendor["status"] != "Active":
        errors.insert(0, f"{vendor['name']} is suspended; choose an active vendor.")
    notes = str(form.get("notes", "")).strip()
    if errors:
        return APP.render(
            request,
            "procurement/order_form.html",
            status_code=400,
            order=order,
            vendors=vendors,
            lines=lines,
            errors=errors,
            vendor_id=int_param(form.get("vendor_id")),
            notes=notes,
        )
    assert vendor is not None  # no errors means a vendor was found
    status = "Submitted" if form.get("action") == "submit" else "Draft"
    if order:
        order_id = order["id"]
        conn.execute(
            "UPDATE orders SET vendor_id=?, status=?, notes=? WHERE id=?", (vendor["id"], status, notes, order_id)
        )
        conn.execute("DELETE FROM order_lines WHERE order_id = ?", (order_id,))
        number = order["number"]
    else:
        count = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
        number = f"PO-2026-{101 + count:04d}"
        order_id = conn.execute(
            "INSERT INTO orders (number, vendor_id, status, notes, created) VALUES (?, ?, ?, ?, '2026-11-02')",
            (number, vendor["id"], status, notes),
        ).lastrowid
    for line in lines:
        conn.execute(
            "INSERT INTO order_lines (order_id, description, qty, unit_price) VALUES (?, ?, ?, ?)",
            (order_id, line["description"], int(line["qty"]), float(line["unit_price"])),
        )
    conn.commit()
    return redirect(f"/orders/{order_id}", notice=f"{number} {'submitted' if status == 'Submitted' else 'saved'}")


async def order_detail(request: Request) -> Response:
    conn = APP.db(request)
    order = _order(conn, request)
    if order is None:
        return not_found(APP, request, "That purchase order")
    error = request.query_params.get("error")
    return APP.render(
        request, "procurement/order.html", o=order, lines=_lines(conn, order["id"]), errors=[error] if error else []
    )


async def order_approve(request: Request) -> Response:
    conn = APP.db(request)
    order = _order(conn, request)
    if order is None:
        return not_found(APP, request, "That purchase order")
    if order["status"] != "Submitted":
        return redirect(f"/orders/{order['id']}", error=f"Only submitted orders can be approved ({order['status']}).")
    conn.execute("UPDATE orders SET status = 'Approved' WHERE id = ?", (order["id"],))
    conn.commit()
    return redirect(f"/orders/{order['id']}", notice=f"{order['number']} approved")


def order_routes() -> list[Route]:
    both = ["GET", "POST"]
    return [
        guarded("/orders", order_list),
        guarded("/orders/new", order_form, both),
        guarded("/orders/{order_id}", order_detail),
        guarded("/orders/{order_id}/edit", order_form, both),
        guarded("/orders/{order_id}/approve", order_approve, ["POST"]),
    ]
