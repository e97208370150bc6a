"""Study sessions, the running study timer, and what the progress pages and reports read.

Functions take an open `Session`; those that write leave committing to the caller (one use
case, one transaction). Every study session has one "study" activity beside it (same moment,
minutes and topic), written and deleted with it, so that streaks and the heatmap see it.

The running timer is a `study_sessions` row with source "running" and 0 minutes: stored, so a
restart or a crash does not lose it, and no new table was needed. Nothing that reads sessions
sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import String, delete, desc, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from planner.core.errors import NotFoundError
from planner.core.models import SkillLevel
from planner.core.progress import SessionSource
from planner.core.tracking import LoggedSession, RunningTimer
from planner.db.activity import log_activity
from planner.db.base import raw_rows
from planner.db.models import (
    ActivityRow,
    LabRow,
    LabRunRow,
    ReadingRow,
    ReadingStateRow,
    SkillRow,
    StudyPlanRow,
    StudySessionRow,
    TopicRow,
    TopicSkillRow,
    TopicStateRow,
    TrackRow,
    UserReadingRow,
)
from planner.db.values import MOST_SESSION_MINUTES

RUNNING = "running"
log = logging.getLogger(__name__)
_SOURCES = {source.value for source in SessionSource}


# --- study sessions ---------------------------------------------------------------------------


def add_session(session: Session, profile_id: int, topic: str | None, started: datetime,
                minutes: float, source: SessionSource, note: str = "") -> LoggedSession:
    """Store a study session and its "study" activity; returns it with its id."""
    row = StudySessionRow(profile_id=profile_id, topic_slug=topic, started_at=started,
                          minutes=minutes, source=source.value, note=note)
    session.add(row)
    log_activity(session, profile_id, started, "study", minutes, topic or "")
    session.flush()
    return _logged(row.id, row.topic_slug, row.started_at, row.minutes, row.source, row.note)


def sessions(session: Session, profile_id: int, since: datetime | None = None,
             limit: int | None = None) -> list[LoggedSession]:
    """The profile's study sessions, newest first (the running timer left out)."""
    query = select(StudySessionRow.id, StudySessionRow.topic_slug, StudySessionRow.started_at,
                   StudySessionRow.minutes, StudySessionRow.source, StudySessionRow.note) \
        .where(StudySessionRow.profile_id == profile_id, StudySessionRow.source != RUNNING)
    if since is not None:
        query = query.where(StudySessionRow.started_at >= since)
    query = query.order_by(desc(StudySessionRow.started_at), desc(StudySessionRow.id))
    if limit is not None:
        query = query.limit(limit)
    out = []
    for row in session.execute(query):
        if not (isinstance(row[3], int | float) and 0 < row[3] <= MOST_SESSION_MINUTES):
            log.warning("study session %s: %r minutes is not a length of time; left out.", row[0], row[3])
            continue
        out.append(_logged(*row))
    return out


def _logged(id_: int, topic: str | None, started: datetime, minutes: float, source: str,
            note: str) -> LoggedSession:
    kind = SessionSource(source) if source in _SOURCES else SessionSource.MANUAL
    return LoggedSession(topic, started, minutes, kind, id=id_, note=note or "")


def delete_session(session: Session, session_id: int) -> LoggedSession:
    """Delete a study session and its activity; returns what was deleted."""
    row = session.get(StudySessionRow, session_id)
    if row is None or row.source == RUNNING:
        raise NotFoundError(f"No study session {session_id}.")
    gone = _logged(row.id, row.topic_slug, row.started_at, row.minutes, row.source, row.note)
    activity = session.scalar(
        select(ActivityRow.id).where(
            ActivityRow.profile_id == row.profile_id, ActivityRow.kind == "study",
            ActivityRow.at == row.started_at, ActivityRow.minutes == row.minutes,
            ActivityRow.subject == (row.topic_slug or "")[:200]).limit(1))
    if activity is not None:
        session.execute(delete(ActivityRow).where(ActivityRow.id == activity))
    session.delete(row)
    return gone


def topic_titles(session: Session) -> dict[str, str]:
    rows = session.execute(select(TopicRow.slug, TopicRow.title).join(TrackRow)
                           .where(TopicRow.archived.is_(False))
                           .order_by(TrackRow.position, TopicRow.position)).all()
    return dict(rows)


def topic_exists(session: Session, slug: str) -> bool:
    return session.scalar(select(TopicRow.id).where(TopicRow.slug == slug)) is not None


# --- the study timer ---------------------------------------------------------------------------


def running_timer(session: Session, profile_id: int) -> RunningTimer | None:
    row = _timer_row(session, profile_id)
    return None if row is None else RunningTimer(row.topic_slug, row.started_at)


def start_timer(session: Session, profile_id: int, topic: str | None, now: datetime) -> RunningTimer:
    session.add(StudySessionRow(profile_id=profile_id, topic_slug=topic, started_at=now,
                                minutes=0.0, source=RUNNING, note=""))
    session.flush()
    return RunningTimer(topic, now)


def clear_timer(session: Session, profile_id: int) -> RunningTimer | None:
    """Remove the profile's running timer; returns it (None when none was running)."""
    row = _timer_row(session, profile_id)
    if row is None:
        return None
    timer = RunningTimer(row.topic_slug, row.started_at)
    session.delete(row)
    session.flush()
    return timer


def _timer_row(session: Session, profile_id: int) -> StudySessionRow | None:
    return session.scalar(select(StudySessionRow).where(
        StudySessionRow.profile_id == profile_id, StudySessionRow.source == RUNNING)
        .order_by(StudySessionRow.id).limit(1))


# --- what the pages and reports read -----------------------------------------------------------


def session_times(session: Session, profile_id: int, since: datetime | None = None
                  ) -> list[tuple[str | None, datetime, float]]:
    """(topic, started, minutes) of the profile's study sessions, in no particular order, read as
    `activity_log` reads (the running timer left out)."""
    table = StudySessionRow.__table__
    query = select(table.c.topic_slug, type_coerce(table.c.started_at, String), table.c.minutes) \
        .where(table.c.profile_id == profile_id, table.c.source != RUNNING)
    if since is not None:
        query = query.where(table.c.started_at >= since)
    return [(topic, _utc(started), minutes) for topic, started, minutes in raw_rows(session, query)]


def hours_by_topic(session: Session, profile_id: int) -> dict[str, float]:
    """Hours of study logged on each topic (timer and by hand; the running timer left out)."""
    table = StudySessionRow.__table__
    query = select(table.c.topic_slug, func.sum(table.c.minutes)) \
        .where(table.c.profile_id == profile_id, table.c.source != RUNNING,
               table.c.topic_slug.is_not(None)) \
        .group_by(table.c.topic_slug)
    return {topic: float(minutes or 0) / 60 for topic, minutes in session.execute(query).all()}


def activity_log(session: Session, profile_id: int) -> list[tuple[datetime, str, float, str]]:
    """(when, kind, minutes, subject) of every activity of the profile, in no particular order.

    What `planner.db.activity.activities` reads, three to four times faster for the pages that
    read all of it (50,000 rows): the rows come straight off the database cursor, without a
    SQLAlchemy row or a `UtcDateTime` conversion each.
    """
    table = ActivityRow.__table__
    query = select(type_coerce(table.c.at, String), table.c.kind, table.c.minutes, table.c.subject) \
        .where(table.c.profile_id == profile_id)
    rows = raw_rows(session, query)
    if rows and isinstance(rows[0][0], str):  # SQLite hands back the stored text
        parse = datetime.fromisoformat
        # "+00:00" makes fromisoformat return datetime.UTC itself, which the study-day finder's
        # fast path wants, at a tenth of the cost of .replace(tzinfo=UTC)
        return [(parse(at + "+00:00"), kind, minutes, subject) for at, kind, minutes, subject in rows]
    return [(_utc(at), kind, minutes, subject) for at, kind, minutes, subject in rows]


def activity_moments(session: Session, profile_id: int) -> list[datetime]:
    """When each of the profile's activities happened, in no particular order: all a streak
    needs, read from the (profile, moment) index alone."""
    table = ActivityRow.__table__
    query = select(type_coerce(table.c.at, String)).where(table.c.profile_id == profile_id)
    rows = raw_rows(session, query)
    if rows and isinstance(rows[0][0], str):
        parse = datetime.fromisoformat
        return [parse(at + "+00:00") for (at,) in rows]
    return [_utc(at) for (at,) in rows]


def _utc(stored: str | datetime) -> datetime:
    if isinstance(stored, str):
        return datetime.fromisoformat(stored + "+00:00")
    return stored.replace(tzinfo=UTC) if stored.tzinfo is None else stored.astimezone(UTC)


def topic_skills(session: Session) -> dict[str, tuple[SkillLevel, ...]]:
    """Each topic's skill levels (archived topics too: a learner may have done one), in one query."""
    rows = session.execute(select(TopicRow.slug, SkillRow.slug, TopicSkillRow.level)
                           .join(TopicSkillRow, TopicSkillRow.topic_id == TopicRow.id)
                           .join(SkillRow, SkillRow.id == TopicSkillRow.skill_id)).all()
    skills: dict[str, list[SkillLevel]] = {}
    for topic, skill, level in rows:
        skills.setdefault(topic, []).append(SkillLevel(skill, level))
    return {topic: tuple(levels) for topic, levels in skills.items()}


def plans_from(session: Session, profile_id: int, since: datetime) -> list[dict]:
    """The profile's stored plans (without the inputs they were made from) made from `since` on
    and the last one made before it, oldest first."""
    before = session.scalar(select(func.max(StudyPlanRow.id)).where(
        StudyPlanRow.profile_id == profile_id, StudyPlanRow.created_at < since))
    return list(session.scalars(
        select(StudyPlanRow.plan).where(
            StudyPlanRow.profile_id == profile_id,
            or_(StudyPlanRow.created_at >= since, StudyPlanRow.id == before))
        .order_by(StudyPlanRow.id)))


def topics_done(session: Session, profile_id: int) -> list[tuple[datetime, str, str]]:
    """(when done, slug, title) of the topics the profile has done, oldest first. The title is
    the slug for a topic that no longer exists."""
    rows = session.execute(
        select(TopicStateRow.updated_at, TopicStateRow.topic_slug, TopicRow.title)
        .outerjoin(TopicRow, TopicRow.slug == TopicStateRow.topic_slug)
        .where(TopicStateRow.profile_id == profile_id, TopicStateRow.status == "done")
        .order_by(TopicStateRow.updated_at)).all()
    return [(when, slug, title or slug) for when, slug, title in rows]


def finished_lab_runs(session: Session, profile_id: int) -> list[tuple[int, str, str, datetime, dict]]:
    """(run id, lab slug, lab title, finished at, summary) of the profile's finished runs."""
    rows = session.execute(
        select(LabRunRow.id, LabRunRow.lab_slug, LabRow.title, LabRunRow.finished_at,
               LabRunRow.started_at, LabRunRow.summary)
        .outerjoin(LabRow, LabRow.slug == LabRunRow.lab_slug)
        .where(LabRunRow.profile_id == profile_id, LabRunRow.status == "finished")
        .order_by(LabRunRow.id)).all()
    return [(rid, lab, title or lab, finished or started, summary or {})
            for rid, lab, title, finished, started, summary in rows]


def readings_read(session: Session, profile_id: int) -> list[tuple[datetime, str]]:
    """(when finished, title) of the readings the profile marked read, shipped and own."""
    rows = session.execute(
        select(ReadingStateRow.finished_at, ReadingStateRow.updated_at, ReadingStateRow.reading_slug,
               ReadingRow.title, UserReadingRow.title)
        .outerjoin(ReadingRow, ReadingRow.slug == ReadingStateRow.reading_slug)
        .outerjoin(UserReadingRow, UserReadingRow.slug == ReadingStateRow.reading_slug)
        .where(ReadingStateRow.profile_id == profile_id, ReadingStateRow.status == "read")
        .order_by(ReadingStateRow.finished_at)).all()
    return [(finished or updated, shipped or own or slug)
            for finished, updated, slug, shipped, own in rows]


def last_lesson_or_lab(session: Session, profile_id: int, finished_topics: Iterable[str] = (),
                       finished_labs: Iterable[str] = ()) -> tuple[str, str] | None:
    """("lesson", topic slug) or ("lab", lab slug) of the latest thing the learner worked on
    and has not finished: a topic studied, a study timer running on a topic, or a lab run
    started; topics in `finished_topics` and labs in `finished_labs` are passed over."""
    lesson = session.execute(
        select(ActivityRow.at, ActivityRow.subject).where(
            ActivityRow.profile_id == profile_id, ActivityRow.subject != "",
            ActivityRow.kind == "study", ActivityRow.subject.notin_(list(finished_topics)))
        .order_by(desc(ActivityRow.at)).limit(1)).first()
    timer = _timer_row(session, profile_id)
    lab = session.execute(
        select(LabRunRow.started_at, LabRunRow.lab_slug).where(
            LabRunRow.profile_id == profile_id, LabRunRow.lab_slug.notin_(list(finished_labs)))
        .order_by(desc(LabRunRow.started_at)).limit(1)).first()
    candidates = [(when, "lesson", slug) for when, slug in ([lesson] if lesson else [])]
    if timer is not None and timer.topic_slug:
        candidates.append((timer.started_at, "lesson", timer.topic_slug))
    if lab is not None:
        candidates.append((lab[0], "lab", lab[1]))
    if not candidates:
        return None
    _, kind, slug = max(candidates, key=lambda c: c[0])
    return kind, slug
