"""Procurement workflows, the hidden half: seeded parameter generators, checkers and scripted solutions."""

from __future__ import annotations

import random
import re
from typing import Any

from demos.common import DEMO_DIR, DEMO_PASSWORD
from demos.procurement.data import CATEGORIES, ITEMS, TERMS, VENDORS
from demos.suite.checks import by_id, changed_rows, new_rows, result, same_text
from demos.suite.spec import Check, Params, State, Step
from demos.suite.steps import fill, select, submit, submit_row_link

PDFS = [DEMO_DIR / "files" / "signed-delivery-note.pdf", DEMO_DIR / "files" / "vendor-invoice-scan.pdf"]
REJECT_REASONS = [
    "Amount does not match the purchase order",
    "Goods not received yet",
    "Duplicate of an earlier invoice",
    "Wrong billing address",
]


def money(amount: float) -> str:
    return f"${amount:.2f}"


def vendor_name(state: State, vendor_id: Any) -> str:
    return str((by_id(state, "vendors", vendor_id) or {}).get("name", ""))


def pending(state: State) -> list[dict[str, Any]]:
    """Pending invoices in the list's default order (due date, then id)."""
    return sorted((i for i in state["invoices"] if i["status"] == "Pending"), key=lambda i: i["due_date"])


def invoice_params(invoice: dict[str, Any], state: State) -> Params:
    return {
        "invoice_id": str(invoice["id"]),
        "number": invoice["number"],
        "vendor": vendor_name(state, invoice["vendor_id"]),
        "amount": money(invoice["amount"]),
    }


def first_page_invoice(rng: random.Random, state: State) -> Params:
    return invoice_params(rng.choice(pending(state)[:10]), state)


def any_pending(rng: random.Random, state: State) -> Params:
    return invoice_params(rng.choice(pending(state)), state)


def other_pending(p: Params, state: State) -> Params:
    rest = [i for i in pending(state)[:10] if i["number"] != p["number"] and i["vendor_id"]]
    return {**p, **invoice_params(random.Random(p["number"]).choice(rest), state)}


def decision_check(status: str, reason_key: str | None = None) -> Check:
    """The named invoice got `status` (and the reason, for rejections) and no other invoice changed."""

    def check_decision(initial: State, final: State, p: Params) -> tuple[bool, str]:
        invoice = by_id(final, "invoices", p["invoice_id"]) or {}
        if invoice.get("status") != status:
            return False, f"invoice {p['number']} is {invoice.get('status')}, expected {status}"
        if reason_key and not same_text(invoice.get("reason"), p[reason_key]):
            return False, f"rejection reason is {invoice.get('reason')!r}, expected {p[reason_key]!r}"
        others = changed_rows(initial, final, "invoices", frozenset({int(p["invoice_id"])}))
        return result(not others, f"invoice {p['number']} {status.lower()}", f"other invoices changed: {others}")

    return check_decision


def reject_params(rng: random.Random, state: State) -> Params:
    return {**any_pending(rng, state), "reason": rng.choice(REJECT_REASONS)}


def unique_vendor_amount(rng: random.Random, state: State) -> Params:
    rows = pending(state)
    keys = [(i["vendor_id"], money(i["amount"])) for i in rows]
    return invoice_params(rng.choice([i for i, k in zip(rows, keys, strict=True) if keys.count(k) == 1]), state)


def attach_params(rng: random.Random, state: State) -> Params:
    pdf = rng.choice(PDFS)
    return {**invoice_params(rng.choice(state["invoices"]), state), "file": str(pdf), "file_name": pdf.name}


def check_attach(initial: State, final: State, p: Params) -> tuple[bool, str]:
    added = [a for a in new_rows(initial, final, "attachments") if str(a["invoice_id"]) == p["invoice_id"]]
    names = [a["filename"] for a in added]
    return result(p["file_name"] in names, f"{p['file_name']} attached", f"attachments added to {p['number']}: {names}")


def other_pdf(p: Params, state: State) -> Params:
    pdf = next(x for x in PDFS if x.name != p["file_name"])
    return {**p, "file": str(pdf), "file_name": pdf.name}


def check_export(initial: State, final: State, p: Params) -> tuple[bool, str]:
    exports = [e for e in new_rows(initial, final, "events") if e["kind"] == "export_csv"]
    wanted = f'"status": "{p["status"]}"'
    ok = any(wanted in e["detail"] and '"q": ""' in e["detail"] for e in exports)
    return result(
        ok,
        f"{p['status']} invoices exported",
        f"no CSV export of {p['status']} invoices; exports: {[e['detail'] for e in exports]}",
    )


# --- vendors --------------------------------------------------------------------------------------------------
def new_vendor_params(rng: random.Random, state: State) -> Params:
    taken = {v["name"] for v in state["vendors"]}
    name = rng.choice([v for v in VENDORS if v not in taken])
    return {
        "name": name,
        "category": rng.choice(CATEGORIES),
        "email": f"ap@{name.split()[0].lower()}.example",
        "terms": rng.choice(TERMS),
    }


def check_new_vendor(initial: State, final: State, p: Params) -> tuple[bool, str]:
    made = [v for v in new_rows(initial, final, "vendors") if same_text(v["name"], p["name"])]
    if not made:
        return False, f"no vendor {p['name']} was added"
    wrong = [f"{k}={made[-1][k]!r}" for k in ("category", "email", "terms") if not same_text(made[-1][k], p[k])]
    return result(not wrong, f"vendor {p['name']} added", "wrong fields: " + ", ".join(wrong))


def vendor_params(rng: random.Random, state: State) -> Params:
    vendor = rng.choice([v for v in state["vendors"] if v["status"] == "Active"])
    return {
        "vendor_id": str(vendor["id"]),
        "vendor": vendor["name"],
        "terms": rng.choice([t for t in TERMS if t != vendor["terms"]]),
        "risk": rng.choice(["Low", "Medium", "High"]),
    }


def other_vendor(p: Params, state: State) -> Params:
    rest = [v for v in state["vendors"] if str(v["id"]) != p["vendor_id"] and v["status"] == "Active"]
    vendor = random.Random(p["vendor"]).choice(rest)
    return {**p, "vendor_id": str(vendor["id"]), "vendor": vendor["name"]}


def vendor_field_check(column: str, value_key: str | None, fixed: str = "") -> Check:
    def check_vendor(initial: State, final: State, p: Params) -> tuple[bool, str]:
        vendor = by_id(final, "vendors", p["vendor_id"]) or {}
        want = p[value_key] if value_key else fixed
        if vendor.get(column) != want:
            return False, f"{p['vendor']} {column} is {vendor.get(column)!r}, expected {want!r}"
        others = changed_rows(initial, final, "vendors", frozenset({int(p["vendor_id"])}))
        return result(not others, f"{p['vendor']} {column} is {want}", f"other vendors changed: {others}")

    return check_vendor


# --- purchase orders --------------------------------------------------------------------------------------------
def order_params(rng: random.Random, state: State, n_lines: int) -> Params:
    vendor = rng.choice([v for v in state["vendors"] if v["status"] == "Active"])
    params = {"vendor": vendor["name"]}
    for n, (item, price) in enumerate(rng.sample(ITEMS, n_lines), start=1):
        params |= {f"item{n}": item, f"qty{n}": str(rng.randint(1, 9)), f"price{n}": f"{price:.2f}"}
    return params


def order_check(n_lines: int, status: str) -> Check:
    def check_order(initial: State, final: State, p: Params) -> tuple[bool, str]:
        vendor_ids = [v["id"] for v in final["vendors"] if v["name"] == p["vendor"]]
        made = [o for o in new_rows(initial, final, "orders") if o["vendor_id"] in vendor_ids]
        if not made:
            return False, f"no new purchase order for {p['vendor']}"
        order = made[-1]
        lines = sorted(
            (ln["description"], ln["qty"], round(ln["unit_price"], 2))
            for ln in final["order_lines"]
            if ln["order_id"] == order["id"]
        )
        want = sorted((p[f"item{n}"], int(p[f"qty{n}"]), float(p[f"price{n}"])) for n in range(1, n_lines + 1))
        if lines != want:
            return False, f"{order['number']} lines are {lines}, expected {want}"
        return result(
            order["status"] == status,
            f"{order['number']} {status.lower()} as asked",
            f"{order['number']} is {order['status']}, expected {status}",
        )

    return check_order


def line_steps(p: Params, n: int) -> list[Step]:
    return [
        fill(f"Description {n}", p[f"item{n}"]),
        fill(f"Quantity {n}", p[f"qty{n}"]),
        fill(f"Unit price {n}", p[f"price{n}"]),
    ]


def bump_qty(p: Params, state: State) -> Params:
    return {**p, "qty1": str(int(p["qty1"]) + 1)}


def remove_line_params(rng: random.Random, state: State) -> Params:
    drafts = [o for o in state["orders"] if o["status"] == "Draft"]
    order = rng.choice(drafts)
    lines = [ln for ln in state["order_lines"] if ln["order_id"] == order["id"]]
    return {"order_id": str(order["id"]), "po": order["number"], "item": rng.choice(lines)["description"]}


def other_line(p: Params, state: State) -> Params:
    lines = [ln["description"] for ln in state["order_lines"] if str(ln["order_id"]) == p["order_id"]]
    return {**p, "item": next(item for item in lines if item != p["item"])}


def check_remove_line(initial: State, final: State, p: Params) -> tuple[bool, str]:
    order = by_id(final, "orders", p["order_id"]) or {}
    before = sorted(ln["description"] for ln in initial["order_lines"] if str(ln["order_id"]) == p["order_id"])
    after = sorted(ln["description"] for ln in final["order_lines"] if str(ln["order_id"]) == p["order_id"])
    want = sorted(before)
    want.remove(p["item"])
    if after != want:
        return False, f"{p['po']} lines are {after}, expected {want}"
    return result(
        order.get("status") == "Submitted",
        f"{p['po']} submitted without {p['item']}",
        f"{p['po']} is {order.get('status')}, expected Submitted",
    )


def remove_line_step(item: str) -> Step:
    def run(page: Any) -> None:
        row = page.locator("#line-items tbody tr").filter(
            has=page.locator(f'input[name="description"][value="{item}"]')
        )
        row.get_by_role("button", name=re.compile(r"^Remove line")).click()

    return Step(f'Remove the line "{item}"', run)


def approve_po_params(rng: random.Random, state: State) -> Params:
    order = rng.choice([o for o in state["orders"] if o["status"] == "Submitted"])
    return {"order_id": str(order["id"]), "po": order["number"]}


def other_po(p: Params, state: State) -> Params:
    order = next(o for o in state["orders"] if o["status"] == "Submitted" and o["number"] != p["po"])
    return {"order_id": str(order["id"]), "po": order["number"]}


def check_approve_po(initial: State, final: State, p: Params) -> tuple[bool, str]:
    order = by_id(final, "orders", p["order_id"]) or {}
    if order.get("status") != "Approved":
        return False, f"{p['po']} is {order.get('status')}, expected Approved"
    others = changed_rows(initial, final, "orders", frozenset({int(p["order_id"])}))
    return result(not others, f"{p['po']} approved", f"other orders changed: {others}")


def login_params(rng: random.Random, state: State) -> Params:
    return {**any_pending(rng, state), "username": rng.choice(["alex.buyer", "jo.finance"]), "password": DEMO_PASSWORD}


def check_login(initial: State, final: State, p: Params) -> tuple[bool, str]:
    logins = [e for e in new_rows(initial, final, "events") if e["kind"] == "login" and p["username"] in e["detail"]]
    if not logins:
        return False, f"{p['username']} never signed in through the login form"
    return decision_check("Approved")(initial, final, p)


def find_invoice_steps(p: Params) -> list[Step]:
    return [fill("Search", p["number"]), submit("Filter"), submit(p["number"], "link")]


def by_vendor_steps(p: Params) -> list[Step]:
    return [select("Status", "Pending"), fill("Search", p["vendor"]), submit("Filter"), submit_row_link(p["amount"])]
