"""Reviewing the self-check cards through the façade: which cards are in the deck, what is due
today, grading, the retention setting, and taking an answer back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from time import tzset
from zoneinfo import ZoneInfo

import pytest

from planner.core.errors import LodestarError, NotFoundError
from planner.core.models import TopicStatus
from planner.core.progress import CardState, ReviewGrade
from planner.db.activity import activities
from planner.db.models import CardRow, ReviewLogRow
from planner.progress import due_count
from planner.services.progress import local_zone

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 10, 20, 0, tzinfo=BERLIN)  # a Tuesday evening, winter time (UTC+1)


@pytest.fixture(autouse=True)
def berlin(monkeypatch, clock):
    """The learner's computer is in Berlin, whatever zone the test clock runs in."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    tzset()
    local_zone.cache_clear()  # the zone is read once per session
    yield
    monkeypatch.undo()
    tzset()
    local_zone.cache_clear()


@pytest.fixture
def deck(lodestar, pack):
    """A pack of three topics (alpha, beta, gamma) with three cards each, and a profile."""
    lodestar.sync_content(pack.root)
    return lodestar, lodestar.create_profile("Ada").id


def start(lodestar, ada, *topics, status=TopicStatus.IN_PROGRESS):
    for topic in topics:
        lodestar.set_topic_state(ada, topic, status)


def stored(lodestar, ada) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Every card row, review log row and activity of the profile, as plain tuples."""
    with lodestar._session() as session:
        cards = session.query(CardRow.topic_slug, CardRow.card_index, CardRow.state, CardRow.due_at) \
            .filter_by(profile_id=ada).order_by(CardRow.topic_slug, CardRow.card_index).all()
        logs = session.query(ReviewLogRow.topic_slug, ReviewLogRow.card_index, ReviewLogRow.grade,
                             ReviewLogRow.reviewed_at, ReviewLogRow.duration_ms) \
            .filter_by(profile_id=ada).order_by(ReviewLogRow.id).all()
        return [tuple(c) for c in cards], [tuple(r) for r in logs], activities(session, ada)


def test_the_deck_holds_only_started_and_finished_topics(deck):
    lodestar, ada = deck
    assert lodestar.review_queue(ada, NOW) == []  # nothing started: nothing to be quizzed on
    start(lodestar, ada, "alpha")
    start(lodestar, ada, "beta", status=TopicStatus.DONE)
    start(lodestar, ada, "gamma", status=TopicStatus.SKIPPED)
    queue = lodestar.review_queue(ada, NOW)
    assert sorted((c.topic, c.index) for c in queue) == [(t, i) for t in ("alpha", "beta") for i in range(3)]
    first = next(c for c in queue if c.topic == "alpha" and c.index == 1)
    assert (first.topic_title, first.question, first.answer) == ("Alpha", "Question two?", "Answer two.")
    assert first.is_new
    assert lodestar.due_reviews(ada, NOW) == 6
    assert lodestar.sync_deck(ada, NOW) == 0  # already current


def test_a_topic_set_back_leaves_the_deck_and_returns_with_its_schedule(deck):
    lodestar, ada = deck
    start(lodestar, ada, "alpha")
    graded = lodestar.grade_card(ada, "alpha", 0, ReviewGrade.EASY, NOW)
    start(lodestar, ada, "alpha", status=TopicStatus.NOT_STARTED)
    assert lodestar.due_reviews(ada, NOW) == 0
    assert lodestar.grade_card(ada, "alpha", 1, ReviewGrade.GOOD, NOW) is None
    start(lodestar, ada, "alpha")
    assert lodestar.due_reviews(ada, NOW) == 2
    assert lodestar.review_stats(ada, NOW).next_due == min(graded.due, NOW.astimezone(UTC))
    with pytest.raises(NotFoundError, match="not in your reviews"):
        lodestar.review_preview(ada, "beta", 0, NOW)


def test_a_card_removed_from_the_lesson_is_left_out_not_deleted(deck, pack):
    lodestar, ada = deck
    three = "  - {q: Question three?, a: Answer three.}\n"
    four = three + "  - {q: Question four?, a: Answer four.}\n"
    pack.edit("topics/basics/alpha.md", three, four)
    lodestar.sync_content(pack.root)
    start(lodestar, ada, "alpha")
    kept = lodestar.grade_card(ada, "alpha", 3, ReviewGrade.AGAIN, NOW)
    pack.edit("topics/basics/alpha.md", four, three)
    lodestar.sync_content(pack.root)
    assert [c.index for c in lodestar.review_queue(ada, NOW)] == [0, 1, 2]
    assert lodestar.review_stats(ada, NOW).total_cards == 3
    assert lodestar.grade_card(ada, "alpha", 3, ReviewGrade.GOOD, NOW) is None
    pack.edit("topics/basics/alpha.md", three, four)
    lodestar.sync_content(pack.root)
    back = next(c for c in lodestar.review_queue(ada, NOW) if c.index == 3)
    assert back.state == kept.state  # its history was kept


def test_due_today_runs_to_the_day_boundary_not_midnight(deck):
    lodestar, ada = deck
    start(lodestar, ada, "alpha")
    lodestar.sync_deck(ada, datetime(2026, 3, 11, 2, 0, tzinfo=BERLIN))  # alpha due 02:00 tomorrow
    start(lodestar, ada, "beta")
    lodestar.sync_deck(ada, datetime(2026, 3, 11, 4, 30, tzinfo=BERLIN))  # beta due 04:30 tomorrow
    assert lodestar.due_reviews(ada, NOW) == 3  # the 02:00 cards belong to this evening
    assert lodestar.due_reviews(ada, datetime(2026, 3, 11, 3, 59, tzinfo=BERLIN)) == 3
    assert lodestar.due_reviews(ada, datetime(2026, 3, 11, 4, 0, tzinfo=BERLIN)) == 6
    assert len(lodestar.review_queue(ada, NOW)) == 3
    profile = lodestar.profile(ada)
    lodestar.save_profile(replace(profile, day_boundary="01:00", target_role="engineer"))
    assert lodestar.due_reviews(ada, NOW) == 0  # with a 01:00 boundary, 02:00 is tomorrow


def test_a_boundary_inside_the_skipped_hour_starts_the_day_when_clocks_reach_it(deck):
    lodestar, ada = deck
    lodestar.save_profile(replace(lodestar.profile(ada), day_boundary="02:30", target_role="engineer"))
    # On 29 March 2026 Berlin's clocks jump from 02:00 to 03:00 (01:00 UTC): 02:30 never
    # happens, so that study day begins at 03:00 summer time.
    start(lodestar, ada, "alpha")
    lodestar.sync_deck(ada, datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC))
    start(lodestar, ada, "beta")
    lodestar.sync_deck(ada, datetime(2026, 3, 29, 1, 0, 1, tzinfo=UTC))
    evening = datetime(2026, 3, 28, 21, 0, tzinfo=BERLIN)
    assert lodestar.due_reviews(ada, evening) == 3
    assert lodestar.review_stats(ada, evening).due_today == 3
    assert lodestar.due_reviews(ada, datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == 6


def test_good_puts_a_card_away_for_longer_than_again(deck):
    lodestar, ada = deck
    start(lodestar, ada, "alpha")
    preview = lodestar.review_preview(ada, "alpha", 0, NOW)
    assert preview[ReviewGrade.AGAIN] < preview[ReviewGrade.HARD] < preview[ReviewGrade.GOOD] \
        < preview[ReviewGrade.EASY]
    again = lodestar.grade_card(ada, "alpha", 0, ReviewGrade.AGAIN, NOW)
    good = lodestar.grade_card(ada, "alpha", 1, ReviewGrade.GOOD, NOW)
    assert good.due > again.due > NOW
    assert again.due - NOW == preview[ReviewGrade.AGAIN]
    assert not good.is_new
    assert [c.index for c in lodestar.review_queue(ada, NOW)] == [2, 0, 1]  # by due moment


def graduate(lodestar, ada, index: int) -> datetime:
    """Answer a new card Good twice, ten minutes apart: it then waits days. Returns that moment."""
    lodestar.grade_card(ada, "alpha", index, ReviewGrade.GOOD, NOW)
    later = NOW + timedelta(minutes=10)
    assert lodestar.grade_card(ada, "alpha", index, ReviewGrade.GOOD, later).due - later >= timedelta(days=1)
    return later


def test_a_higher_desired_retention_brings_cards_back_sooner(deck):
    lodestar, ada = deck
    start(lodestar, ada, "alpha")
    moment = graduate(lodestar, ada, 0) + timedelta(days=20)
    intervals = {}
    for retention in (0.8, 0.9, 0.97):
        lodestar.set_desired_retention(ada, retention)
        assert lodestar.profile(ada).desired_retention == retention
        intervals[retention] = lodestar.review_preview(ada, "alpha", 0, moment)[ReviewGrade.GOOD]
    assert intervals[0.8] > intervals[0.9] > intervals[0.97]
    card = lodestar.grade_card(ada, "alpha", 0, ReviewGrade.GOOD, moment)
    # fsrs spreads intervals of 3 days or more at random: by at most 2.5 days and 15 % either way
    assert abs(card.due - moment - intervals[0.97]) <= timedelta(days=2.5) + intervals[0.97] * 0.15


@pytest.mark.parametrize("value", [0.7, 0.5, 0.995, 1.0, float("nan")])
def test_a_desired_retention_out_of_range_is_refused_and_not_saved(deck, value):
    lodestar, ada = deck
    with pytest.raises(LodestarError, match="above 70% and at most 99%"):
        lodestar.set_desired_retention(ada, value)
    assert lodestar.profile(ada).desired_retention == 0.9


def test_an_answer_writes_the_schedule_the_log_and_a_review_activity(deck):
    lodestar, ada = deck
    start(lodestar, ada, "alpha")
    lodestar.grade_card(ada, "alpha", 0, ReviewGrade.GOOD, NOW, duration_ms=90_000)
    lodestar.grade_card(ada, "alpha", 1, ReviewGrade.AGAIN, NOW + timedelta(seconds=5), duration_ms=None)
    cards, logs, done = stored(lodestar, ada)
    assert logs == [("alpha", 0, 3, NOW.astimezone(UTC), 90_000),
                    ("alpha", 1, 1, NOW.astimezone(UTC) + timedelta(seconds=5), None)]
    reviews = [a for a in done if a[1] == "review"]
    assert reviews == [(NOW.astimezone(UTC), "review", 1.5, "alpha"),
                       (NOW.astimezone(UTC) + timedelta(seconds=5), "review", 0.0, "alpha")]
    assert cards[0][3] == NOW.astimezone(UTC) + timedelta(minutes=10)
    stats = lodestar.review_stats(ada, NOW + timedelta(minutes=1))
    assert (stats.reviewed_today, stats.total_cards, stats.reviews_30_days) == (2, 3, 2)
    assert stats.retention == 0.5
    assert lodestar.review_stats(ada, NOW + timedelta(days=31)).retention is None
    with pytest.raises(LodestarError, match="1 \\(Again\\)"):
        lodestar.grade_card(ada, "alpha", 2, 5, NOW)


def test_undo_restores_the_card_log_and_activities_exactly(deck):
    lodestar, ada = deck
    start(lodestar, ada, "alpha")
    lodestar.grade_card(ada, "alpha", 0, ReviewGrade.GOOD, NOW, duration_ms=4_000)
    before = stored(lodestar, ada)
    queue_before = lodestar.review_queue(ada, NOW)
    lodestar.grade_card(ada, "alpha", 1, ReviewGrade.EASY, NOW + timedelta(seconds=9), duration_ms=8_000)
    lodestar.grade_card(ada, "alpha", 0, ReviewGrade.AGAIN, NOW + timedelta(minutes=11))
    assert lodestar.undo_last_review(ada)
    assert lodestar.undo_last_review(ada)
    assert stored(lodestar, ada) == before
    assert lodestar.review_queue(ada, NOW) == queue_before
    assert lodestar.undo_last_review(ada)  # the first answer too
    cards, logs, done = stored(lodestar, ada)
    assert logs == [] and [a for a in done if a[1] == "review"] == []
    assert all(CardState("alpha", i, state, due).fsrs["last_review"] is None for _, i, state, due in cards)
    assert not lodestar.undo_last_review(ada)  # nothing left to take back


def test_undo_takes_back_only_the_profiles_own_answer(deck):
    lodestar, ada = deck
    grace = lodestar.create_profile("Grace").id
    start(lodestar, ada, "alpha")
    start(lodestar, grace, "alpha")
    lodestar.grade_card(ada, "alpha", 0, ReviewGrade.GOOD, NOW)
    lodestar.grade_card(grace, "alpha", 0, ReviewGrade.GOOD, NOW)
    assert lodestar.undo_last_review(ada)
    assert lodestar.review_stats(grace, NOW).reviewed_today == 1
    assert lodestar.review_stats(ada, NOW).reviewed_today == 0
    assert not lodestar.undo_last_review(ada)


CARDS_PER_TOPIC = 50


def big_pack(pack, topics: int, cards_per_topic: int = CARDS_PER_TOPIC) -> None:
    cards = "".join(f"  - {{q: Question {i}?, a: Answer {i}.}}\n" for i in range(cards_per_topic))
    for n in range(topics):
        path = pack.topic(f"topic-{n:03d}", "basics")
        text = path.read_text(encoding="utf-8")
        start, end = text.index("cards:\n") + len("cards:\n"), text.index("---\n", 4)
        path.write_text(text[:start] + cards + text[end:], encoding="utf-8")


def test_due_count_over_five_thousand_cards_matches_the_schedules(lodestar, pack):
    big_pack(pack, 100)
    lodestar.sync_content(pack.root)
    ada = lodestar.create_profile("Ada").id
    lodestar.set_new_cards_per_day(ada, 9_999)  # every card counts, new or not
    for n in range(100):
        lodestar.set_topic_state(ada, f"topic-{n:03d}", TopicStatus.IN_PROGRESS)
    assert lodestar.sync_deck(ada, NOW) == 5_000
    with lodestar._session() as session:  # spread the due moments over a fortnight, 7 min apart
        for k, row in enumerate(session.query(CardRow).filter_by(profile_id=ada)):
            row.due_at = NOW - timedelta(days=3) + timedelta(minutes=7 * ((k * 2_654_435_761) % 5_000))
    with lodestar._session() as session:
        states = [CardState(t, i, s, d) for t, i, s, d in
                  session.query(CardRow.topic_slug, CardRow.card_index, CardRow.state, CardRow.due_at)]
    moments = (NOW, NOW + timedelta(hours=7, minutes=59), NOW + timedelta(hours=8), NOW + timedelta(days=5))
    for moment in moments:
        expected = due_count(states, moment, BERLIN)
        assert 0 < expected < 5_000
        assert lodestar.due_reviews(ada, moment) == expected
    queue = lodestar.review_queue(ada, NOW, limit=5_000)
    assert len(queue) == due_count(states, NOW, BERLIN)
    assert [c.due for c in queue] == sorted(c.due for c in queue)


def test_missing_cards_are_found_for_complete_partial_and_new_topics(lodestar):
    from datetime import UTC, datetime

    from planner.db.models import CardRow
    from planner.db.reviews import missing_cards

    me = lodestar.default_profile().id
    stored = {"a": (0, 1, 2), "b": (0, 2), "d": (0, 1)}
    with lodestar._session() as session:
        session.add_all(CardRow(profile_id=me, topic_slug=slug, card_index=i, state={},
                                due_at=datetime(2026, 1, 1, tzinfo=UTC))
                        for slug, indices in stored.items() for i in indices)
        session.flush()
        deck = {"a": 3, "b": 4, "c": 2, "d": 3}  # d's lesson gained a card
        assert missing_cards(session, me, deck) == {"b": [1, 3], "c": [0, 1], "d": [2]}


def test_new_cards_come_twenty_a_day_oldest_topics_first(lodestar, pack):
    big_pack(pack, 3, cards_per_topic=15)  # 45 new cards once the three topics are started
    lodestar.sync_content(pack.root)
    ada = lodestar.create_profile("Ada").id
    assert lodestar.new_cards_per_day(ada) == 20
    for n, hours in ((2, 3), (0, 2), (1, 1)):  # topic-002 joined the deck first, then 000, then 001
        lodestar.set_topic_state(ada, f"topic-{n:03d}", TopicStatus.IN_PROGRESS)
        lodestar.sync_deck(ada, NOW - timedelta(hours=hours))
    assert lodestar.review_stats(ada, NOW).total_cards == 45
    queue = lodestar.review_queue(ada, NOW)
    assert len(queue) == 20 == lodestar.due_reviews(ada, NOW) == lodestar.review_stats(ada, NOW).due_today
    assert [c.topic for c in queue] == ["topic-002"] * 15 + ["topic-000"] * 5
    for card in queue:
        lodestar.grade_card(ada, card.topic, card.index, ReviewGrade.GOOD, NOW)
    seen = {(c.topic, c.index) for c in queue}
    later = lodestar.review_queue(ada, NOW + timedelta(hours=1))
    assert [c for c in later if (c.topic, c.index) not in seen] == []  # today's twenty are spent
    tomorrow = lodestar.review_queue(ada, NOW + timedelta(days=1), limit=500)
    fresh = [c for c in tomorrow if (c.topic, c.index) not in seen]
    assert [c.topic for c in fresh] == ["topic-000"] * 10 + ["topic-001"] * 10
    after = lodestar.review_queue(ada, NOW + timedelta(days=2), limit=500)
    assert len([c for c in after if (c.topic, c.index) not in seen]) == 20  # never more a day


def test_a_day_of_no_new_cards_still_brings_back_the_cards_answered_before(deck):
    lodestar, ada = deck
    start(lodestar, ada, "alpha", "beta")
    first = lodestar.review_queue(ada, NOW)
    assert len(first) == 6
    lodestar.grade_card(ada, first[0].topic, first[0].index, ReviewGrade.AGAIN, NOW)
    lodestar.set_new_cards_per_day(ada, 0)
    assert lodestar.profile(ada).new_cards_per_day == 0
    soon = NOW + timedelta(minutes=30)
    queue = lodestar.review_queue(ada, soon)
    assert [(c.topic, c.index) for c in queue] == [(first[0].topic, first[0].index)]
    assert lodestar.due_reviews(ada, soon) == 1 == lodestar.review_stats(ada, soon).due_today
    assert lodestar.review_stats(ada, soon).total_cards == 6  # the new cards wait in the deck
    week = NOW + timedelta(days=7)
    assert [(c.topic, c.index) for c in lodestar.review_queue(ada, week)] \
        == [(first[0].topic, first[0].index)]


@pytest.mark.parametrize("value", [-1, 10_000, 2.5, True, "20"])
def test_new_cards_per_day_is_a_whole_number_from_0_to_9999(deck, value):
    lodestar, ada = deck
    with pytest.raises(LodestarError, match="whole number from 0 to 9,999"):
        lodestar.set_new_cards_per_day(ada, value)
    assert lodestar.new_cards_per_day(ada) == 20
