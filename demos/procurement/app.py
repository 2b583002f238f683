"""Procurement: invoices (approve/reject with a reason, PDF attachments, CSV export) and vendors."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from typing import Any
from urllib.parse import quote_plus

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
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
    record_event,
    rows,
    sort_rows,
)
from demos.procurement.data import CATEGORIES, INVOICE_STATUSES, RISKS, SCHEMA, TERMS, USERS, seed_procurement

APP = DemoApp(
    name="procurement",
    title="Procurement",
    schema=SCHEMA,
    seed=seed_procurement,
    users=USERS,
    nav=[("Invoices", "/invoices"), ("Purchase orders", "/orders"), ("Vendors", "/vendors")],
)
INVOICE_SQL = "SELECT i.*, v.name AS vendor FROM invoices i JOIN vendors v ON v.id = i.vendor_id"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
MAX_UPLOAD = 2 * 1024 * 1024


def redirect(path: str, notice: str = "", error: str = "") -> Response:
    query = f"?notice={quote_plus(notice)}" if notice else f"?error={quote_plus(error)}" if error else ""
    return RedirectResponse(APP.url(path) + query, status_code=303)


def _errors(request: Request) -> list[str]:
    error = request.query_params.get("error")
    return [error] if error else []


async def home(request: Request) -> Response:
    return redirect("/invoices")


def _filtered_invoices(conn: sqlite3.Connection, request: Request) -> list[dict[str, Any]]:
    q = request.query_params
    found = rows(conn, INVOICE_SQL)
    text = q.get("q", "").strip().lower()
    if text:
        found = [
            i
            for i in found
            if text in i["number"].lower() or text in i["vendor"].lower() or text in i["po_number"].lower()
        ]
    if q.get("status") in INVOICE_STATUSES:
        found = [i for i in found if i["status"] == q["status"]]
    return sort_rows(found, q.get("sort"), {"number", "vendor", "amount", "due_date", "status"}, "due_date")


async def invoice_list(request: Request) -> Response:
    found = _filtered_invoices(APP.db(request), request)
    page = paginate(found, request.query_params.get("page"))
    return APP.render(request, "procurement/invoices.html", pg=page, q=request.query_params, statuses=INVOICE_STATUSES)


async def invoice_export(request: Request) -> Response:
    """CSV download of every invoice that matches the current filters (all pages)."""
    conn = APP.db(request)
    found = _filtered_invoices(conn, request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["number", "vendor", "po_number", "amount", "due_date", "status"])
    for i in found:
        writer.writerow([i["number"], i["vendor"], i["po_number"], f"{i['amount']:.2f}", i["due_date"], i["status"]])
    status = request.query_params.get("status", "")
    record_event(conn, "export_csv", {"q": request.query_params.get("q", ""), "status": status, "rows": len(found)})
    name = f"invoices-{status.lower() or 'all'}.csv"
    return Response(
        out.getvalue(), media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _invoice(conn: sqlite3.Connection, request: Request) -> dict[str, Any] | None:
    return one(conn, INVOICE_SQL + " WHERE i.id = ?", (int_param(request.path_params["invoice_id"]),))


async def invoice_detail(request: Request) -> Response:
    conn = APP.db(request)
    invoice = _invoice(conn, request)
    if invoice is None:
        return not_found(APP, request, "That invoice")
    files = rows(conn, "SELECT * FROM attachments WHERE invoice_id = ? ORDER BY id", (invoice["id"],))
    return APP.render(request, "procurement/invoice.html", inv=invoice, files=files, errors=_errors(request))


async def invoice_decision(request: Request) -> Response:
    conn = APP.db(request)
    invoice = _invoice(conn, request)
    if invoice is None:
        return not_found(APP, request, "That invoice")
    form = await request.form()
    decision, reason = str(form.get("decision", "")), str(form.get("reason", "")).strip()
    here = f"/invoices/{invoice['id']}"
    if invoice["status"] != "Pending":
        return redirect(here, error=f"Invoice {invoice['number']} is already {invoice['status'].lower()}.")
    if decision == "approve":
        conn.execute("UPDATE invoices SET status='Approved', reason=? WHERE id=?", (reason, invoice["id"]))
    elif decision == "reject":
        if len(reason) < 5:
            return redirect(here, error="A reason (at least 5 characters) is required to reject an invoice.")
        conn.execute("UPDATE invoices SET status='Rejected', reason=? WHERE id=?", (reason, invoice["id"]))
    else:
        return redirect(here, error="Choose approve or reject.")
    conn.commit()
    return redirect(here, notice=f"Invoice {invoice['number']} {'approved' if decision == 'approve' else 'rejected'}")


async def invoice_attach(request: Request) -> Response:
    conn = APP.db(request)
    invoice = _invoice(conn, request)
    if invoice is None:
        return not_found(APP, request, "That invoice")
    here = f"/invoices/{invoice['id']}"
    upload = (await request.form()).get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return redirect(here, error="Choose a PDF file to upload.")
    content = await upload.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return redirect(here, error="The file is larger than 2 MB.")
    if not upload.filename.lower().endswith(".pdf") or not content.startswith(b"%PDF-"):
        return redirect(here, error=f"{upload.filename} is not a PDF; only PDF files can be attached.")
    conn.execute(
        "INSERT INTO attachments (invoice_id, filename, size) VALUES (?, ?, ?)",
        (invoice["id"], upload.filename, len(content)),
    )
    conn.commit()
    return redirect(here, notice=f"Attached {upload.filename}")


async def vendor_list(request: Request) -> Response:
    conn = APP.db(request)
    q = request.query_params
    found = rows(
        conn,
        "SELECT v.*, (SELECT count(*) FROM invoices i WHERE i.vendor_id = v.id AND i.status = "
        "'Pending') AS pending FROM vendors v",
    )
    text = q.get("q", "").strip().lower()
    if text:
        found = [v for v in found if text in v["name"].lower()]
    if q.get("category") in CATEGORIES:
        found = [v for v in found if v["category"] == q["category"]]
    page = paginate(
        sort_rows(found, q.get("sort"), {"name", "category", "terms", "status", "pending"}, "name"), q.get("page")
    )
    return APP.render(request, "procurement/vendors.html", pg=page, q=q, categories=CATEGORIES)


def _vendor(conn: sqlite3.Connection, request: Request) -> dict[str, Any] | None:
    return one(conn, "SELECT * FROM vendors WHERE id = ?", (int_param(request.path_params["vendor_id"]),))


async def vendor_detail(request: Request) -> Response:
    conn = APP.db(request)
    vendor = _vendor(conn, request)
    if vendor is None:
        return not_found(APP, request, "That vendor")
    invoices = rows(conn, INVOICE_SQL + " WHERE i.vendor_id = ? ORDER BY i.due_date LIMIT 10", (vendor["id"],))
    return APP.render(request, "procurement/vendor.html", v=vendor, invoices=invoices)


async def vendor_form(request: Request) -> Response:
    conn = APP.db(request)
    vendor = None
    if "vendor_id" in request.path_params:
        vendor = _vendor(conn, request)
        if vendor is None:
            return not_found(APP, request, "That vendor")
    context: dict[str, Any] = {
        "vendor": vendor,
        "categories": CATEGORIES,
        "terms": TERMS,
        "statuses": ["Active", "Suspended"],
    }
    if request.method == "GET":
        return APP.render(request, "procurement/vendor_form.html", v=vendor or {"status": "Active"}, **context)
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("name", "category", "email", "terms", "status")}
    errors = [] if values["name"] else ["Vendor name is required."]
    if not EMAIL.match(values["email"]):
        errors.append("Enter a valid billing email address.")
    errors += [
        f"Choose {label}."
        for key, label, allowed in (
            ("category", "a category", CATEGORIES),
            ("terms", "payment terms", TERMS),
            ("status", "a status", ["Active", "Suspended"]),
        )
        if values[key] not in allowed
    ]
    clash = one(conn, "SELECT id FROM vendors WHERE lower(name) = lower(?)", (values["name"],))
    if clash and (vendor is None or clash["id"] != vendor["id"]):
        errors.append(f"A vendor named '{values['name']}' already exists.")
    if errors:
        return APP.render(request, "procurement/vendor_form.html", status_code=400, v=values, errors=errors, **context)
    if vendor:
        conn.execute(
            "UPDATE vendors SET name=?, category=?, email=?, terms=?, status=? WHERE id=?",
            (*values.values(), vendor["id"]),
        )
        new_id = vendor["id"]
    else:
        new_id = conn.execute(
            "INSERT INTO vendors (name, category, email, terms, status) VALUES (?, ?, ?, ?, ?)", tuple(values.values())
        ).lastrowid
    conn.commit()
    return redirect(f"/vendors/{new_id}", notice="Vendor saved")


async def risk_widget(request: Request) -> Response:
    """The third-party risk assessment widget, embedded in the vendor page as an iframe."""
    conn = APP.db(request)
    vendor = _vendor(conn, request)
    if vendor is None:
        return not_found(APP, request, "That vendor")
    error, saved = "", False
    if request.method == "POST":
        risk = str((await request.form()).get("risk", ""))
        if risk not in RISKS:
            error = "Choose a risk level."
        else:
            conn.execute("UPDATE vendors SET risk = ? WHERE id = ?", (risk, vendor["id"]))
            conn.commit()
            vendor["risk"], saved = risk, True
    return APP.render(request, "procurement/risk.html", v=vendor, risks=RISKS, error=error, saved=saved)


def guarded(path: str, handler: Any, methods: list[str] | None = None) -> Route:
    return Route(path, login_required(APP, handler), methods=methods or ["GET"])


def procurement_mount() -> Mount:
    from demos.procurement.orders import order_routes

    both = ["GET", "POST"]
    routes = [
        *admin_routes(APP),
        *auth_routes(APP, "/invoices"),
        guarded("/", home),
        guarded("/invoices", invoice_list),
        guarded("/invoices/export.csv", invoice_export),
        guarded("/invoices/{invoice_id}", invoice_detail),
        guarded("/invoices/{invoice_id}/decision", invoice_decision, ["POST"]),
        guarded("/invoices/{invoice_id}/attachments", invoice_attach, ["POST"]),
        guarded("/vendors", vendor_list),
        guarded("/vendors/new", vendor_form, both),
        guarded("/vendors/{vendor_id}", vendor_detail),
        guarded("/vendors/{vendor_id}/edit", vendor_form, both),
        guarded("/widgets/risk/{vendor_id}", risk_widget, both),
        *order_routes(),
    ]
    return Mount("/procurement", routes=routes)
