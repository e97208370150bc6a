"""Learners' profiles, their self-assessed skills, and the study plans made for them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from planner.core.errors import LodestarError, NotFoundError
from planner.core.models import LabRunStatus, Profile, RoleLevel, TopicStatus, completes_lab
from planner.db.base import utcnow
from planner.db.models import LabRunRow, ProfileRow, SkillAssessmentRow, StudyPlanRow, TopicStateRow
from planner.db.values import (
    DAY_BOUNDARY,
    MOST_HOURS_PER_WEEK,
    MOST_REVIEW_SHARE,
    NEW_CARDS_PER_DAY,
    RETENTION,
    SKILL_LEVELS,
    matching,
    member,
    within,
)


def _days(text: str) -> tuple[int, ...]:
    return tuple(sorted({int(d) for d in text.split(",") if d.strip().isdigit()} & set(range(7))))


def _profile(row: ProfileRow) -> Profile:
    """The stored profile; a value no form could have saved is read as its default (logged)."""
    where = f"profile {row.id}"
    skills = {s.skill_slug: within(s.level, *SKILL_LEVELS, None, f"{where}, skill {s.skill_slug}")
              for s in row.skills}
    return Profile(
        id=row.id, name=row.name, created_at=row.created_at, target_role=row.target_role,
        hours_per_week=within(row.hours_per_week, 1e-9, MOST_HOURS_PER_WEEK, 5.0, f"{where}, hours"),
        start_date=row.start_date, target_date=row.target_date,
        secondary_role=row.secondary_role, study_days=_days(row.study_days or "") or (0, 1, 2, 3, 4),
        review_share=within(row.review_share, 0.0, MOST_REVIEW_SHARE, 0.15, f"{where}, review share"),
        skills={slug: level for slug, level in skills.items() if level is not None},
        day_boundary=matching(DAY_BOUNDARY, row.day_boundary, "04:00", f"{where}, day boundary"),
        desired_retention=within(row.desired_retention, RETENTION[0] + 1e-9, RETENTION[1], 0.9,
                                 f"{where}, desired retention"),
        role_level=member(RoleLevel, row.role_level, RoleLevel.ENTRY, f"{where}, role level"),
        use_pace=row.use_pace is not False,
        new_cards_per_day=int(within(row.new_cards_per_day, *NEW_CARDS_PER_DAY, 20,
                                     f"{where}, new cards per day")))


def profiles(session: Session) -> list[Profile]:
    return [_profile(r) for r in session.scalars(select(ProfileRow).order_by(ProfileRow.id))]


def profile(session: Session, profile_id: int) -> Profile:
    row = session.get(ProfileRow, profile_id)
    if row is None:
        raise NotFoundError(f"No profile with id {profile_id}.")
    return _profile(row)


def profile_named(session: Session, name: str) -> Profile:
    row = session.scalar(select(ProfileRow).where(func.lower(ProfileRow.name) == name.strip().lower()))
    if row is None:
        known = ", ".join(session.scalars(select(ProfileRow.name).order_by(ProfileRow.id))) or "none"
        raise NotFoundError(f"No profile called {name!r} (profiles: {known}).")
    return _profile(row)


def _name_taken(session: Session, name: str, other_than: int | None) -> bool:
    query = select(ProfileRow.id).where(func.lower(ProfileRow.name) == name.lower())
    if other_than is not None:
        query = query.where(ProfileRow.id != other_than)
    return session.scalar(query) is not None


def save_profile(session: Session, draft: Profile) -> Profile:
    """Create the profile (`draft.id` 0) or update it, with its skill ratings, in one go."""
    name = draft.name.strip()
    if not name:
        raise LodestarError("A profile needs a name.")
    existing_id = draft.id or None
    if _name_taken(session, name, existing_id):
        raise LodestarError(f"There is already a profile called {name!r}.")
    if existing_id is None:
        row = ProfileRow(created_at=utcnow())
        session.add(row)
    else:
        row = session.get(ProfileRow, existing_id)
        if row is None:
            raise NotFoundError(f"No profile with id {existing_id}.")
    row.name, row.target_role, row.secondary_role = name, draft.target_role, draft.secondary_role
    row.hours_per_week, row.review_share = draft.hours_per_week, draft.review_share
    row.start_date, row.target_date = draft.start_date, draft.target_date
    row.study_days = ",".join(str(d) for d in sorted(set(draft.study_days)))
    row.day_boundary, row.desired_retention = draft.day_boundary, draft.desired_retention
    row.role_level = RoleLevel(draft.role_level).value
    row.use_pace = bool(draft.use_pace)
    row.new_cards_per_day = draft.new_cards_per_day
    row.skills = [SkillAssessmentRow(skill_slug=slug, level=level)
                  for slug, level in sorted(draft.skills.items()) if level]
    try:
        session.flush()
    except IntegrityError as exc:
        raise LodestarError(f"Could not save profile {name!r}: {exc.orig}") from exc
    session.refresh(row)
    return _profile(row)


def create_profile(session: Session, name: str, *, target_role: str | None = None,
                   hours_per_week: float = 5.0, start_date: date | None = None,
                   target_date: date | None = None) -> Profile:
    return save_profile(session, Profile(
        id=0, name=name, created_at=utcnow(), target_role=target_role,
        hours_per_week=hours_per_week, start_date=start_date, target_date=target_date))


def delete_profile(session: Session, profile_id: int) -> None:
    row = session.get(ProfileRow, profile_id)
    if row is None:
        raise NotFoundError(f"No profile with id {profile_id}.")
    session.delete(row)


def topic_state_times(session: Session, profile_id: int) -> dict[str, tuple[TopicStatus, datetime]]:
    """Each topic's state and when it was last changed (for a done topic: when it was done)."""
    rows = session.execute(select(TopicStateRow.topic_slug, TopicStateRow.status,
                                  TopicStateRow.updated_at)
                           .where(TopicStateRow.profile_id == profile_id)).all()
    return {slug: (member(TopicStatus, status, TopicStatus.NOT_STARTED, f"topic state of {slug}"), when)
            for slug, status, when in rows}


# --- study plans ------------------------------------------------------------------------------


def save_plan(session: Session, profile_id: int, request: dict, plan: dict, reason: str) -> int:
    row = StudyPlanRow(profile_id=profile_id, request=request, plan=plan, reason=reason[:200],
                       created_at=utcnow())
    session.add(row)
    session.flush()
    return row.id


def plans(session: Session, profile_id: int, limit: int = 50) -> list[tuple[int, datetime, str]]:
    """The profile's stored plans, newest first: (id, made at, why it was made)."""
    return [tuple(r) for r in session.execute(
        select(StudyPlanRow.id, StudyPlanRow.created_at, StudyPlanRow.reason)
        .where(StudyPlanRow.profile_id == profile_id)
        .order_by(StudyPlanRow.id.desc()).limit(limit)).all()]


def plan_documents(session: Session, profile_id: int, limit: int) -> list[tuple[dict, datetime]]:
    """The newest `limit` stored plans of a profile as (plan, made at), oldest first, in one
    query (their requests are not read)."""
    rows = session.execute(
        select(StudyPlanRow.plan, StudyPlanRow.created_at)
        .where(StudyPlanRow.profile_id == profile_id)
        .order_by(StudyPlanRow.id.desc()).limit(limit)).all()
    return [(plan, when) for plan, when in reversed(rows)]


def stored_plan(session: Session, plan_id: int) -> tuple[dict, dict, datetime, str]:
    """One stored plan: (request, plan, made at, reason)."""
    row = session.get(StudyPlanRow, plan_id)
    if row is None:
        raise NotFoundError(f"No study plan with id {plan_id}.")
    return row.request, row.plan, row.created_at, row.reason


def prune_plans(session: Session, profile_id: int, keep: int = 100) -> None:
    """Keep the newest `keep` plans of a profile: every re-plan stores one."""
    old = select(StudyPlanRow.id).where(StudyPlanRow.profile_id == profile_id) \
        .order_by(StudyPlanRow.id.desc()).offset(keep)
    session.execute(delete(StudyPlanRow).where(StudyPlanRow.id.in_(old)))


def completed_labs(session: Session, profile_id: int) -> dict[str, datetime]:
    """Labs the profile has completed, with when first (see `completes_lab`: a run that
    finished and reached the lab's target, or finished at all for a lab without one, or was
    stopped after reaching it)."""
    rows = session.execute(
        select(LabRunRow.lab_slug, LabRunRow.status, LabRunRow.summary, LabRunRow.finished_at,
               LabRunRow.started_at)
        .where(LabRunRow.profile_id == profile_id,
               LabRunRow.status.in_((LabRunStatus.FINISHED.value, LabRunStatus.STOPPED.value)))
        .order_by(LabRunRow.id)).all()
    done: dict[str, datetime] = {}
    for lab, status, summary, finished, started in rows:
        if completes_lab(LabRunStatus(status), summary if isinstance(summary, dict) else None):
            done.setdefault(lab, finished or started)
    return done
