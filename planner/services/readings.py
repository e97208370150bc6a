"""The reading list: shipped and the learner's own readings, their states, BibTeX import and export.

Mixed into `Lodestar`, which provides `_session()` (one transaction per use case).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable


class ReadingList:
    """The use cases of this area."""

    _session: Callable[[], contextlib.AbstractContextManager]
