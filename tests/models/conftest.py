"""Model tests run torch on one thread: on a shared, oversubscribed CPU two OpenMP threads run ~15x slower."""

from __future__ import annotations

import os

os.environ.setdefault("ECLAIR_TORCH_THREADS", "1")
