"""What an import of a learner's own file produces: the records read, what could not be read, and
how imported readings fold into the readings already there.

Importers never raise on bad input: every entry that cannot be read becomes an `ImportProblem`
with the line to fix, and the rest is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner.core.models import Citation


@dataclass(frozen=True, order=True)
class ImportProblem:
    """Something in an imported file that was skipped or changed, at a 1-based line."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    """The records read from one file (readings or conference series), and its problems.

    `skipped` counts the entries left out; other problems concern entries that were imported
    with something dropped or assumed. `imported` counts what the learner would count when
    that is not the items themselves (conference-years, where the items are series)."""

    items: tuple[Any, ...]
    problems: tuple[ImportProblem, ...] = ()
    source: str = ""
    skipped: int = 0
    imported: int | None = None

    @property
    def count(self) -> int:
        """How many were imported, as the learner counts them."""
        return len(self.items) if self.imported is None else self.imported

    @property
    def summary(self) -> str:
        """'12 imported, 2 skipped' (and how many problems, when some skipped nothing)."""
        text = f"{self.count} imported{self._detail()}, {self.skipped} skipped"
        if len(self.problems) > self.skipped:
            text += f" ({len(self.problems)} problem{'s' if len(self.problems) != 1 else ''})"
        return text

    def _detail(self) -> str:
        """What a kind of import adds after the count: ' (3 new, 1 updated)'."""
        return ""

    def __str__(self) -> str:
        return f"{self.source}: {self.summary}" if self.source else self.summary


@dataclass(frozen=True)
class ImportedReading(Citation):
    """A reading as read from a bibliography, before it has a slug in the learner's library.

    Identifiers are normalised: `doi` without its https://doi.org/ prefix, `arxiv` without a
    version, `isbn` as digits. `line` is where the entry began in its file."""

    tags: tuple[str, ...] = field(default=(), kw_only=True)
    notes: str = field(default="", kw_only=True)
    line: int = field(default=0, kw_only=True)


@dataclass(frozen=True)
class NewReading:
    """An imported reading the learner does not have yet. `incoming` are the indices of the
    entries it was made from: the first, then duplicates of it in the same file, whose
    fields filled what the first lacked (`filled`)."""

    reading: ImportedReading
    incoming: tuple[int, ...]
    filled: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadingMerge:
    """Imported entries that describe a reading the learner already has.

    `existing` is its index in the list given to the merge, `slug` its slug when it has one;
    `filled` holds only the fields it lacked, never a replacement for one it has."""

    existing: int
    slug: str | None
    incoming: tuple[int, ...]
    matched_by: str  # doi | arxiv | isbn | title
    filled: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MergePlan:
    """How a batch of imported readings joins the existing ones; nothing is written yet."""

    new: tuple[NewReading, ...] = ()
    merges: tuple[ReadingMerge, ...] = ()

    @property
    def summary(self) -> str:
        """'3 new, 2 already in the library, 1 duplicate merged'."""
        incoming = sum(len(n.incoming) for n in self.new) + sum(len(m.incoming) for m in self.merges)
        doubles = incoming - len(self.new) - len(self.merges)
        text = f"{len(self.new)} new, {len(self.merges)} already in the library"
        if doubles:
            text += f", {doubles} duplicate{'s' if doubles != 1 else ''} merged"
        return text
