"""What the learner's world is made of: the records every layer passes around.

These are plain frozen dataclasses. The database layer returns them instead of ORM objects, the
content loader produces them from `resources/`, and the front ends show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path


class Difficulty(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class TopicStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ReadingKind(StrEnum):
    PAPER = "paper"
    BOOK = "book"
    ARTICLE = "article"


class RoleLevel(StrEnum):
    """How far into a role the learner aims: a first job, a few years in, or senior."""

    ENTRY = "entry"
    MID = "mid"
    SENIOR = "senior"

    @property
    def label(self) -> str:
        return {"entry": "Entry (first job)", "mid": "Mid-level", "senior": "Senior"}[self.value]

    @property
    def short(self) -> str:
        """How the level reads after a role's name: "entry level", "mid-level", "senior level"."""
        return {"entry": "entry level", "mid": "mid-level", "senior": "senior level"}[self.value]


class DeadlineKind(StrEnum):
    ABSTRACT = "abstract"
    PAPER = "paper"


@dataclass(frozen=True)
class Track:
    slug: str
    title: str
    description: str
    position: int = 0


@dataclass(frozen=True)
class Card:
    question: str
    answer: str


@dataclass(frozen=True)
class Skill:
    slug: str
    name: str
    description: str
    levels: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SkillLevel:
    """A level of one skill: what a topic brings a learner to."""

    skill: str
    level: int


@dataclass(frozen=True)
class RoleSkill:
    """What a role asks of one skill: the level to reach and how much it matters. `target` is
    what a senior person in the role needs; `entry` and `mid` what a first job and a few years
    in ask (0: not asked at that level). A role skill as the planner sees it has already been
    cut to one level (`at`)."""

    skill: str
    target: int
    weight: float
    skill_name: str = ""
    entry: int | None = None  # None: same as target
    mid: int | None = None

    def level(self, level: RoleLevel) -> int:
        """The target at `level`: a first job asks `entry`, a few years in `mid`, else `target`."""
        value = {RoleLevel.ENTRY: self.entry, RoleLevel.MID: self.mid}.get(level)
        return self.target if value is None else value

    def at(self, level: RoleLevel) -> RoleSkill:
        """This skill as a role at `level` asks it (`entry` and `mid` folded into `target`)."""
        return RoleSkill(self.skill, self.level(level), self.weight, self.skill_name)


@dataclass(frozen=True)
class Role:
    slug: str
    name: str
    description: str
    daily_work: tuple[str, ...] = ()
    advice: tuple[str, ...] = ()
    skills: tuple[RoleSkill, ...] = ()


class Linked:
    """The web address of a work: its URL, else its arXiv page, else its DOI."""

    url: str | None
    arxiv: str | None
    doi: str | None

    @property
    def link(self) -> str | None:
        if self.url:
            return self.url
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return None


@dataclass(frozen=True)
class Reading(Linked):
    """A paper or book the curriculum ships."""

    slug: str
    kind: ReadingKind
    title: str
    authors: tuple[str, ...]
    year: int
    venue: str
    arxiv: str | None = None
    doi: str | None = None
    isbn: str | None = None
    url: str | None = None

    @property
    def citation(self) -> str:
        """Authors (year). Title. Venue. — a one-line reference for lists."""
        names = list(self.authors)
        who = names[0] + " et al." if len(names) > 3 else ", ".join(names)
        return f"{who} ({self.year}). {self.title}. {self.venue}."


@dataclass(frozen=True)
class Citation(Linked):
    """A work as a learner's bibliography gives it: what an imported entry and an own reading
    share. Unlike a shipped `Reading` it may lack a year, and keeps its citation key and entry
    type so an export cites it as the learner's own papers do."""

    kind: ReadingKind
    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str = ""
    arxiv: str | None = None
    doi: str | None = None
    isbn: str | None = None
    url: str | None = None
    bibtex_key: str = ""
    entry_type: str = ""
    month: int | None = None


def citation_of(reading: Reading | Citation) -> dict:
    """A reading's `Citation` fields by name (a shipped reading has no key, type or month)."""
    return {f.name: getattr(reading, f.name, f.default) for f in fields(Citation)}


@dataclass(frozen=True)
class Lab:
    slug: str
    title: str
    summary: str
    topics: tuple[str, ...] = ()
    after: tuple[str, ...] = ()  # the lessons a plan puts the lab after (() = every one naming it)


@dataclass(frozen=True)
class TopicSummary:
    """A topic as lists and graphs show it, without its lesson."""

    slug: str
    title: str
    track: str
    summary: str
    hours: float
    difficulty: Difficulty
    prerequisites: tuple[str, ...] = ()


@dataclass(frozen=True)
class LessonSection:
    """One `##` section of a lesson and the share of the lesson's study time it takes."""

    title: str
    share: float


@dataclass(frozen=True)
class Topic(TopicSummary):
    """A topic with everything its lesson page shows. `sections` are the lesson's `##` sections
    with the share of its study time each takes (by length), for plans that split a lesson."""

    body: str = ""
    skills: tuple[SkillLevel, ...] = ()
    labs: tuple[str, ...] = ()
    readings: tuple[str, ...] = ()
    cards: tuple[Card, ...] = ()
    sections: tuple[LessonSection, ...] = ()


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due: datetime | None  # timezone-aware UTC; None while the organisers have not announced it
    comment: str = ""


@dataclass(frozen=True)
class ConferenceEdition:
    slug: str
    series: str
    year: int
    link: str
    timezone: str
    dates: str
    place: str
    deadlines: tuple[Deadline, ...] = ()


@dataclass(frozen=True)
class ConferenceSeries:
    slug: str
    title: str
    description: str
    field: str
    ccf_rank: str | None = None
    core_rank: str | None = None
    thcpl_rank: str | None = None
    dblp: str | None = None
    editions: tuple[ConferenceEdition, ...] = ()


@dataclass(frozen=True)
class UpcomingDeadline:
    """One deadline still ahead, with the conference it belongs to."""

    series: str
    series_title: str
    edition: str
    year: int
    kind: DeadlineKind
    due: datetime
    place: str
    link: str


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Profile:
    """A learner: whom the plan, progress and lab runs belong to. `study_days` are weekday
    numbers (0 = Monday); `skills` the self-assessed level 0–5 per skill slug."""

    id: int
    name: str
    created_at: datetime
    target_role: str | None = None
    hours_per_week: float = 5.0
    start_date: date | None = None
    target_date: date | None = None
    secondary_role: str | None = None
    study_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    review_share: float = 0.15
    skills: dict[str, int] = field(default_factory=dict)
    day_boundary: str = "04:00"  # local time at which the learner's day ends (streaks, reviews)
    desired_retention: float = 0.9  # how likely a card should still be remembered when due
    role_level: RoleLevel = RoleLevel.ENTRY  # how far into the target role the plan aims
    use_pace: bool = True  # plan with the learner's own pace, measured from logged study time
    new_cards_per_day: int = 20  # cards never answered that reviews introduce in one study day


# --- study plans -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanTopic:
    """A topic as the scheduler sees it: its hours, prerequisites, the skill levels it brings
    and its labs."""

    slug: str
    title: str
    hours: float
    prerequisites: tuple[str, ...] = ()
    skills: tuple[SkillLevel, ...] = ()
    labs: tuple[str, ...] = ()
    sections: tuple[float, ...] = ()  # each section's share of the hours; () = one undivided lesson
    order: int = 0  # place in the curriculum (track order, then order in the track): earlier goes first


@dataclass(frozen=True)
class PlanRequest:
    """Everything a plan is made from; stored with the plan so an old plan can be re-read.

    Weeks are counted from `start` (week 0 begins on it); the plan is laid out from the week
    holding `today`, whose hours are pro-rated by the study days left in it."""

    topics: tuple[PlanTopic, ...]
    targets: tuple[RoleSkill, ...]  # what the role(s) ask, merged: skill, target level, weight
    levels: dict[str, int]  # the learner's current level per skill (self-assessed or earned)
    states: dict[str, TopicStatus]  # progress so far; absent topics are not started
    hours_per_week: float
    study_days: tuple[int, ...]  # 0 = Monday … 6 = Sunday
    start: date
    today: date
    target_date: date | None = None
    review_share: float = 0.15  # of each week's hours, kept for reviews
    lab_hours: float = 1.0  # planned hours of one lab session
    spent: dict[str, float] = field(default_factory=dict)  # hours already spent per topic
    labs_done: tuple[str, ...] = ()  # labs completed (a run reached the target): not planned again
    lab_after: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lab -> lessons it follows


class PlanItemKind(StrEnum):
    LESSON = "lesson"
    LAB = "lab"
    REVIEW = "review"

    @property
    def label(self) -> str:
        """"Lesson", "Lab", "Review": as a plan's items are headed."""
        return self.value.capitalize()


@dataclass(frozen=True)
class PlanItem:
    """One thing to do in a week. A lesson that does not fit a week's hours is split at its
    sections: `part` of `parts`, covering sections `first_section`…`last_section` (1-based;
    0 when the lesson is whole or has no sections to name)."""

    kind: PlanItemKind
    title: str
    hours: float
    topic: str | None = None  # None for the weekly review block
    lab: str | None = None
    part: int = 1
    parts: int = 1
    first_section: int = 0
    last_section: int = 0

    @property
    def sections(self) -> str:
        """'§3–5', '§2', or '' for a whole lesson."""
        if not self.first_section:
            return ""
        if self.last_section == self.first_section:
            return f"§{self.first_section}"
        return f"§{self.first_section}–{self.last_section}"

    @property
    def label(self) -> str:
        """'Back-propagation §3–5', 'Back-propagation (part 2 of 3)', or the title."""
        if self.sections:
            return f"{self.title} {self.sections}"
        return f"{self.title} (part {self.part} of {self.parts})" if self.parts > 1 else self.title


@dataclass(frozen=True)
class PlanWeek:
    index: int  # weeks since the profile's start date, 0-based
    start: date
    capacity: float  # study hours available this week, reviews excluded
    items: tuple[PlanItem, ...] = ()

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def study_hours(self) -> float:
        return sum(i.hours for i in self.items if i.kind is not PlanItemKind.REVIEW)


@dataclass(frozen=True)
class SkillGap:
    """One skill of the target role: where the learner is, where the role wants them."""

    skill: str
    current: int
    target: int
    weight: float

    @property
    def gap(self) -> int:
        return max(0, self.target - self.current)

    @property
    def weighted(self) -> float:
        return self.gap * self.weight


@dataclass(frozen=True)
class Shortfall:
    """Why the target date cannot be met, and the two ways to meet it."""

    needed_hours: float  # study hours the plan needs from today
    available_hours: float  # study hours before the target date at the current pace
    hours_per_week_needed: float  # weekly hours (same review share) that meet the date
    droppable: tuple[str, ...] = ()  # lowest-weight optional topics whose dropping meets it

    @property
    def missing_hours(self) -> float:
        return max(0.0, self.needed_hours - self.available_hours)


@dataclass(frozen=True)
class StudyPlan:
    """A dated plan: the weeks from today to the last topic, and why each topic is in it."""

    weeks: tuple[PlanWeek, ...]
    gap: tuple[SkillGap, ...]
    reasons: dict[str, str] = field(default_factory=dict)  # topic slug -> why it is planned
    finish: date | None = None  # the last day with planned work
    target_date: date | None = None
    shortfall: Shortfall | None = None
    # Skills whose target lies beyond every topic: (skill, the highest level a topic teaches).
    beyond: tuple[tuple[str, int], ...] = ()

    @property
    def topics(self) -> list[str]:
        """The planned topics in the order they are studied."""
        seen: dict[str, None] = {}
        for week in self.weeks:
            for item in week.items:
                if item.kind is PlanItemKind.LESSON and item.topic:
                    seen.setdefault(item.topic)
        return list(seen)

    @property
    def study_hours(self) -> float:
        return sum(w.study_hours for w in self.weeks)


@dataclass(frozen=True)
class PlanChange:
    """How one topic moved between two plans; a week of None means absent from that plan."""

    topic: str
    title: str
    old_week: int | None
    new_week: int | None


@dataclass
class ContentPack:
    """A validated content pack: every reference resolves and prerequisites form no cycle."""

    root: Path
    tracks: list[Track] = field(default_factory=list)
    skills: list[Skill] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    labs: list[Lab] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    conferences: list[ConferenceSeries] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256


@dataclass(frozen=True)
class SyncReport:
    """What a content sync changed. Counts are of records (topics, roles, readings, ...)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    skipped: bool = False  # True when every file's hash matched and nothing was loaded

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.archived

    def __str__(self) -> str:
        if self.skipped:
            return "content unchanged; nothing to do"
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.archived} archived"
        )


@dataclass(frozen=True)
class ContentCounts:
    tracks: int
    topics: int
    skills: int
    roles: int
    readings: int
    labs: int
    conference_series: int
    conference_editions: int


@dataclass(frozen=True)
class AppPaths:
    """Where this Lodestar keeps things, as Help → About shows them."""

    data_dir: str
    database_url: str
    database_file: str | None
    backup_dir: str
    resources_dir: str


class LabRunStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass(frozen=True)
class LabRun:
    """One recorded run of a lab."""

    id: int
    lab: str
    status: LabRunStatus
    config: dict
    device: str
    started_at: datetime
    finished_at: datetime | None = None
    seconds: float | None = None
    summary: dict | None = None
    error: str | None = None
    checkpoint: str | None = None
    profile_id: int | None = None

    @property
    def completes_lab(self) -> bool:
        return completes_lab(self.status, self.summary)


def completes_lab(status: LabRunStatus, summary: dict | None) -> bool:
    """Whether a run completes its lab for its profile: it finished without missing the lab's
    target (a lab without one counts once it finishes), or it was stopped after reaching it."""
    reached = (summary or {}).get("target_reached")
    if status is LabRunStatus.FINISHED:
        return reached is not False
    return status is LabRunStatus.STOPPED and reached is True


@dataclass(frozen=True)
class MetricPoint:
    step: int
    epoch: int
    value: float


@dataclass(frozen=True)
class LessonPage:
    """A lesson ready to show: HTML whose formulas are images named `math:<key>`, and the
    formulas by key (LaTeX, display?) so the view can typeset what it has not got yet."""

    html: str
    formulas: dict[str, tuple[str, bool]]


@dataclass(frozen=True)
class SearchHit:
    """One search result. `snippet` marks matched words with [brackets]; a reading's `topic` is a
    lesson that cites it."""

    kind: str  # topic | reading | conference
    slug: str
    title: str
    snippet: str
    topic: str | None = None


@dataclass(frozen=True)
class PlanUpdate:
    """A plan just made (and stored as `plan_id`), with how it differs from the one before."""

    plan: StudyPlan
    changes: tuple[PlanChange, ...]
    plan_id: int
    previous_id: int | None = None


@dataclass(frozen=True)
class PastWeek:
    """A week before this one as it happened: what the plan of the time asked, what got done."""

    index: int
    start: date
    planned: tuple[PlanItem, ...]
    done: tuple[str, ...]  # topics finished that week
    labs_done: tuple[str, ...] = ()  # labs completed that week (a run that reached the target)

    @property
    def planned_hours(self) -> float:
        return sum(i.hours for i in self.planned if i.kind is not PlanItemKind.REVIEW)


@dataclass(frozen=True)
class PlanProgress:
    """How far along the profile is: hours of planned topics done against hours still planned."""

    done_hours: float
    remaining_hours: float
    finish: date | None
    target_date: date | None

    @property
    def fraction(self) -> float:
        total = self.done_hours + self.remaining_hours
        return self.done_hours / total if total else 1.0

    @property
    def on_track(self) -> bool:
        return self.target_date is None or self.finish is None or self.finish <= self.target_date
