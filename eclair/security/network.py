"""The allow-list on every request a page makes (scripts, images, XHR, forms, frames, popups), not only on goto:
a browser-context route that aborts requests to other hosts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eclair.security.gate import domain_allowed

log = logging.getLogger(__name__)


@dataclass
class RequestFence:
    """Installed on a context while a run holds an allow-list; `blocked` lists what it stopped."""

    allowed_domains: tuple[str, ...]
    blocked: list[str] = field(default_factory=list)
    _handler: Callable[[Any], None] | None = None

    def install(self, context: Any) -> None:
        if not self.allowed_domains or self._handler is not None:
            return

        def handle(route: Any) -> None:
            url = route.request.url
            if domain_allowed(url, self.allowed_domains):
                route.fallback()
                return
            self.blocked.append(url)
            log.info("blocked a request outside the allowed domains: %s", url)
            route.abort("blockedbyclient")

        self._handler = handle
        context.route("**/*", handle)

    def remove(self, context: Any) -> None:
        if self._handler is None:
            return
        try:
            context.unroute("**/*", self._handler)
        except Exception as exc:  # a closed context has no routes left to remove
            log.debug("unroute: %s", exc)
        self._handler = None
