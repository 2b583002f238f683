"""User-fixable browser problems; the CLI prints the one-line message and exits 2."""

from __future__ import annotations

from eclair.errors import EclairError


class BrowserNotFound(EclairError):
    """No Chromium binary could be found or started."""


class PageUnreachable(EclairError):
    """A URL could not be opened: bad scheme, unreachable host, or an HTTP-level failure."""


class VideoUnavailable(EclairError):
    """Video recording was asked for but Playwright's ffmpeg is missing."""
