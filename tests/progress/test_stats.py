"""Hours per plan week and the monthly and all-time reports."""

from __future__ import annotations

from datetime import date

import pytest

from planner.core.progress import ActivityKind, ProgressTotals, SessionSource, StudySession, WeekHours
from planner.progress import month_summary, totals, weekly_hours
from tests.progress.helpers import LONDON, did, local, studied

PLAN_START = date(2025, 9, 4)  # a Thursday: the plan's weeks run Thursday to Wednesday


def test_hours_fall_in_plan_weeks_that_start_on_the_plans_weekday():
    sessions = [studied(date(2025, 9, 4), 12, 60), studied(date(2025, 9, 10), 19, 90),
                studied(date(2025, 9, 11), 1, 30, minute=30),  # Thursday 01:30: still Wednesday's
                studied(date(2025, 9, 11), 18, 45)]
    planned = {date(2025, 9, 4): 5.0, date(2025, 9, 11): 6.0, date(2025, 9, 18): 4.0}
    assert weekly_hours(sessions, planned, PLAN_START, LONDON) == [
        WeekHours(date(2025, 9, 4), planned=5.0, done=3.0),
        WeekHours(date(2025, 9, 11), planned=6.0, done=0.75),
        WeekHours(date(2025, 9, 18), planned=4.0, done=0.0),
    ]


def test_quiet_weeks_in_between_and_up_to_today_are_listed():
    sessions = [studied(date(2025, 8, 30), 10, 120), studied(date(2025, 9, 20), 10, 60)]
    weeks = weekly_hours(sessions, {}, PLAN_START, LONDON, through=date(2025, 10, 1))
    assert [w.week_start for w in weeks] == [date(2025, 8, 28), date(2025, 9, 4), date(2025, 9, 11),
                                             date(2025, 9, 18), date(2025, 9, 25)]
    assert [w.done for w in weeks] == [2.0, 0.0, 0.0, 1.0, 0.0]  # before the plan began, too
    assert weekly_hours([], {}, PLAN_START, LONDON) == []


def test_a_planned_week_off_the_plans_weekday_is_refused():
    with pytest.raises(ValueError, match="Thursday"):
        weekly_hours([], {date(2025, 9, 8): 5.0}, PLAN_START, LONDON)


def test_a_study_session_must_last_and_carry_its_time_zone():
    with pytest.raises(ValueError, match="more than 0 minutes"):
        StudySession(topic=None, started=local(PLAN_START, 9), minutes=0, source=SessionSource.MANUAL)
    with pytest.raises(ValueError, match="time zone"):
        StudySession(topic=None, started=local(PLAN_START, 9).replace(tzinfo=None), minutes=10)


def a_month_of_work():
    day = date(2025, 9, 1)
    activities = [
        did(day.replace(day=2), kind=ActivityKind.TOPIC_DONE, minutes=0, subject="backprop"),
        did(day.replace(day=3), kind=ActivityKind.TOPIC_DONE, minutes=0, subject="backprop"),  # again
        did(day.replace(day=3), kind=ActivityKind.TOPIC_DONE, minutes=0, subject="cnn"),
        did(day.replace(day=3), kind=ActivityKind.LAB, minutes=12, subject="cnn"),
        did(day.replace(day=4), kind=ActivityKind.LAB, minutes=11, subject="cnn"),
        did(day.replace(day=4), kind=ActivityKind.READING, subject="vaswani2017"),
        did(day.replace(day=8), kind=ActivityKind.REVIEW, minutes=1),
        did(day.replace(day=8), kind=ActivityKind.REVIEW, minutes=1),
        did(date(2025, 10, 1), 1, 30, kind=ActivityKind.REVIEW, minutes=1),  # the night of 30 Sept
        did(date(2025, 10, 2), kind=ActivityKind.TOPIC_DONE, subject="rnn"),
    ]
    sessions = [studied(day.replace(day=2), 18, 90), studied(day.replace(day=5), 18, 30),
                studied(date(2025, 10, 1), 2, 60)]  # started at 02:00 on 1 October: September's
    return activities, sessions


def test_the_all_time_report_counts_each_topic_lab_and_reading_once():
    activities, sessions = a_month_of_work()
    assert totals(activities, sessions, LONDON) == ProgressTotals(
        since=None, until=None, hours=3.0, study_days=7, longest_streak=4,
        topics_done=3, labs_finished=1, readings_read=1, reviews=3)


def test_the_monthly_report_ends_when_the_last_study_day_does():
    activities, sessions = a_month_of_work()
    september = month_summary(activities, sessions, date(2025, 9, 17), LONDON)
    assert (september.since, september.until) == (date(2025, 9, 1), date(2025, 9, 30))
    assert (september.hours, september.reviews, september.study_days) == (3.0, 3, 6)
    october = month_summary(activities, sessions, date(2025, 10, 1), LONDON)
    assert (october.hours, october.reviews, october.topics_done, october.study_days) == (0.0, 0, 1, 1)


def test_a_report_since_a_day_leaves_out_what_came_before():
    activities, sessions = a_month_of_work()
    since = totals(activities, sessions, LONDON, since=date(2025, 9, 4))
    assert (since.topics_done, since.labs_finished, since.hours, since.longest_streak) == (1, 1, 1.5, 2)


def test_activities_without_a_subject_each_count():
    unnamed = [did(date(2025, 9, day), kind=ActivityKind.READING) for day in (2, 3)]
    assert totals(unnamed, [], LONDON).readings_read == 2
