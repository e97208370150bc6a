"""Spaced-repetition review of the lessons' self-check cards.

Mixed into `Lodestar`, which provides `_session()` (one transaction per use case).

A topic's cards join the learner's deck when they start the topic or finish it, never before:
nobody should be quizzed on a lesson they have not seen. Every query first adds the cards of
newly started topics (due at once), so the deck is always current. "Today" is the learner's
study day, which starts at their day boundary (04:00 unless they chose otherwise) in the
computer's time zone.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from planner.core.errors import LodestarError, NotFoundError
from planner.core.progress import CardState, ReviewGrade
from planner.core.review import ReviewCard, ReviewStats
from planner.db import reviews
from planner.db.values import NEW_CARDS_PER_DAY
from planner.progress import new_card, preview_intervals, review, study_day
from planner.progress.review import HIGHEST_RETENTION, LOWEST_RETENTION
from planner.services.progress import local_zone, parse_boundary

UNDO_DEPTH = 100  # answers a learner can take back, newest first, while Lodestar stays open
RETENTION_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class _Answer:
    """What undoing one answer needs: the card before and after, and the rows written."""

    profile_id: int
    before: CardState
    after: CardState
    log_id: int
    activity_id: int


class Reviews:
    """The use cases of this area."""

    _session: Callable[[], contextlib.AbstractContextManager]

    def sync_deck(self, profile_id: int, now: datetime | None = None) -> int:
        """Add to the deck the cards of the learner's started and finished topics that are not
        in it yet, due at `now`; returns how many were added. The queries below do this first."""
        moment = _moment(now)
        with self._session() as session:
            return self._sync_deck(session, profile_id, moment, moment)[1]

    def due_reviews(self, profile_id: int, now: datetime | None = None) -> int:
        """How many cards are due by the end of the learner's current study day (for the Today
        page): one count over the profile's cards, which also shows the deck is complete."""
        moment = _moment(now)
        with self._session() as session:
            boundary, _ = reviews.review_settings(session, profile_id)
            end = _day_end(moment, boundary)
            deck, _, (_, due, _) = self._sync_deck(session, profile_id, moment, end)
            return due - self._new_held_back(session, profile_id, deck, moment, end, boundary)

    def review_queue(self, profile_id: int, now: datetime | None = None,
                     limit: int = 200) -> list[ReviewCard]:
        """The cards due by the end of the learner's study day, the earliest due first. Of the
        new cards (never answered) it offers only what is left of the profile's daily allowance
        (`new_cards_per_day`, less those first answered this study day), oldest topics first."""
        moment = _moment(now)
        with self._session() as session:
            boundary, _ = reviews.review_settings(session, profile_id)
            end = _day_end(moment, boundary)
            deck, _, _ = self._sync_deck(session, profile_id, moment, end)
            allowance = self._new_allowance(session, profile_id, moment, boundary)
            return reviews.due_cards(session, profile_id, deck, end, limit, new_limit=allowance)

    def grade_card(self, profile_id: int, topic: str, index: int, grade: ReviewGrade,
                   now: datetime | None = None, duration_ms: int | None = None) -> ReviewCard | None:
        """Answer a card with `grade` (1 Again … 4 Easy) at `now`, having taken `duration_ms`.

        Schedules it with the profile's desired retention and stores the new schedule, the
        answer and a "review" activity (its minutes: the time taken) in one transaction.
        Returns the card as now scheduled, or None when it is not (any longer) in the deck:
        its topic was set back to not started or its lesson no longer has that card.
        """
        grade = _grade(grade)
        moment = _moment(now)
        with self._session() as session:
            retention, before = self._card_in_deck(session, profile_id, topic, index, moment)
            if before is None:
                return None
            after, entry = review(before, grade, moment, retention, duration_ms=duration_ms)
            log_id, activity_id = reviews.record_review(session, profile_id, after, entry)
            answered = reviews.review_card(session, profile_id, topic, index)
        self._answers().append(_Answer(profile_id, before, after, log_id, activity_id))
        del self._answers()[:-UNDO_DEPTH]
        return answered

    def undo_last_review(self, profile_id: int) -> bool:
        """Take back the profile's latest answer given since Lodestar was opened: the card gets
        its previous schedule back and the answer's log and activity go, in one transaction.
        False when there is nothing to undo (or the card has changed since)."""
        answers = self._answers()
        for position in range(len(answers) - 1, -1, -1):
            answer = answers[position]
            if answer.profile_id != profile_id:
                continue
            del answers[position]
            with self._session() as session:
                return reviews.undo_review(session, profile_id, answer.log_id, answer.activity_id,
                                           answer.before, answer.after)
        return False

    def review_preview(self, profile_id: int, topic: str, index: int,
                       now: datetime | None = None) -> dict[ReviewGrade, timedelta]:
        """How long each grade would put the card away for, from `now`, with the profile's
        desired retention (unspread: an answer may land a few percent either side)."""
        moment = _moment(now)
        with self._session() as session:
            retention, state = self._card_in_deck(session, profile_id, topic, index, moment)
        if state is None:
            raise NotFoundError(f"Card {index + 1} of {topic!r} is not in your reviews.")
        return preview_intervals(state, moment, retention)

    def review_stats(self, profile_id: int, now: datetime | None = None) -> ReviewStats:
        """Due today, answered today, the deck's size, when its next card is due, and the share
        of the last 30 days' answers not graded Again."""
        moment = _moment(now)
        with self._session() as session:
            boundary, _ = reviews.review_settings(session, profile_id)
            end = _day_end(moment, boundary)
            deck, _, (total, due, next_due) = self._sync_deck(session, profile_id, moment, end)
            due -= self._new_held_back(session, profile_id, deck, moment, end, boundary)
            today, _ = reviews.answer_counts(session, profile_id, _day_start(moment, boundary))
            month, again = reviews.answer_counts(session, profile_id, moment - RETENTION_WINDOW)
        retention = (month - again) / month if month else None
        return ReviewStats(due, today, total, retention, month, next_due)

    def set_desired_retention(self, profile_id: int, value: float) -> None:
        """Set how likely a card should still be remembered when it comes due: above 0.7 and at
        most 0.99. Higher means more frequent reviews."""
        if not isinstance(value, int | float) or math.isnan(value) \
                or not LOWEST_RETENTION < value <= HIGHEST_RETENTION:
            raise LodestarError(
                f"Desired retention must be above {LOWEST_RETENTION:.0%} and at most "
                f"{HIGHEST_RETENTION:.0%}, not {value!r}: lower, and most cards are forgotten "
                "before they come back; higher, and nearly every card comes back every day.")
        with self._session() as session:
            reviews.set_desired_retention(session, profile_id, float(value))

    def new_cards_per_day(self, profile_id: int) -> int:
        """How many new cards (never answered) reviews introduce in one study day."""
        with self._session() as session:
            return reviews.new_cards_per_day(session, profile_id)

    def set_new_cards_per_day(self, profile_id: int, value: int) -> None:
        """Set how many new cards reviews introduce in one study day: a whole number from 0 (none:
        only cards already answered come back) to 9,999. 20 is the default."""
        low, high = NEW_CARDS_PER_DAY
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise LodestarError(f"New cards per day must be a whole number from {low} to {high:,}, "
                                f"not {value!r}.")
        with self._session() as session:
            reviews.set_new_cards_per_day(session, profile_id, value)

    # --- helpers --------------------------------------------------------------------------------

    def _new_allowance(self, session, profile_id: int, moment: datetime, boundary: str) -> int:
        """How many more new cards this study day may introduce."""
        cap = reviews.new_cards_per_day(session, profile_id)
        _, introduced = reviews.new_card_counts(session, profile_id, {}, moment,
                                                _day_start(moment, boundary))
        return max(0, cap - introduced)

    def _new_held_back(self, session, profile_id: int, deck: dict[str, int], moment: datetime,
                       end: datetime, boundary: str) -> int:
        """How many of the new cards due before `end` wait for a later day's allowance."""
        cap = reviews.new_cards_per_day(session, profile_id)
        new_due, introduced = reviews.new_card_counts(session, profile_id, deck, end,
                                                      _day_start(moment, boundary))
        return max(0, new_due - max(0, cap - introduced))


    def _sync_deck(self, session, profile_id: int, now: datetime, before: datetime
                   ) -> tuple[dict[str, int], int, tuple[int, int, datetime | None]]:
        """The deck `{topic: cards}`, how many cards were added to it (due `now`), and
        `reviews.deck_counts` with cards due before `before`."""
        deck = reviews.deck_topics(session, profile_id)
        counts = reviews.deck_counts(session, profile_id, deck, before)
        if counts[0] == sum(deck.values()):  # the usual case: nothing to add, one query
            return deck, 0, counts
        missing = reviews.missing_cards(session, profile_id, deck)
        added = [new_card(topic, index, now) for topic, indices in missing.items() for index in indices]
        reviews.add_cards(session, profile_id, added)
        session.flush()
        return deck, len(added), reviews.deck_counts(session, profile_id, deck, before)

    def _card_in_deck(self, session, profile_id: int, topic: str, index: int, now: datetime
                      ) -> tuple[float, CardState | None]:
        """The profile's desired retention, and the card's schedule if it is in the deck now
        (None when its topic was set back to not started or its lesson lost the card)."""
        _, retention = reviews.review_settings(session, profile_id)
        deck, _, _ = self._sync_deck(session, profile_id, now, now)
        state = reviews.card_state(session, profile_id, topic, index)
        return retention, state if state is not None and index < deck.get(topic, 0) else None

    def _answers(self) -> list[_Answer]:
        # Kept on the open Lodestar, as Anki keeps its undo: answers are taken back minutes
        # after they were given, in the same sitting.
        return self.__dict__.setdefault("_review_answers", [])


def _grade(grade: ReviewGrade | int) -> ReviewGrade:
    try:
        return ReviewGrade(grade)
    except ValueError:
        raise LodestarError(f"A grade is 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), not {grade!r}.") \
            from None


def _moment(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"{now.isoformat()} has no time zone")
    return now.astimezone(UTC)


def _day_start(now: datetime, boundary: str) -> datetime:
    """The first moment of the learner's study day that holds `now`."""
    zone, start = local_zone(), parse_boundary(boundary)
    return _first_moment_of(study_day(now, zone, start), zone, start)


def _day_end(now: datetime, boundary: str) -> datetime:
    """The first moment of the learner's next study day: cards due before it are due today."""
    zone, start = local_zone(), parse_boundary(boundary)
    return _first_moment_of(study_day(now, zone, start) + timedelta(days=1), zone, start)


def _first_moment_of(day: date, zone: tzinfo, boundary: time) -> datetime:
    """When study day `day` begins, in UTC, as `study_day` places it."""
    guess = datetime.combine(day, boundary, zone).astimezone(UTC)
    tick = timedelta(microseconds=1)
    if study_day(guess, zone, boundary) == day and study_day(guess - tick, zone, boundary) < day:
        return guess
    # The boundary falls in an hour a clock change skips or repeats: search for the moment the
    # day starts, which study days (never running backwards) make a single step.
    low, high = guess - timedelta(hours=26), guess + timedelta(hours=26)
    while high - low > tick:
        middle = low + (high - low) / 2
        if study_day(middle, zone, boundary) < day:
            low = middle
        else:
            high = middle
    return high
