"""Study days: which of the learner's days a moment belongs to.

A study day runs from the day boundary (04:00 by default) on the learner's wall clock to the
same time the next day, so revising at 01:30 counts for the evening before. Days are computed
on the wall clock, so a day with a daylight-saving change is one day, 23 or 25 hours long; when
the boundary itself is skipped or repeated by a clock change, the day starts the first time the
clock reaches it, and days never run backwards.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from planner.core.progress import DAY_BOUNDARY

ONE_DAY = timedelta(days=1)
_VARIES = object()  # marks a UTC day during which the learner's clock changes offset


def study_day(moment: datetime, tz: tzinfo, boundary: time = DAY_BOUNDARY) -> date:
    """The learner's study day that `moment` falls in.

    `moment` is timezone-aware (UTC as stored, or any offset); a naive one raises ValueError,
    since it cannot be placed on anyone's clock. `tz` is the learner's time zone (a `ZoneInfo`)
    and `boundary` the local wall-clock time at which their day starts.
    """
    _require_aware(moment)
    return _exact_day(moment, tz, boundary, _boundary_offset(boundary))


def day_finder(tz: tzinfo, boundary: time = DAY_BOUNDARY) -> Callable[[datetime], date]:
    """A function giving the study day of a moment, as `study_day` does, but about twice as
    fast over many moments: it looks up the learner's UTC offset once per UTC day.

    Every function here that reads many records uses it; its moments are timezone-aware.
    """
    return _finder(tz, boundary).day


def _exact_day(moment: datetime, tz: tzinfo, boundary: time, offset: timedelta) -> date:
    local = moment.astimezone(tz)
    day = (local - offset).date()
    # When clocks go back over the boundary (a 01:30 boundary, clocks back from 02:00 to
    # 01:00), the first pass through 01:30 already began the new day; the repeated wall times
    # before 01:30 must not return to the day before, or days would run backwards.
    if local.fold and day < local.date() and _repeated(datetime.combine(local.date(), boundary, tz)):
        return local.date()
    return day


def _repeated(wall: datetime) -> bool:
    """Whether a wall-clock time happens twice (the hour when clocks go back)."""
    first, second = wall.replace(fold=0).utcoffset(), wall.replace(fold=1).utcoffset()
    return first is not None and second is not None and first > second


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; stored moments are in UTC")


def _boundary_offset(boundary: time) -> timedelta:
    if boundary.tzinfo is not None:
        raise ValueError("the day boundary is a wall-clock time; give it without a time zone")
    return timedelta(hours=boundary.hour, minutes=boundary.minute, seconds=boundary.second,
                     microseconds=boundary.microsecond)


@lru_cache(maxsize=16)
def _finder(tz: tzinfo, boundary: time) -> _DayFinder:
    # Cached so that the pages, which call several functions with the same clock, share the
    # offsets already looked up.
    return _DayFinder(tz, boundary)


class _DayFinder:
    """Caches, per UTC day, the shift from UTC to the learner's shifted wall clock."""

    __slots__ = ("_boundary", "_offset", "_shifts", "_tz")

    def __init__(self, tz: tzinfo, boundary: time):
        self._tz, self._boundary = tz, boundary
        self._offset = _boundary_offset(boundary)
        self._shifts: dict[int, object] = {}

    def day(self, moment: datetime) -> date:
        if moment.tzinfo is not UTC:
            _require_aware(moment)
            moment = moment.astimezone(UTC)
        key = moment.toordinal()
        shift = self._shifts.get(key)
        if shift is None:
            shift = self._shifts[key] = self._shift_on(key)
        if shift is _VARIES:
            return _exact_day(moment, self._tz, self._boundary, self._offset)
        return (moment + shift).date()  # type: ignore[operator]

    def _shift_on(self, ordinal: int) -> object:
        start = datetime.fromordinal(ordinal).replace(tzinfo=UTC)
        try:
            offsets = {(start + ONE_DAY * k).astimezone(self._tz).utcoffset() for k in (-1, 0, 1)}
        except OverflowError:  # the first or last days a datetime can hold
            return _VARIES
        # Clock changes are weeks apart, so one offset from the day before to the day after
        # means one offset throughout this day, and this day holds none of the repeated hour
        # after clocks go back. Days near a change take the exact, slower path.
        if len(offsets) != 1 or None in offsets:
            return _VARIES
        return offsets.pop() - self._offset  # type: ignore[operator]
