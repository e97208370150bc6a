"""Study time, streaks, the heatmap, weekly hours, skill history and progress reports.

Mixed into `Lodestar`, which provides `_session()` (one transaction per use case) and the
profile and plan use cases of `planner.services.study`. Every method runs on the caller's thread.
Study days are placed with the learner's time zone (`local_zone()`) and their profile's day
boundary.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.core.errors import LodestarError, NotFoundError, PlanError
from planner.core.models import Profile, RoleSkill, StudyPlan, TopicStatus
from planner.core.progress import (
    DAY_BOUNDARY,
    Activity,
    ActivityKind,
    DayTotal,
    SessionSource,
    Streak,
    StudySession,
)
from planner.core.tracking import (
    MAX_SESSION_MINUTES,
    LoggedSession,
    ProgressOverview,
    ProgressReport,
    RunningTimer,
    SkillLine,
)
from planner.db import profiles, repository
from planner.db import progress as store
from planner.db.base import utcnow
from planner.plan import plan_from_dict
from planner.progress import (
    day_finder,
    heatmap_thresholds,
    month_bounds,
    month_summary,
    skill_history,
    streak,
    study_day,
    totals,
    weekly_hours,
)
from planner.services.files import write_atomically
from planner.services.report_format import lab_results, report_html, report_markdown

HEATMAP_DAYS = 365
WEEKS_SHOWN = 12  # weeks before this one on the weekly hours chart
MIN_TIMER_MINUTES = 1.0  # a timer stopped sooner was started by mistake: nothing is recorded
PERIODS = ("month", "all")
SETTLED_STATES = (TopicStatus.DONE, TopicStatus.SKIPPED)  # nothing left to resume in these


@functools.cache
def local_zone() -> tzinfo:
    """The learner's time zone: TZ if it names one, else the zone /etc/localtime links to, else
    the system's current fixed offset. Cached: the zone a session started in stays its zone."""
    name = os.environ.get("TZ", "").strip().lstrip(":")
    candidates = [name] if name else []
    with contextlib.suppress(OSError):
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for candidate in candidates:
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
    return datetime.now().astimezone().tzinfo or UTC


def session_start(day: date, minutes: float, now: datetime | None = None) -> datetime:
    """When time logged by hand for `day` started, as the "Log time…" dialog and `python -m
    planner log` place it: today, it ends now; an earlier day, it starts at noon (inside that
    study day whatever the day boundary)."""
    now = now or utcnow()
    if day >= now.astimezone(local_zone()).date():
        return now - timedelta(minutes=minutes)
    return datetime.combine(day, time(12), local_zone()).astimezone(UTC)


def parse_boundary(text: str | None) -> time:
    """The wall-clock time a study day starts, from a setting such as "04:00"; a damaged
    setting must not stop anything, so it falls back to the default."""
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except (AttributeError, ValueError):
        return DAY_BOUNDARY


def day_boundary(profile: Profile) -> time:
    """The wall-clock time the profile's study day starts ("04:00" → 04:00)."""
    return parse_boundary(profile.day_boundary)


class ProgressTracking:
    """Study sessions and the timer, the Progress page's figures and the progress report."""

    _session: Callable[[], contextlib.AbstractContextManager]
    # from planner.services.study.StudyPlans, mixed into the same Lodestar
    profile: Callable[[int], Profile]
    current_plan: Callable[..., StudyPlan]
    role_targets: Callable[..., tuple[RoleSkill, ...]]

    # --- study sessions ---------------------------------------------------------------------

    def log_study(self, profile_id: int, minutes: float, *, topic: str | None = None,
                  started: datetime | None = None, source: str = "manual",
                  note: str = "") -> LoggedSession:
        """Record time studied (on `topic`, or on nothing in particular) with its activity.

        `started` (timezone-aware) defaults to `minutes` ago. Raises LodestarError for minutes
        outside 0 < minutes ≤ 1440, a start in the future or an unknown topic or source.
        """
        if not isinstance(minutes, int | float) or not 0 < minutes <= MAX_SESSION_MINUTES:
            raise LodestarError("A study session lasts more than 0 minutes and at most "
                                f"{MAX_SESSION_MINUTES} (24 hours), not {minutes}.")
        try:
            kind = SessionSource(source)
        except ValueError:
            raise LodestarError(f"A study session comes from the timer or is entered by hand "
                                f"(source 'timer' or 'manual'), not {source!r}.") from None
        now = utcnow()
        started = started or now - timedelta(minutes=minutes)
        if started.tzinfo is None or started.utcoffset() is None:
            raise ValueError("a study session's start must carry its time zone")
        if started > now + timedelta(seconds=1):
            local = started.astimezone(local_zone())
            raise LodestarError(f"A study session cannot start in the future ({local:%d %b %Y %H:%M}).")
        with self._session() as session:
            profiles.profile(session, profile_id)
            if topic is not None and not store.topic_exists(session, topic):
                raise NotFoundError(f"No topic {topic!r}.")
            return store.add_session(session, profile_id, topic, started.astimezone(UTC),
                                     float(minutes), kind, note.strip())

    def study_sessions(self, profile_id: int, since: datetime | None = None,
                       limit: int | None = None) -> list[LoggedSession]:
        """The profile's study sessions started at or after `since`, newest first."""
        with self._session() as session:
            return store.sessions(session, profile_id, since, limit)

    def delete_study_session(self, session_id: int) -> LoggedSession:
        """Delete a study session and the activity it logged; returns the deleted session."""
        with self._session() as session:
            return store.delete_session(session, session_id)

    # --- the study timer ----------------------------------------------------------------------

    def start_timer(self, profile_id: int, topic: str | None = None,
                    now: datetime | None = None) -> RunningTimer:
        """Start the profile's study timer. It is stored, so it keeps running across restarts.
        Raises LodestarError when it is already running."""
        with self._session() as session:
            profiles.profile(session, profile_id)
            running = store.running_timer(session, profile_id)
            if running is not None:
                since = running.started.astimezone(local_zone())
                raise LodestarError(f"The study timer is already running (since {since:%H:%M}); "
                                    "stop it first.")
            if topic is not None and not store.topic_exists(session, topic):
                raise NotFoundError(f"No topic {topic!r}.")
            return store.start_timer(session, profile_id, topic, now or utcnow())

    def running_timer(self, profile_id: int) -> RunningTimer | None:
        """The profile's running study timer, or None."""
        with self._session() as session:
            return store.running_timer(session, profile_id)

    def stop_timer(self, profile_id: int, now: datetime | None = None) -> LoggedSession | None:
        """Stop the timer and record its time as a study session (at most 24 hours).

        Returns None, recording nothing, when no timer was running or it ran under a minute.
        """
        now = now or utcnow()
        with self._session() as session:
            timer = store.clear_timer(session, profile_id)
            if timer is None:
                return None
            minutes = min(timer.minutes(now), MAX_SESSION_MINUTES)
            if minutes < MIN_TIMER_MINUTES:
                return None
            return store.add_session(session, profile_id, timer.topic, timer.started, minutes,
                                     SessionSource.TIMER)

    def discard_timer(self, profile_id: int) -> RunningTimer | None:
        """Stop the timer without recording anything (a timer left running by mistake)."""
        with self._session() as session:
            return store.clear_timer(session, profile_id)

    # --- the Progress and Today pages ---------------------------------------------------------

    def streak_now(self, profile_id: int, now: datetime | None = None) -> Streak:
        """The profile's current and longest streak of study days, as of `now`: one query of
        the activities' moments, which is all a streak depends on (fast, for the Today page)."""
        profile = self.profile(profile_id)
        tz, boundary = local_zone(), day_boundary(profile)
        with self._session() as session:
            moments = store.activity_moments(session, profile_id)
        day = day_finder(tz, boundary)
        first_of_day: dict[date, datetime] = {}
        for moment in moments:
            first_of_day.setdefault(day(moment), moment)
        # One activity stands for each study day: its kind does not matter to a streak.
        stand_ins = [Activity(moment, ActivityKind.STUDY) for moment in first_of_day.values()]
        return streak(stand_ins, study_day(now or utcnow(), tz, boundary), tz, boundary)

    def topic_titles(self) -> dict[str, str]:
        """Every live topic's title by slug, in curriculum order (one light query, for lists)."""
        with self._session() as session:
            return store.topic_titles(session)

    def last_activity(self, profile_id: int) -> tuple[str, str] | None:
        """What "resume" opens: ("lesson", topic slug) or ("lab", lab slug) of the latest topic
        studied or lab run started that is not finished (a topic done or skipped, a lab
        completed); None when there is nothing to resume."""
        with self._session() as session:
            states = repository.topic_states(session, profile_id)
            finished = [slug for slug, state in states.items() if state in SETTLED_STATES]
            labs = profiles.completed_labs(session, profile_id)
            return store.last_lesson_or_lab(session, profile_id, finished, labs)

    def progress_overview(self, profile_id: int, today: date | None = None) -> ProgressOverview:
        """The Progress page's figures: streak, the year heatmap, planned vs studied hours of
        the last weeks, skill levels over time, and this month's and all-time totals."""
        profile = self.profile(profile_id)
        tz, boundary = local_zone(), day_boundary(profile)
        today = today or study_day(utcnow(), tz, boundary)
        week_start = profile.start_date or today - timedelta(days=today.weekday())
        first_week = today - timedelta(days=(today - week_start).days % 7 + 7 * WEEKS_SHOWN)
        month, year = today.replace(day=1), today - timedelta(days=HEATMAP_DAYS - 1)
        since = _moment(min(first_week, month) - timedelta(days=1), tz)
        with self._session() as session:
            done = [(when, slug) for when, slug, _ in store.topics_done(session, profile_id)]
            topics = store.topic_skills(session)
            names = {s.slug: s.name for s in repository.skills(session)}
            history = _History(store.activity_log(session, profile_id), tz, boundary,
                               since=_moment(month - timedelta(days=1), tz), heatmap_from=year)
            recent = _sessions(store.session_times(session, profile_id, since))
        days = history.heatmap(year, today)
        planned = self._planned_hours(profile, today, first_week, tz)
        for n in range(WEEKS_SHOWN + 1):  # every week of the chart since the learner started
            if (start := first_week + timedelta(weeks=n)) >= week_start:
                planned.setdefault(start, 0.0)
        weeks = weekly_hours(recent, planned, week_start, tz, boundary, through=today)
        points = skill_history(done, topics, profile.skills, tz, boundary, since=profile.start_date)
        lines = self._skill_lines(profile, points, names)
        return ProgressOverview(
            today=today, streak=streak(history.condensed, today, tz, boundary), days=tuple(days),
            thresholds=heatmap_thresholds(days),
            weeks=tuple(w for w in weeks if first_week <= w.week_start <= today),
            skills=tuple(p for p in points if p.skill in {line.skill for line in lines}),
            lines=lines,
            month=month_summary(history.recent, recent, month, tz, boundary),
            all_time=history.all_time())

    def _planned_hours(self, profile: Profile, today: date, first_week: date,
                       tz: tzinfo) -> dict[date, float]:
        """Study hours (reviews aside) planned for each week from `first_week`: past weeks as
        the plans of their time had them (as `past_weeks` reads them), this week and later as
        the current plan has them. Only the plans made since `first_week`, and the one before,
        are read: every re-plan stores one, and reading a hundred took longer than the page."""
        if not profile.target_role:
            return {}
        this_week = first_week + timedelta(weeks=WEEKS_SHOWN)
        with self._session() as session:
            stored = store.plans_from(session, profile.id, _moment(first_week, tz))
        planned: dict[date, float] = {}
        for data in stored:  # oldest first: later plans overwrite the weeks they re-planned
            with contextlib.suppress(KeyError, TypeError, ValueError):  # a plan of an older format
                planned.update({week.start: week.study_hours for week in plan_from_dict(data).weeks
                                if first_week <= week.start < this_week})
        with contextlib.suppress(PlanError):
            planned.update({week.start: week.study_hours
                            for week in self.current_plan(profile.id, today).weeks})
        return planned

    def _skill_lines(self, profile: Profile, points, names: dict[str, str]) -> tuple[SkillLine, ...]:
        if profile.target_role:
            with contextlib.suppress(PlanError, NotFoundError):
                return tuple(SkillLine(t.skill, t.skill_name or names.get(t.skill, t.skill), t.target)
                             for t in self.role_targets(profile))
        raised = sorted({p.skill for p in points if p.level > 0})
        return tuple(SkillLine(skill, names.get(skill, skill)) for skill in raised)

    # --- reports --------------------------------------------------------------------------------

    def progress_report(self, profile_id: int, period: str = "month",
                        today: date | None = None) -> ProgressReport:
        """A report over this month (`period` "month", the calendar month holding `today`) or
        all time ("all"): hours, study days, topics done, labs with their best results,
        readings finished, reviews and the streak."""
        if period not in PERIODS:
            raise LodestarError(f"A report covers this month or all time ('month' or 'all'), "
                                f"not {period!r}.")
        profile = self.profile(profile_id)
        tz, boundary = local_zone(), day_boundary(profile)
        today = today or study_day(utcnow(), tz, boundary)
        first = last = None
        if period == "month":
            first, last = month_bounds(today)
        since = _moment(first - timedelta(days=1), tz) if first else None
        with self._session() as session:
            history = _History(store.activity_log(session, profile_id), tz, boundary, since)
            spent = _sessions(store.session_times(session, profile_id, since)) if since else []
            done = store.topics_done(session, profile_id)
            runs = store.finished_lab_runs(session, profile_id)
            read = store.readings_read(session, profile_id)
        day = day_finder(tz, boundary)

        def inside(when: datetime) -> bool:
            return (first is None or day(when) >= first) and (last is None or day(when) <= last)

        return ProgressReport(
            profile=profile.name, period=period,
            title=f"{today:%B %Y}" if period == "month" else "All time", made=today,
            totals=(totals(history.recent, spent, tz, boundary, since=first, until=last) if first
                    else history.all_time()),
            streak=streak(history.condensed, today, tz, boundary),
            topics=tuple((slug, title) for when, slug, title in done if inside(when)),
            labs=lab_results([run for run in runs if inside(run[3])]),
            readings=tuple(title for when, title in read if inside(when)))

    report_markdown = staticmethod(report_markdown)
    report_html = staticmethod(report_html)

    def export_report(self, profile_id: int, path: Path, period: str = "month") -> Path:
        """Write the progress report as Markdown to `path` (a `.md` file), atomically.

        A PDF is written by a front end: `planner.ui.report.write_pdf(report_html(report), path)`
        (Qt's PDF writer), keeping the services free of Qt.
        """
        path = Path(path)
        if path.suffix.lower() not in (".md", ".markdown"):
            raise LodestarError(f"Cannot write a report as {path.suffix or 'a file without a suffix'}"
                                " here: choose a .md file. PDF reports are written by the app or by "
                                "`python -m planner export report FILE.pdf`.")
        report = self.progress_report(profile_id, period)
        return write_atomically(path, report_markdown(report).encode("utf-8"))


def _sessions(rows: Iterable[tuple[str | None, datetime, float]]) -> list[StudySession]:
    return [StudySession(topic, started, minutes) for topic, started, minutes in rows
            if minutes > 0 and math.isfinite(minutes)]


_NAMED = frozenset((ActivityKind.TOPIC_DONE, ActivityKind.LAB, ActivityKind.READING))
_KINDS = {kind.value: kind for kind in ActivityKind}


class _History:
    """Every activity of a learner, read in one pass: each day's minutes and activities from
    `heatmap_from` on (the year heatmap), those from `since` on as records (this month), and
    the few that decide the streak and the all-time totals (`condensed`): the first of each
    study day, the first of each topic, lab and reading done, and every review and unnamed one,
    which are counted each time. `streak` and `totals` give from these what they give from all
    of them; each activity is placed on its study day once, not once per figure."""

    def __init__(self, rows: Iterable[tuple[datetime, str, float, str]], tz: tzinfo, boundary: time,
                 since: datetime | None = None, heatmap_from: date | None = None):
        self.tz, self.boundary = tz, boundary
        self.recent: list[Activity] = []
        self.condensed: list[Activity] = []
        self.per_day: dict[date, list] = {}  # study day -> [minutes, activities]
        study_minutes = 0.0  # every study session logged a "study" activity of its minutes
        # A hot loop over tens of thousands of rows: names bound locally, cheap tests first.
        keep_recent, keep, per_day = self.recent.append, self.condensed.append, self.per_day
        study, review, named, kinds = ActivityKind.STUDY, ActivityKind.REVIEW, _NAMED, _KINDS
        day = day_finder(tz, boundary)
        days: set[date] = set()
        done: set[tuple[ActivityKind, str]] = set()
        for when, name, minutes, subject in rows:
            kind = kinds.get(name)
            if kind is None:
                continue
            activity = None
            if since is not None and when >= since:
                activity = Activity(when, kind, minutes, subject)
                keep_recent(activity)
            if kind is study:
                study_minutes += minutes
            when_day = day(when)
            if heatmap_from is not None and when_day >= heatmap_from:
                if (total := per_day.get(when_day)) is None:
                    per_day[when_day] = [minutes, 1]
                else:
                    total[0] += minutes
                    total[1] += 1
            if kind is review or when_day not in days \
                    or (kind in named and (not subject or (kind, subject) not in done)):
                keep(activity or Activity(when, kind, minutes, subject))
                days.add(when_day)
                if kind in named:
                    done.add((kind, subject))
        self.study_minutes = study_minutes

    def heatmap(self, start: date, end: date) -> list[DayTotal]:
        """A total for every study day from `start` to `end` (`start` not before `heatmap_from`),
        as `planner.progress.daily_totals` gives them."""
        span = (start + timedelta(days=n) for n in range((end - start).days + 1))
        return [DayTotal(d, *self.per_day.get(d, (0.0, 0))) for d in span]

    def all_time(self):
        """All-time totals; the hours from the study activities rather than every session."""
        return replace(totals(self.condensed, (), self.tz, self.boundary),
                       hours=self.study_minutes / 60)


def _moment(day: date, tz: tzinfo) -> datetime:
    """The start of a local calendar day as a UTC moment (a bound for queries; the pure
    functions place every record on its study day afterwards)."""
    return datetime.combine(day, time(), tz).astimezone(UTC)
