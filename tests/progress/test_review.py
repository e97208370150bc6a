"""Spaced repetition of the self-check cards, as the review page uses it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from planner.core.progress import CardState, ReviewGrade, ReviewLogEntry
from planner.progress import (
    card_id,
    due_cards,
    due_count,
    new_card,
    preview_intervals,
    recall_probability,
    review,
)
from tests.progress.helpers import LONDON, local, utc

NOW = utc(2025, 5, 1, 18, 0)


def learnt(topic: str = "backprop", index: int = 0) -> CardState:
    """A card through its learning steps (Good, then Good ten minutes later): due in days."""
    state, _ = review(new_card(topic, index, NOW), ReviewGrade.GOOD, NOW, fuzz=False)
    state, _ = review(state, ReviewGrade.GOOD, NOW + timedelta(minutes=10), fuzz=False)
    return state


def test_a_new_card_is_due_at_once():
    card = new_card("backprop", 2, NOW)
    assert (card.topic, card.index, card.due) == ("backprop", 2, NOW)
    assert due_cards([card], NOW) == [card]
    assert recall_probability(card, NOW) == 0


def test_good_on_a_new_card_comes_back_later_than_again_and_easy_days_later():
    card = new_card("backprop", 0, NOW)
    due = {grade: review(card, grade, NOW)[0].due - NOW for grade in ReviewGrade}
    assert due[ReviewGrade.AGAIN] < due[ReviewGrade.HARD] < due[ReviewGrade.GOOD] < due[ReviewGrade.EASY]
    assert due[ReviewGrade.AGAIN] == timedelta(minutes=1)
    assert due[ReviewGrade.EASY] >= timedelta(days=2)


def test_a_learnt_card_goes_days_ahead_on_good_and_minutes_on_again():
    card = learnt()
    assert card.due - NOW >= timedelta(days=1)
    later = card.due
    good, _ = review(card, ReviewGrade.GOOD, later)
    again, _ = review(card, ReviewGrade.AGAIN, later)
    assert again.due - later == timedelta(minutes=10)
    assert good.due - later >= timedelta(days=3)


def test_higher_desired_retention_means_shorter_intervals():
    card = learnt()
    strict = preview_intervals(card, card.due, desired_retention=0.95)
    relaxed = preview_intervals(card, card.due, desired_retention=0.8)
    for grade in (ReviewGrade.HARD, ReviewGrade.GOOD, ReviewGrade.EASY):
        assert strict[grade] < relaxed[grade]
    fuzzed_strict = review(card, ReviewGrade.GOOD, card.due, 0.95)[0].due
    fuzzed_relaxed = review(card, ReviewGrade.GOOD, card.due, 0.8)[0].due
    assert fuzzed_strict < fuzzed_relaxed


def test_the_preview_under_each_button_is_what_the_button_schedules():
    for card, moment in ((new_card("cnn", 1, NOW), NOW), (learnt(), learnt().due + timedelta(days=3))):
        preview = preview_intervals(card, moment)
        assert set(preview) == set(ReviewGrade)
        for grade in ReviewGrade:
            assert review(card, grade, moment, fuzz=False)[0].due - moment == preview[grade]


@pytest.mark.parametrize("retention", [0.7, 0.5, 1.0, 0.995, float("nan")])
def test_a_desired_retention_outside_its_range_is_refused(retention):
    card = new_card("backprop", 0, NOW)
    with pytest.raises(ValueError, match=r"desired retention must be above 0\.7 and at most 0\.99"):
        review(card, ReviewGrade.GOOD, NOW, retention)
    with pytest.raises(ValueError, match="desired retention"):
        preview_intervals(card, NOW, retention)


def test_the_edges_of_the_retention_range_that_are_allowed():
    card = new_card("backprop", 0, NOW)
    for retention in (0.99, 0.71):
        assert review(card, ReviewGrade.GOOD, NOW, retention)[0].due > NOW


def test_a_card_survives_storage_as_json():
    card = learnt("attention", 3)
    stored = json.dumps({"topic": card.topic, "index": card.index, "fsrs": card.fsrs,
                         "due": card.due.isoformat()})
    row = json.loads(stored)
    back = CardState(row["topic"], row["index"], row["fsrs"], datetime.fromisoformat(row["due"]))
    assert back == card
    moment = card.due + timedelta(days=2)
    assert review(back, ReviewGrade.HARD, moment, fuzz=False) == review(card, ReviewGrade.HARD, moment,
                                                                         fuzz=False)


def test_the_review_log_says_what_was_answered_and_when_in_utc():
    answered = datetime(2025, 5, 1, 20, 0, tzinfo=timezone(timedelta(hours=2)))
    _, entry = review(new_card("backprop", 0, NOW), ReviewGrade.HARD, answered, duration_ms=4200)
    assert entry == ReviewLogEntry("backprop", 0, ReviewGrade.HARD, NOW, 4200)
    assert entry.reviewed.tzinfo is UTC


def test_bad_answers_are_refused():
    card = new_card("backprop", 0, NOW)
    with pytest.raises(ValueError, match="no time zone"):
        review(card, ReviewGrade.GOOD, datetime(2025, 5, 1, 18, 0))
    with pytest.raises(ValueError, match="-5 ms"):
        review(card, ReviewGrade.GOOD, NOW, duration_ms=-5)
    with pytest.raises(ValueError):
        new_card("", 0, NOW)
    with pytest.raises(ValueError):
        new_card("backprop", -1, NOW)


def test_a_damaged_schedule_names_the_card():
    damaged = replace(new_card("backprop", 4, NOW), fsrs={"state": 1})
    with pytest.raises(ValueError, match="backprop #4 is damaged"):
        review(damaged, ReviewGrade.GOOD, NOW)


def test_due_cards_are_those_due_now_the_most_overdue_first():
    cards = [replace(new_card("a", n, NOW), due=NOW + timedelta(hours=hours)) for n, hours in
             enumerate([-1, 2, -30, 0])]
    assert [card.index for card in due_cards(cards, NOW)] == [2, 0, 3]


def test_due_count_runs_to_the_end_of_the_learners_study_day():
    evening = local(date(2025, 5, 1), 22)  # 22:00 in London
    due_at = [local(date(2025, 4, 28), 9),  # overdue
              local(date(2025, 5, 2), 2),  # 02:00 tonight: still today's study day
              local(date(2025, 5, 2), 3, 59),
              local(date(2025, 5, 2), 4),  # tomorrow's
              local(date(2025, 5, 3), 12)]
    cards = [replace(new_card("a", n, NOW), due=due) for n, due in enumerate(due_at)]
    assert due_count(cards, evening, LONDON) == 3
    assert due_count(cards, evening, LONDON, boundary=time(0, 0)) == 1
    assert due_count(cards, local(date(2025, 5, 2), 4, 30), LONDON) == 4


def test_recall_fades_after_a_review():
    card = learnt()
    soon, late = card.due, card.due + timedelta(days=60)
    assert 0 < recall_probability(card, late) < recall_probability(card, soon) <= 1


def test_each_card_has_its_own_stable_id():
    assert card_id("backprop", 0) == card_id("backprop", 0) != card_id("backprop", 1)
    assert new_card("backprop", 1, NOW).fsrs["card_id"] == card_id("backprop", 1) < 2**53
