"""Study time, streaks, the heatmap, weekly hours, skill history and progress reports.

Mixed into `Lodestar`, which provides `_session()` (one transaction per use case).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable


class ProgressTracking:
    """The use cases of this area."""

    _session: Callable[[], contextlib.AbstractContextManager]
