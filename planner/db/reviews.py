"""The learner's deck of self-check cards: their schedules, the answers given, and undoing one.

A card is the `card_index`th card of a topic's front matter. It belongs to a profile's deck while
the topic is live and the profile has it in progress or done, and while the lesson still has a
card at that index: a card removed from the content keeps its row (and history) but is left out.
The callers pass that deck as `{topic slug: number of cards the lesson has now}`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Integer, and_, case, func, or_, select
from sqlalchemy.orm import Session

from planner.core.errors import NotFoundError
from planner.core.progress import CardState, ReviewLogEntry
from planner.core.review import ReviewCard
from planner.db.activity import log_activity
from planner.db.models import ActivityRow, CardRow, ProfileRow, ReviewLogRow, TopicRow, TopicStateRow
from planner.db.values import NEW_CARDS_PER_DAY, within

DECK_STATES = ("in_progress", "done")  # a topic not started yet is unseen material: no cards


def review_settings(session: Session, profile_id: int) -> tuple[str, float]:
    """The profile's day boundary ("HH:MM") and desired retention."""
    row = session.execute(select(ProfileRow.day_boundary, ProfileRow.desired_retention)
                          .where(ProfileRow.id == profile_id)).first()
    if row is None:
        raise NotFoundError(f"No profile with id {profile_id}.")
    return row[0], row[1]


def set_desired_retention(session: Session, profile_id: int, value: float) -> None:
    row = session.get(ProfileRow, profile_id)
    if row is None:
        raise NotFoundError(f"No profile with id {profile_id}.")
    row.desired_retention = value


def new_cards_per_day(session: Session, profile_id: int) -> int:
    """How many cards never answered the profile is introduced to in one study day."""
    value = session.scalar(select(ProfileRow.new_cards_per_day).where(ProfileRow.id == profile_id))
    return int(within(value, *NEW_CARDS_PER_DAY, 20, f"profile {profile_id}, new cards per day"))


def set_new_cards_per_day(session: Session, profile_id: int, value: int) -> None:
    row = session.get(ProfileRow, profile_id)
    if row is None:
        raise NotFoundError(f"No profile with id {profile_id}.")
    row.new_cards_per_day = value


def _is_new():
    """Whether a card was never answered: its schedule holds no last review (FSRS sets one at the
    first answer; undoing that answer takes it away again). Read from the card's own row, so the
    queue does not look through the review history card by card."""
    return CardRow.state["last_review"].as_string().is_(None)


def new_card_counts(session: Session, profile_id: int, deck: dict[str, int], before: datetime,
                    since: datetime) -> tuple[int, int]:
    """(new cards of the deck due before `before`, cards first answered at or after `since`):
    what the daily cap on new cards needs, `since` being the start of the study day."""
    new_due = 0
    if deck:
        new_due = session.scalar(
            select(func.count()).where(CardRow.profile_id == profile_id, CardRow.due_at < before,
                                       _in_deck(deck), _is_new()))
    # The cards answered since `since` (few, through the index on profile and time), then which
    # of them had no answer before it.
    today = session.execute(
        select(ReviewLogRow.topic_slug, ReviewLogRow.card_index).distinct()
        .where(ReviewLogRow.profile_id == profile_id, ReviewLogRow.reviewed_at >= since)).all()
    if not today:
        return new_due, 0
    before_today = session.execute(
        select(ReviewLogRow.topic_slug, ReviewLogRow.card_index).distinct()
        .where(ReviewLogRow.profile_id == profile_id, ReviewLogRow.reviewed_at < since,
               ReviewLogRow.topic_slug.in_(sorted({topic for topic, _ in today})))).all()
    return new_due, len(set(map(tuple, today)) - set(map(tuple, before_today)))


def deck_topics(session: Session, profile_id: int) -> dict[str, int]:
    """The profile's started or finished live topics that have cards, with their card counts."""
    # Counted in the database so the lessons' card texts are not loaded just to be counted.
    count = func.json_array_length(TopicRow.cards, type_=Integer)
    rows = session.execute(
        select(TopicRow.slug, count)
        .join(TopicStateRow, and_(TopicStateRow.topic_slug == TopicRow.slug,
                                  TopicStateRow.profile_id == profile_id))
        .where(TopicStateRow.status.in_(DECK_STATES), TopicRow.archived.is_(False))).all()
    return {slug: n for slug, n in rows if n}


def missing_cards(session: Session, profile_id: int, deck: dict[str, int]) -> dict[str, list[int]]:
    """The card indices of `deck` that have no schedule yet, by topic."""
    stored = session.execute(
        select(CardRow.topic_slug, func.count(), func.max(CardRow.card_index))
        .where(CardRow.profile_id == profile_id).group_by(CardRow.topic_slug)).all()
    # Indices are unique and not negative, so n rows whose highest index is n - 1 are 0 … n - 1:
    # a topic is complete without reading its indices one by one.
    counts = {slug: (n, top) for slug, n, top in stored}
    complete = {slug for slug, (n, top) in counts.items() if n == top + 1 and n >= deck.get(slug, 0)}
    partial = [slug for slug in deck if slug in counts and slug not in complete]
    have: dict[str, set[int]] = {slug: set() for slug in partial}
    if partial:  # the indices of the topics that have some cards, in one query
        for slug, index in session.execute(select(CardRow.topic_slug, CardRow.card_index).where(
                CardRow.profile_id == profile_id, CardRow.topic_slug.in_(partial))):
            have[slug].add(index)
    missing: dict[str, list[int]] = {}
    for slug, size in deck.items():
        if slug in complete:
            continue
        wanted = [index for index in range(size) if index not in have.get(slug, ())]
        if wanted:
            missing[slug] = wanted
    return missing


def add_cards(session: Session, profile_id: int, states: Iterable[CardState]) -> None:
    session.add_all(CardRow(profile_id=profile_id, topic_slug=s.topic, card_index=s.index,
                            state=dict(s.fsrs), due_at=s.due) for s in states)


def _in_deck(deck: dict[str, int]):
    # Topics grouped by card count: a handful of conditions, whatever the number of topics.
    by_size: dict[int, list[str]] = defaultdict(list)
    for slug, size in deck.items():
        by_size[size].append(slug)
    return or_(*(and_(CardRow.topic_slug.in_(sorted(slugs)), CardRow.card_index < size)
                 for size, slugs in sorted(by_size.items())))


def deck_counts(session: Session, profile_id: int, deck: dict[str, int], before: datetime
                ) -> tuple[int, int, datetime | None]:
    """(cards of the deck that have a schedule, how many of them fall due before `before`, the
    earliest due moment), in one pass over the profile's cards. The first falling short of the
    deck's size is how the callers notice cards not scheduled yet."""
    if not deck:
        return 0, 0, None
    held, due, first = session.execute(
        select(func.count(), func.coalesce(func.sum(case((CardRow.due_at < before, 1), else_=0)), 0),
               func.min(CardRow.due_at))
        .where(CardRow.profile_id == profile_id, _in_deck(deck))).one()
    return held, due, first


def due_cards(session: Session, profile_id: int, deck: dict[str, int], before: datetime,
              limit: int, new_limit: int | None = None) -> list[ReviewCard]:
    """The deck's cards due before `before`, the earliest due first, with their lessons' words;
    of the new cards (never answered) only the `new_limit` that joined the deck first, when given
    (a new card is due from the moment its topic's cards joined the deck)."""
    if not deck or limit <= 0:
        return []
    query = (select(CardRow.topic_slug, CardRow.card_index, CardRow.state, CardRow.due_at)
             .where(CardRow.profile_id == profile_id, CardRow.due_at < before, _in_deck(deck))
             .order_by(CardRow.due_at, CardRow.topic_slug, CardRow.card_index))
    if new_limit is None:
        rows = session.execute(query.limit(limit)).all()
    else:
        seen = session.execute(query.where(~_is_new()).limit(limit)).all()
        new = session.execute(query.where(_is_new()).limit(min(limit, new_limit))).all() \
            if new_limit > 0 else []
        rows = sorted(seen + new, key=lambda row: (row[3], row[0], row[1]))[:limit]
    texts = _topic_texts(session, {row[0] for row in rows})
    return [_review_card(texts[slug], CardState(slug, index, state, due))
            for slug, index, state, due in rows]


def review_card(session: Session, profile_id: int, topic: str, index: int) -> ReviewCard | None:
    """One card with its lesson's words, or None when it has no schedule."""
    state = card_state(session, profile_id, topic, index)
    texts = _topic_texts(session, {topic})
    if state is None or topic not in texts or index >= len(texts[topic][1]):
        return None
    return _review_card(texts[topic], state)


def card_state(session: Session, profile_id: int, topic: str, index: int) -> CardState | None:
    row = session.get(CardRow, (profile_id, topic, index))
    return None if row is None else CardState(topic, index, dict(row.state), row.due_at)


def _topic_texts(session: Session, slugs: set[str]) -> dict[str, tuple[str, list[dict]]]:
    if not slugs:
        return {}
    rows = session.execute(select(TopicRow.slug, TopicRow.title, TopicRow.cards)
                           .where(TopicRow.slug.in_(sorted(slugs)))).all()
    return {slug: (title, cards or []) for slug, title, cards in rows}


def _review_card(text: tuple[str, list[dict]], state: CardState) -> ReviewCard:
    title, cards = text
    card = cards[state.index]
    return ReviewCard(topic=state.topic, index=state.index, topic_title=title,
                      question=card.get("q", ""), answer=card.get("a", ""), due=state.due,
                      state=state)


def record_review(session: Session, profile_id: int, state: CardState,
                  entry: ReviewLogEntry) -> tuple[int, int]:
    """Store a card's new schedule, the answer and a "review" activity in the caller's
    transaction. Returns the ids of the review log and activity rows (to undo them)."""
    row = session.get(CardRow, (profile_id, state.topic, state.index))
    if row is None:
        raise NotFoundError(f"Card {state.topic} #{state.index} is not in the deck.")
    row.state, row.due_at = dict(state.fsrs), state.due
    log = ReviewLogRow(profile_id=profile_id, topic_slug=entry.topic, card_index=entry.index,
                       grade=int(entry.grade), reviewed_at=entry.reviewed,
                       duration_ms=entry.duration_ms)
    session.add(log)
    minutes = (entry.duration_ms or 0) / 60_000
    activity = log_activity(session, profile_id, entry.reviewed, "review", minutes, entry.topic)
    session.flush()
    return log.id, activity.id


def undo_review(session: Session, profile_id: int, log_id: int, activity_id: int,
                before: CardState, after: CardState) -> bool:
    """Put a card back to `before` and delete the answer's log and activity rows, provided the
    card still holds `after` (what the answer made of it). False, changing nothing, otherwise."""
    row = session.get(CardRow, (profile_id, before.topic, before.index))
    log = session.get(ReviewLogRow, log_id)
    if row is None or log is None or log.profile_id != profile_id or row.state != after.fsrs:
        return False
    row.state, row.due_at = dict(before.fsrs), before.due
    session.delete(log)
    activity = session.get(ActivityRow, activity_id)
    if activity is not None and activity.profile_id == profile_id:
        session.delete(activity)
    return True


def answer_counts(session: Session, profile_id: int, since: datetime,
                  until: datetime | None = None) -> tuple[int, int]:
    """(answers given, of which graded Again) from `since` to `until`."""
    query = select(func.count(), func.coalesce(func.sum(case((ReviewLogRow.grade == 1, 1), else_=0)), 0)) \
        .where(ReviewLogRow.profile_id == profile_id, ReviewLogRow.reviewed_at >= since)
    if until is not None:
        query = query.where(ReviewLogRow.reviewed_at < until)
    answers, again = session.execute(query).one()
    return answers, again
