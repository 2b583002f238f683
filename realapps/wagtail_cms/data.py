"""The Wagtail site's seed data as plain values (the seeder writes it, workflows draw their parameters from it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    username: str
    first: str
    last: str
    email: str
    password: str
    group: str  # Editors | Moderators | "" ; the admin is a superuser


PEOPLE = [
    Person("ava.admin", "Ava", "Lindqvist", "ava.lindqvist@northwind.example", "Fjord-Lantern-82", ""),
    Person("ed.morris", "Ed", "Morris", "ed.morris@northwind.example", "Copper-Heron-17", "Editors"),
    Person("lena.park", "Lena", "Park", "lena.park@northwind.example", "Maple-Quartz-44", "Editors"),
    Person("ravi.shah", "Ravi", "Shah", "ravi.shah@northwind.example", "Saffron-Kite-93", "Editors"),
    Person("julia.weber", "Julia", "Weber", "julia.weber@northwind.example", "Glacier-Pine-28", "Editors"),
    Person("mo.khan", "Mo", "Khan", "mo.khan@northwind.example", "Cedar-Orbit-61", "Moderators"),
    Person("sam.ortiz", "Sam", "Ortiz", "sam.ortiz@northwind.example", "Harbor-Mint-35", "Moderators"),
    Person("tom.becker", "Tom", "Becker", "tom.becker@northwind.example", "Amber-Falcon-70", ""),
]
ADMIN = PEOPLE[0]
EDITORS = [p for p in PEOPLE if p.group == "Editors"]
MODERATORS = [p for p in PEOPLE if p.group == "Moderators"]

# (title, date, intro, published); the last two are drafts submitted to moderation by an editor
ARTICLES = [
    ("Northwind opens a new office in Porto", "2026-03-02", "Forty new roles in engineering and support.", True),
    ("Quarterly results beat expectations", "2026-04-15", "Revenue grew 12% year on year.", True),
    ("Meet the 2026 summer interns", "2026-06-10", "Twelve students join five teams.", True),
    ("Our new recycling programme", "2026-05-21", "Every office now sorts five waste streams.", True),
    ("Customer conference dates announced", "2026-02-11", "Two days of talks in Rotterdam.", True),
    ("Support hours extended to weekends", "2026-01-19", "Live chat now runs seven days a week.", True),
    ("Volunteer day raises funds for libraries", "2026-07-08", "Staff packed 3,000 book parcels.", True),
    ("Partnership with Aurora Logistics", "2026-08-27", "Faster delivery across the Nordics.", True),
    ("Product roadmap for the autumn", "2026-09-03", "Three features our customers asked for.", False),
    ("Security audit completed", "2026-09-14", "An external audit found no critical issues.", False),
    ("New accessibility guidelines", "2026-10-01", "All pages now meet WCAG 2.2 AA.", "moderation"),
    ("Office move in Berlin", "2026-10-09", "The Berlin team moves to Kreuzberg in November.", "moderation"),
]
NEWS_INDEX_TITLE = "News"
COLLECTIONS = ["Marketing", "Press kit", "Events", "Product photos"]
REDIRECTS = [("/old-news", "/news/"), ("/careers-2025", "https://jobs.northwind.example/")]
