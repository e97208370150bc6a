"""Streaks as the learner sees them: late nights, a day not over yet, gaps, and the record."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.progress import Activity, ActivityKind, Streak
from planner.progress import streak
from tests.progress.helpers import LONDON, did

JUNE = date(2025, 6, 1)


def days(*numbers: int) -> list[Activity]:
    return [did(JUNE.replace(day=n)) for n in numbers]


def test_no_activity_is_no_streak():
    assert streak([], JUNE, LONDON) == Streak(current=0, longest=0, today_counts=False, last_day=None)


def test_revising_at_half_past_one_keeps_the_evening_before_in_the_streak():
    late = [did(date(2025, 6, 10), 20), did(date(2025, 6, 12), 1, 30)]  # 01:30 on the 12th
    result = streak(late, date(2025, 6, 12), LONDON)
    assert result == Streak(current=2, longest=2, today_counts=False, last_day=date(2025, 6, 11))
    midnight = streak(late, date(2025, 6, 12), LONDON, boundary=time(0, 0))
    assert (midnight.current, midnight.today_counts) == (1, True)


def test_the_streak_survives_until_today_ends():
    result = streak(days(8, 9, 10), date(2025, 6, 11), LONDON)
    assert (result.current, result.today_counts, result.last_day) == (3, False, date(2025, 6, 10))
    assert streak(days(8, 9, 10, 11), date(2025, 6, 11), LONDON).today_counts


def test_a_missed_day_breaks_the_streak_but_the_record_stays():
    assert streak(days(8, 9, 10), date(2025, 6, 12), LONDON) == Streak(0, 3, False, date(2025, 6, 10))
    result = streak(days(1, 2, 3, 4, 5, 7, 8), date(2025, 6, 8), LONDON)
    assert (result.current, result.longest, result.today_counts) == (2, 5, True)


def test_many_things_on_one_day_count_one_day():
    busy = [*days(3, 3, 3), did(date(2025, 6, 3), 23, kind=ActivityKind.REVIEW, minutes=0)]
    assert streak(busy, date(2025, 6, 3), LONDON) == Streak(1, 1, True, date(2025, 6, 3))


def test_activity_dated_after_today_is_left_out():
    assert streak(days(9, 10, 20), date(2025, 6, 10), LONDON) == Streak(2, 2, True, date(2025, 6, 10))


def test_the_day_clocks_go_forward_is_one_day_of_the_streak():
    spring = [did(date(2025, 3, d), 12) for d in (28, 29, 30, 31)]
    spring.append(did(date(2025, 3, 30), 3, 30))  # 03:30 BST, minutes after the jump: still the 29th
    assert streak(spring, date(2025, 3, 31), LONDON) == Streak(4, 4, True, date(2025, 3, 31))


def brute_force(study_days: set[int], today: int) -> tuple[int, int, bool]:
    """Streak by the definition, one candidate at a time."""
    past = {day for day in study_days if day <= today}
    longest = max((length for start in past for length in range(1, 200)
                   if all(start + k in past for k in range(length))), default=0)
    end = today if today in past else today - 1
    current = next(length for length in range(200) if end - length not in past)
    return current, longest, today in past


activity_days = st.sets(st.integers(0, 60), max_size=40)
seconds_into_day = st.integers(0, 22 * 3600)  # inside the study day even when it is 23 hours long


@settings(max_examples=150, deadline=None)
@given(activity_days, st.integers(0, 62), st.data())
def test_streak_matches_counting_by_hand(numbers, today, data):
    first = date(2025, 2, 1)  # the range crosses the clocks going forward on 30 March
    activities = []
    for number in numbers:
        start = datetime.combine(first + timedelta(days=number), time(4, 0), LONDON)
        when = start + timedelta(seconds=data.draw(seconds_into_day))  # wall-clock arithmetic
        activities.append(Activity(when=when, kind=ActivityKind.STUDY))
    result = streak(activities, first + timedelta(days=today), LONDON)
    assert (result.current, result.longest, result.today_counts) == brute_force(numbers, today)
    assert result.current <= result.longest


@settings(max_examples=100, deadline=None)
@given(st.lists(st.datetimes(datetime(2024, 1, 1), datetime(2026, 1, 1), timezones=st.just(LONDON)),
                max_size=60),
       st.dates(date(2024, 1, 1), date(2026, 1, 1)))
def test_the_current_streak_never_exceeds_the_record(moments, today):
    result = streak([Activity(when=moment, kind=ActivityKind.REVIEW) for moment in moments], today, LONDON)
    assert 0 <= result.current <= result.longest
    assert (result.last_day is None) == (result.longest == 0)
