"""Seed the migrated Oscar DB: staff and customers, catalogue and stock, orders, reviews, countries, ranges."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from realapps.oscar_shop.data import (
    CATEGORIES,
    COUNTRIES,
    CUSTOMERS,
    ORDERS,
    PARTNERS,
    PRODUCT_CLASSES,
    PRODUCTS,
    RANGES,
    REVIEWS,
    STAFF,
    VOUCHER_OFFERS,
)
from realapps.sessions import make_sessions


def seed() -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.contrib.sites.models import Site

    Site.objects.filter(pk=1).update(domain="127.0.0.1", name="Lindenleaf")
    users = {}
    for account in STAFF + CUSTOMERS:
        user = User.objects.create_user(
            account.username, account.email, account.password, first_name=account.first, last_name=account.last
        )
        if account.staff:
            user.is_staff = user.is_superuser = True
            user.save()
        users[account.username] = user
    products = _catalogue()
    _orders(users, products)
    _reviews(users, products)
    staff = [users[a.username] for a in STAFF]
    return {"sessions": make_sessions(staff), "session_cookie": "sessionid"}


def _catalogue() -> dict[str, Any]:
    from oscar.apps.address.models import Country
    from oscar.apps.catalogue.categories import create_from_breadcrumbs
    from oscar.apps.catalogue.models import Product, ProductCategory, ProductClass
    from oscar.apps.offer.models import Range
    from oscar.apps.partner.models import Partner, StockRecord

    for code, name in COUNTRIES:
        Country.objects.create(iso_3166_1_a2=code, name=name, printable_name=name, is_shipping_country=True)
    classes = {
        name: ProductClass.objects.create(name=name, requires_shipping=ship, track_stock=True)
        for name, ship in PRODUCT_CLASSES
    }
    categories = {}
    for parent, children in CATEGORIES.items():
        categories[parent] = create_from_breadcrumbs(parent)
        for child in children:
            categories[child] = create_from_breadcrumbs(f"{parent} > {child}")
    partners = [Partner.objects.create(name=name) for name in PARTNERS]
    products = {}
    for i, (title, upc, kind, category, price, stock) in enumerate(PRODUCTS):
        product = Product.objects.create(
            title=title, upc=upc, product_class=classes[kind], structure="standalone", description=f"<p>{title}.</p>"
        )
        ProductCategory.objects.create(product=product, category=categories[category])
        StockRecord.objects.create(
            product=product,
            partner=partners[i % 2 if kind == "Book" else 0],
            partner_sku=f"SKU-{upc[-6:]}",
            price=Decimal(price),
            price_currency="EUR",
            num_in_stock=stock,
        )
        products[title] = product
    ranges = {name: Range.objects.create(name=name, includes_all_products=name == "All books") for name in RANGES}
    _voucher_offers(ranges)
    return products


def _voucher_offers(ranges: dict[str, Any]) -> None:
    from oscar.apps.offer.models import Benefit, Condition, ConditionalOffer

    for name, range_name, kind, value in VOUCHER_OFFERS:
        offered = ranges[range_name]
        ConditionalOffer.objects.create(
            name=name,
            offer_type=ConditionalOffer.VOUCHER,
            condition=Condition.objects.create(range=offered, type=Condition.COUNT, value=1),
            benefit=Benefit.objects.create(range=offered, type=kind, value=Decimal(value)),
        )


def _orders(users: dict[str, Any], products: dict[str, Any]) -> None:
    from oscar.apps.address.models import Country
    from oscar.apps.basket.models import Basket
    from oscar.apps.order.models import ShippingAddress
    from oscar.apps.partner.strategy import Default
    from oscar.test.factories import create_order

    country = Country.objects.get(iso_3166_1_a2="GB")
    for number, username, titles, status in ORDERS:
        user = users[username]
        basket = Basket.objects.create(owner=user)
        basket.strategy = Default()
        for title in titles:
            basket.add_product(products[title])
        address = ShippingAddress.objects.create(
            first_name=user.first_name,
            last_name=user.last_name,
            line1="12 Elm Street",
            line4="London",
            postcode="N1 7GU",
            country=country,
        )
        order = create_order(number=number, basket=basket, user=user, shipping_address=address)
        order.status = status
        order.save()


def _reviews(users: dict[str, Any], products: dict[str, Any]) -> None:
    from oscar.apps.catalogue.reviews.models import ProductReview

    for title, username, score, heading, body, approved in REVIEWS:
        user = users[username]
        ProductReview.objects.create(
            product=products[title],
            user=user,
            score=score,
            title=heading,
            body=body,
            name=user.get_full_name(),
            status=ProductReview.APPROVED if approved else ProductReview.FOR_MODERATION,
        )
