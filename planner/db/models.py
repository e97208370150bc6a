"""Every table, so Alembic's autogenerate and the migration tests see the whole schema.

Content tables mirror `resources/` and are rewritten by a content sync (rows are archived, never
deleted, when content disappears). User tables refer to content by slug, so a sync never touches
them and an archived topic keeps its learner's history.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db.base import Base, UtcDateTime, utcnow


class ContentMixin:
    """Columns every synchronised content table has."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class TrackRow(ContentMixin, Base):
    __tablename__ = "tracks"
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class SkillRow(ContentMixin, Base):
    __tablename__ = "skills"
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    levels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


class TopicRow(ContentMixin, Base):
    __tablename__ = "topics"
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[float] = mapped_column(Float)
    difficulty: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, default="")
    cards: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # The lesson's `##` sections as [title, share of the hours], for plans that split it.
    sections: Mapped[list[list]] = mapped_column(JSON, default=list, server_default="[]")
    position: Mapped[int] = mapped_column(Integer, default=0)

    track: Mapped[TrackRow] = relationship()
    prerequisites: Mapped[list[TopicPrerequisiteRow]] = relationship(
        foreign_keys="TopicPrerequisiteRow.topic_id", cascade="all, delete-orphan",
        order_by="TopicPrerequisiteRow.position",
    )
    skills: Mapped[list[TopicSkillRow]] = relationship(cascade="all, delete-orphan")
    readings: Mapped[list[TopicReadingRow]] = relationship(
        cascade="all, delete-orphan", order_by="TopicReadingRow.position"
    )
    labs: Mapped[list[TopicLabRow]] = relationship(
        cascade="all, delete-orphan", order_by="TopicLabRow.position"
    )


class TopicPrerequisiteRow(Base):
    __tablename__ = "topic_prerequisites"
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"),
                                          primary_key=True)
    prerequisite_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"),
                                                 primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    prerequisite: Mapped[TopicRow] = relationship(foreign_keys=[prerequisite_id])


class TopicSkillRow(Base):
    __tablename__ = "topic_skills"
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"),
                                          primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"),
                                          primary_key=True, index=True)
    level: Mapped[int] = mapped_column(Integer)
    skill: Mapped[SkillRow] = relationship()


class RoleRow(ContentMixin, Base):
    __tablename__ = "roles"
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    daily_work: Mapped[list[str]] = mapped_column(JSON, default=list)
    advice: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    skills: Mapped[list[RoleSkillRow]] = relationship(
        cascade="all, delete-orphan", order_by="RoleSkillRow.position"
    )


class RoleSkillRow(Base):
    __tablename__ = "role_skills"
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"),
                                         primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"),
                                          primary_key=True, index=True)
    target: Mapped[int] = mapped_column(Integer)  # senior
    entry: Mapped[int | None] = mapped_column(Integer)  # None: as target
    mid: Mapped[int | None] = mapped_column(Integer)
    weight: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    skill: Mapped[SkillRow] = relationship()


class ReadingRow(ContentMixin, Base):
    __tablename__ = "readings"
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    year: Mapped[int] = mapped_column(Integer)
    venue: Mapped[str] = mapped_column(Text, default="")
    arxiv: Mapped[str | None] = mapped_column(String(40))
    doi: Mapped[str | None] = mapped_column(String(200))
    isbn: Mapped[str | None] = mapped_column(String(20))
    url: Mapped[str | None] = mapped_column(Text)


class TopicReadingRow(Base):
    __tablename__ = "topic_readings"
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"),
                                          primary_key=True)
    reading_id: Mapped[int] = mapped_column(ForeignKey("readings.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    reading: Mapped[ReadingRow] = relationship()


class LabRow(ContentMixin, Base):
    __tablename__ = "labs"
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")  # lesson slugs


class TopicLabRow(Base):
    __tablename__ = "topic_labs"
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"),
                                          primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"),
                                        primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    lab: Mapped[LabRow] = relationship()


class ConferenceSeriesRow(ContentMixin, Base):
    __tablename__ = "conference_series"
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    field: Mapped[str] = mapped_column(String(8))
    ccf_rank: Mapped[str | None] = mapped_column(String(4))
    core_rank: Mapped[str | None] = mapped_column(String(4))
    thcpl_rank: Mapped[str | None] = mapped_column(String(4))
    dblp: Mapped[str | None] = mapped_column(String(120))
    # "pack" rows come from resources/; "user" rows were imported by the learner and a content
    # sync neither updates nor archives them.
    source: Mapped[str] = mapped_column(String(8), default="pack", server_default="pack")
    editions: Mapped[list[ConferenceEditionRow]] = relationship(
        cascade="all, delete-orphan", order_by="ConferenceEditionRow.year"
    )


class ConferenceEditionRow(Base):
    __tablename__ = "conference_editions"
    __table_args__ = (UniqueConstraint("series_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        ForeignKey("conference_series.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(120))
    year: Mapped[int] = mapped_column(Integer)
    link: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64), default="")
    dates: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(8), default="pack", server_default="pack")
    deadlines: Mapped[list[ConferenceDeadlineRow]] = relationship(
        cascade="all, delete-orphan", order_by="ConferenceDeadlineRow.position"
    )


class ConferenceDeadlineRow(Base):
    __tablename__ = "conference_deadlines"
    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("conference_editions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContentFileRow(Base):
    """The hash of each pack file at the last successful sync: equal hashes skip the next one."""

    __tablename__ = "content_files"
    path: Mapped[str] = mapped_column(String(500), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


# --- user tables ---------------------------------------------------------------------------


class ProfileRow(Base):
    __tablename__ = "profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    target_role: Mapped[str | None] = mapped_column(String(120))  # role slug
    hours_per_week: Mapped[float] = mapped_column(Float, default=5.0)
    start_date: Mapped[date | None] = mapped_column(Date)
    target_date: Mapped[date | None] = mapped_column(Date)
    secondary_role: Mapped[str | None] = mapped_column(String(120))  # role slug
    study_days: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4",
                                            server_default="0,1,2,3,4")  # weekdays, 0 = Monday
    review_share: Mapped[float] = mapped_column(Float, default=0.15, server_default="0.15")
    # When the learner's day ends (streaks, due reviews) and how well cards should be remembered.
    day_boundary: Mapped[str] = mapped_column(String(5), default="04:00", server_default="04:00")
    desired_retention: Mapped[float] = mapped_column(Float, default=0.9, server_default="0.9")
    role_level: Mapped[str] = mapped_column(String(10), default="entry", server_default="entry")
    use_pace: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    new_cards_per_day: Mapped[int] = mapped_column(Integer, default=20, server_default="20")
    skills: Mapped[list[SkillAssessmentRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="SkillAssessmentRow.skill_slug")


class SkillAssessmentRow(Base):
    """The learner's own rating of one skill, 0–5, as the profile wizard asked it."""

    __tablename__ = "skill_assessments"
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"),
                                            primary_key=True)
    skill_slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)


class StudyPlanRow(Base):
    """A plan as it was made, with everything it was made from, so plans can be compared."""

    __tablename__ = "study_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"),
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(200), default="")
    request: Mapped[dict] = mapped_column(JSON)
    plan: Mapped[dict] = mapped_column(JSON)


class TopicStateRow(Base):
    __tablename__ = "topic_states"
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"),
                                            primary_key=True)
    topic_slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)



class LabRunRow(Base):
    """One run of a lab, started from the app or the command line."""

    __tablename__ = "lab_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("profiles.id", ondelete="SET NULL"),
                                                   index=True)
    lab_slug: Mapped[str] = mapped_column(String(120), index=True)
    config: Mapped[dict] = mapped_column(JSON)
    device: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20))  # running | finished | stopped | failed
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    seconds: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    checkpoint: Mapped[str | None] = mapped_column(Text)
    metrics: Mapped[list[LabMetricRow]] = relationship(
        back_populates="run", cascade="all, delete-orphan", passive_deletes=True)
    curves: Mapped[list[LabCurveRow]] = relationship(cascade="all, delete-orphan",
                                                     passive_deletes=True)


class LabMetricRow(Base):
    """One measured value of a run (a point on one of its curves)."""

    __tablename__ = "lab_metrics"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("lab_runs.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column(Integer)
    epoch: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    value: Mapped[float] = mapped_column(Float)
    run: Mapped[LabRunRow] = relationship(back_populates="metrics")

    __table_args__ = (Index("ix_lab_metrics_run_id_name_step", "run_id", "name", "step"),)


class LabCurveRow(Base):
    """One curve of an ended run, packed: its steps as little-endian int64 and its values as
    little-endian float64, in step order. Derived from `lab_metrics`, which stays the record; it
    exists because drawing 100,000 points from rows costs ~40 ms of tuple building per run, and
    from these two byte strings well under one (migration 0006)."""

    __tablename__ = "lab_curves"
    run_id: Mapped[int] = mapped_column(ForeignKey("lab_runs.id", ondelete="CASCADE"),
                                        primary_key=True)
    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    points: Mapped[int] = mapped_column(Integer)
    steps: Mapped[bytes] = mapped_column(LargeBinary)
    step_values: Mapped[bytes] = mapped_column(LargeBinary)


# --- progress, review, reading list and conferences (migration 0005) -----------------------


class ActivityRow(Base):
    """One thing the learner did, for streaks and the year heatmap: study, review, lab, reading,
    topic_done. Written beside the record it summarises, in the same transaction."""

    __tablename__ = "activity_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[float] = mapped_column(Float, default=0.0)
    subject: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (Index("ix_activity_log_profile_id_at", "profile_id", "at"),)


class StudySessionRow(Base):
    """Time studied: from the study timer or entered by hand, on a topic or on nothing in
    particular."""

    __tablename__ = "study_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    topic_slug: Mapped[str | None] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    minutes: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(10))  # timer | manual
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_study_sessions_profile_id_started_at", "profile_id", "started_at"),)


class CardRow(Base):
    """A self-check card's spaced-repetition state (the fsrs card as a dict) for one profile."""

    __tablename__ = "cards"
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"),
                                            primary_key=True)
    topic_slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    card_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[dict] = mapped_column(JSON)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class ReviewLogRow(Base):
    __tablename__ = "review_logs"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    topic_slug: Mapped[str] = mapped_column(String(120))
    card_index: Mapped[int] = mapped_column(Integer)
    grade: Mapped[int] = mapped_column(Integer)  # 1 again, 2 hard, 3 good, 4 easy
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_review_logs_profile_id_reviewed_at", "profile_id", "reviewed_at"),)


class UserReadingRow(Base):
    """A paper or book the learner added (by hand or BibTeX import); shared by all profiles."""

    __tablename__ = "user_readings"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    authors: Mapped[list] = mapped_column(JSON, default=list)
    year: Mapped[int | None] = mapped_column(Integer)
    venue: Mapped[str] = mapped_column(Text, default="")
    arxiv: Mapped[str | None] = mapped_column(String(40))
    doi: Mapped[str | None] = mapped_column(String(200))
    isbn: Mapped[str | None] = mapped_column(String(20))
    url: Mapped[str | None] = mapped_column(Text)
    bibtex_key: Mapped[str | None] = mapped_column(String(120))
    entry_type: Mapped[str | None] = mapped_column(String(40))
    month: Mapped[str | None] = mapped_column(String(20))
    topics: Mapped[list] = mapped_column(JSON, default=list)  # linked topic slugs
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReadingStateRow(Base):
    """A profile's state of one reading (shipped: its slug; the learner's own: its slug too)."""

    __tablename__ = "reading_states"
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"),
                                            primary_key=True)
    reading_slug: Mapped[str] = mapped_column(String(160), primary_key=True)
    status: Mapped[str] = mapped_column(String(12))  # to_read | reading | read | not_reading
    rating: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ConferenceFollowRow(Base):
    __tablename__ = "conference_follows"
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"),
                                            primary_key=True)
    series_slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    followed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
