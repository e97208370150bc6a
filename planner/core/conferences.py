"""Conferences as one learner sees them: which are followed, which came from the learner's own
files, and what is due next; and what an import of a deadline file did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from planner.core.imports import ImportResult
from planner.core.models import ConferenceEdition, ConferenceSeries, Deadline


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
