"""The intended change of each shop workflow, and an almost-right one, made through Oscar's own models.

Only the checker self-tests call these (inside a Django process); agents never see them.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from realapps.checks import other
from realapps.oscar_shop.data import CATEGORIES, COUNTRIES, ORDERS, PRODUCTS, VOUCHER_OFFERS
from realapps.spec import Params


def _order(number: str) -> Any:
    from oscar.apps.order.models import Order

    return Order.objects.get(number=number)


def _rng(p: Params) -> random.Random:
    return random.Random(repr(sorted(p.items())))


def shop_advance_order(p: Params) -> None:
    _order(p["number"]).set_status(p["status"])


def shop_advance_order_near(p: Params) -> None:
    wrong = other(_rng(p), [n for n, _, _, s in ORDERS if s == "Pending"], p["number"])
    _order(wrong).set_status("Being processed")  # the wrong order moved on


def _add_category(name: str, parent: str) -> None:
    from oscar.apps.catalogue.categories import create_from_breadcrumbs

    create_from_breadcrumbs(f"{parent} > {name}")


def shop_create_category(p: Params) -> None:
    _add_category(p["name"], p["parent"])


def shop_create_category_near(p: Params) -> None:
    _add_category(p["name"], other(_rng(p), list(CATEGORIES), p["parent"]))


def _stock(title: str) -> Any:
    from oscar.apps.partner.models import StockRecord

    return StockRecord.objects.get(product__title=title)


def _set_stock(title: str, **fields: Any) -> None:
    record = _stock(title)
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()


def shop_restock_product(p: Params) -> None:
    _set_stock(p["product"], num_in_stock=int(p["n"]))


def shop_restock_product_near(p: Params) -> None:
    _set_stock(p["product"], num_in_stock=_stock(p["product"]).num_in_stock + int(p["n"]))  # added, not set


def shop_add_partner(p: Params) -> None:
    from oscar.apps.partner.models import Partner

    Partner.objects.create(name=p["name"])


def shop_add_partner_near(p: Params) -> None:
    from oscar.apps.partner.models import Partner

    Partner.objects.create(name=p["name"].split()[0])  # only the first word


def _user(email: str) -> Any:
    from django.contrib.auth.models import User

    return User.objects.get(email=email)


def _save_address(p: Params, country_name: str) -> None:
    from oscar.apps.address.models import Country, UserAddress

    code = next(c for c, name in COUNTRIES if name == country_name)
    UserAddress.objects.create(
        user=_user(p["email"]),
        first_name=p["first"],
        last_name=p["last"],
        line1=p["line1"],
        line4=p["city"],
        postcode=p["postcode"],
        country=Country.objects.get(iso_3166_1_a2=code),
    )


def shop_customer_address(p: Params) -> None:
    _save_address(p, p["country"])


def shop_customer_address_near(p: Params) -> None:
    _save_address(p, other(_rng(p), [name for _, name in COUNTRIES], p["country"]))


def _set_review(title: str, status: int) -> None:
    from oscar.apps.catalogue.reviews.models import ProductReview

    ProductReview.objects.filter(title=title).update(status=status)


def shop_approve_review(p: Params) -> None:
    _set_review(p["title"], 1)


def shop_approve_review_near(p: Params) -> None:
    _set_review(p["title"], 2)  # rejected instead of approved


def shop_order_note(p: Params) -> None:
    _order(p["number"]).notes.create(message=p["note"], note_type="Info")


def shop_order_note_near(p: Params) -> None:
    wrong = other(_rng(p), [n for n, *_ in ORDERS], p["number"])
    _order(wrong).notes.create(message=p["note"], note_type="Info")


def _voucher(p: Params, offer: str) -> None:
    from oscar.apps.offer.models import ConditionalOffer
    from oscar.apps.voucher.models import Voucher

    start = dt.datetime.fromisoformat(p["start"]).replace(tzinfo=dt.UTC)
    end = dt.datetime.fromisoformat(p["end"]).replace(tzinfo=dt.UTC)
    voucher = Voucher.objects.create(name=p["name"], code=p["code"], start_datetime=start, end_datetime=end)
    voucher.offers.add(ConditionalOffer.objects.get(name=offer))


def shop_create_voucher(p: Params) -> None:
    _voucher(p, p["offer"])


def shop_create_voucher_near(p: Params) -> None:
    _voucher(p, other(_rng(p), [o[0] for o in VOUCHER_OFFERS], p["offer"]))


def _deactivate(email: str) -> None:
    user = _user(email)
    user.is_active = False
    user.save()


def shop_deactivate_customer(p: Params) -> None:
    _deactivate(p["email"])


def shop_deactivate_customer_near(p: Params) -> None:
    from django.contrib.auth.models import User

    _deactivate(User.objects.filter(is_staff=False).exclude(email=p["email"]).order_by("id").first().email)


def shop_reprice_product(p: Params) -> None:
    _set_stock(p["product"], price=Decimal(p["price"]))


def shop_reprice_product_near(p: Params) -> None:
    wrong = other(_rng(p), [t for t, *_ in PRODUCTS], p["product"])
    _set_stock(wrong, price=Decimal(p["price"]))


def _product(p: Params, category: str) -> None:
    from oscar.apps.catalogue.models import Category, Product, ProductCategory, ProductClass

    product = Product.objects.create(
        title=p["title"], upc=p["upc"], product_class=ProductClass.objects.get(name=p["kind"]), structure="standalone"
    )
    ProductCategory.objects.create(product=product, category=Category.objects.get(name=category))


def shop_create_product(p: Params) -> None:
    _product(p, p["category"])


def shop_create_product_near(p: Params) -> None:
    _product(p, other(_rng(p), [c for children in CATEGORIES.values() for c in children], p["category"]))


def _review(p: Params, score: int) -> None:
    from oscar.apps.catalogue.models import Product
    from oscar.apps.catalogue.reviews.models import ProductReview

    user = _user(p["email"])
    ProductReview.objects.create(
        product=Product.objects.get(title=p["product"]),
        user=user,
        score=score,
        title=p["title"],
        body=p["body"],
        name=user.get_full_name(),
    )


def shop_write_review(p: Params) -> None:
    _review(p, int(p["score"]))


def shop_write_review_near(p: Params) -> None:
    _review(p, 6 - int(p["score"]) if p["score"] != "3" else 4)  # the wrong number of stars
