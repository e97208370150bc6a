"""The learner's reading list: the learner's own readings, each reading's state for a profile, and
what a BibTeX import did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from planner.core.imports import ImportResult
from planner.core.models import Citation, Reading


class ReadingStatus(StrEnum):
    TO_READ = "to_read"
    READING = "reading"
    READ = "read"
    NOT_READING = "not_reading"

    @property
    def label(self) -> str:
        """'to read', 'not reading': the words a learner sees."""
        return self.value.replace("_", " ")


@dataclass(frozen=True)
class OwnReading(Citation):
    """A paper, book or article the learner added by hand or imported from BibTeX, with the
    topics the learner linked it to."""

    slug: str = field(kw_only=True)
    topics: tuple[str, ...] = field(default=(), kw_only=True)
    added_at: datetime | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class ReadingEntry:
    """One line of a profile's reading list: a shipped or own reading and where the learner is
    with it. A reading the learner never touched is `TO_READ` with nothing else set.
    `topics` are the slugs of the topics it belongs to: for a shipped reading the topics that
    cite it, for an own reading those the learner linked."""

    reading: Reading | OwnReading
    status: ReadingStatus = ReadingStatus.TO_READ
    rating: int | None = None
    notes: str = ""
    tags: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    finished_at: datetime | None = None

    @property
    def slug(self) -> str:
        return self.reading.slug

    @property
    def own(self) -> bool:
        return isinstance(self.reading, OwnReading)

    @property
    def short_authors(self) -> str:
        """'Vaswani et al.', 'Kingma & Ba', 'Goodfellow' — surnames, as a list shows them."""
        names = [_surname(a) for a in self.reading.authors]
        if not names:
            return ""
        if len(names) == 1:
            return names[0]
        return f"{names[0]} & {names[1]}" if len(names) == 2 else f"{names[0]} et al."

    @property
    def citation(self) -> str:
        """Authors (year). Title. Venue. — the reference as a reading list prints it."""
        names = list(self.reading.authors)
        who = names[0] + " et al." if len(names) > 3 else ", ".join(names)
        year = f" ({self.reading.year})" if self.reading.year else ""
        venue = f" {self.reading.venue}." if self.reading.venue else ""
        head = f"{who}{year}. " if who or year else ""
        return f"{head.lstrip()}{self.reading.title}.{venue}"


NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})  # 'Roediger III', 'King Jr.'


def _surname(name: str) -> str:
    """'Henry L. Roediger III' → 'Roediger'."""
    words = name.split()
    while len(words) > 1 and words[-1].casefold() in NAME_SUFFIXES:
        words.pop()
    return words[-1] if words else name


@dataclass(frozen=True)
class ReadingImport(ImportResult):
    """A BibTeX file imported into the reading list. `items` are the entries read;
    `added` the slugs of the readings they created, `merged` those of readings the learner
    already had that entries matched (by DOI, arXiv id, ISBN or title)."""

    added: tuple[str, ...] = ()
    merged: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """'5 added, 11 merged into readings already in the list, 4 skipped (problems on lines
        52, 63, 160)'."""
        folded = len(self.items) - len(self.added)
        text = (f"{len(self.added)} added, {folded} merged into readings already in the list, "
                f"{self.skipped} skipped")
        lines = sorted({p.line for p in self.problems})
        if lines:
            text += f" (problem{'s' if len(self.problems) != 1 else ''} on line" \
                    f"{'s' if len(lines) != 1 else ''} {', '.join(map(str, lines))})"
        return text
