"""User-fixable problems of the demonstrations room; each message is one line naming the input and the fix."""

from __future__ import annotations

from eclair.errors import EclairError


class DemonstrationError(EclairError):
    """A demonstration could not be recorded, ingested or imported; nothing was written."""


class UnreadableVideo(DemonstrationError):
    """OpenCV cannot open or decode the video."""


class BadActionLog(DemonstrationError):
    """The action log is malformed or does not match the video."""


class BadTrace(DemonstrationError):
    """The JSON file is not an ECLAIR / WONDERBREAD trace."""


class NoVisionModel(DemonstrationError):
    """Inferring actions from key frames needs a vision-capable OpenAI-compatible backend."""


class BadScript(DemonstrationError):
    """The --script file does not follow the contract or failed while running."""


class NoDemonstration(DemonstrationError):
    """The workflow has no demonstration to write an SOP from."""
