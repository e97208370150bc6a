"""The year heatmap: every day present, laid out Monday to Sunday, shaded by the learner's own range."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.progress import Activity, ActivityKind, DayTotal
from planner.progress import daily_totals, heatmap_grid, heatmap_thresholds, intensity, study_day
from tests.progress.helpers import LONDON, NEW_YORK, did

YEAR_START, YEAR_END = date(2025, 1, 1), date(2025, 12, 31)


def test_every_day_of_the_range_is_there_with_zeros_for_quiet_days():
    activities = [did(date(2025, 3, 4), 9, minutes=20), did(date(2025, 3, 4), 21, minutes=25),
                  did(date(2025, 3, 5), 1, 30, minutes=10),  # 01:30 on the 5th: the 4th
                  did(date(2025, 7, 1), minutes=60), did(date(2024, 12, 31), minutes=99)]
    totals = daily_totals(activities, YEAR_START, YEAR_END, LONDON)
    assert len(totals) == 365
    assert [t.day for t in totals] == [YEAR_START + timedelta(days=n) for n in range(365)]
    by_day = {t.day: t for t in totals}
    assert by_day[date(2025, 3, 4)] == DayTotal(date(2025, 3, 4), 55.0, 3)
    assert by_day[date(2025, 3, 5)] == DayTotal(date(2025, 3, 5), 0.0, 0)
    assert by_day[date(2025, 7, 1)].minutes == 60
    assert sum(t.events for t in totals) == 4  # the day before the range is left out


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        daily_totals([], YEAR_END, YEAR_START, LONDON)


@pytest.mark.parametrize(("tz", "first", "short", "long"), [
    (LONDON, date(2025, 3, 1), date(2025, 3, 29), date(2025, 10, 25)),
    (NEW_YORK, date(2025, 3, 1), date(2025, 3, 8), date(2025, 11, 1)),
])
def test_days_with_clock_changes_appear_once_with_their_true_length(tz, first, short, long):
    # An activity every quarter of an hour, all year round.
    start = datetime(2025, 2, 27, tzinfo=UTC)
    activities = [Activity(start + timedelta(minutes=15 * n), ActivityKind.REVIEW, minutes=1.0)
                  for n in range(4 * 24 * 300)]
    totals = daily_totals(activities, first, date(2025, 11, 30), tz)
    assert len({t.day for t in totals}) == len(totals)
    events = {t.day: t.events for t in totals}
    assert events[short] == 23 * 4 and events[long] == 25 * 4
    assert {events[day] for day in events if day not in (short, long)} == {24 * 4}


def test_the_grid_runs_monday_to_sunday_by_week_with_gaps_outside_the_range():
    totals = daily_totals([did(date(2025, 1, 1), minutes=5)], YEAR_START, YEAR_END, LONDON)
    grid = heatmap_grid(totals)
    assert len(grid) == 7 and {len(row) for row in grid} == {53}
    # 1 January 2025 is a Wednesday: the first column starts on Monday 30 December 2024.
    assert grid[0][0] is None and grid[1][0] is None
    assert grid[2][0] == DayTotal(date(2025, 1, 1), 5.0, 1)
    assert grid[6][0].day == date(2025, 1, 5)
    assert grid[0][1].day == date(2025, 1, 6)
    # 31 December 2025 is a Wednesday too: the rest of its week is outside the range.
    assert grid[2][52].day == YEAR_END and grid[3][52] is None
    assert sum(cell is not None for row in grid for cell in row) == 365
    assert heatmap_grid([]) == [[] for _ in range(7)]


def test_shades_follow_the_learners_own_quartiles():
    light = [DayTotal(date(2025, 1, n), float(n), 1) for n in range(1, 21)]  # 1 to 20 minutes
    quiet = DayTotal(date(2025, 1, 21), 0.0, 0)
    marked_done = DayTotal(date(2025, 1, 22), 0.0, 1)
    thresholds = heatmap_thresholds([*light, quiet, marked_done])
    assert thresholds == (5.75, 10.5, 15.25)  # quartiles of the days with time only
    shades = [intensity(total, thresholds) for total in light]
    assert shades == sorted(shades) and shades[0] == 1 and shades[-1] == 4
    assert set(shades) == {1, 2, 3, 4}
    assert intensity(quiet, thresholds) == 0
    assert intensity(marked_done, thresholds) == 1  # a day the streak counts is never blank


def test_shades_with_almost_no_data():
    assert heatmap_thresholds([]) == (0.0, 0.0, 0.0)
    only = DayTotal(date(2025, 1, 1), 30.0, 1)
    thresholds = heatmap_thresholds([only, DayTotal(date(2025, 1, 2), 0.0, 0)])
    assert intensity(only, thresholds) == 1


activities = st.lists(st.builds(
    Activity,
    when=st.datetimes(datetime(2024, 12, 25), datetime(2026, 1, 7), timezones=st.just(UTC)),
    kind=st.sampled_from(ActivityKind),
    minutes=st.integers(0, 300).map(float),  # whole minutes: sums are exact in any order
), max_size=80)


@settings(max_examples=150, deadline=None)
@given(activities, st.dates(date(2024, 12, 20), date(2026, 1, 10)), st.integers(0, 400))
def test_the_days_add_up_to_the_minutes_in_the_range(activities, start, length):
    end = start + timedelta(days=length)
    totals = daily_totals(activities, start, end, NEW_YORK)
    inside = [a for a in activities if start <= study_day(a.when, NEW_YORK) <= end]
    assert len(totals) == length + 1
    assert sum(t.minutes for t in totals) == sum(a.minutes for a in inside)
    assert sum(t.events for t in totals) == len(inside)
