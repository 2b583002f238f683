"""The Wagtail site's settings (what `wagtail start` generates, trimmed to what a local benchmark needs)."""

from pathlib import Path

from realapps.settings_base import *  # noqa: F403
from realapps.settings_base import CONTEXT_PROCESSORS, MIDDLEWARE_BASE

INSTALLED_APPS = [
    "realapps.wagtail_cms.news",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [*MIDDLEWARE_BASE, "wagtail.contrib.redirects.middleware.RedirectMiddleware"]
ROOT_URLCONF = "realapps.wagtail_cms.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": CONTEXT_PROCESSORS},
    }
]
WAGTAIL_SITE_NAME = "Northwind News"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_BASE_URL = "http://localhost"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
