"""The activity heatmap: a total per study day, laid out in weeks, shaded in five levels."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from datetime import date, time, timedelta, tzinfo

from planner.core.progress import DAY_BOUNDARY, Activity, DayTotal
from planner.progress.days import day_finder

Thresholds = tuple[float, float, float]


def daily_totals(activities: Iterable[Activity], start: date, end: date, tz: tzinfo,
                 boundary: time = DAY_BOUNDARY) -> list[DayTotal]:
    """One total for every study day from `start` to `end` inclusive, days without activity too.

    `start` and `end` are local study days; each activity's timezone-aware `when` is placed on
    them with the learner's `tz` and day `boundary`. Activities outside the range are ignored.
    """
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    day = day_finder(tz, boundary)
    minutes: dict[date, float] = {}
    events: dict[date, int] = {}
    for activity in activities:
        when = day(activity.when)
        if start <= when <= end:
            minutes[when] = minutes.get(when, 0.0) + activity.minutes
            events[when] = events.get(when, 0) + 1
    length = (end - start).days + 1
    days = (start + timedelta(days=offset) for offset in range(length))
    return [DayTotal(day=d, minutes=minutes.get(d, 0.0), events=events.get(d, 0)) for d in days]


def heatmap_grid(totals: Sequence[DayTotal]) -> list[list[DayTotal | None]]:
    """The totals in a grid of 7 rows (Monday to Sunday) by one column per calendar week.

    The first column is the week holding the earliest total; cells for days that have no total
    (before the first, after the last) are None. Empty input gives seven empty rows.
    """
    if not totals:
        return [[] for _ in range(7)]
    first = min(total.day for total in totals)
    first_monday = first - timedelta(days=first.weekday())
    last = max(total.day for total in totals)
    columns = (last - first_monday).days // 7 + 1
    grid: list[list[DayTotal | None]] = [[None] * columns for _ in range(7)]
    for total in totals:
        column = (total.day - first_monday).days // 7
        grid[total.day.weekday()][column] = total
    return grid


def heatmap_thresholds(totals: Iterable[DayTotal]) -> Thresholds:
    """The minutes separating the four shades of active days: the quartiles of the minutes of
    the days with any time, as GitHub shades contributions. A learner's light days and heavy
    days thus stay distinguishable whether they study ten minutes a day or three hours.
    """
    timed = [total.minutes for total in totals if total.minutes > 0]
    if not timed:
        return (0.0, 0.0, 0.0)
    if len(timed) == 1:
        return (timed[0], timed[0], timed[0])
    lower, middle, upper = statistics.quantiles(timed, n=4, method="inclusive")
    return (lower, middle, upper)


def intensity(total: DayTotal, thresholds: Thresholds) -> int:
    """The shade of a day, 0 (nothing done) to 4 (above the upper quartile).

    A day with activity but no timed minutes (a topic marked done) still gets the lightest
    shade, so the heatmap never shows a blank day that the streak counts.
    """
    if total.events == 0 and total.minutes <= 0:
        return 0
    return 1 + sum(1 for threshold in thresholds if total.minutes > threshold)
