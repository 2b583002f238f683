"""Twelve things a shop's staff and customers do in django-oscar, each with a checker that reads the shop's DB.

Dev (studied): advance an order, category, restock, partner, customer address, approve a review.
Holdout (only run): order note, voucher, deactivate a customer, reprice, create a product, customer review.
"""

from __future__ import annotations

import random
import sqlite3

from realapps.checks import first, pick_date, rows, same_text
from realapps.oscar_shop import effects
from realapps.oscar_shop.data import (
    CATEGORIES,
    COUNTRIES,
    CUSTOMERS,
    ORDERS,
    PRODUCT_CLASSES,
    PRODUCTS,
    REVIEWS,
    STAFF,
    VOUCHER_OFFERS,
)
from realapps.spec import Params, RealWorkflow

APP = "oscar_shop"
DASHBOARD = "/dashboard/"
NEXT_STATUS = {"Pending": "Being processed", "Being processed": "Shipped", "Shipped": "Delivered"}
PENDING_REVIEWS = [r[3] for r in REVIEWS if not r[5]]
STREETS = ["4 Harbour Lane", "27 Mill Road", "9 Rosemary Court", "151 Kings Avenue", "3 Orchard Row"]
CITIES = [
    ("Bristol", "BS1 4DJ", "United Kingdom"),
    ("Utrecht", "3511 LX", "Netherlands"),
    ("Uppsala", "753 20", "Sweden"),
]
CITIES += [("Lyon", "69002", "France"), ("Cork", "T12 X70A", "Ireland"), ("Leipzig", "04109", "Germany")]


def _order(db: sqlite3.Connection, number: str) -> dict:  # type: ignore[type-arg]
    found = first(db, "SELECT * FROM order_order WHERE number = ?", number)
    assert found is not None, f"seeded order {number} is missing"
    return found


def _product(db: sqlite3.Connection, title: str) -> dict | None:  # type: ignore[type-arg]
    return first(db, "SELECT * FROM catalogue_product WHERE lower(trim(title)) = lower(trim(?))", title)


def _stock(db: sqlite3.Connection, title: str) -> dict:  # type: ignore[type-arg]
    found = first(
        db,
        "SELECT s.* FROM partner_stockrecord s JOIN catalogue_product p ON p.id = s.product_id WHERE p.title = ?",
        title,
    )
    assert found is not None, f"seeded stock of {title!r} is missing"
    return found


def _user(db: sqlite3.Connection, email: str) -> dict:  # type: ignore[type-arg]
    found = first(db, "SELECT * FROM auth_user WHERE email = ?", email)
    assert found is not None, f"seeded user {email} is missing"
    return found


# -- dev ---------------------------------------------------------------------------------------------------------
def status_params(rng: random.Random) -> Params:
    number, _, _, status = rng.choice([o for o in ORDERS if o[3] in NEXT_STATUS])
    return {"number": number, "status": NEXT_STATUS[status]}


def check_status(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    order = _order(db, p["number"])
    if order["status"] != p["status"]:
        return False, f"order {p['number']} is {order['status']!r}, not {p['status']!r}"
    moved = [n for n, _, _, s in ORDERS if n != p["number"] and _order(db, n)["status"] != s]
    return (False, f"other orders changed too: {moved}") if moved else (True, "order status changed")


def category_params(rng: random.Random) -> Params:
    parent = rng.choice(list(CATEGORIES))
    name = rng.choice(["Poetry", "Travel", "Graphic novels", "Sketchbooks", "Wrapping paper", "Art supplies", "Maps"])
    return {"name": name, "parent": parent}


def check_category(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    parent = first(db, "SELECT * FROM catalogue_category WHERE name = ? AND depth = 1", p["parent"])
    assert parent is not None, "the seeded parent category is missing"
    made = [r for r in rows(db, "SELECT * FROM catalogue_category") if same_text(r["name"], p["name"])]
    if not made:
        return False, f"no category named {p['name']!r}"
    inside = [r for r in made if r["path"].startswith(parent["path"]) and r["depth"] == 2]
    return (True, "category created") if inside else (False, f"{p['name']!r} is not directly under {p['parent']!r}")


def restock_params(rng: random.Random) -> Params:
    return {
        "product": rng.choice([t for t, _, kind, *_ in PRODUCTS if kind != "Gift card"]),
        "n": str(rng.randint(50, 140)),
    }


def check_restock(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    stock = _stock(db, p["product"])
    if stock["num_in_stock"] != int(p["n"]):
        return False, f"{p['product']!r} has {stock['num_in_stock']} in stock, not {p['n']}"
    return True, "stock level set"


def partner_params(rng: random.Random) -> Params:
    return {"name": rng.choice(["Baltic Paper Mills", "Harbour Print Co.", "Fenwick & Daughters", "Alpine Pens GmbH"])}


def check_partner(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    names = [r["name"] for r in rows(db, "SELECT name FROM partner_partner")]
    return (True, "partner added") if any(same_text(n, p["name"]) for n in names) else (False, f"partners: {names}")


def address_params(rng: random.Random) -> Params:
    customer = rng.choice(CUSTOMERS)
    city, postcode, country = rng.choice(CITIES)
    return {
        "email": customer.email,
        "password": customer.password,
        "first": customer.first,
        "last": customer.last,
        "line1": rng.choice(STREETS),
        "city": city,
        "postcode": postcode,
        "country": country,
    }


def check_address(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    user = _user(db, p["email"])
    saved = rows(db, "SELECT * FROM address_useraddress WHERE user_id = ?", user["id"])
    if not saved:
        return False, f"{p['email']} has no saved address"
    code = next(c for c, name in COUNTRIES if name == p["country"])
    for address in saved:
        fields = {"line1": "line1", "line4": "city", "postcode": "postcode", "first_name": "first", "last_name": "last"}
        wrong = [f for f, key in fields.items() if not same_text(address[f], p[key])]
        if not wrong and address["country_id"] == code:
            return True, "address saved"
    return (
        False,
        f"the saved address differs: {[(a['line1'], a['line4'], a['postcode'], a['country_id']) for a in saved]}",
    )


def review_params(rng: random.Random) -> Params:
    return {"title": rng.choice(PENDING_REVIEWS)}


def check_review_approved(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    review = first(db, "SELECT * FROM reviews_productreview WHERE title = ?", p["title"])
    if review is None:
        return False, f"the review {p['title']!r} is gone"
    if review["status"] != 1:
        return False, f"the review {p['title']!r} has status {review['status']}, not approved (1)"
    others = [r["title"] for r in rows(db, "SELECT title FROM reviews_productreview WHERE status = 1")]
    extra = [t for t in others if t in PENDING_REVIEWS and t != p["title"]]
    return (False, f"other reviews approved too: {extra}") if extra else (True, "review approved")


# -- holdout -----------------------------------------------------------------------------------------------------
def note_params(rng: random.Random) -> Params:
    note = rng.choice(
        ["Customer asked for gift wrapping", "Leave the parcel with the neighbour", "Call before delivery"]
    )
    return {"number": rng.choice(ORDERS)[0], "note": note}


def check_note(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    order = _order(db, p["number"])
    notes = [r["message"] for r in rows(db, "SELECT message FROM order_ordernote WHERE order_id = ?", order["id"])]
    if any(same_text(n, p["note"]) for n in notes):
        return True, "note added"
    return False, f"order {p['number']} notes: {notes}"


def voucher_params(rng: random.Random) -> Params:
    start = pick_date(rng)
    end = f"{int(start[:4]) + 1}{start[4:]}"
    code = f"{rng.choice(['SPRING', 'READ', 'WELCOME', 'INK'])}{rng.randint(10, 99)}"
    return {
        "name": f"{code.title()} campaign",
        "code": code,
        "offer": rng.choice(VOUCHER_OFFERS)[0],
        "start": start,
        "end": end,
    }


def check_voucher(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    voucher = first(db, "SELECT * FROM voucher_voucher WHERE upper(code) = upper(?)", p["code"])
    if voucher is None:
        return False, f"no voucher with code {p['code']}"
    if not same_text(voucher["name"], p["name"]):
        return False, f"the voucher is named {voucher['name']!r}"
    if (str(voucher["start_datetime"])[:10], str(voucher["end_datetime"])[:10]) != (p["start"], p["end"]):
        return False, f"valid {str(voucher['start_datetime'])[:10]}..{str(voucher['end_datetime'])[:10]}"
    offers = rows(db, _VOUCHER_OFFERS_SQL, voucher["id"])
    names = [o["name"] for o in offers]
    return (True, "voucher created") if names == [p["offer"]] else (False, f"the voucher applies offers {names}")


_VOUCHER_OFFERS_SQL = (
    "SELECT o.name FROM offer_conditionaloffer o JOIN voucher_voucher_offers vo ON vo.conditionaloffer_id = o.id "
    "WHERE vo.voucher_id = ?"
)


def deactivate_params(rng: random.Random) -> Params:
    customer = rng.choice(CUSTOMERS)
    return {"first": customer.first, "last": customer.last, "email": customer.email}


def check_deactivated(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    if _user(db, p["email"])["is_active"]:
        return False, f"{p['email']} is still active"
    others = [a.email for a in CUSTOMERS + STAFF if a.email != p["email"] and not _user(db, a.email)["is_active"]]
    return (False, f"others deactivated too: {others}") if others else (True, "customer deactivated")


def price_params(rng: random.Random) -> Params:
    return {"product": rng.choice(PRODUCTS)[0], "price": f"{rng.randint(5, 40)}.{rng.choice(['00', '49', '95', '99'])}"}


def check_price(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    stock = _stock(db, p["product"])
    if stock["price"] is None or round(float(stock["price"]), 2) != round(float(p["price"]), 2):
        return False, f"{p['product']!r} costs {stock['price']}, not {p['price']}"
    return True, "price changed"


def product_params(rng: random.Random) -> Params:
    kind = rng.choice([c for c, _ in PRODUCT_CLASSES if c != "Gift card"])
    options = {"Book": (["The Salt Road", "Winter Lanterns", "A Year of Soups"], ["Fiction", "Non-fiction"])}
    options["Stationery"] = (
        ["Kraft Envelope Pack", "Graphite Pencil Tin", "Weekly Planner 2027"],
        ["Notebooks", "Pens"],
    )
    titles, categories = options[kind]
    return {
        "kind": kind,
        "title": rng.choice(titles),
        "upc": str(rng.randint(10**11, 10**12 - 1)),
        "category": rng.choice(categories),
    }


def check_product(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    product = _product(db, p["title"])
    if product is None:
        return False, f"no product titled {p['title']!r}"
    if str(product["upc"] or "").strip() != p["upc"]:
        return False, f"the product's UPC is {product['upc']!r}, not {p['upc']}"
    kind = first(db, "SELECT name FROM catalogue_productclass WHERE id = ?", product["product_class_id"])
    if kind is None or kind["name"] != p["kind"]:
        return False, f"the product type is {kind['name'] if kind else None!r}, not {p['kind']!r}"
    cats = rows(db, _CATEGORY_SQL, product["id"])
    names = [c["name"] for c in cats]
    return (True, "product created") if p["category"] in names else (False, f"the product is in {names}")


_CATEGORY_SQL = (
    "SELECT c.name FROM catalogue_category c JOIN catalogue_productcategory pc ON pc.category_id = c.id "
    "WHERE pc.product_id = ?"
)


def write_review_params(rng: random.Random) -> Params:
    customer = rng.choice(CUSTOMERS)
    reviewed = {r[0] for r in REVIEWS if r[1] == customer.username}
    product = rng.choice([t for t, *_ in PRODUCTS if t not in reviewed and not t.startswith("Gift")])
    title = rng.choice(["Worth every cent", "A lovely gift", "Not what I expected", "Solid and well made"])
    body = rng.choice(["Arrived quickly and well packed.", "I would buy it again.", "Good, but a bit pricey."])
    return {
        "email": customer.email,
        "password": customer.password,
        "product": product,
        "score": str(rng.randint(2, 5)),
        "title": title,
        "body": body,
    }


def check_written_review(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    user, product = _user(db, p["email"]), _product(db, p["product"])
    assert product is not None
    found = rows(
        db, "SELECT * FROM reviews_productreview WHERE user_id = ? AND product_id = ?", user["id"], product["id"]
    )
    if not found:
        return False, f"{p['email']} has no review of {p['product']!r}"
    review = found[-1]
    if review["score"] != int(p["score"]):
        return False, f"the review gives {review['score']} stars, not {p['score']}"
    if not same_text(review["title"], p["title"]) or not same_text(review["body"], p["body"]):
        return False, f"the review reads {review['title']!r}: {review['body']!r}"
    return True, "review written"


def _wf(id: str, split: str, text: str, params, check, user: str | None = STAFF[0].username, start: str = DASHBOARD):  # type: ignore[no-untyped-def]
    return RealWorkflow(
        id=id,
        app=APP,
        split=split,  # type: ignore[arg-type]
        description=text,
        start_path=start,
        make_params=params,
        check=check,
        effect=getattr(effects, id.replace("-", "_")),
        near_miss=getattr(effects, id.replace("-", "_") + "_near"),
        user=user,
    )


LOGIN = "/accounts/login/"
WORKFLOWS = [
    _wf("shop-advance-order", "dev", "Change the status of order {number} to '{status}'.", status_params, check_status),
    _wf(
        "shop-create-category",
        "dev",
        "Create a catalogue category '{name}' directly under the '{parent}' category.",
        category_params,
        check_category,
    ),
    _wf("shop-restock-product", "dev", "Set the number in stock of '{product}' to {n}.", restock_params, check_restock),
    _wf("shop-add-partner", "dev", "Add a new fulfilment partner called '{name}'.", partner_params, check_partner),
    _wf(
        "shop-customer-address",
        "dev",
        "Sign in to the shop as {email} with the password {{{{password}}}} and save a new address in your "
        "address book: {first} {last}, {line1}, {city}, postcode {postcode}, {country}.",
        address_params,
        check_address,
        user=None,
        start=LOGIN,
    ),
    _wf(
        "shop-approve-review",
        "dev",
        "Approve the customer review titled '{title}' so that it is published.",
        review_params,
        check_review_approved,
    ),
    _wf("shop-order-note", "holdout", "Add the note '{note}' to order {number}.", note_params, check_note),
    _wf(
        "shop-create-voucher",
        "holdout",
        "Create a voucher named '{name}' with the code {code} for the offer '{offer}', valid from {start} to {end}.",
        voucher_params,
        check_voucher,
    ),
    _wf(
        "shop-deactivate-customer",
        "holdout",
        "Deactivate the customer account of {first} {last} ({email}).",
        deactivate_params,
        check_deactivated,
    ),
    _wf(
        "shop-reprice-product", "holdout", "Change the price of '{product}' to {price} EUR.", price_params, check_price
    ),
    _wf(
        "shop-create-product",
        "holdout",
        "Create a new {kind} product titled '{title}' with the UPC {upc} in the '{category}' category.",
        product_params,
        check_product,
    ),
    _wf(
        "shop-write-review",
        "holdout",
        "Sign in to the shop as {email} with the password {{{{password}}}} and review '{product}': "
        "{score} stars, titled '{title}', saying '{body}'.",
        write_review_params,
        check_written_review,
        user=None,
        start=LOGIN,
    ),
]
