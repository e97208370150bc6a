"""Conferences: following, deadlines in the learner's zone, iCalendar export, importing deadline files.

Mixed into `Lodestar`, which provides `_session()` (one transaction per use case).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable


class Conferences:
    """The use cases of this area."""

    _session: Callable[[], contextlib.AbstractContextManager]
