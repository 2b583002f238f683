"""Seeded sign-ins: a Django session per staff user, stored in the template DB so every episode starts signed in."""

from __future__ import annotations

from typing import Any


def make_sessions(users: list[Any]) -> dict[str, str]:
    """username -> session key of a live session for that user (valid as long as the password is unchanged)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = {}
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys[user.username] = store.session_key
    return keys
