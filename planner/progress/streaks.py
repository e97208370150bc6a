"""Streaks: runs of consecutive study days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, tzinfo

from planner.core.progress import DAY_BOUNDARY, Activity, Streak
from planner.progress.days import ONE_DAY, day_finder


def study_days(activities: Iterable[Activity], tz: tzinfo, boundary: time = DAY_BOUNDARY) -> set[date]:
    """The study days on which the learner did anything at all.

    `activities[i].when` is timezone-aware (UTC as stored); `tz` and `boundary` are the learner's
    time zone and the local time their day starts. The days are local study days.
    """
    day = day_finder(tz, boundary)
    return {day(activity.when) for activity in activities}


def longest_run(days: set[date]) -> int:
    """The length of the longest run of consecutive days in `days` (0 when empty)."""
    longest = 0
    for first in days:
        if first - ONE_DAY in days:
            continue  # not the start of a run: its run is counted from its start
        length, following = 1, first + ONE_DAY
        while following in days:
            length, following = length + 1, following + ONE_DAY
        longest = max(longest, length)
    return longest


def streak(activities: Iterable[Activity], today: date, tz: tzinfo,
           boundary: time = DAY_BOUNDARY) -> Streak:
    """The learner's current and longest streak of consecutive study days.

    `today` is the learner's current study day (`study_day(now, tz, boundary)`); `tz` and
    `boundary` place each activity's timezone-aware `when` on their local study days. A streak
    that reached yesterday is still current while today has nothing done yet (the day has not
    ended); `today_counts` says whether today already counts. Activities after `today` (a clock
    set wrong) are left out.
    """
    days = {day for day in study_days(activities, tz, boundary) if day <= today}
    if not days:
        return Streak(current=0, longest=0, today_counts=False, last_day=None)
    today_counts = today in days
    current, day = 0, today if today_counts else today - ONE_DAY
    while day in days:
        current, day = current + 1, day - ONE_DAY
    return Streak(current=current, longest=longest_run(days), today_counts=today_counts,
                  last_day=max(days))
