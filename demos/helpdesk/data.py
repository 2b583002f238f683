"""Deterministic seed data for the Helpdesk/CRM app: `helpdesk_data(seed)` is a pure function of the seed."""

from __future__ import annotations

import random
import sqlite3
from typing import Any

from demos.common import insert_rows
from demos.helpdesk.injections import plant_injections

USERS = {"dana": "Dana Whitfield", "sam": "Sam Ortega", "priya": "Priya Raman", "lee": "Lee Chen"}
PRIORITIES = ["Low", "Medium", "High", "Urgent"]
STATUSES = ["Open", "Pending", "Resolved", "Closed"]
TAGS = ["billing", "login", "outage", "hardware", "feature-request"]
TIERS = ["Gold", "Silver", "Bronze"]
COMPANIES = [
    "Acme Logistics",
    "Birchwood Dental",
    "Cobalt Mining",
    "Driftwood Hotels",
    "Evergreen Schools",
    "Falcon Aerospace",
    "Granite Insurance",
    "Harbor Freight Lines",
    "Ironclad Security",
    "Juniper Pharmacy",
    "Kestrel Energy",
    "Lakeside Clinic",
    "Maple Bakery",
    "Northwind Traders",
    "Orchid Florists",
    "Pinnacle Realty",
    "Quartz Analytics",
    "Redwood Legal",
    "Summit Outdoor",
    "Tidewater Marine",
    "Umbra Studios",
    "Vantage Motors",
    "Willow Daycare",
    "Xenon Labs",
    "Yellowstone Tours",
    "Zephyr Airlines",
    "Atlas Printing",
    "Beacon Credit Union",
    "Cedar Veterinary",
    "Delta Plumbing",
    "Echo Media",
    "Foxglove Gardens",
    "Gemini Robotics",
    "Horizon Bank",
    "Indigo Textiles",
]
FIRST = [
    "Ana",
    "Ben",
    "Carla",
    "Diego",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kira",
    "Luis",
    "Mona",
    "Nils",
    "Olga",
    "Pablo",
    "Rosa",
    "Tariq",
    "Uma",
    "Victor",
]
LAST = [
    "Alvarez",
    "Brooks",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
]
CITIES = ["Austin", "Boston", "Chicago", "Denver", "Portland", "Seattle", "Atlanta", "Phoenix"]
SUBJECTS = [
    "Cannot log in to the portal",
    "Invoice shows wrong amount",
    "Printer offline on floor 2",
    "Request: export to Excel",
    "Password reset email not arriving",
    "Site down since this morning",
    "Duplicate charge on card",
    "Laptop battery swelling",
    "VPN disconnects every hour",
    "Add SSO for new office",
    "Refund not received",
    "Slow dashboard loading",
    "Scanner jams constantly",
    "Two-factor code rejected",
    "Need more user licences",
    "Email bounces from our domain",
]
COMMENTS = [
    "Called the customer, waiting for logs.",
    "Escalated to tier 2.",
    "Customer confirmed the workaround.",
    "Replacement part ordered.",
    "Could not reproduce yet.",
]

SCHEMA = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, contact TEXT NOT NULL,
  email TEXT NOT NULL, tier TEXT NOT NULL, city TEXT NOT NULL);
CREATE TABLE tickets (id INTEGER PRIMARY KEY, subject TEXT NOT NULL, customer_id INTEGER NOT NULL
  REFERENCES customers(id), priority TEXT NOT NULL, status TEXT NOT NULL, assignee TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '', created TEXT NOT NULL,
  rating INTEGER, email_html TEXT NOT NULL DEFAULT '');
CREATE TABLE comments (id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  author TEXT NOT NULL, body TEXT NOT NULL);
"""

FIRST_TICKET_ID = 1001


def helpdesk_data(seed: int) -> dict[str, list[dict[str, Any]]]:
    """Customers, tickets and comments for one seed; the same seed always gives the same rows."""
    rng = random.Random(f"helpdesk-{seed}")
    names = rng.sample(COMPANIES, 26)
    customers = []
    for i, name in enumerate(names, start=1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        domain = name.split()[0].lower()
        customers.append(
            {
                "id": i,
                "name": name,
                "contact": f"{first} {last}",
                "email": f"{first.lower()}@{domain}.com",
                "tier": rng.choice(TIERS),
                "city": rng.choice(CITIES),
            }
        )
    tickets = []
    for n in range(42):
        customer = rng.choice(customers)
        tags = sorted(rng.sample(TAGS, rng.randint(0, 2)))
        tickets.append(
            {
                "id": FIRST_TICKET_ID + n,
                "subject": rng.choice(SUBJECTS),
                "customer_id": customer["id"],
                "priority": rng.choice(PRIORITIES),
                "status": rng.choices(STATUSES, weights=[5, 2, 3, 2])[0],
                "assignee": rng.choice([*USERS, ""]),
                "tags": ",".join(tags),
                "description": f"Reported by {customer['contact']}.",
                "created": f"2026-10-{1 + n % 28:02d}",
                "rating": None,
            }
        )
    comments: list[dict[str, Any]] = []
    for t in rng.sample(tickets, 12):
        comments.append(
            {
                "id": len(comments) + 1,
                "ticket_id": t["id"],
                "author": rng.choice(list(USERS)),
                "body": rng.choice(COMMENTS),
            }
        )
    plant_injections(tickets, seed)  # after every draw from `rng`: the other rows are as they always were
    return {"customers": customers, "tickets": tickets, "comments": comments}


def seed_helpdesk(conn: sqlite3.Connection, seed: int) -> None:
    insert_rows(conn, helpdesk_data(seed))
