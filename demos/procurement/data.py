"""Deterministic seed data for the Procurement app: vendors, purchase orders with lines, invoices."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, timedelta
from typing import Any

from demos.common import insert_rows

USERS = {"alex.buyer": "Alex Morgan", "jo.finance": "Jo Park"}
CATEGORIES = ["Office supplies", "IT hardware", "Facilities", "Logistics", "Consulting"]
TERMS = ["Net 15", "Net 30", "Net 45", "Net 60"]
RISKS = ["Low", "Medium", "High"]
INVOICE_STATUSES = ["Pending", "Approved", "Rejected"]
ORDER_STATUSES = ["Draft", "Submitted", "Approved"]
VENDORS = [
    "Apex Office Supply",
    "BrightPath Consulting",
    "Cascade Couriers",
    "Dynamo Electric",
    "Eastgate Furniture",
    "Fairway Facilities",
    "Globex Hardware",
    "Helix IT Services",
    "Ironwood Logistics",
    "Jetstream Freight",
    "Keystone Janitorial",
    "Lumen Lighting",
    "Metro Paper Co",
    "Nimbus Cloud Partners",
    "Oakridge Catering",
    "Polaris Security",
    "Quantum Devices",
    "Riverbend Print",
    "Sterling Advisory",
    "Trident Networks",
]
ITEMS = [
    ("Printer paper, box", 38.5),
    ("Toner cartridge", 89.0),
    ("Office chair", 245.0),
    ("Laptop dock", 129.0),
    ("27-inch monitor", 219.0),
    ("Desk lamp", 32.0),
    ("Network switch", 410.0),
    ("Whiteboard", 96.0),
    ("Cleaning service, month", 1200.0),
    ("Courier pickup", 45.0),
    ("Consulting hour", 150.0),
]

SCHEMA = """
CREATE TABLE vendors (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, category TEXT NOT NULL,
  email TEXT NOT NULL, terms TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'Active', risk TEXT NOT NULL DEFAULT '');
CREATE TABLE orders (id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE, vendor_id INTEGER NOT NULL
  REFERENCES vendors(id), status TEXT NOT NULL, notes TEXT NOT NULL DEFAULT '', created TEXT NOT NULL);
CREATE TABLE order_lines (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  description TEXT NOT NULL, qty INTEGER NOT NULL, unit_price REAL NOT NULL);
CREATE TABLE invoices (id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE, vendor_id INTEGER NOT NULL
  REFERENCES vendors(id), po_number TEXT NOT NULL, amount REAL NOT NULL, due_date TEXT NOT NULL,
  status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '');
CREATE TABLE attachments (id INTEGER PRIMARY KEY, invoice_id INTEGER NOT NULL REFERENCES invoices(id),
  filename TEXT NOT NULL, size INTEGER NOT NULL);
"""


def procurement_data(seed: int) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(f"procurement-{seed}")
    vendors = []
    for i, name in enumerate(sorted(rng.sample(VENDORS, 16)), start=1):
        domain = name.split()[0].lower()
        vendors.append(
            {
                "id": i,
                "name": name,
                "category": rng.choice(CATEGORIES),
                "email": f"billing@{domain}.com",
                "terms": rng.choice(TERMS),
                "status": "Active" if rng.random() < 0.85 else "Suspended",
                "risk": "",
            }
        )
    orders: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for n in range(18):
        order_id = n + 1
        status = ORDER_STATUSES[n % 3]
        orders.append(
            {
                "id": order_id,
                "number": f"PO-2026-{101 + n:04d}",
                "vendor_id": rng.choice(vendors)["id"],
                "status": status,
                "notes": "",
                "created": (date(2026, 9, 1) + timedelta(days=3 * n)).isoformat(),
            }
        )
        for item, price in rng.sample(ITEMS, rng.randint(2, 4)):
            lines.append(
                {
                    "id": len(lines) + 1,
                    "order_id": order_id,
                    "description": item,
                    "qty": rng.randint(1, 12),
                    "unit_price": price,
                }
            )
    invoices = []
    for n in range(34):
        order = rng.choice(orders)
        total = sum(ln["qty"] * ln["unit_price"] for ln in lines if ln["order_id"] == order["id"])
        invoices.append(
            {
                "id": n + 1,
                "number": f"INV-{7001 + n}",
                "vendor_id": order["vendor_id"],
                "po_number": order["number"],
                "amount": round(total * rng.choice([1, 1, 0.5]), 2),
                "due_date": (date(2026, 11, 5) + timedelta(days=rng.randint(0, 40))).isoformat(),
                "status": rng.choices(INVOICE_STATUSES, weights=[6, 3, 1])[0],
                "reason": "",
            }
        )
    return {"vendors": vendors, "orders": orders, "order_lines": lines, "invoices": invoices, "attachments": []}


def seed_procurement(conn: sqlite3.Connection, seed: int) -> None:
    insert_rows(conn, procurement_data(seed))
