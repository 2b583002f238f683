"""Deterministic seed data for the Clinic intake app (patients, appointments, vitals, referrals, allergies)."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, timedelta
from typing import Any

from demos.common import insert_rows

USERS = {"nurse.kim": "Nurse Kim Alvarez", "dr.osei": "Dr. Amara Osei", "front.desk": "Front Desk"}
CLINICIANS = ["Dr. Amara Osei", "Dr. Felix Brandt", "Dr. Hana Sato"]
DEPARTMENTS = ["Cardiology", "Dermatology", "Neurology", "Orthopedics", "Physical Therapy"]
URGENCIES = ["Routine", "Urgent", "Emergency"]
INSURERS = ["BlueRiver Health", "Meridian Care", "Northstar Mutual", "Self-pay"]
SEXES = ["Female", "Male", "Other"]
SEVERITIES = ["Mild", "Moderate", "Severe"]
TODAY = date(2026, 11, 2)  # the clinic's fixed "today", so date checks are deterministic
SLOTS = [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)]
FIRST = [
    "Maria",
    "James",
    "Aisha",
    "Chen",
    "Olivia",
    "Noah",
    "Fatima",
    "Lucas",
    "Sofia",
    "Ethan",
    "Yuki",
    "Omar",
    "Grace",
    "Mateo",
    "Leila",
    "Daniel",
    "Ingrid",
    "Kofi",
    "Nina",
    "Pavel",
]
LAST = [
    "Johnson",
    "Nguyen",
    "Okoye",
    "Schmidt",
    "Haddad",
    "Kim",
    "Rivera",
    "Lindqvist",
    "Mensah",
    "Kaur",
    "Novak",
    "Brennan",
    "Tanaka",
    "Abara",
    "Moreno",
    "Walsh",
]
SUBSTANCES = ["Penicillin", "Peanuts", "Latex", "Shellfish", "Ibuprofen", "Sulfa drugs"]
REASONS = ["Annual check-up", "Follow-up visit", "Persistent cough", "Knee pain", "Blood pressure review"]

SCHEMA = """
CREATE TABLE patients (id INTEGER PRIMARY KEY, mrn TEXT NOT NULL UNIQUE, first_name TEXT NOT NULL,
  last_name TEXT NOT NULL, dob TEXT NOT NULL, sex TEXT NOT NULL, phone TEXT NOT NULL, insurer TEXT NOT NULL,
  member_id TEXT NOT NULL DEFAULT '', eligibility TEXT NOT NULL DEFAULT '');
CREATE TABLE appointments (id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL REFERENCES patients(id),
  date TEXT NOT NULL, time TEXT NOT NULL, clinician TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'Scheduled');
CREATE TABLE vitals (id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL REFERENCES patients(id),
  taken_on TEXT NOT NULL, systolic INTEGER, diastolic INTEGER, pulse INTEGER, temperature REAL, weight REAL);
CREATE TABLE referrals (id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL REFERENCES patients(id),
  department TEXT NOT NULL, urgency TEXT NOT NULL, reason TEXT NOT NULL, preauthorized INTEGER NOT NULL);
CREATE TABLE allergies (id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL REFERENCES patients(id),
  substance TEXT NOT NULL, reaction TEXT NOT NULL, severity TEXT NOT NULL);
"""


def clinic_days(start: date = TODAY, count: int = 15) -> list[date]:
    """The next `count` weekdays after `start` (the bookable days)."""
    days: list[date] = []
    day = start
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def clinic_data(seed: int) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(f"clinic-{seed}")
    patients: list[dict[str, Any]] = []
    names: list[tuple[str, str]] = []
    while len(names) < 32:
        pair = (rng.choice(FIRST), rng.choice(LAST))
        if pair not in names:
            names.append(pair)
    names += [names[i] for i in rng.sample(range(32), 4)]  # namesakes: only the date of birth tells them apart
    for i, (first, last) in enumerate(names, start=1):
        dob = date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 64))
        insurer = rng.choice(INSURERS)
        patients.append(
            {
                "id": i,
                "mrn": f"MRN-{100200 + i * 7}",
                "first_name": first,
                "last_name": last,
                "dob": dob.isoformat(),
                "sex": rng.choice(SEXES[:2]),
                "phone": f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                "insurer": insurer,
                "member_id": "" if insurer == "Self-pay" else f"{insurer[:2].upper()}{rng.randint(10**6, 10**7)}",
                "eligibility": "",
            }
        )
    appointments: list[dict[str, Any]] = []
    taken: set[tuple[str, str]] = set()
    for _ in range(40):
        when = (rng.choice(clinic_days()).isoformat(), rng.choice(SLOTS))
        if when in taken:
            continue
        taken.add(when)
        appointments.append(
            {
                "id": len(appointments) + 1,
                "patient_id": rng.choice(patients)["id"],
                "date": when[0],
                "time": when[1],
                "clinician": rng.choice(CLINICIANS),
                "reason": rng.choice(REASONS),
                "status": "Scheduled",
            }
        )
    vitals = [
        {
            "id": n + 1,
            "patient_id": rng.choice(patients)["id"],
            "taken_on": f"2026-10-{rng.randint(1, 28):02d}",
            "systolic": rng.randint(105, 150),
            "diastolic": rng.randint(65, 95),
            "pulse": rng.randint(55, 100),
            "temperature": round(rng.uniform(36.2, 37.6), 1),
            "weight": round(rng.uniform(50, 110), 1),
        }
        for n in range(20)
    ]
    allergies = [
        {
            "id": n + 1,
            "patient_id": rng.choice(patients)["id"],
            "substance": rng.choice(SUBSTANCES),
            "reaction": "Rash",
            "severity": rng.choice(SEVERITIES),
        }
        for n in range(10)
    ]
    return {
        "patients": patients,
        "appointments": appointments,
        "vitals": vitals,
        "referrals": [],
        "allergies": allergies,
    }


def seed_clinic(conn: sqlite3.Connection, seed: int) -> None:
    insert_rows(conn, clinic_data(seed))
