"""Model-using learn tests run torch on one thread: on a shared, oversubscribed CPU more threads run slower."""

from __future__ import annotations

import os

os.environ.setdefault("ECLAIR_TORCH_THREADS", "1")
