"""Records of a learner's progress: what they did and when, and what `planner.progress` derives.

Every moment (`datetime`) is timezone-aware; the database stores them in UTC. Every `date` is a
*study day* in the learner's own time zone, which starts at their day boundary (04:00 unless they
chose otherwise), so that studying past midnight still counts for the evening it began in.
Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import IntEnum, StrEnum
from typing import Any

DAY_BOUNDARY = time(4, 0)
"""When a study day starts, on the learner's wall clock, unless their profile says otherwise."""


class ActivityKind(StrEnum):
    STUDY = "study"  # time on a lesson: a study session, timed or entered by hand
    REVIEW = "review"  # one self-check card answered
    LAB = "lab"  # a lab run finished
    READING = "reading"  # a reading marked read
    TOPIC_DONE = "topic_done"  # a topic marked done


class SessionSource(StrEnum):
    TIMER = "timer"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class Activity:
    """One thing the learner did, for streaks, the heatmap and the reports.

    `subject` names what it was about (a topic, lab or reading slug); `minutes` is the time it
    took where that is known. No checks here: pages build tens of thousands of these at once,
    and the functions that read them reject a naive `when`.
    """

    when: datetime
    kind: ActivityKind
    minutes: float = 0.0
    subject: str = ""


@dataclass(frozen=True, slots=True)
class StudySession:
    """Time spent studying, from the timer or entered by hand; `topic` is None for general study."""

    topic: str | None
    started: datetime
    minutes: float
    source: SessionSource = SessionSource.TIMER

    def __post_init__(self) -> None:
        if self.started.tzinfo is None or self.started.utcoffset() is None:
            raise ValueError("a study session's start must carry its time zone")
        if not self.minutes > 0:
            raise ValueError(f"a study session lasts more than 0 minutes, not {self.minutes}")


@dataclass(frozen=True)
class Streak:
    """Consecutive study days. `current` still counts while today has nothing done yet
    (`today_counts` is False then); `last_day` is the latest study day, or None."""

    current: int
    longest: int
    today_counts: bool
    last_day: date | None


@dataclass(frozen=True)
class DayTotal:
    """What one study day held: minutes of timed activity and the number of activities."""

    day: date
    minutes: float
    events: int


@dataclass(frozen=True)
class WeekHours:
    """Planned and studied hours of one plan week (weeks start on the plan's start weekday)."""

    week_start: date
    planned: float
    done: float


@dataclass(frozen=True)
class SkillPoint:
    """A skill's level at the end of `day`."""

    day: date
    skill: str
    level: int


@dataclass(frozen=True)
class ProgressTotals:
    """A report over the study days from `since` to `until` (None: no limit on that side).

    `hours` is the time of study sessions, the time a plan counts; topics, labs and readings
    are counted once each however often they were done; `longest_streak` is the longest run of
    consecutive study days inside the period.
    """

    since: date | None
    until: date | None
    hours: float
    study_days: int
    longest_streak: int
    topics_done: int
    labs_finished: int
    readings_read: int
    reviews: int


class ReviewGrade(IntEnum):
    """How well a self-check card was recalled; the value is also its key (1–4)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


@dataclass(frozen=True)
class CardRef:
    """A self-check card: the `index`th card of a topic's front matter."""

    topic: str
    index: int


@dataclass(frozen=True)
class CardState:
    """When a card is next due and the scheduler's memory of it.

    `fsrs` is the fsrs library's `Card.to_dict()`: JSON-safe, stored as it is. `due` repeats its
    due moment (UTC) so that storage can index and sort by it.
    """

    topic: str
    index: int
    fsrs: dict[str, Any] = field(hash=False)
    due: datetime

    @property
    def ref(self) -> CardRef:
        return CardRef(self.topic, self.index)


@dataclass(frozen=True)
class ReviewLogEntry:
    """One answer to a card: the grade, when (UTC) and how long the learner took, if timed."""

    topic: str
    index: int
    grade: ReviewGrade
    reviewed: datetime
    duration_ms: int | None = None


@dataclass(frozen=True, slots=True)
class PaceSample:
    """One finished topic's time: the lesson's estimate and what the learner logged on it."""

    topic: str
    track: str
    estimated_hours: float
    logged_hours: float


@dataclass(frozen=True, slots=True)
class Pace:
    """How the learner's time compares with the lessons' estimates: `factor` times the estimate
    overall (1.0: as estimated), `by_track` where a track has enough finished topics of its own,
    from `topics` finished topics with logged time. `used` says whether plans apply it."""

    factor: float = 1.0
    topics: int = 0
    by_track: dict[str, float] = field(default_factory=dict)
    used: bool = True

    def for_track(self, track: str) -> float:
        return self.by_track.get(track, self.factor)

    def sentence(self) -> str:
        """The pace in one sentence: how long lessons take the learner, and whether plans use it."""
        if not self.topics:
            return ("Your pace: not measured yet. Log study time on the topics you finish and the "
                    "plan learns how long lessons take you.")
        how = ("about the estimated time" if abs(self.factor - 1) < 0.05
               else f"about {self.factor:.1f}× the estimated time")
        use = "used in the plan" if self.used else "not used: the plan keeps the lessons' estimates"
        finished = f"{self.topics} finished topic{'' if self.topics == 1 else 's'}"
        return f"Your pace: you take {how}, from {finished} ({use})."
