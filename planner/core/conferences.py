"""Conferences as one learner sees them: which are followed, which came from the learner's own
files, and what is due next; and what an import of a deadline file did."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from planner.core.imports import ImportResult
from planner.core.models import ConferenceEdition, ConferenceSeries, Deadline, DeadlineKind

EDITIONS_FOR_ESTIMATE = 4  # the latest editions an expected deadline is read from
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


@dataclass(frozen=True)
class ExpectedDeadline:
    """The next edition's paper deadline as past editions suggest it: not announced, an
    estimate. `earliest`/`latest` span the past deadlines moved to the expected year."""

    year: int
    earliest: date
    latest: date
    from_years: tuple[int, ...]

    @property
    def when(self) -> str:
        """'early-to-mid May', 'late April to early May', 'mid June'."""
        first, last = _part(self.earliest.day), _part(self.latest.day)
        if (self.earliest.year, self.earliest.month) == (self.latest.year, self.latest.month):
            span = first if first == last else f"{first}-to-{last}"
            return f"{span} {MONTHS[self.earliest.month - 1]}"
        return (f"{first} {MONTHS[self.earliest.month - 1]} to "
                f"{last} {MONTHS[self.latest.month - 1]}")

    @property
    def short(self) -> str:
        """'late Jan–early Feb 2027', 'mid–late May 2027': for a table cell."""
        first, last = _part(self.earliest.day), _part(self.latest.day)
        start, end = MONTHS[self.earliest.month - 1][:3], MONTHS[self.latest.month - 1][:3]
        if (self.earliest.year, self.earliest.month) == (self.latest.year, self.latest.month):
            span = first if first == last else f"{first}–{last}"
            return f"{span} {start} {self.latest.year}"
        return f"{first} {start}–{last} {end} {self.latest.year}"

    @property
    def basis(self) -> str:
        """'from 2023–2026' (or 'from 2025' for one edition)."""
        low, high = min(self.from_years), max(self.from_years)
        return f"from {low}" if low == high else f"from {low}–{high}"


def _part(day: int) -> str:
    return "early" if day <= 10 else "mid" if day <= 20 else "late"


@dataclass(frozen=True)
class DeadlineAhead:
    """One deadline of a series with the edition it belongs to."""

    edition: ConferenceEdition
    deadline: Deadline

    @property
    def label(self) -> str:
        """'NeurIPS 2027 paper deadline' needs the series title; this is '2027 paper deadline'."""
        return f"{self.edition.year} {self.deadline.kind.value} deadline"


@dataclass(frozen=True)
class ConferenceView:
    """A conference series with its editions and deadlines (in UTC), whether the learner
    follows it, and which parts the learner imported (`imported` for the whole series,
    `imported_editions` for editions added to a shipped series)."""

    series: ConferenceSeries
    followed: bool = False
    imported: bool = False
    imported_editions: frozenset[str] = frozenset()

    @property
    def slug(self) -> str:
        return self.series.slug

    @property
    def title(self) -> str:
        return self.series.title

    def deadlines(self) -> list[DeadlineAhead]:
        """Every deadline of every edition, newest edition first, in the file's order within."""
        editions = sorted(self.series.editions, key=lambda e: -e.year)
        return [DeadlineAhead(e, d) for e in editions for d in e.deadlines]

    def upcoming(self, now: datetime) -> list[DeadlineAhead]:
        """Announced deadlines at or after `now` (aware), soonest first."""
        ahead = [d for d in self.deadlines() if d.deadline.due is not None and d.deadline.due >= now]
        return sorted(ahead, key=lambda d: d.deadline.due)

    def next_deadline(self, now: datetime) -> DeadlineAhead | None:
        ahead = self.upcoming(now)
        return ahead[0] if ahead else None

    def awaits_dates(self, now: datetime) -> bool:
        """Whether an edition of this year or later has a deadline not announced yet."""
        return any(d.deadline.due is None and d.edition.year >= now.year for d in self.deadlines())

    def expected_next(self, now: datetime) -> ExpectedDeadline | None:
        """When nothing is announced ahead, the paper deadline the next edition can be expected
        at, from the latest past editions' deadlines (each kept at its offset from its edition's
        year, so AAAI's August deadline for the next February stays the year before) and the
        series' usual gap between editions (biennial series skip a year). None when a deadline
        is ahead or awaited, or no past edition has a paper deadline."""
        if self.next_deadline(now) is not None or self.awaits_dates(now):
            return None
        past = sorted(((e.year, d.due) for e in self.series.editions for d in e.deadlines
                       if d.kind is DeadlineKind.PAPER and d.due is not None), reverse=True)
        latest: dict[int, datetime] = {}
        for year, due in past:  # one deadline per edition: its last paper deadline
            latest.setdefault(year, due)
        years = sorted(latest)[-EDITIONS_FOR_ESTIMATE:]
        if not years:
            return None
        gaps = Counter(b - a for a, b in itertools.pairwise(years))
        step = gaps.most_common(1)[0][0] if gaps else 1
        year = years[-1] + step
        while True:
            moved = [_moved(latest[y], year + latest[y].year - y) for y in years]
            if max(moved) >= now.date():
                return ExpectedDeadline(year, min(moved), max(moved), tuple(years))
            year += step

    def is_past(self, edition: ConferenceEdition, now: datetime) -> bool:
        """An edition is past when nothing is due any more: no announced deadline ahead and no
        unannounced one (an unannounced deadline of an earlier year is never coming)."""
        for d in edition.deadlines:
            if d.due is None and edition.year >= now.year:
                return False
            if d.due is not None and d.due >= now:
                return False
        return bool(edition.deadlines) or edition.year < now.year


@dataclass(frozen=True)
class ConferenceImportResult(ImportResult):
    """An imported deadline file: what was read (`imported` counts readable editions, `skipped`
    unreadable ones) and what it did to the database. An edition the shipped data already has
    keeps the shipped deadlines (`kept`); one the learner had imported before is updated."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    new_series: tuple[str, ...] = field(default=())

    def _detail(self) -> str:
        """' (3 new, 1 updated, 1 unchanged, 2 already shipped)', as in '7 imported (…), 2 skipped'."""
        parts = [f"{n} {what}" for n, what in ((self.added, "new"), (self.updated, "updated"),
                                               (self.unchanged, "unchanged"),
                                               (self.kept, "already shipped")) if n]
        return f" ({', '.join(parts)})" if parts else ""


def _moved(due: datetime, year: int) -> date:
    """`due`'s day of the year in `year` (29 February becomes the 28th)."""
    day = min(due.day, 28) if (due.month, due.day) == (2, 29) else due.day
    return date(year, due.month, day)
