"""Spaced repetition of the self-check cards, scheduled by FSRS (the `fsrs` library).

A card's state is the library's own `Card.to_dict()`, kept as it is so that storage holds plain
JSON and a later fsrs can read it. New cards go through fsrs's default learning steps (1 and 10
minutes, as in Anki) before their first interval in days.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta, tzinfo
from functools import lru_cache

from fsrs import Card, Rating, Scheduler

from planner.core.progress import DAY_BOUNDARY, CardState, ReviewGrade, ReviewLogEntry
from planner.progress.days import day_finder

LOWEST_RETENTION = 0.7  # excluded: below it reviews come so seldom that most cards are forgotten
HIGHEST_RETENTION = 0.99  # included: above it fsrs schedules a review nearly every day


def new_card(topic: str, index: int, now: datetime) -> CardState:
    """A card never reviewed, due at once. `now` is timezone-aware (any offset; stored in UTC).

    `index` is the card's position among its topic's cards; the fsrs card id is derived from
    (topic, index), so review logs of one card can be matched without a database id.
    """
    if not topic or index < 0:
        raise ValueError(f"a card needs a topic and an index of 0 or more, not {topic!r} #{index}")
    card = Card(card_id=card_id(topic, index), due=_utc(now))
    return _state(topic, index, card)


def review(state: CardState, grade: ReviewGrade, now: datetime, desired_retention: float = 0.9, *,
           duration_ms: int | None = None, fuzz: bool = True) -> tuple[CardState, ReviewLogEntry]:
    """Answer a card: its next state and the log entry to store.

    `now` is the timezone-aware moment of the answer (any offset; results are in UTC).
    `desired_retention` is the chance of recalling a card when it comes due, above 0.7 and at
    most 0.99; higher means shorter intervals. `duration_ms` is how long the learner took, if
    timed. `fuzz` lets fsrs spread intervals of 3 days or more by a few percent so cards learnt
    together do not all come due together; `preview_intervals` shows them unspread.
    """
    scheduler = _scheduler(_checked(desired_retention), fuzz)
    if duration_ms is not None and duration_ms < 0:
        raise ValueError(f"a review cannot take {duration_ms} ms")
    moment = _utc(now)
    card, _ = scheduler.review_card(_card(state), Rating(int(grade)), moment, duration_ms)
    entry = ReviewLogEntry(topic=state.topic, index=state.index, grade=ReviewGrade(grade), reviewed=moment,
                           duration_ms=duration_ms)
    return _state(state.topic, state.index, card), entry


def preview_intervals(state: CardState, now: datetime, desired_retention: float = 0.9
                      ) -> dict[ReviewGrade, timedelta]:
    """What each grade would schedule the card for, measured from `now` (timezone-aware), to
    show under the answer buttons. Unfuzzed: a review may land a few percent either side."""
    scheduler = _scheduler(_checked(desired_retention), False)
    moment, card = _utc(now), _card(state)
    return {grade: scheduler.review_card(card, Rating(int(grade)), moment)[0].due - moment
            for grade in ReviewGrade}


def due_cards(states: Iterable[CardState], now: datetime) -> list[CardState]:
    """The cards due at `now` (timezone-aware), the longest overdue first."""
    moment = _utc(now)
    return sorted((state for state in states if state.due <= moment),
                  key=lambda state: (state.due, state.topic, state.index))


def due_count(states: Iterable[CardState], now: datetime, tz: tzinfo, boundary: time = DAY_BOUNDARY) -> int:
    """How many cards come due by the end of the learner's current study day.

    `now` and each card's `due` are timezone-aware; `tz` and `boundary` are the learner's time
    zone and the wall-clock time their study day starts, so a card due at 02:00 counts for the
    evening before and one due just after the boundary counts tomorrow.
    """
    day = day_finder(tz, boundary)
    today = day(now)
    return sum(1 for state in states if day(state.due) <= today)


def recall_probability(state: CardState, now: datetime) -> float:
    """The chance, 0 to 1, that the learner recalls the card at `now` (timezone-aware) as fsrs
    predicts it; 0 for a card never reviewed."""
    return float(_scheduler(0.9, False).get_card_retrievability(_card(state), _utc(now)))


def card_id(topic: str, index: int) -> int:
    """A stable id for the fsrs card of (topic, index): 48 bits, exact in JSON and SQLite."""
    digest = hashlib.blake2b(f"{topic}\0{index}".encode(), digest_size=6).digest()
    return int.from_bytes(digest, "big")


@lru_cache(maxsize=32)
def _scheduler(desired_retention: float, fuzz: bool) -> Scheduler:
    # Never changed after it is made, so one per setting serves every review.
    return Scheduler(desired_retention=desired_retention, enable_fuzzing=fuzz)


def _checked(desired_retention: float) -> float:
    # fsrs itself accepts any value: at 1.0 every interval is 1 day, and at 0 it divides by zero.
    if not LOWEST_RETENTION < desired_retention <= HIGHEST_RETENTION:
        raise ValueError(f"desired retention must be above {LOWEST_RETENTION} and at most "
                         f"{HIGHEST_RETENTION}, not {desired_retention}")
    return float(desired_retention)


def _utc(moment: datetime) -> datetime:
    # fsrs insists on datetime.timezone.utc itself; ZoneInfo("UTC") or +00:00 offsets fail.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; stored moments are in UTC")
    return moment.astimezone(UTC)


def schedule_problem(fsrs: object) -> str | None:
    """Why a stored card schedule (the fsrs card as a dict) cannot be read, or None if it can."""
    if not isinstance(fsrs, dict):
        return "is not a card schedule"
    try:
        card = Card.from_dict(fsrs)  # type: ignore[arg-type]
        _utc(card.due)
        if card.last_review is not None:
            _utc(card.last_review)
        int(card.state)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        return f"is not a card schedule ({type(exc).__name__}: {exc})"[:200]
    return None


def _card(state: CardState) -> Card:
    try:
        return Card.from_dict(state.fsrs)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"the schedule of card {state.topic} #{state.index} is damaged: {exc!r}") from exc


def _state(topic: str, index: int, card: Card) -> CardState:
    return CardState(topic=topic, index=index, fsrs=dict(card.to_dict()), due=card.due)
