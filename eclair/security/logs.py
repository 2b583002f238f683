"""Logging never carries a secret: while any run's masker is active, every log record is masked as it is made.

A record factory (not a handler filter) because records from every logger, library loggers included, pass
through it, whatever handlers are attached later.
"""

from __future__ import annotations

import logging
import threading
import traceback
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from eclair.security.masking import Masker

_ACTIVE: weakref.WeakSet[Masker] = weakref.WeakSet()
_LOCK = threading.Lock()
_installed = False


def mask_all(text: str) -> str:
    for masker in list(_ACTIVE):
        text = masker.text(text)
    return text


def _mask_record(record: logging.LogRecord) -> logging.LogRecord:
    if not _ACTIVE:
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: logging reports it later as it would have
        return record
    masked = mask_all(message)
    if masked != message:
        record.msg, record.args = masked, None
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = mask_all("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        record.exc_info = None
    return record


def install() -> None:
    """Wrap the log record factory once per process."""
    global _installed
    with _LOCK:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: object, **kwargs: object) -> logging.LogRecord:
            return _mask_record(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
        _installed = True


@contextmanager
def masking_logs(masker: Masker) -> Iterator[None]:
    """Mask this masker's secrets in every log record made while the block runs."""
    if not masker.active:
        yield
        return
    install()
    _ACTIVE.add(masker)
    try:
        yield
    finally:
        _ACTIVE.discard(masker)


class SecretFilter(logging.Filter):
    """For handlers that format records made before `install()` (or by another record factory)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _mask_record(record)
        return True
