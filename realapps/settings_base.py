"""Settings both projects share: SQLite at $REALAPPS_DB, no cache (the DB file is swapped between episodes)."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "REALAPPS_DB"
MEDIA_ENV = "REALAPPS_MEDIA"

SECRET_KEY = "realapps-local-benchmark-not-secret"  # a local, throw-away server on 127.0.0.1
DEBUG = True  # runserver then serves the apps' static files itself
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get(DB_ENV, str(Path.cwd() / "realapps.sqlite3")),
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # a reset must show at once
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600  # seeded sessions in the template DB stay valid
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get(MEDIA_ENV, str(Path.cwd() / "realapps-media"))
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
MIDDLEWARE_BASE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CONTEXT_PROCESSORS = [
    "django.template.context_processors.debug",
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
]
