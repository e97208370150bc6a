"""What past editions suggest about a series' next deadline, when nothing is announced."""

from __future__ import annotations

from datetime import UTC, date, datetime

from planner.content.conferences import snapshot_date
from planner.core.conferences import ConferenceView
from planner.core.models import ConferenceEdition, ConferenceSeries, Deadline, DeadlineKind
from tests.conftest import SHIPPED


def series(*editions: tuple[int, tuple[str, ...]]) -> ConferenceView:
    """A series whose editions (year, paper deadlines as ISO dates) are all given."""
    built = tuple(
        ConferenceEdition(f"c{year}", "c", year, "", "UTC", "", "", tuple(
            Deadline(DeadlineKind.PAPER, datetime.fromisoformat(d).replace(tzinfo=UTC)) for d in dues))
        for year, dues in editions)
    return ConferenceView(ConferenceSeries("c", "Conf", "", "AI", editions=built))


NOW = datetime(2026, 12, 6, tzinfo=UTC)


def test_an_annual_series_is_expected_next_year_within_its_usual_weeks():
    view = series((2023, ("2023-05-17",)), (2024, ("2024-05-22",)), (2025, ("2025-05-15",)),
                  (2026, ("2026-05-06",)))
    expected = view.expected_next(NOW)
    assert (expected.year, expected.earliest, expected.latest) == (2027, date(2027, 5, 6), date(2027, 5, 22))
    assert expected.when == "early-to-late May" and expected.basis == "from 2023–2026"
    assert expected.short == "early–late May 2027"


def test_a_deadline_the_year_before_its_edition_keeps_that_offset():
    # AAAI-like: the 2027 edition's deadline was in August 2026, already past on 6 December.
    view = series((2025, ("2024-08-15",)), (2026, ("2025-08-01",)), (2027, ("2026-08-01",)))
    expected = view.expected_next(NOW)
    assert expected.year == 2028 and expected.earliest == date(2027, 8, 1)
    assert expected.when == "early-to-mid August"


def test_a_biennial_series_skips_a_year_and_a_passed_estimate_moves_on():
    view = series((2022, ("2022-03-07",)), (2024, ("2024-03-07",)), (2026, ("2026-03-07",)))
    assert view.expected_next(NOW).year == 2028
    annual_but_late = series((2025, ("2024-11-14",)), (2026, ("2025-11-13",)))  # 2027's: Nov 2026, passed
    assert annual_but_late.expected_next(NOW).year == 2028


def test_months_spanned_and_leap_days_read_naturally():
    view = series((2024, ("2024-02-29",)), (2025, ("2025-03-02",)))
    expected = view.expected_next(datetime(2025, 6, 1, tzinfo=UTC))
    assert (expected.earliest, expected.latest) == (date(2026, 2, 28), date(2026, 3, 2))
    assert expected.when == "late February to early March"
    assert expected.short == "late Feb–early Mar 2026"


def test_no_estimate_when_a_deadline_is_ahead_awaited_or_never_given():
    ahead = series((2026, ("2026-05-06",)), (2027, ("2027-05-06",)))
    assert ahead.expected_next(NOW) is None
    awaited = ConferenceView(ConferenceSeries("c", "Conf", "", "AI", editions=(
        ConferenceEdition("c2027", "c", 2027, "", "UTC", "", "", (Deadline(DeadlineKind.PAPER, None),)),)))
    assert awaited.expected_next(NOW) is None
    assert series((2025, ())).expected_next(NOW) is None


def test_the_shipped_data_says_when_it_was_taken(tmp_path):
    assert snapshot_date(SHIPPED) == date(2026, 8, 20)
    assert snapshot_date(tmp_path) is None
