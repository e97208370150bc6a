"""The learner's own pace: how long their finished lessons took against the lessons' estimates.

Each finished topic with logged time gives a ratio, logged hours over estimated hours. Ratios are
combined on a log scale (taking twice as long and half as long are equally far from 1.0),
clipped to [1/4, 4] so one forgotten timer cannot swing the plan, and shrunk toward 1.0 as if
`PRIOR_TOPICS` more topics had taken exactly their estimate:

    log pace = sum(log r_i) / (n + PRIOR_TOPICS)

so one topic that took twice as long moves the pace to 2^(1/4) ≈ 1.19, nine such topics to
2^(9/12) ≈ 1.68. A track with at least `TRACK_TOPICS` finished topics gets its own pace, shrunk
the same way toward the overall one. Topics with less than `MIN_LOGGED_HOURS` logged count for
nothing: a lesson marked done without timing says nothing about speed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from planner.core.progress import Pace, PaceSample

PRIOR_TOPICS = 3.0
TRACK_TOPICS = 3
MIN_LOGGED_HOURS = 10 / 60
CLIP = 4.0


def estimate_pace(samples: Iterable[PaceSample], used: bool = True) -> Pace:
    """The pace from finished topics' logged and estimated hours (see the module)."""
    logs: dict[str, list[float]] = {}
    for s in samples:
        if s.estimated_hours > 0 and s.logged_hours >= MIN_LOGGED_HOURS:
            ratio = min(max(s.logged_hours / s.estimated_hours, 1 / CLIP), CLIP)
            logs.setdefault(s.track, []).append(math.log(ratio))
    every = [x for xs in logs.values() for x in xs]
    overall = sum(every) / (len(every) + PRIOR_TOPICS)
    by_track = {track: round(math.exp((sum(xs) + PRIOR_TOPICS * overall) / (len(xs) + PRIOR_TOPICS)), 3)
                for track, xs in sorted(logs.items()) if len(xs) >= TRACK_TOPICS}
    return Pace(round(math.exp(overall), 3), len(every), by_track, used)
