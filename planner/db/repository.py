"""Queries the services run, each returning `planner.core` records.

Functions take an open `Session`; those that write leave committing to the caller, which owns
the transaction (one use case, one transaction).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from planner.core.errors import NotFoundError
from planner.core.models import (
    Card,
    ContentCounts,
    DeadlineKind,
    Difficulty,
    Lab,
    LessonSection,
    PlanTopic,
    Reading,
    ReadingKind,
    Role,
    RoleSkill,
    Skill,
    SkillLevel,
    Topic,
    TopicStatus,
    TopicSummary,
    Track,
    UpcomingDeadline,
)
from planner.db.activity import log_activity
from planner.db.base import utcnow
from planner.db.models import (
    ConferenceDeadlineRow,
    ConferenceEditionRow,
    ConferenceSeriesRow,
    LabRow,
    ReadingRow,
    RoleRow,
    RoleSkillRow,
    SkillRow,
    TopicLabRow,
    TopicPrerequisiteRow,
    TopicReadingRow,
    TopicRow,
    TopicSkillRow,
    TopicStateRow,
    TrackRow,
)
from planner.db.values import member

# --- content -------------------------------------------------------------------------------


def content_counts(session: Session) -> ContentCounts:
    def count(model) -> int:
        return session.scalar(select(func.count()).select_from(model)
                              .where(model.archived.is_(False))) or 0

    editions = session.scalar(
        select(func.count(ConferenceEditionRow.id)).join(ConferenceSeriesRow)
        .where(ConferenceSeriesRow.archived.is_(False))) or 0
    return ContentCounts(count(TrackRow), count(TopicRow), count(SkillRow), count(RoleRow),
                         count(ReadingRow), count(LabRow), count(ConferenceSeriesRow), editions)


def tracks(session: Session) -> list[Track]:
    rows = session.scalars(select(TrackRow).where(TrackRow.archived.is_(False))
                           .order_by(TrackRow.position))
    return [Track(r.slug, r.title, r.description, r.position) for r in rows]


def topic_summaries(session: Session, track: str | None = None) -> list[TopicSummary]:
    """Live topics in curriculum order (track order, then file order), with prerequisite slugs."""
    query = (select(TopicRow).join(TrackRow).where(TopicRow.archived.is_(False))
             .options(selectinload(TopicRow.prerequisites)
                      .selectinload(TopicPrerequisiteRow.prerequisite))
             .order_by(TrackRow.position, TopicRow.position))
    if track is not None:
        query = query.where(TrackRow.slug == track)
    track_slugs = dict(session.execute(select(TrackRow.id, TrackRow.slug)).all())
    return [_summary(row, track_slugs[row.track_id]) for row in session.scalars(query)]


def _summary(row: TopicRow, track: str) -> TopicSummary:
    return TopicSummary(
        slug=row.slug, title=row.title, track=track, summary=row.summary, hours=row.hours,
        difficulty=Difficulty(row.difficulty),
        prerequisites=tuple(p.prerequisite.slug for p in row.prerequisites
                            if not p.prerequisite.archived),
    )


def topic(session: Session, slug: str) -> Topic:
    row = session.scalar(
        select(TopicRow).where(TopicRow.slug == slug).options(
            selectinload(TopicRow.prerequisites).selectinload(TopicPrerequisiteRow.prerequisite),
            selectinload(TopicRow.skills).selectinload(TopicSkillRow.skill),
            selectinload(TopicRow.readings).selectinload(TopicReadingRow.reading),
            selectinload(TopicRow.labs).selectinload(TopicLabRow.lab),
        ))
    if row is None:
        raise NotFoundError(f"No topic {slug!r}.")
    base = _summary(row, row.track.slug)
    return Topic(
        **{f: getattr(base, f) for f in base.__dataclass_fields__},
        body=row.body,
        skills=tuple(SkillLevel(s.skill.slug, s.level) for s in row.skills),
        labs=tuple(link.lab.slug for link in row.labs if not link.lab.archived),
        readings=tuple(link.reading.slug for link in row.readings if not link.reading.archived),
        cards=tuple(Card(c["q"], c["a"]) for c in row.cards),
        sections=tuple(LessonSection(str(title), float(share)) for title, share in row.sections or ()),
    )


def topic_hours(session: Session) -> dict[str, float]:
    """Each live topic's estimated hours, in one light query."""
    return dict(session.execute(select(TopicRow.slug, TopicRow.hours)
                                .where(TopicRow.archived.is_(False))).all())


def plan_topics(session: Session) -> list[PlanTopic]:
    """Every live topic as the scheduler needs it (hours, prerequisites, skills, labs, sections),
    in curriculum order, which `order` numbers; three queries whatever the size of the
    curriculum."""
    rows = session.scalars(
        select(TopicRow).join(TrackRow).where(TopicRow.archived.is_(False))
        .options(selectinload(TopicRow.prerequisites).selectinload(TopicPrerequisiteRow.prerequisite),
                 selectinload(TopicRow.skills).selectinload(TopicSkillRow.skill),
                 selectinload(TopicRow.labs).selectinload(TopicLabRow.lab))
        .order_by(TrackRow.position, TopicRow.position))
    return [PlanTopic(
        slug=row.slug, title=row.title, hours=row.hours,
        prerequisites=tuple(p.prerequisite.slug for p in row.prerequisites
                            if not p.prerequisite.archived),
        skills=tuple(SkillLevel(s.skill.slug, s.level) for s in row.skills if not s.skill.archived),
        labs=tuple(link.lab.slug for link in row.labs if not link.lab.archived),
        sections=tuple(float(share) for _title, share in row.sections or ()),
        order=order,
    ) for order, row in enumerate(rows)]


def topic_tracks(session: Session) -> dict[str, str]:
    """Each live topic's track slug."""
    rows = session.execute(select(TopicRow.slug, TrackRow.slug).join(TrackRow)
                           .where(TopicRow.archived.is_(False)))
    return {topic: track for topic, track in rows.all()}


def unlocked_by(session: Session, slug: str) -> list[TopicSummary]:
    """Live topics that list `slug` among their prerequisites."""
    return [t for t in topic_summaries(session) if slug in t.prerequisites]


def skills(session: Session) -> list[Skill]:
    rows = session.scalars(select(SkillRow).where(SkillRow.archived.is_(False))
                           .order_by(SkillRow.name))
    return [Skill(r.slug, r.name, r.description, {int(k): v for k, v in r.levels.items()})
            for r in rows]


def _role(row: RoleRow) -> Role:
    return Role(
        slug=row.slug, name=row.name, description=row.description,
        daily_work=tuple(row.daily_work), advice=tuple(row.advice),
        skills=tuple(RoleSkill(s.skill.slug, s.target, s.weight, s.skill.name, s.entry, s.mid)
                     for s in row.skills if not s.skill.archived),
    )


def roles(session: Session) -> list[Role]:
    rows = session.scalars(
        select(RoleRow).where(RoleRow.archived.is_(False)).order_by(RoleRow.position)
        .options(selectinload(RoleRow.skills).selectinload(RoleSkillRow.skill)))
    return [_role(r) for r in rows]


def role(session: Session, slug: str) -> Role:
    row = session.scalar(select(RoleRow).where(RoleRow.slug == slug)
                         .options(selectinload(RoleRow.skills).selectinload(RoleSkillRow.skill)))
    if row is None:
        raise NotFoundError(f"No role {slug!r}.")
    return _role(row)


def readings(session: Session, slugs: list[str] | None = None) -> list[Reading]:
    """Live readings; with `slugs`, those readings in that order."""
    query = select(ReadingRow).where(ReadingRow.archived.is_(False))
    if slugs is not None:
        query = query.where(ReadingRow.slug.in_(slugs))
    rows = {r.slug: r for r in session.scalars(query.order_by(ReadingRow.year.desc()))}
    order = slugs if slugs is not None else list(rows)
    return [
        Reading(r.slug, ReadingKind(r.kind), r.title, tuple(r.authors), r.year, r.venue,
                r.arxiv, r.doi, r.isbn, r.url)
        for s in order if (r := rows.get(s)) is not None
    ]


def labs(session: Session) -> list[Lab]:
    rows = session.scalars(select(LabRow).where(LabRow.archived.is_(False)).order_by(LabRow.id))
    links = session.execute(
        select(LabRow.slug, TopicRow.slug).join(TopicLabRow, TopicLabRow.lab_id == LabRow.id)
        .join(TopicRow, TopicRow.id == TopicLabRow.topic_id)
        .where(TopicRow.archived.is_(False))).all()
    topics_of: dict[str, list[str]] = {}
    for lab_slug, topic_slug in links:
        topics_of.setdefault(lab_slug, []).append(topic_slug)
    return [Lab(r.slug, r.title, r.summary, tuple(topics_of.get(r.slug, ())), tuple(r.after or ()))
            for r in rows]


def lab_after(session: Session) -> dict[str, tuple[str, ...]]:
    """Live lab -> the live lessons a plan puts it after, for the labs that name any."""
    live = set(session.scalars(select(TopicRow.slug).where(TopicRow.archived.is_(False))))
    rows = session.execute(select(LabRow.slug, LabRow.after).where(LabRow.archived.is_(False)))
    found = {slug: tuple(t for t in after or () if t in live) for slug, after in rows}
    return {slug: after for slug, after in found.items() if after}


def upcoming_deadlines(session: Session, after: datetime, limit: int = 20) -> list[UpcomingDeadline]:
    """Announced deadlines after `after` (aware), soonest first."""
    rows = session.execute(
        select(ConferenceSeriesRow.slug, ConferenceSeriesRow.title, ConferenceEditionRow.slug,
               ConferenceEditionRow.year, ConferenceDeadlineRow.kind,
               ConferenceDeadlineRow.due_at, ConferenceEditionRow.place,
               ConferenceEditionRow.link)
        .join(ConferenceEditionRow, ConferenceEditionRow.series_id == ConferenceSeriesRow.id)
        .join(ConferenceDeadlineRow, ConferenceDeadlineRow.edition_id == ConferenceEditionRow.id)
        .where(ConferenceSeriesRow.archived.is_(False), ConferenceDeadlineRow.due_at > after)
        .order_by(ConferenceDeadlineRow.due_at).limit(limit)).all()
    return [UpcomingDeadline(s, t, e, y, member(DeadlineKind, k, DeadlineKind.PAPER, f"deadline of {e}"),
                             due, place, link)
            for s, t, e, y, k, due, place, link in rows]


# --- learners -------------------------------------------------------------------------------


def topic_states(session: Session, profile_id: int) -> dict[str, TopicStatus]:
    rows = session.execute(select(TopicStateRow.topic_slug, TopicStateRow.status)
                           .where(TopicStateRow.profile_id == profile_id)).all()
    return {slug: member(TopicStatus, status, TopicStatus.NOT_STARTED, f"topic state of {slug}")
            for slug, status in rows}


def set_topic_state(session: Session, profile_id: int, topic_slug: str,
                    status: TopicStatus) -> None:
    if session.scalar(select(TopicRow.id).where(TopicRow.slug == topic_slug)) is None:
        raise NotFoundError(f"No topic {topic_slug!r}.")
    row = session.get(TopicStateRow, (profile_id, topic_slug))
    if status is TopicStatus.NOT_STARTED:
        if row is not None:
            session.delete(row)
        return
    if status is TopicStatus.DONE and (row is None or row.status != status.value):
        log_activity(session, profile_id, utcnow(), "topic_done", subject=topic_slug)
    if row is None:
        session.add(TopicStateRow(profile_id=profile_id, topic_slug=topic_slug,
                                  status=status.value, updated_at=utcnow()))
    else:
        row.status, row.updated_at = status.value, utcnow()
