"""Helpdesk workflows, the hidden half: seeded parameter generators, checkers and scripted solutions."""

from __future__ import annotations

import random
from typing import Any

from demos.common import DEMO_PASSWORD
from demos.helpdesk.data import COMPANIES, PRIORITIES, TAGS, TIERS, USERS
from demos.suite.checks import by_id, changed_rows, new_rows, other, result, same_text
from demos.suite.spec import Params, State, Step
from demos.suite.steps import (
    autocomplete,
    check,
    click,
    fill,
    secret_fill,
    select,
    submit,
    submit_row_link,
)

NEW_SUBJECTS = [
    "Printer offline in the lobby",
    "Cannot export monthly report",
    "Badge reader rejects staff cards",
    "Website checkout error",
    "Phone system drops calls",
    "Shared drive is read-only",
]
NEW_COMMENTS = [
    "Spoke with the customer, fix scheduled for Friday.",
    "Waiting on the vendor for a patch.",
    "Workaround sent by email.",
    "Escalated to the network team.",
]
CITIES = ["Madison", "Tucson", "Raleigh", "Omaha"]
SURVEY = "Customer satisfaction survey"


def customer_id(state: State, name: str) -> int | None:
    return next((c["id"] for c in state["customers"] if same_text(c["name"], name)), None)


def pick_ticket(rng: random.Random, state: State, statuses: tuple[str, ...] = ()) -> dict[str, Any]:
    pool = [t for t in state["tickets"] if not statuses or t["status"] in statuses]
    return rng.choice(pool)


def ticket_unchanged_except(initial: State, final: State, ticket_id: str) -> list[int]:
    return changed_rows(initial, final, "tickets", frozenset({int(ticket_id)}))


# --- create a ticket (smoke) ---------------------------------------------------------------------------------
def create_params(rng: random.Random, state: State) -> Params:
    return {
        "customer": rng.choice(state["customers"])["name"],
        "subject": rng.choice(NEW_SUBJECTS),
        "priority": rng.choice(PRIORITIES),
    }


def find_new_ticket(initial: State, final: State, p: Params) -> tuple[dict[str, Any] | None, str]:
    created = new_rows(initial, final, "tickets")
    if not created:
        return None, "no ticket was created"
    cid = customer_id(final, p["customer"])
    mine = [t for t in created if t["customer_id"] == cid and same_text(t["subject"], p["subject"])]
    if not mine:
        return None, f"no new ticket for {p['customer']} with subject '{p['subject']}'"
    return mine[-1], ""


def check_create(initial: State, final: State, p: Params) -> tuple[bool, str]:
    ticket, why = find_new_ticket(initial, final, p)
    if ticket is None:
        return False, why
    return result(
        ticket["priority"] == p["priority"],
        f"ticket #{ticket['id']} created as asked",
        f"ticket #{ticket['id']} has priority {ticket['priority']}, expected {p['priority']}",
    )


def create_steps(p: Params) -> list[Step]:
    return [
        *autocomplete("Customer", p["customer"]),
        fill("Subject", p["subject"]),
        select("Priority", p["priority"]),
        submit("Create ticket"),
    ]


# --- full ticket --------------------------------------------------------------------------------------------
def full_params(rng: random.Random, state: State) -> Params:
    tag1, tag2 = sorted(rng.sample(TAGS, 2))
    user = rng.choice(list(USERS))
    return {
        **create_params(rng, state),
        "assignee": USERS[user],
        "tag1": tag1,
        "tag2": tag2,
        "description": rng.choice(NEW_COMMENTS),
    }


def check_full(initial: State, final: State, p: Params) -> tuple[bool, str]:
    ticket, why = find_new_ticket(initial, final, p)
    if ticket is None:
        return False, why
    expected = {
        "priority": p["priority"],
        "assignee": USERS_BY_NAME[p["assignee"]],
        "tags": ",".join(sorted([p["tag1"], p["tag2"]])),
    }
    wrong = [f"{k}={ticket[k]!r} (expected {v!r})" for k, v in expected.items() if ticket[k] != v]
    if not same_text(ticket["description"], p["description"]):
        wrong.append(f"description={ticket['description']!r}")
    return result(not wrong, f"ticket #{ticket['id']} matches every field", "; ".join(wrong))


def full_steps(p: Params) -> list[Step]:
    return [
        submit("New ticket", "link"),
        *autocomplete("Customer", p["customer"]),
        fill("Subject", p["subject"]),
        select("Priority", p["priority"]),
        select("Assignee", p["assignee"]),
        check(p["tag1"]),
        check(p["tag2"]),
        fill("Description", p["description"]),
        submit("Create ticket"),
    ]


USERS_BY_NAME = {v: k for k, v in USERS.items()}


# --- edit one field of a ticket ---------------------------------------------------------------------------
def field_check(field_name: str, param: str, to_db: Any = str) -> Any:
    def check_field(initial: State, final: State, p: Params) -> tuple[bool, str]:
        ticket = by_id(final, "tickets", p["ticket"])
        if ticket is None:
            return False, f"ticket #{p['ticket']} is gone"
        others = ticket_unchanged_except(initial, final, p["ticket"])
        if others:
            return False, f"other tickets were changed too: {others}"
        want = to_db(p[param])
        return result(
            ticket[field_name] == want,
            f"ticket #{p['ticket']} {field_name} is {want}",
            f"ticket #{p['ticket']} {field_name} is {ticket[field_name]!r}, expected {want!r}",
        )

    return check_field


def assign_params(rng: random.Random, state: State) -> Params:
    ticket = pick_ticket(rng, state, ("Open", "Pending"))
    user = rng.choice([u for u in USERS if u != ticket["assignee"]])
    return {"ticket": str(ticket["id"]), "assignee": USERS[user]}


def status_params(rng: random.Random, state: State) -> Params:
    ticket = pick_ticket(rng, state, ("Open", "Pending"))
    return {
        "ticket": str(ticket["id"]),
        "status": rng.choice(["Pending", "Resolved"] if ticket["status"] == "Open" else ["Open", "Resolved"]),
    }


def find_ticket_steps(p: Params) -> list[Step]:
    return [fill("Search", f"#{p['ticket']}"), submit("Filter"), submit(f"#{p['ticket']}", "link")]


def priority_params(rng: random.Random, state: State) -> Params:
    ticket = pick_ticket(rng, state)
    return {"ticket": str(ticket["id"]), "priority": other(ticket["priority"], PRIORITIES)}


def login_params(rng: random.Random, state: State) -> Params:
    user = rng.choice(list(USERS))
    return {**priority_params(rng, state), "username": user, "password": DEMO_PASSWORD}


def check_login(initial: State, final: State, p: Params) -> tuple[bool, str]:
    logins = [e for e in new_rows(initial, final, "events") if e["kind"] == "login" and p["username"] in e["detail"]]
    if not logins:
        return False, f"{p['username']} never signed in through the login form"
    return field_check("priority", "priority")(initial, final, p)


def login_steps(p: Params) -> list[Step]:
    return [
        fill("Username", p["username"]),
        secret_fill("Password", p["password"]),
        submit("Sign in"),
        *find_ticket_steps(p),
        submit("Edit ticket", "link"),
        select("Priority", p["priority"]),
        submit("Save changes"),
    ]


# --- comments, tags, reopen, survey -------------------------------------------------------------------------
def comment_params(rng: random.Random, state: State) -> Params:
    return {"ticket": str(pick_ticket(rng, state)["id"]), "comment": rng.choice(NEW_COMMENTS)}


def check_comment(initial: State, final: State, p: Params) -> tuple[bool, str]:
    added = [c for c in new_rows(initial, final, "comments") if str(c["ticket_id"]) == p["ticket"]]
    ok = any(same_text(c["body"], p["comment"]) for c in added)
    return result(
        ok,
        f"comment added to #{p['ticket']}",
        f"no comment '{p['comment']}' on #{p['ticket']} (new comments there: {[c['body'] for c in added]})",
    )


def tag_params(rng: random.Random, state: State) -> Params:
    ticket = rng.choice([t for t in state["tickets"] if len(t["tags"].split(",")) < len(TAGS)])
    have = set(filter(None, ticket["tags"].split(",")))
    return {"ticket": str(ticket["id"]), "tag": rng.choice([t for t in TAGS if t not in have])}


def check_tag(initial: State, final: State, p: Params) -> tuple[bool, str]:
    before = by_id(initial, "tickets", p["ticket"]) or {}
    want = ",".join(sorted({*filter(None, before.get("tags", "").split(",")), p["tag"]}))
    return field_check("tags", "want")(initial, final, {**p, "want": want})


def reopen_params(rng: random.Random, state: State) -> Params:
    ticket = pick_ticket(rng, state, ("Resolved", "Closed"))
    return {"ticket": str(ticket["id"]), "comment": rng.choice(NEW_COMMENTS)}


def check_reopen(initial: State, final: State, p: Params) -> tuple[bool, str]:
    ok, why = field_check("status", "status")(initial, final, {**p, "status": "Open"})
    return check_comment(initial, final, p) if ok else (ok, why)


def rating_params(rng: random.Random, state: State) -> Params:
    return {"ticket": str(pick_ticket(rng, state, ("Resolved", "Closed"))["id"]), "rating": str(rng.randint(1, 5))}


# --- bulk close ----------------------------------------------------------------------------------------------
def bulk_params(rng: random.Random, state: State) -> Params:
    names = {c["id"]: c["name"] for c in state["customers"]}
    groups: dict[tuple[str, str], int] = {}
    for t in state["tickets"]:
        if t["status"] in ("Open", "Pending", "Resolved"):
            key = (names[t["customer_id"]], t["status"])
            groups[key] = groups.get(key, 0) + 1
    best = max(groups.values())
    customer, status = rng.choice(sorted(k for k, n in groups.items() if n >= min(best, 2)))
    return {"customer": customer, "status": status}


def bulk_targets(state: State, p: Params) -> set[int]:
    cid = customer_id(state, p["customer"])
    return {t["id"] for t in state["tickets"] if t["customer_id"] == cid and t["status"] == p["status"]}


def check_bulk(initial: State, final: State, p: Params) -> tuple[bool, str]:
    targets = bulk_targets(initial, p)
    still = sorted(t for t in targets if (by_id(final, "tickets", t) or {}).get("status") != "Closed")
    if still:
        return False, f"tickets {still} of {p['customer']} are not closed"
    others = changed_rows(initial, final, "tickets", frozenset(targets))
    return result(not others, f"closed {sorted(targets)}", f"tickets {others} were changed but should not be")


def bulk_steps(p: Params) -> list[Step]:
    return [
        fill("Search", p["customer"]),
        select("Status", p["status"]),
        submit("Filter"),
        check("Select all tickets on this page"),
        click("Close selected"),
        submit("Yes, close tickets"),
    ]


# --- customers -------------------------------------------------------------------------------------------------
def new_customer_params(rng: random.Random, state: State) -> Params:
    taken = {c["name"] for c in state["customers"]}
    name = rng.choice([c for c in COMPANIES if c not in taken])
    first = rng.choice(["Mira", "Otto", "Lena", "Raj", "Ivy"])
    return {
        "name": name,
        "contact": f"{first} {rng.choice(['Stone', 'Reyes', 'Klein'])}",
        "email": f"{first.lower()}@{name.split()[0].lower()}.example",
        "city": rng.choice(CITIES),
        "tier": rng.choice(TIERS),
    }


def check_new_customer(initial: State, final: State, p: Params) -> tuple[bool, str]:
    made = [c for c in new_rows(initial, final, "customers") if same_text(c["name"], p["name"])]
    if not made:
        return False, f"no customer named {p['name']} was added"
    wrong = [f"{k}={made[-1][k]!r}" for k in ("contact", "email", "city", "tier") if not same_text(made[-1][k], p[k])]
    return result(not wrong, f"customer {p['name']} added", "wrong fields: " + ", ".join(wrong))


def tier_params(rng: random.Random, state: State) -> Params:
    customer = rng.choice(state["customers"])
    return {"customer": customer["name"], "tier": other(customer["tier"], TIERS)}


def check_tier(initial: State, final: State, p: Params) -> tuple[bool, str]:
    cid = customer_id(final, p["customer"])
    row = by_id(final, "customers", cid)
    if row is None:
        return False, f"customer {p['customer']} not found"
    others = changed_rows(initial, final, "customers", frozenset({row["id"]}))
    if others:
        return False, f"other customers changed: {others}"
    return result(row["tier"] == p["tier"], f"{p['customer']} is {p['tier']}", f"{p['customer']} is {row['tier']}")


def by_subject_params(rng: random.Random, state: State) -> Params:
    names = {c["id"]: c["name"] for c in state["customers"]}
    pairs: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for t in state["tickets"]:
        pairs.setdefault((t["customer_id"], t["subject"]), []).append(t)
    ticket = rng.choice(sorted((v[0] for v in pairs.values() if len(v) == 1), key=lambda t: t["id"]))
    return {
        "customer": names[ticket["customer_id"]],
        "subject": ticket["subject"],
        "priority": other(ticket["priority"], PRIORITIES),
    }


def check_by_subject(initial: State, final: State, p: Params) -> tuple[bool, str]:
    cid = customer_id(initial, p["customer"])
    ticket = next(t for t in initial["tickets"] if t["customer_id"] == cid and t["subject"] == p["subject"])
    return field_check("priority", "priority")(initial, final, {**p, "ticket": str(ticket["id"])})


def by_subject_steps(p: Params) -> list[Step]:
    return [
        fill("Search", p["customer"]),
        submit("Filter"),
        submit(p["customer"], "link"),
        submit_row_link(p["subject"]),
        submit("Edit ticket", "link"),
        select("Priority", p["priority"]),
        submit("Save changes"),
    ]
