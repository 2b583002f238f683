"""Clinic intake (EHR-like): find a patient by name + date of birth, register, schedule, vitals, referrals."""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import quote_plus

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route

from demos.clinic import forms
from demos.clinic.data import (
    CLINICIANS,
    DEPARTMENTS,
    INSURERS,
    SCHEMA,
    SEVERITIES,
    SEXES,
    SLOTS,
    TODAY,
    URGENCIES,
    USERS,
    clinic_days,
    seed_clinic,
)
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

APP = DemoApp(
    name="clinic",
    title="Clinic Intake",
    schema=SCHEMA,
    seed=seed_clinic,
    users=USERS,
    nav=[("Find patient", "/patients"), ("Register patient", "/patients/new")],
)


def _redirect(path: str, notice: str = "") -> Response:
    suffix = f"?notice={notice.replace(' ', '+')}" if notice else ""
    return RedirectResponse(APP.url(path) + suffix, status_code=303)


def _patient(conn: sqlite3.Connection, request: Request) -> dict[str, Any] | None:
    return one(conn, "SELECT * FROM patients WHERE id = ?", (int_param(request.path_params["patient_id"]),))


async def home(request: Request) -> Response:
    return _redirect("/patients")


async def patient_search(request: Request) -> Response:
    conn = APP.db(request)
    q = request.query_params
    found = rows(conn, "SELECT * FROM patients")
    last, first, dob = (q.get(k, "").strip().lower() for k in ("last_name", "first_name", "dob"))
    if last:
        found = [p for p in found if p["last_name"].lower().startswith(last)]
    if first:
        found = [p for p in found if p["first_name"].lower().startswith(first)]
    if dob:
        found = [p for p in found if p["dob"] == dob]
    page = paginate(
        sort_rows(found, q.get("sort"), {"last_name", "first_name", "dob", "mrn"}, "last_name"), q.get("page")
    )
    return APP.render(request, "clinic/patients.html", pg=page, q=q, searched=bool(last or first or dob))


def _patient_form(request: Request, values: dict[str, Any], errors: list[str], patient: Any) -> Response:
    return APP.render(
        request,
        "clinic/patient_form.html",
        status_code=400 if errors else 200,
        v=values,
        errors=errors,
        patient=patient,
        sexes=SEXES,
        insurers=INSURERS,
        today=TODAY.isoformat(),
    )


async def patient_form(request: Request) -> Response:
    conn = APP.db(request)
    patient = None
    if "patient_id" in request.path_params:
        patient = _patient(conn, request)
        if patient is None:
            return not_found(APP, request, "That patient")
    if request.method == "GET":
        return _patient_form(request, patient or {}, [], patient)
    values, errors = forms.patient_values(conn, await request.form(), patient["id"] if patient else None)
    if errors:
        return _patient_form(request, values, errors, patient)
    if patient:
        conn.execute(
            "UPDATE patients SET first_name=?, last_name=?, dob=?, sex=?, phone=?, insurer=?, member_id=? WHERE id=?",
            (*values.values(), patient["id"]),
        )
        new_id = patient["id"]
    else:
        next_mrn = 100200 + 7 * (1 + (conn.execute("SELECT max(id) FROM patients").fetchone()[0] or 0))
        new_id = conn.execute(
            "INSERT INTO patients (first_name, last_name, dob, sex, phone, insurer, member_id, mrn) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (*values.values(), f"MRN-{next_mrn}"),
        ).lastrowid
    conn.commit()
    return _redirect(f"/patients/{new_id}", "Patient saved" if patient else "Patient registered")


async def patient_record(request: Request) -> Response:
    conn = APP.db(request)
    patient = _patient(conn, request)
    if patient is None:
        return not_found(APP, request, "That patient")
    pid = patient["id"]
    related: dict[str, Any] = {
        "appointments": rows(conn, "SELECT * FROM appointments WHERE patient_id=? ORDER BY date, time", (pid,)),
        "vitals": rows(conn, "SELECT * FROM vitals WHERE patient_id=? ORDER BY id DESC LIMIT 10", (pid,)),
        "referrals": rows(conn, "SELECT * FROM referrals WHERE patient_id=? ORDER BY id", (pid,)),
        "allergies": rows(conn, "SELECT * FROM allergies WHERE patient_id=? ORDER BY id", (pid,)),
    }
    error = request.query_params.get("error")
    return APP.render(
        request, "clinic/patient.html", p=patient, severities=SEVERITIES, errors=[error] if error else [], **related
    )


async def vitals_form(request: Request) -> Response:
    conn = APP.db(request)
    patient = _patient(conn, request)
    if patient is None:
        return not_found(APP, request, "That patient")
    if request.method == "GET":
        return APP.render(request, "clinic/vitals_form.html", p=patient, v={})
    values, errors = forms.vitals_values(await request.form())
    if errors:
        return APP.render(request, "clinic/vitals_form.html", status_code=400, p=patient, v=values, errors=errors)
    conn.execute(
        "INSERT INTO vitals (patient_id, taken_on, systolic, diastolic, pulse, temperature, weight) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (patient["id"], TODAY.isoformat(), *values.values()),
    )
    conn.commit()
    return _redirect(f"/patients/{patient['id']}", "Vitals recorded")


async def referral_form(request: Request) -> Response:
    conn = APP.db(request)
    patient = _patient(conn, request)
    if patient is None:
        return not_found(APP, request, "That patient")
    context: dict[str, Any] = {"p": patient, "departments": DEPARTMENTS, "urgencies": URGENCIES}
    if request.method == "GET":
        return APP.render(request, "clinic/referral_form.html", v={"urgency": "Routine"}, **context)
    values, errors = forms.referral_values(await request.form())
    if errors:
        return APP.render(request, "clinic/referral_form.html", status_code=400, v=values, errors=errors, **context)
    conn.execute(
        "INSERT INTO referrals (patient_id, department, urgency, reason, preauthorized) VALUES (?, ?, ?, ?, ?)",
        (patient["id"], *values.values()),
    )
    conn.commit()
    return _redirect(f"/patients/{patient['id']}", "Referral sent")


async def appointment_form(request: Request) -> Response:
    conn = APP.db(request)
    patient = _patient(conn, request)
    if patient is None:
        return not_found(APP, request, "That patient")
    errors: list[str] = []
    if request.method == "POST":
        values, errors = forms.appointment_values(conn, await request.form())
        if not errors:
            conn.execute(
                "INSERT INTO appointments (patient_id, date, time, clinician, reason) VALUES (?, ?, ?, ?, ?)",
                (patient["id"], *values.values()),
            )
            conn.commit()
            return _redirect(f"/patients/{patient['id']}", f"Appointment booked for {values['date']} {values['time']}")
    else:
        values = {"date": request.query_params.get("date", "").strip(), "time": "", "clinician": "", "reason": ""}
        if values["date"]:
            forms.parse_date(values["date"], "Date", errors)
    taken = forms.taken_slots(conn, values["date"]) if values["date"] and not errors[:1] else set()
    days = clinic_days()
    return APP.render(
        request,
        "clinic/appointment_form.html",
        status_code=400 if errors else 200,
        p=patient,
        v=values,
        errors=errors,
        slots=SLOTS,
        taken=taken,
        clinicians=CLINICIANS,
        first_day=days[0].isoformat(),
        last_day=days[-1].isoformat(),
    )


async def appointment_cancel(request: Request) -> Response:
    conn = APP.db(request)
    patient = _patient(conn, request)
    appointment_id = int_param(request.path_params["appointment_id"])
    if patient is None or appointment_id is None:
        return not_found(APP, request, "That appointment")
    cur = conn.execute(
        "UPDATE appointments SET status='Cancelled' WHERE id=? AND patient_id=? AND status='Scheduled'",
        (appointment_id, patient["id"]),
    )
    conn.commit()
    if cur.rowcount == 0:
        return RedirectResponse(APP.url(f"/patients/{patient['id']}?error=No+such+scheduled+appointment."), 303)
    return _redirect(f"/patients/{patient['id']}", "Appointment cancelled")


async def allergy_add(request: Request) -> Response:
    conn = APP.db(request)
    patient = _patient(conn, request)
    if patient is None:
        return not_found(APP, request, "That patient")
    values, errors = forms.allergy_values(await request.form())
    if errors:
        error = quote_plus(" ".join(errors))
        return RedirectResponse(APP.url(f"/patients/{patient['id']}?error={error}"), status_code=303)
    conn.execute(
        "INSERT INTO allergies (patient_id, substance, reaction, severity) VALUES (?, ?, ?, ?)",
        (patient["id"], *values.values()),
    )
    conn.commit()
    return _redirect(f"/patients/{patient['id']}", "Allergy added")


async def eligibility_widget(request: Request) -> Response:
    """The insurer's eligibility checker, embedded in the patient record as an iframe."""
    conn = APP.db(request)
    patient = _patient(conn, request)
    if patient is None:
        return not_found(APP, request, "That patient")
    if request.method == "POST" and patient["insurer"] != "Self-pay":
        patient["eligibility"] = f"Eligible ({patient['insurer']} {patient['member_id']}) on {TODAY.isoformat()}"
        conn.execute("UPDATE patients SET eligibility=? WHERE id=?", (patient["eligibility"], patient["id"]))
        conn.commit()
    return APP.render(request, "clinic/eligibility.html", p=patient)


def _guarded(path: str, handler: Any, methods: list[str] | None = None) -> Route:
    return Route(path, login_required(APP, handler), methods=methods or ["GET"])


def clinic_mount() -> Mount:
    both = ["GET", "POST"]
    routes = [
        *admin_routes(APP),
        *auth_routes(APP, "/patients"),
        _guarded("/", home),
        _guarded("/patients", patient_search),
        _guarded("/patients/new", patient_form, both),
        _guarded("/patients/{patient_id}", patient_record),
        _guarded("/patients/{patient_id}/edit", patient_form, both),
        _guarded("/patients/{patient_id}/vitals/new", vitals_form, both),
        _guarded("/patients/{patient_id}/referrals/new", referral_form, both),
        _guarded("/patients/{patient_id}/appointments/new", appointment_form, both),
        _guarded("/patients/{patient_id}/appointments/{appointment_id}/cancel", appointment_cancel, ["POST"]),
        _guarded("/patients/{patient_id}/allergies", allergy_add, ["POST"]),
        _guarded("/widgets/eligibility/{patient_id}", eligibility_widget, both),
    ]
    return Mount("/clinic", routes=routes)
