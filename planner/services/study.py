"""Profiles and study plans: the use cases behind the wizard, the Study plan and Today pages and
`python -m planner profile|plan`. Mixed into `Lodestar`; every method runs on the caller's thread.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from planner.core.errors import NotFoundError, PlanError
from planner.core.models import (
    PastWeek,
    PlanItem,
    PlanItemKind,
    PlanProgress,
    PlanRequest,
    PlanTopic,
    PlanUpdate,
    Profile,
    RoleLevel,
    RoleSkill,
    SkillGap,
    StudyPlan,
    TopicStatus,
)
from planner.core.progress import Pace, PaceSample
from planner.db import profiles, repository
from planner.db import progress as progress_store
from planner.plan import (
    MOST_HOURS_PER_WEEK,
    derived_levels,
    make_plan,
    merge_targets,
    plan_changes,
    plan_from_dict,
    plan_to_dict,
    request_to_dict,
    skill_gap,
)
from planner.progress.pace import estimate_pace
from planner.progress.review import HIGHEST_RETENTION, LOWEST_RETENTION
from planner.services.files import write_atomically

log = logging.getLogger(__name__)

DEFAULT_PROFILE_NAME = "Me"
MAX_HOURS_PER_WEEK = MOST_HOURS_PER_WEEK  # one limit for the profile and the shortfall's advice
MAX_REVIEW_SHARE = 0.5
PLANS_KEPT = 100  # per profile, newest first
MAX_PLAN_WEEKS = 520  # ten years: beyond that a plan is not a plan


class StudyPlans:
    """Profiles, skill gaps and plans; `Lodestar` provides `_session()` (one transaction)."""


    _session: Callable[[], contextlib.AbstractContextManager]

    # --- profiles ---------------------------------------------------------------------------

    def profiles(self) -> list[Profile]:
        with self._session() as session:
            return profiles.profiles(session)

    def profile(self, profile_id: int) -> Profile:
        with self._session() as session:
            return profiles.profile(session, profile_id)

    def profile_named(self, name: str) -> Profile:
        """The profile called `name` (any case); NotFoundError lists the ones there are."""
        with self._session() as session:
            return profiles.profile_named(session, name)

    def check_profile(self, draft: Profile, today: date | None = None) -> None:
        """Raise PlanError naming the field of `draft` that cannot make a plan, if one cannot."""
        today = today or date.today()
        with self._session() as session:
            roles = {r.slug for r in repository.roles(session)}
            skills = {s.slug for s in repository.skills(session)}
        if not draft.name.strip():
            raise PlanError("Give the profile a name.", "name")
        if len(draft.name.strip()) > 120:
            raise PlanError("A profile name can be at most 120 characters.", "name")
        if not draft.target_role:
            raise PlanError("Choose the role you are aiming for.", "target_role")
        for field, role in (("target_role", draft.target_role), ("secondary_role", draft.secondary_role)):
            if role and role not in roles:
                raise PlanError(f"There is no role {role!r} (roles: {', '.join(sorted(roles))}).", field)
        if draft.secondary_role == draft.target_role:
            raise PlanError("The second role must differ from the first.", "secondary_role")
        if draft.role_level not in tuple(RoleLevel):
            raise PlanError(f"There is no role level {draft.role_level!r} (levels: "
                            f"{', '.join(level.value for level in RoleLevel)}).", "role_level")
        if not 0 < draft.hours_per_week <= MAX_HOURS_PER_WEEK:
            raise PlanError(f"Hours per week must be more than 0 and at most {MAX_HOURS_PER_WEEK:g}.",
                            "hours_per_week")
        if not draft.study_days:
            raise PlanError("Choose at least one study day.", "study_days")
        if not 0 <= draft.review_share <= MAX_REVIEW_SHARE:
            raise PlanError(f"The review share must be between 0% and {MAX_REVIEW_SHARE:.0%}.",
                            "review_share")
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", draft.day_boundary or ""):
            raise PlanError(f"The day ends at a time like 04:00, not {draft.day_boundary!r}.",
                            "day_boundary")
        if not LOWEST_RETENTION < draft.desired_retention <= HIGHEST_RETENTION:
            raise PlanError(f"Desired retention must be above {LOWEST_RETENTION:g} and at most "
                            f"{HIGHEST_RETENTION:g} (not {draft.desired_retention:g}).",
                            "desired_retention")
        cards = draft.new_cards_per_day
        if isinstance(cards, bool) or not isinstance(cards, int) or not 0 <= cards <= 9999:
            raise PlanError(f"New cards a day is a whole number from 0 to 9,999, not {cards!r}.",
                            "new_cards_per_day")
        for skill, level in draft.skills.items():
            if skill not in skills:
                raise PlanError(f"There is no skill {skill!r}.", "skills")
            if not 0 <= level <= 5:
                raise PlanError(f"{skill}: a level is from 0 to 5, not {level}.", "skills")
        if draft.target_date is not None:
            start = draft.start_date or today
            if draft.target_date < max(today, start):
                raise PlanError(f"The target date {draft.target_date:%d %b %Y} is in the past; "
                                "choose a later one or none.", "target_date")

    def save_profile(self, draft: Profile, today: date | None = None) -> Profile:
        """Create (`draft.id` 0) or update a profile after `check_profile`; returns it stored."""
        self.check_profile(draft, today)
        if draft.start_date is None:
            draft = replace(draft, start_date=today or date.today())
        with self._session() as session:
            return profiles.save_profile(session, draft)

    def create_profile(self, name: str, *, target_role: str | None = None,
                       hours_per_week: float = 5.0, start_date: date | None = None,
                       target_date: date | None = None) -> Profile:
        """A profile with only these fields; no checks beyond a unique name (for lab runs and
        tests; the wizard uses `save_profile`)."""
        with self._session() as session:
            return profiles.create_profile(
                session, name, target_role=target_role, hours_per_week=hours_per_week,
                start_date=start_date, target_date=target_date)

    def delete_profile(self, profile_id: int) -> None:
        """Delete a profile with its plans, topic states and skill ratings (lab runs are kept)."""
        with self._session() as session:
            profiles.delete_profile(session, profile_id)

    def default_profile(self) -> Profile:
        """The first profile, created on first use so progress always has an owner."""
        with self._session() as session:
            existing = profiles.profiles(session)
            if existing:
                return existing[0]
            return profiles.create_profile(session, DEFAULT_PROFILE_NAME, start_date=date.today())

    def topic_states(self, profile_id: int) -> dict[str, TopicStatus]:
        """Each topic's status for the profile; topics absent are not started."""
        with self._session() as session:
            return repository.topic_states(session, profile_id)

    def set_topic_state(self, profile_id: int, topic_slug: str, status: TopicStatus) -> None:
        with self._session() as session:
            profiles.profile(session, profile_id)
            repository.set_topic_state(session, profile_id, topic_slug, status)

    # --- skill gap ------------------------------------------------------------------------------

    def role_targets(self, profile: Profile, role: str | None = None) -> tuple[RoleSkill, ...]:
        """What the profile's role(s) ask at its role level (entry, mid or senior), merged (the
        second role counts half); or what one `role` asks at that level."""
        with self._session() as session:
            if role is not None:
                return merge_targets(repository.role(session, role), level=profile.role_level)
            if not profile.target_role:
                raise PlanError(f"{profile.name} has no target role yet.", "target_role")
            known = {r.slug for r in repository.roles(session)}
            if profile.target_role not in known:  # a role the content no longer has, or a bad value
                raise PlanError(f"{profile.name}'s target role {profile.target_role!r:.60} is not one of "
                                f"the roles ({', '.join(sorted(known))}); choose one in the profile.",
                                "target_role")
            secondary = None
            if profile.secondary_role in known:
                secondary = repository.role(session, profile.secondary_role)
            elif profile.secondary_role:
                log.warning("%s's second role %r is not one of the roles; left out of the plan.",
                            profile.name, profile.secondary_role[:60])
            primary = repository.role(session, profile.target_role)
        return merge_targets(primary, secondary, level=profile.role_level)

    def skill_levels(self, profile_id: int) -> dict[str, int]:
        """The profile's level per skill: self-assessed, raised by the topics it has done."""
        with self._session() as session:
            profile = profiles.profile(session, profile_id)
            topics = repository.plan_topics(session)
            states = repository.topic_states(session, profile_id)
        return derived_levels(profile.skills, topics, states)

    def skill_gap(self, profile_id: int, role: str | None = None) -> tuple[SkillGap, ...]:
        """Per skill of the role (default: the profile's roles), current vs target level."""
        profile = self.profile(profile_id)
        return skill_gap(self.role_targets(profile, role), self.skill_levels(profile_id))

    # --- plans ------------------------------------------------------------------------------

    def pace(self, profile_id: int) -> Pace:
        """The learner's pace: logged study hours on finished topics against the lessons'
        estimates (`planner.progress.pace`), and whether their plans use it."""
        with self._session() as session:
            profile = profiles.profile(session, profile_id)
            return _pace(profile, repository.plan_topics(session), repository.topic_tracks(session),
                         progress_store.hours_by_topic(session, profile_id),
                         repository.topic_states(session, profile_id))

    def plan_request(self, profile_id: int, today: date | None = None) -> PlanRequest:
        """Everything a plan for the profile is made from, as of `today`: the lessons' hours
        times the learner's pace (when the profile uses it), and for a topic in progress the
        hours already logged on it."""
        with self._session() as session:
            profile = profiles.profile(session, profile_id)
        return self._request(profile, today or date.today())

    def draft_plan(self, draft: Profile, today: date | None = None) -> StudyPlan:
        """The plan `draft` would get, before it is saved (the wizard shows its finish date and,
        with a target date, the hours a week it needs). Raises PlanError as `check_profile` does,
        or when no plan can be made."""
        today = today or date.today()
        self.check_profile(draft, today)
        return make_plan(self._request(draft, today))

    def _request(self, profile: Profile, today: date) -> PlanRequest:
        """The plan request for `profile` (saved, or a draft with id 0: nothing done yet)."""
        profile_id = profile.id
        with self._session() as session:
            topics = repository.plan_topics(session)
            states = repository.topic_states(session, profile_id) if profile_id else {}
            labs = tuple(sorted(profiles.completed_labs(session, profile_id))) if profile_id else ()
            lab_after = repository.lab_after(session)
            tracks = repository.topic_tracks(session)
            logged = progress_store.hours_by_topic(session, profile_id) if profile_id else {}
        pace = _pace(profile, topics, tracks, logged, states)  # from what was just read
        targets = self.role_targets(profile)
        levels = derived_levels(profile.skills, topics, states)
        if pace.used and pace.topics:
            topics = [replace(t, hours=round(t.hours * pace.for_track(tracks.get(t.slug, "")), 2))
                      for t in topics]
        spent = {slug: hours for slug, hours in logged.items()
                 if states.get(slug) is TopicStatus.IN_PROGRESS and hours > 0}
        return PlanRequest(
            labs_done=labs, lab_after=lab_after,
            topics=tuple(topics), targets=targets,
            levels=levels, states=states,
            hours_per_week=profile.hours_per_week, study_days=profile.study_days,
            start=profile.start_date or today, today=today, target_date=profile.target_date,
            review_share=profile.review_share, spent=spent)

    def preview_plan(self, profile_id: int, today: date | None = None) -> StudyPlan:
        """A plan made now and not stored (raises PlanError when none can be made)."""
        return make_plan(self.plan_request(profile_id, today))

    def replan(self, profile_id: int, reason: str, today: date | None = None) -> PlanUpdate:
        """Make the profile's plan from `today`, store it with its inputs, and say what moved
        since the last stored plan. Raises PlanError (nothing stored) when no plan can be made."""
        request = self.plan_request(profile_id, today)
        plan = make_plan(request)
        if len(plan.weeks) > MAX_PLAN_WEEKS:
            years = len(plan.weeks) / 52
            raise PlanError(f"At {request.hours_per_week:g} h a week the plan would take "
                            f"{years:.0f} years; plan more hours a week.", "hours_per_week")
        with self._session() as session:
            history = profiles.plans(session, profile_id, limit=1)
            previous_id = history[0][0] if history else None
            previous = (plan_from_dict(profiles.stored_plan(session, previous_id)[1])
                        if previous_id else None)
            plan_id = profiles.save_plan(session, profile_id, request_to_dict(request),
                                         plan_to_dict(plan), reason)
            profiles.prune_plans(session, profile_id, keep=PLANS_KEPT)
        changes = tuple(plan_changes(previous, plan)) if previous else ()
        return PlanUpdate(plan, changes, plan_id, previous_id)

    def current_plan(self, profile_id: int, today: date | None = None) -> StudyPlan:
        """The latest stored plan, re-made first if it was made before this week or never."""
        today = today or date.today()
        with self._session() as session:
            history = profiles.plans(session, profile_id, limit=1)
            stored = profiles.stored_plan(session, history[0][0]) if history else None
        if stored is not None:
            plan = plan_from_dict(stored[1])
            made_on = stored[2].astimezone().date()
            if not plan.weeks or (today <= plan.weeks[0].end and made_on <= today):
                return plan
        return self.replan(profile_id, "new week" if stored else "first plan", today).plan

    def plan_history(self, profile_id: int) -> list[tuple[int, str, str]]:
        """Stored plans, newest first: (id, when made as local text, why)."""
        with self._session() as session:
            rows = profiles.plans(session, profile_id)
        return [(pid, when.astimezone().strftime("%d %b %Y %H:%M"), why) for pid, when, why in rows]

    def stored_plan(self, plan_id: int) -> StudyPlan:
        with self._session() as session:
            return plan_from_dict(profiles.stored_plan(session, plan_id)[1])

    def past_weeks(self, profile_id: int, today: date | None = None) -> list[PastWeek]:
        """The weeks from the profile's start to last week: each with what the plan of that time
        asked and the topics finished in it."""
        today = today or date.today()
        with self._session() as session:
            profile = profiles.profile(session, profile_id)
            states = profiles.topic_state_times(session, profile_id)
            stored = profiles.plan_documents(session, profile_id, limit=PLANS_KEPT)
            labs = profiles.completed_labs(session, profile_id)
        start = profile.start_date or today
        weeks = max(0, (today - start).days // 7)
        done: dict[int, list[str]] = {}
        for slug, (status, when) in states.items():
            if status is TopicStatus.DONE:
                done.setdefault((when.astimezone().date() - start).days // 7, []).append(slug)
        labs_done: dict[int, list[str]] = {}
        for lab, when in labs.items():
            labs_done.setdefault((when.astimezone().date() - start).days // 7, []).append(lab)
        planned: dict[int, tuple[PlanItem, ...]] = {}
        for data, _when in stored:  # oldest first: later plans overwrite what they re-planned
            for week in plan_from_dict(data).weeks:
                if week.index < weeks:
                    planned[week.index] = week.items
        return [PastWeek(i, start + timedelta(days=7 * i), planned.get(i, ()),
                         tuple(sorted(done.get(i, ()))), tuple(sorted(labs_done.get(i, ()))))
                for i in range(weeks)]

    def labs_done(self, profile_id: int) -> set[str]:
        """Labs the profile has completed: a finished run that reached the lab's target."""
        with self._session() as session:
            return set(profiles.completed_labs(session, profile_id))

    def plan_progress(self, profile_id: int, plan: StudyPlan | None = None) -> PlanProgress:
        """Hours of once-planned topics now done against the hours the current plan still holds."""
        plan = plan or self.current_plan(profile_id)
        with self._session() as session:
            states = repository.topic_states(session, profile_id)
            hours = repository.topic_hours(session)
            # The first plan and the latest hold what was ever asked of the learner (a topic
            # planned only in between is rare); reading every stored plan cost a third of Today.
            stored = profiles.plans(session, profile_id, limit=PLANS_KEPT)
            ever: set[str] = set()
            lab_hours: dict[str, float] = {}  # hours each lab was planned for
            for pid in {stored[0][0], stored[-1][0]} if stored else ():
                old = plan_from_dict(profiles.stored_plan(session, pid)[1])
                ever.update(old.topics)
                for lab, planned in _lab_hours(old).items():
                    lab_hours[lab] = max(lab_hours.get(lab, 0.0), planned)
            labs = profiles.completed_labs(session, profile_id)
        done = sum(hours.get(t, 0.0) for t in ever if states.get(t) is TopicStatus.DONE)
        done += sum(h for lab, h in lab_hours.items() if lab in labs)  # a completed lab is study done
        return PlanProgress(done, plan.study_hours, plan.finish, plan.target_date)

    def export_plan(self, profile_id: int, target: Path, kind: str | None = None) -> Path:
        """Write the current plan as iCalendar (`.ics`) or Markdown (`.md`), by `kind` or the
        file's suffix; written to a temporary file and renamed, so a failure leaves no half file."""
        from planner.plan.export import plan_ics, plan_markdown  # icalendar: on first export

        profile = self.profile(profile_id)
        plan = self.current_plan(profile_id)
        kind = kind or ("ics" if target.suffix.lower() in (".ics", ".ical") else "markdown")
        if kind == "ics":
            data = plan_ics(plan, study_days=profile.study_days,
                            hours_per_week=profile.hours_per_week, profile_name=profile.name)
        elif kind == "markdown":
            data = plan_markdown(plan, profile_name=profile.name).encode("utf-8")
        else:
            raise NotFoundError(f"No plan export called {kind!r} (ics, markdown).")
        write_atomically(target, data)
        return target


def _pace(profile: Profile, topics: list[PlanTopic], tracks: dict[str, str],
          logged: dict[str, float], states: dict[str, TopicStatus]) -> Pace:
    """The pace from the finished topics' logged hours against their estimates."""
    hours = {t.slug: t.hours for t in topics}
    samples = [PaceSample(slug, tracks.get(slug, ""), hours[slug], spent)
               for slug, spent in sorted(logged.items())
               if slug in hours and states.get(slug) is TopicStatus.DONE]
    return estimate_pace(samples, used=profile.use_pace)


def _lab_hours(plan: StudyPlan) -> dict[str, float]:
    """Hours each lab of `plan` is planned for (a lab split over weeks: its parts summed)."""
    hours: dict[str, float] = {}
    for week in plan.weeks:
        for item in week.items:
            if item.kind is PlanItemKind.LAB and item.lab:
                hours[item.lab] = hours.get(item.lab, 0.0) + item.hours
    return hours
