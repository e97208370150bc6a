"""Records of the Progress page and the progress report: logged study time, the running study
timer, the page's figures and a report over a month or all time.

Moments are timezone-aware (UTC as stored); dates are the learner's local study days (see
`planner.core.progress`). Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from planner.core.progress import DayTotal, ProgressTotals, SkillPoint, Streak, StudySession, WeekHours

MAX_SESSION_MINUTES = 24 * 60
"""The longest study session that can be logged: one day."""


@dataclass(frozen=True, slots=True)
class LoggedSession(StudySession):
    """A study session as stored: a `StudySession` (so every `planner.progress` function takes
    it) with its id, for deleting it, and the learner's note."""

    id: int = field(default=0, kw_only=True)
    note: str = field(default="", kw_only=True)

    @property
    def ended(self) -> datetime:
        return self.started + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class RunningTimer:
    """The study timer of a profile while it runs: stored, so a restart or a crash keeps it."""

    topic: str | None
    started: datetime

    def minutes(self, now: datetime) -> float:
        """Minutes run by `now` (timezone-aware); 0 for a clock set back since the start."""
        return max(0.0, (now - self.started).total_seconds() / 60)


@dataclass(frozen=True)
class SkillLine:
    """A skill drawn on the skills-over-time chart: its name and, when the target role asks for
    it, the level the role wants."""

    skill: str
    name: str
    target: int | None = None


@dataclass(frozen=True)
class ProgressOverview:
    """Everything the Progress page shows, read in one go.

    `days` are the study days of the heatmap, the last 365 up to `today`, with `thresholds` the
    minutes separating its shades. `weeks` are the plan weeks (planned vs studied hours) from
    twelve weeks back to the week holding today. `skills` are the levels over time of `lines`
    (the target role's skills, or every skill a done topic raised when there is no role).
    """

    today: date
    streak: Streak
    days: tuple[DayTotal, ...]
    thresholds: tuple[float, float, float]
    weeks: tuple[WeekHours, ...]
    skills: tuple[SkillPoint, ...]
    lines: tuple[SkillLine, ...]
    month: ProgressTotals
    all_time: ProgressTotals


@dataclass(frozen=True)
class LabResult:
    """A lab's best finished run in a report's period: the run's headline metrics, chosen by
    the first metric the lab reports (higher is better, except for losses, errors and sizes)."""

    lab: str
    title: str
    runs: int
    best_run: int
    metrics: dict[str, float] = field(default_factory=dict)
    target_reached: bool | None = None


@dataclass(frozen=True)
class ProgressReport:
    """A progress report over this month (`period` "month") or all time ("all").

    `totals` count within the period; `streak` is the learner's streak on `made` (its `longest`
    over all time). `topics` are (slug, title) of the topics finished in the period, `readings`
    the titles of the readings finished in it, `labs` the labs with a finished run in it.
    """

    profile: str
    period: str
    title: str
    made: date
    totals: ProgressTotals
    streak: Streak
    topics: tuple[tuple[str, str], ...] = ()
    labs: tuple[LabResult, ...] = ()
    readings: tuple[str, ...] = ()
