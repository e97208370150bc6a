"""A full export of the learner's data to JSON, and its import into an empty database.

Mixed into `Lodestar`, which provides `_session()` (one transaction per use case).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable


class Backups:
    """The use cases of this area."""

    _session: Callable[[], contextlib.AbstractContextManager]
