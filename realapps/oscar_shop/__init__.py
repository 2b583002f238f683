"""A django-oscar shop: the staff dashboard at /dashboard/ and the storefront, with products, orders and reviews."""
