"""Clinic workflows, the hidden half: seeded parameter generators, checkers and scripted solutions."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from demos.clinic.data import (
    CLINICIANS,
    DEPARTMENTS,
    FIRST,
    INSURERS,
    LAST,
    SEVERITIES,
    SLOTS,
    SUBSTANCES,
    URGENCIES,
    clinic_days,
)
from demos.common import DEMO_PASSWORD
from demos.suite.checks import by_id, changed_rows, new_rows, result, same_text
from demos.suite.spec import Check, Params, State, Step
from demos.suite.steps import check, fill, select, submit

ELIGIBILITY = "Insurance eligibility"
INSURED = [i for i in INSURERS if i != "Self-pay"]
REFERRAL_REASONS = [
    "Chest pain on exertion",
    "Suspicious mole on the back",
    "Recurring migraines",
    "Knee instability after a fall",
    "Rehabilitation after shoulder surgery",
]


def pick_patient(rng: random.Random, state: State, *, insured: bool = False) -> dict[str, Any]:
    """Prefer patients who share their name with another patient: only the date of birth tells them apart."""
    pool = [p for p in state["patients"] if not insured or p["insurer"] != "Self-pay"]
    names = [(p["first_name"], p["last_name"]) for p in state["patients"]]
    twins = [p for p in pool if names.count((p["first_name"], p["last_name"])) > 1]
    return rng.choice(twins if twins and rng.random() < 0.7 else pool)


def who(patient: dict[str, Any]) -> Params:
    return {
        "patient_id": str(patient["id"]),
        "first": patient["first_name"],
        "last": patient["last_name"],
        "dob": patient["dob"],
    }


def find_steps(p: Params) -> list[Step]:
    return [
        fill("Last name", p["last"]),
        fill("Date of birth", p["dob"]),
        submit("Search"),
        submit(f"{p['last']}, {p['first']}", "link"),
    ]


def other_patient(p: Params, state: State) -> Params:
    rest = [x for x in state["patients"] if str(x["id"]) != p["patient_id"] and x["insurer"] != "Self-pay"]
    return {**p, **who(random.Random(p["patient_id"]).choice(rest))}


def bump(p: Params, key: str, by: int = 6) -> Params:
    return {**p, key: str(int(float(p[key])) + by)}


# --- vitals --------------------------------------------------------------------------------------------------
def vitals_check(fields: tuple[str, ...]) -> Check:
    def check_vitals(initial: State, final: State, p: Params) -> tuple[bool, str]:
        added = [v for v in new_rows(initial, final, "vitals") if str(v["patient_id"]) == p["patient_id"]]
        strays = [
            v["patient_id"] for v in new_rows(initial, final, "vitals") if str(v["patient_id"]) != p["patient_id"]
        ]
        if strays:
            return False, f"vitals were recorded for the wrong patient(s) {strays}"
        if not added:
            return False, f"no vitals were recorded for {p['first']} {p['last']}"
        got = added[-1]
        wrong = [f"{f}={got[f]} (expected {p[f]})" for f in fields if got[f] is None or float(got[f]) != float(p[f])]
        return result(not wrong, "vitals recorded as asked", "; ".join(wrong))

    return check_vitals


def pulse_params(rng: random.Random, state: State) -> Params:
    return {**who(pick_patient(rng, state)), "pulse": str(rng.randint(52, 110))}


def bp_params(rng: random.Random, state: State) -> Params:
    return {**pulse_params(rng, state), "systolic": str(rng.randint(100, 160)), "diastolic": str(rng.randint(60, 99))}


def temp_params(rng: random.Random, state: State) -> Params:
    user = rng.choice(["nurse.kim", "dr.osei"])
    return {
        **who(pick_patient(rng, state)),
        "temperature": f"{rng.uniform(36.0, 39.5):.1f}",
        "username": user,
        "password": DEMO_PASSWORD,
    }


# --- registration -----------------------------------------------------------------------------------------------
def new_person(rng: random.Random, state: State, *, insured: bool) -> Params:
    taken = {(p["first_name"], p["last_name"]) for p in state["patients"]}
    first, last = rng.choice(sorted({(f, ln) for f in FIRST for ln in LAST} - taken))
    dob = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55))
    insurer = rng.choice(INSURED) if insured else "Self-pay"
    person = {
        "first": first,
        "last": last,
        "dob": dob.isoformat(),
        "sex": rng.choice(["Female", "Male"]),
        "phone": f"555-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        "insurer": insurer,
    }
    if insured:
        person["member_id"] = f"{insurer[:2].upper()}{rng.randint(10**6, 10**7)}"
    return person


def registered(initial: State, final: State, p: Params) -> tuple[dict[str, Any] | None, str]:
    made = [
        x
        for x in new_rows(initial, final, "patients")
        if same_text(x["first_name"], p["first"]) and same_text(x["last_name"], p["last"])
    ]
    if not made:
        return None, f"no new patient {p['first']} {p['last']} was registered"
    got = made[-1]
    expected = {
        "dob": p["dob"],
        "sex": p["sex"],
        "phone": p["phone"],
        "insurer": p["insurer"],
        "member_id": p.get("member_id", ""),
    }
    wrong = [f"{k}={got[k]!r} (expected {v!r})" for k, v in expected.items() if not same_text(got[k], v)]
    return (None, "; ".join(wrong)) if wrong else (got, "")


def check_register(initial: State, final: State, p: Params) -> tuple[bool, str]:
    got, why = registered(initial, final, p)
    return (True, f"{got['mrn']} registered as asked") if got else (False, why)


def register_form_steps(p: Params) -> list[Step]:
    steps = [
        fill("First name", p["first"]),
        fill("Last name", p["last"]),
        fill("Date of birth", p["dob"]),
        check(p["sex"]),
        fill("Phone", p["phone"]),
        select("Insurer", p["insurer"]),
    ]
    if p.get("member_id"):
        steps.append(fill("Member ID", p["member_id"]))
    return [*steps, submit("Register")]


# --- appointments -----------------------------------------------------------------------------------------------
def free_slot(rng: random.Random, state: State) -> tuple[str, str]:
    taken = {(a["date"], a["time"]) for a in state["appointments"] if a["status"] == "Scheduled"}
    free = [(d.isoformat(), s) for d in clinic_days()[2:10] for s in SLOTS if (d.isoformat(), s) not in taken]
    return rng.choice(free)


def appointment_params(rng: random.Random, state: State) -> Params:
    day, time = free_slot(rng, state)
    return {
        **who(pick_patient(rng, state)),
        "date": day,
        "time": time,
        "clinician": rng.choice(CLINICIANS),
        "reason": rng.choice(["Follow-up visit", "Medication review", "Lab results discussion"]),
    }


def booking_check(initial: State, final: State, p: Params, patient_id: Any) -> tuple[bool, str]:
    booked = [a for a in new_rows(initial, final, "appointments") if a["patient_id"] == patient_id]
    if not booked:
        return False, "no appointment was booked for the patient"
    got = booked[-1]
    keys = ["date", "time", "clinician", *(["reason"] if "reason" in p else [])]
    wrong = [f"{k}={got[k]!r} (expected {p[k]!r})" for k in keys if not same_text(got[k], p[k])]
    return result(not wrong, f"booked {got['date']} {got['time']}", "; ".join(wrong))


def booking_steps(p: Params) -> list[Step]:
    steps = [
        submit("Schedule appointment", "link"),
        fill("Date", p["date"]),
        submit("Show available times"),
        check(p["time"]),
        select("Clinician", p["clinician"]),
    ]
    if "reason" in p:
        steps.append(fill("Reason for visit", p["reason"]))
    return [*steps, submit("Book appointment")]


def cancel_params(rng: random.Random, state: State) -> Params:
    scheduled = [a for a in state["appointments"] if a["status"] == "Scheduled"]
    per_patient: dict[int, int] = {}
    for a in scheduled:
        per_patient[a["patient_id"]] = per_patient.get(a["patient_id"], 0) + 1
    pool = [a for a in scheduled if per_patient[a["patient_id"]] > 1] or scheduled
    appt = rng.choice(pool)
    patient = by_id(state, "patients", appt["patient_id"]) or {}
    return {**who(patient), "date": appt["date"], "time": appt["time"]}


def check_cancel(initial: State, final: State, p: Params) -> tuple[bool, str]:
    target = next(
        a
        for a in initial["appointments"]
        if str(a["patient_id"]) == p["patient_id"]
        and a["date"] == p["date"]
        and a["time"] == p["time"]
        and a["status"] == "Scheduled"
    )
    now = by_id(final, "appointments", target["id"]) or {}
    if now.get("status") != "Cancelled":
        return False, f"the appointment on {p['date']} at {p['time']} is still {now.get('status')}"
    others = changed_rows(initial, final, "appointments", frozenset({target["id"]}))
    return result(not others, "appointment cancelled", f"other appointments changed too: {others}")


def other_appointment(p: Params, state: State) -> Params:
    mine = [
        a
        for a in state["appointments"]
        if str(a["patient_id"]) == p["patient_id"]
        and a["status"] == "Scheduled"
        and (a["date"], a["time"]) != (p["date"], p["time"])
    ]
    return {**p, "date": mine[0]["date"], "time": mine[0]["time"]} if mine else {**p, "time": "08:00"}


# --- referrals, allergies, eligibility, details --------------------------------------------------------------------
def referral_params(rng: random.Random, state: State) -> Params:
    return {
        **who(pick_patient(rng, state)),
        "department": rng.choice(DEPARTMENTS),
        "urgency": rng.choice(URGENCIES),
        "reason": rng.choice(REFERRAL_REASONS),
        "preauthorized": rng.choice(["has", "has not"]),
    }


def check_referral(initial: State, final: State, p: Params) -> tuple[bool, str]:
    sent = [r for r in new_rows(initial, final, "referrals") if str(r["patient_id"]) == p["patient_id"]]
    if not sent:
        return False, "no referral was sent for the patient"
    got = sent[-1]
    want = {
        "department": p["department"],
        "urgency": p["urgency"],
        "reason": p["reason"],
        "preauthorized": 1 if p["preauthorized"] == "has" else 0,
    }
    wrong = [f"{k}={got[k]!r} (expected {v!r})" for k, v in want.items() if not same_text(got[k], v)]
    return result(not wrong, "referral sent as asked", "; ".join(wrong))


def referral_steps(p: Params) -> list[Step]:
    steps = [
        submit("Write referral", "link"),
        select("Department", p["department"]),
        check(p["urgency"]),
        fill("Reason for referral", p["reason"]),
    ]
    if p["preauthorized"] == "has":
        steps.append(check("Insurance pre-authorization obtained"))
    return [*steps, submit("Send referral")]


def allergy_params(rng: random.Random, state: State) -> Params:
    return {
        **who(pick_patient(rng, state)),
        "substance": rng.choice(SUBSTANCES),
        "reaction": rng.choice(["Hives", "Swelling", "Nausea", "Shortness of breath"]),
        "severity": rng.choice(SEVERITIES),
    }


def check_allergy(initial: State, final: State, p: Params) -> tuple[bool, str]:
    added = [a for a in new_rows(initial, final, "allergies") if str(a["patient_id"]) == p["patient_id"]]
    ok = any(all(same_text(a[k], p[k]) for k in ("substance", "reaction", "severity")) for a in added)
    return result(
        ok,
        "allergy recorded",
        f"no {p['severity']} {p['substance']} allergy ({p['reaction']}) was added; "
        f"added: {[(a['substance'], a['reaction'], a['severity']) for a in added]}",
    )


def eligibility_params(rng: random.Random, state: State) -> Params:
    return who(pick_patient(rng, state, insured=True))


def check_eligibility(initial: State, final: State, p: Params) -> tuple[bool, str]:
    now = by_id(final, "patients", p["patient_id"]) or {}
    if not now.get("eligibility"):
        return False, f"eligibility of {p['first']} {p['last']} ({p['dob']}) was not verified"
    others = changed_rows(initial, final, "patients", frozenset({int(p["patient_id"])}))
    return result(not others, "eligibility verified", f"other patients changed: {others}")


def details_check(fields: dict[str, str]) -> Check:
    """The patient's `fields` (column -> param) equal the params, and no other patient changed."""

    def check_details(initial: State, final: State, p: Params) -> tuple[bool, str]:
        now = by_id(final, "patients", p["patient_id"]) or {}
        wrong = [f"{col}={now.get(col)!r}" for col, key in fields.items() if not same_text(now.get(col), p[key])]
        others = changed_rows(initial, final, "patients", frozenset({int(p["patient_id"])}))
        if others:
            wrong.append(f"other patients changed: {others}")
        return result(not wrong, "record updated", "; ".join(wrong))

    return check_details


def phone_params(rng: random.Random, state: State) -> Params:
    return {**who(pick_patient(rng, state)), "phone": f"555-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"}


def insurer_params(rng: random.Random, state: State) -> Params:
    patient = pick_patient(rng, state)
    insurer = rng.choice([i for i in INSURED if i != patient["insurer"]])
    return {**who(patient), "insurer": insurer, "member_id": f"{insurer[:2].upper()}{rng.randint(10**6, 10**7)}"}


def intake_params(rng: random.Random, state: State) -> Params:
    day, time = free_slot(rng, state)
    return {**new_person(rng, state, insured=True), "date": day, "time": time, "clinician": rng.choice(CLINICIANS)}


def check_intake(initial: State, final: State, p: Params) -> tuple[bool, str]:
    got, why = registered(initial, final, p)
    return booking_check(initial, final, p, got["id"]) if got else (False, why)
