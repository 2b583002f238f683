"""Form validation for the Clinic app: every bad input becomes a message for the user, never a server error."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from demos.clinic.data import CLINICIANS, DEPARTMENTS, INSURERS, SEVERITIES, SEXES, SLOTS, TODAY, URGENCIES

PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{6,18}$")
Result = tuple[dict[str, Any], list[str]]


def _text(form: FormData, key: str) -> str:
    return str(form.get(key, "")).strip()


def parse_date(raw: str, label: str, errors: list[str]) -> date | None:
    if not raw:
        errors.append(f"{label} is required.")
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label} '{raw}' is not a valid date (use YYYY-MM-DD).")
        return None


def patient_values(conn: sqlite3.Connection, form: FormData, own_id: int | None = None) -> Result:
    keys = ("first_name", "last_name", "dob", "sex", "phone", "insurer", "member_id")
    values = {k: _text(form, k) for k in keys}
    errors = [
        f"{label} is required."
        for key, label in (("first_name", "First name"), ("last_name", "Last name"))
        if not values[key]
    ]
    dob = parse_date(values["dob"], "Date of birth", errors)
    if dob and not date(1900, 1, 1) <= dob <= TODAY:
        errors.append("Date of birth must be between 1900-01-01 and today.")
    if values["sex"] not in SEXES:
        errors.append("Choose the patient's sex.")
    if not PHONE.match(values["phone"]):
        errors.append("Phone must be a phone number such as 555-123-4567.")
    if values["insurer"] not in INSURERS:
        errors.append("Choose an insurer (or Self-pay).")
    elif values["insurer"] != "Self-pay" and not values["member_id"]:
        errors.append("Member ID is required unless the patient is Self-pay.")
    if values["insurer"] == "Self-pay":
        values["member_id"] = ""
    twin = conn.execute(
        "SELECT id, mrn FROM patients WHERE lower(first_name)=lower(?) AND lower(last_name)=lower(?) AND dob=?",
        (values["first_name"], values["last_name"], values["dob"]),
    ).fetchone()
    if twin and twin["id"] != own_id:
        errors.append(f"This patient is already registered ({twin['mrn']}).")
    return values, errors


def _number(raw: str, label: str, low: float, high: float, errors: list[str]) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        errors.append(f"{label} must be a number.")
        return None
    if not low <= value <= high:
        errors.append(f"{label} must be between {low:g} and {high:g}.")
    return value


def vitals_values(form: FormData) -> Result:
    errors: list[str] = []
    ranges = {
        "systolic": ("Systolic", 60, 250),
        "diastolic": ("Diastolic", 30, 150),
        "pulse": ("Pulse", 20, 250),
        "temperature": ("Temperature", 30, 45),
        "weight": ("Weight", 1, 400),
    }
    values: dict[str, Any] = {k: _number(_text(form, k), *spec, errors) for k, spec in ranges.items()}
    if all(v is None for v in values.values()) and not errors:
        errors.append("Enter at least one measurement.")
    if (values["systolic"] is None) != (values["diastolic"] is None):
        errors.append("Enter both systolic and diastolic blood pressure, or neither.")
    for key in ("systolic", "diastolic", "pulse"):
        if values[key] is not None:
            values[key] = round(values[key])
    return values, errors


def referral_values(form: FormData) -> Result:
    values: dict[str, Any] = {k: _text(form, k) for k in ("department", "urgency", "reason")}
    values["preauthorized"] = 1 if form.get("preauthorized") else 0
    errors = []
    if values["department"] not in DEPARTMENTS:
        errors.append("Choose a department.")
    if values["urgency"] not in URGENCIES:
        errors.append("Choose the urgency.")
    if len(values["reason"]) < 5:
        errors.append("Reason for referral is required (at least 5 characters).")
    return values, errors


def appointment_values(conn: sqlite3.Connection, form: FormData) -> Result:
    values = {k: _text(form, k) for k in ("date", "time", "clinician", "reason")}
    errors: list[str] = []
    day = parse_date(values["date"], "Date", errors)
    if day and (day <= TODAY or day.weekday() >= 5):
        errors.append("Appointments can only be booked on weekdays after today.")
    if values["time"] not in SLOTS:
        errors.append("Choose an available time.")
    elif day and values["time"] in taken_slots(conn, values["date"]):
        errors.append(f"{values['time']} on {values['date']} is already booked; choose another time.")
    if values["clinician"] not in CLINICIANS:
        errors.append("Choose a clinician.")
    return values, errors


def taken_slots(conn: sqlite3.Connection, day: str) -> set[str]:
    found = conn.execute("SELECT time FROM appointments WHERE date = ? AND status = 'Scheduled'", (day,))
    return {r["time"] for r in found}


def allergy_values(form: FormData) -> Result:
    values = {k: _text(form, k) for k in ("substance", "reaction", "severity")}
    errors = []
    if not values["substance"]:
        errors.append("Substance is required.")
    if not values["reaction"]:
        errors.append("Reaction is required.")
    if values["severity"] not in SEVERITIES:
        errors.append("Choose a severity.")
    return values, errors
