"""Hours per plan week and the monthly and all-time reports."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date, time, timedelta, tzinfo

from planner.core.progress import (
    DAY_BOUNDARY,
    Activity,
    ActivityKind,
    ProgressTotals,
    StudySession,
    WeekHours,
)
from planner.progress.days import day_finder
from planner.progress.streaks import longest_run

ONE_WEEK = timedelta(days=7)


def weekly_hours(sessions: Iterable[StudySession], planned: Mapping[date, float], week_starts_on: date,
                 tz: tzinfo, boundary: time = DAY_BOUNDARY, through: date | None = None) -> list[WeekHours]:
    """Planned and studied hours for every week from the first week with either to the last.

    Weeks start on `week_starts_on` (the plan's start, a local date) and every seventh day from
    it, before or after, not on Mondays. `planned` maps each plan week's start to its hours; a
    key that is not a week start raises ValueError. `through` (a local study day, e.g. today)
    extends the list to the week holding it. Sessions' timezone-aware `started` moments are
    placed on study days with the learner's `tz` and day `boundary`.
    """
    for start in planned:
        if (start - week_starts_on).days % 7:
            raise ValueError(f"planned week {start} does not start on a "
                             f"{calendar.day_name[week_starts_on.weekday()]}, as the plan's weeks do")
    day = day_finder(tz, boundary)
    minutes: dict[int, float] = {}
    for session in sessions:
        week = (day(session.started) - week_starts_on).days // 7
        minutes[week] = minutes.get(week, 0.0) + session.minutes
    weeks = set(minutes) | {(start - week_starts_on).days // 7 for start in planned}
    if through is not None:
        weeks.add((through - week_starts_on).days // 7)
    if not weeks:
        return []
    starts = (week_starts_on + week * ONE_WEEK for week in range(min(weeks), max(weeks) + 1))
    return [WeekHours(week_start=start, planned=float(planned.get(start, 0.0)),
                      done=minutes.get((start - week_starts_on).days // 7, 0.0) / 60)
            for start in starts]


def totals(activities: Iterable[Activity], sessions: Iterable[StudySession], tz: tzinfo,
           boundary: time = DAY_BOUNDARY, since: date | None = None, until: date | None = None
           ) -> ProgressTotals:
    """The report over the study days from `since` to `until` inclusive (None: unbounded).

    `since` and `until` are local study days; moments are timezone-aware and placed on study
    days with the learner's `tz` and day `boundary`. Hours come from `sessions`; a study day is
    a day with any activity or session. Topics, labs and readings are counted once each by
    their `subject` (an activity without one counts on its own); reviews are counted each time.
    """
    day = day_finder(tz, boundary)
    days: set[date] = set()
    subjects: dict[str, set[str]] = {ActivityKind.TOPIC_DONE: set(), ActivityKind.LAB: set(),
                                     ActivityKind.READING: set()}
    unnamed = dict.fromkeys(subjects, 0)
    reviews = 0
    for activity in activities:
        when = day(activity.when)
        if (since is not None and when < since) or (until is not None and when > until):
            continue
        days.add(when)
        if activity.kind == ActivityKind.REVIEW:
            reviews += 1
        elif activity.kind in subjects:
            if activity.subject:
                subjects[activity.kind].add(activity.subject)
            else:
                unnamed[activity.kind] += 1
    minutes = 0.0
    for session in sessions:
        when = day(session.started)
        if (since is None or when >= since) and (until is None or when <= until):
            days.add(when)
            minutes += session.minutes

    def count(kind: ActivityKind) -> int:
        return len(subjects[kind]) + unnamed[kind]

    return ProgressTotals(since=since, until=until, hours=minutes / 60, study_days=len(days),
                          longest_streak=longest_run(days), topics_done=count(ActivityKind.TOPIC_DONE),
                          labs_finished=count(ActivityKind.LAB), readings_read=count(ActivityKind.READING),
                          reviews=reviews)


def month_summary(activities: Iterable[Activity], sessions: Iterable[StudySession], month: date,
                  tz: tzinfo, boundary: time = DAY_BOUNDARY) -> ProgressTotals:
    """The report for the calendar month holding `month` (any local date in it), counted over
    its study days: the evening of the last day runs on past midnight until the day boundary.
    """
    first, last = month_bounds(month)
    return totals(activities, sessions, tz, boundary, since=first, until=last)


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of the calendar month holding `month`."""
    first = month.replace(day=1)
    return first, month.replace(day=calendar.monthrange(month.year, month.month)[1])
