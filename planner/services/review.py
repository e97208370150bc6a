"""Spaced-repetition review of the lessons' self-check cards.

Mixed into `Lodestar`, which provides `_session()` (one transaction per use case).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable


class Reviews:
    """The use cases of this area."""

    _session: Callable[[], contextlib.AbstractContextManager]
