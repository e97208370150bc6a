"""Study days: the learner's day starts at their boundary, on their own clock, through clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.progress import day_finder, study_day
from tests.progress.helpers import LONDON, NEW_YORK, utc


def test_half_past_one_at_night_counts_for_the_evening_before():
    assert study_day(utc(2025, 6, 15, 0, 30), LONDON) == date(2025, 6, 14)  # 01:30 BST
    assert study_day(utc(2025, 6, 15, 2, 59, 59), LONDON) == date(2025, 6, 14)  # 03:59:59 BST
    assert study_day(utc(2025, 6, 15, 3, 0), LONDON) == date(2025, 6, 15)  # 04:00 BST


def test_the_learner_chooses_when_the_day_starts():
    assert study_day(utc(2025, 6, 15, 0, 30), LONDON, time(0, 0)) == date(2025, 6, 15)
    assert study_day(utc(2025, 6, 15, 4, 30), LONDON, time(6, 0)) == date(2025, 6, 14)  # 05:30 BST


def test_the_day_is_the_learners_own_not_utcs():
    assert study_day(utc(2025, 6, 15, 2, 0), NEW_YORK) == date(2025, 6, 14)  # 22:00 the evening before
    tokyo_noon = datetime(2025, 6, 15, 12, 0, tzinfo=timezone(timedelta(hours=9)))
    assert study_day(tokyo_noon, LONDON) == study_day(tokyo_noon.astimezone(UTC), LONDON) == date(2025, 6, 15)


def test_moments_without_a_time_zone_are_refused():
    with pytest.raises(ValueError, match="no time zone"):
        study_day(datetime(2025, 6, 15, 12, 0), LONDON)
    with pytest.raises(ValueError, match="no time zone"):
        day_finder(LONDON)(datetime(2025, 6, 15, 12, 0))


def test_a_boundary_with_a_time_zone_is_refused():
    with pytest.raises(ValueError, match="wall-clock"):
        study_day(utc(2025, 6, 15, 12), LONDON, time(4, 0, tzinfo=UTC))


@pytest.mark.parametrize(("tz", "day", "hours"), [
    (LONDON, date(2025, 3, 29), 23),  # clocks go forward at 01:00 on the 30th, inside the 29th's study day
    (LONDON, date(2025, 10, 25), 25),  # clocks go back at 02:00 on the 26th
    (NEW_YORK, date(2025, 3, 8), 23),
    (NEW_YORK, date(2025, 11, 1), 25),
    (LONDON, date(2025, 6, 1), 24),
])
def test_a_day_with_a_clock_change_is_one_day_of_23_or_25_hours(tz, day, hours):
    start = datetime.combine(day, time(0), UTC) - timedelta(days=1)
    quarters = [start + timedelta(minutes=15 * n) for n in range(4 * 24 * 4)]
    assert sum(study_day(moment, tz) == day for moment in quarters) == hours * 4
    find = day_finder(tz)
    assert sum(find(moment) == day for moment in quarters) == hours * 4


def test_a_boundary_in_the_skipped_hour_starts_the_day_when_clocks_jump():
    # New York, 9 March 2025: 01:59 EST is followed by 03:00 EDT; the day starts at 02:30.
    assert study_day(utc(2025, 3, 9, 6, 59), NEW_YORK, time(2, 30)) == date(2025, 3, 8)
    assert study_day(utc(2025, 3, 9, 7, 0), NEW_YORK, time(2, 30)) == date(2025, 3, 9)


def test_a_boundary_in_the_repeated_hour_never_sends_the_day_back():
    # New York, 2 November 2025: 01:00-02:00 happens twice; the day starts at the first 01:30.
    boundary, find = time(1, 30), day_finder(NEW_YORK, time(1, 30))
    expected = [(utc(2025, 11, 2, 5, 29), date(2025, 11, 1)),  # 01:29 EDT
                (utc(2025, 11, 2, 5, 30), date(2025, 11, 2)),  # 01:30 EDT
                (utc(2025, 11, 2, 6, 10), date(2025, 11, 2)),  # 01:10 EST, the second time round
                (utc(2025, 11, 2, 6, 45), date(2025, 11, 2))]  # 01:45 EST
    for moment, day in expected:
        assert study_day(moment, NEW_YORK, boundary) == day
        assert find(moment) == day


# Property tests: moments anywhere, and moments within hours of each zone's clock changes.
ZONES = ("UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham",
         "America/Santiago", "Asia/Kolkata")


@cache
def clock_changes(name: str) -> tuple[datetime, ...]:
    """The UTC hours in 2024-2025 in which `name`'s offset changes (empty for zones without)."""
    tz, start = ZoneInfo(name), utc(2024, 1, 1)
    hours = [start + timedelta(hours=n) for n in range(2 * 366 * 24)]
    offsets = [hour.astimezone(tz).utcoffset() for hour in hours]
    return tuple(hours[n] for n in range(1, len(hours)) if offsets[n] != offsets[n - 1])


@st.composite
def zone_and_moment(draw):
    name = draw(st.sampled_from(ZONES))
    changes = clock_changes(name)
    anywhere = st.datetimes(datetime(1990, 1, 1), datetime(2060, 1, 1), timezones=st.just(UTC))
    if changes and draw(st.booleans()):
        near = draw(st.sampled_from(changes)) + timedelta(seconds=draw(st.integers(-5 * 3600, 5 * 3600)),
                                                           microseconds=draw(st.integers(0, 999_999)))
        return ZoneInfo(name), near
    return ZoneInfo(name), draw(anywhere)


boundaries = st.one_of(st.just(time(4, 0)), st.times())


@settings(max_examples=300, deadline=None)
@given(zone_and_moment(), boundaries, st.timedeltas(timedelta(0), timedelta(hours=30)))
def test_study_days_never_run_backwards(zone_moment, boundary, later):
    tz, moment = zone_moment
    assert study_day(moment, tz, boundary) <= study_day(moment + later, tz, boundary)


@settings(max_examples=300, deadline=None)
@given(zone_and_moment(), boundaries)
def test_the_fast_finder_agrees_with_study_day(zone_moment, boundary):
    tz, moment = zone_moment
    assert day_finder(tz, boundary)(moment) == study_day(moment, tz, boundary)
