"""The shop's seed data as plain values (the seeder writes it, workflows draw their parameters from it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Account:
    username: str
    first: str
    last: str
    email: str
    password: str
    staff: bool = False


STAFF = [
    Account("olga.manager", "Olga", "Brandt", "olga.brandt@lindenleaf.example", "Linden-Canvas-58", staff=True),
    Account("pete.clerk", "Pete", "Novak", "pete.novak@lindenleaf.example", "Walnut-Signal-24", staff=True),
]
CUSTOMERS = [
    Account("hannah.wright", "Hannah", "Wright", "hannah.wright@mail.example", "Velvet-Comet-31"),
    Account("omar.haddad", "Omar", "Haddad", "omar.haddad@mail.example", "Lotus-Bridge-86"),
    Account("grace.liu", "Grace", "Liu", "grace.liu@mail.example", "Pebble-Sonnet-47"),
    Account("felix.meyer", "Felix", "Meyer", "felix.meyer@mail.example", "Thistle-Rocket-52"),
    Account("isla.moreau", "Isla", "Moreau", "isla.moreau@mail.example", "Indigo-Meadow-19"),
    Account("noah.jansen", "Noah", "Jansen", "noah.jansen@mail.example", "Birch-Cascade-63"),
]
COUNTRIES = [
    ("GB", "United Kingdom"),
    ("DE", "Germany"),
    ("NL", "Netherlands"),
    ("SE", "Sweden"),
    ("FR", "France"),
    ("IE", "Ireland"),
]
PRODUCT_CLASSES = [("Book", True), ("Stationery", True), ("Gift card", False)]
CATEGORIES = {"Books": ["Fiction", "Non-fiction", "Children"], "Stationery": ["Notebooks", "Pens"], "Gifts": []}
PARTNERS = ["Lindenleaf Warehouse", "Nordic Book Distributors"]
# (title, upc, class, category, price, stock)
PRODUCTS = [
    ("The Lighthouse Keeper's Daughter", "9781000000011", "Book", "Fiction", "14.99", 23),
    ("Rivers of the North", "9781000000028", "Book", "Non-fiction", "22.50", 8),
    ("A Field Guide to Mosses", "9781000000035", "Book", "Non-fiction", "18.00", 12),
    ("The Midnight Orchard", "9781000000042", "Book", "Fiction", "12.99", 31),
    ("Pip and the Paper Kite", "9781000000059", "Book", "Children", "9.95", 40),
    ("Cooking with Rye", "9781000000066", "Book", "Non-fiction", "27.00", 5),
    ("Glass Harbour", "9781000000073", "Book", "Fiction", "16.50", 17),
    ("Dotted Notebook A5", "5060000000018", "Stationery", "Notebooks", "8.50", 60),
    ("Linen Journal A4", "5060000000025", "Stationery", "Notebooks", "19.00", 14),
    ("Fine Liner Set (6 colours)", "5060000000032", "Stationery", "Pens", "11.25", 45),
    ("Brass Fountain Pen", "5060000000049", "Stationery", "Pens", "34.00", 6),
    ("Gift Card 25 EUR", "GC0025", "Gift card", "Gifts", "25.00", 500),
]
# (number, customer username, product titles, status)
ORDERS = [
    ("100041", "hannah.wright", ["The Midnight Orchard", "Dotted Notebook A5"], "Pending"),
    ("100042", "omar.haddad", ["Rivers of the North"], "Pending"),
    ("100043", "grace.liu", ["Brass Fountain Pen", "Fine Liner Set (6 colours)"], "Being processed"),
    ("100044", "felix.meyer", ["Cooking with Rye"], "Being processed"),
    ("100045", "isla.moreau", ["Pip and the Paper Kite", "Glass Harbour"], "Pending"),
    ("100046", "noah.jansen", ["Linen Journal A4"], "Shipped"),
    ("100047", "hannah.wright", ["A Field Guide to Mosses"], "Being processed"),
    ("100048", "grace.liu", ["The Lighthouse Keeper's Daughter"], "Pending"),
]
# (product title, customer username, score, title, body, approved)
REVIEWS = [
    ("The Midnight Orchard", "hannah.wright", 5, "Could not put it down", "Beautiful prose and a great ending.", False),
    ("Rivers of the North", "omar.haddad", 4, "Lovely photographs", "Informative, a little heavy to carry.", False),
    ("Brass Fountain Pen", "grace.liu", 2, "Leaks in my bag", "Nice nib but the cap does not seal.", False),
    ("Dotted Notebook A5", "felix.meyer", 5, "Best notebook I own", "Paper takes ink without bleeding.", False),
    ("Glass Harbour", "isla.moreau", 3, "Slow middle part", "Good start and end, the middle drags.", False),
    ("Pip and the Paper Kite", "noah.jansen", 5, "My kids love it", "We read it every night.", True),
    ("Cooking with Rye", "grace.liu", 4, "Great bread recipes", "The sourdough chapter is excellent.", True),
]
RANGES = ["All books", "Stationery"]
# voucher-type offers a new voucher can apply: (name, range, benefit type, value)
VOUCHER_OFFERS = [
    ("Ten percent off books", "All books", "Percentage", 10),
    ("Five euros off stationery", "Stationery", "Absolute", 5),
]
