"""The reading list: shipped and the learner's own readings, their states, BibTeX import and export.

Mixed into `Lodestar`, which provides `_session()` (one transaction per use case).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from planner.content.dedupe import (
    citation_parts,
    clean_arxiv,
    clean_doi,
    clean_isbn,
    merge_readings,
)
from planner.core.errors import LodestarError, NotFoundError
from planner.core.imports import ImportedReading, MergePlan
from planner.core.models import Reading, ReadingKind, citation_of
from planner.core.readings import OwnReading, ReadingEntry, ReadingImport, ReadingStatus
from planner.core.urls import is_safe_external_url, shorten
from planner.db import profiles, repository
from planner.db import readings as store
from planner.db.base import utcnow
from planner.services.files import read_text, write_atomically

_EDITABLE = ("title", "kind", "authors", "year", "venue", "arxiv", "doi", "isbn", "url", "topics")
# Fields a duplicate may fill in an own reading (tags and notes belong to a profile's state).
_FILLABLE = ("authors", "year", "venue", "arxiv", "doi", "isbn", "url", "month")
_MAX_DOI = 200  # the column's width; a longer "DOI" is not one
MAX_BIBTEX_BYTES = 32 * 1_048_576  # a large Zotero library with abstracts is a few MB
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # NUL and the like
_MOST = {"title": 2_000, "venue": 2_000, "authors": 1_000}  # characters (authors: each name)


class ReadingList:
    """The use cases of this area."""

    _session: Callable[[], contextlib.AbstractContextManager]

    def reading_list(self, profile_id: int) -> list[ReadingEntry]:
        """Every reading, shipped and own, with this profile's state of it, newest first.
        Four queries whatever the size of the list."""
        with self._session() as session:
            return store.entries(session, profile_id)

    def reading_entry(self, profile_id: int, slug: str) -> ReadingEntry:
        """One reading of the list with this profile's state; `NotFoundError` if there is none."""
        with self._session() as session:
            return store.entry(session, profile_id, slug)

    def set_reading_state(self, profile_id: int, slug: str, *,
                          status: ReadingStatus | str | None = None, rating: int | None = None,
                          notes: str | None = None,
                          tags: Iterable[str] | str | None = None) -> ReadingEntry:
        """Change what is given of the profile's state of a reading; returns the new state.

        `rating` is 1–5, or 0 to clear it; `tags` a list or comma-separated text. Marking a
        reading read the first time keeps when it was finished and logs a "reading" activity
        (for streaks) in the same transaction."""
        if status is not None:
            try:
                status = ReadingStatus(status)
            except ValueError:
                known = ", ".join(s.value for s in ReadingStatus)
                raise LodestarError(f"No reading status {status!r} ({known}).") from None
        if rating is not None and not (isinstance(rating, int) and 0 <= rating <= 5):
            raise LodestarError(f"A rating is 1 to 5 stars (0 clears it), not {rating!r}.")
        with self._session() as session:
            profiles.profile(session, profile_id)
            store.set_state(session, profile_id, slug, utcnow(), status=status, rating=rating,
                            notes=notes, tags=None if tags is None else clean_tags(tags))
            return store.entry(session, profile_id, slug)

    def add_reading(self, title: str, *, kind: ReadingKind | str = ReadingKind.PAPER,
                    authors: Sequence[str] = (), year: int | None = None, venue: str = "",
                    arxiv: str | None = None, doi: str | None = None, isbn: str | None = None,
                    url: str | None = None, topics: Sequence[str] = ()) -> OwnReading:
        """Add a reading of the learner's own (shared by every profile).

        Identifiers are checked and normalised; one already in the list (same DOI, arXiv id,
        ISBN, or the same title by the same first author) is refused with its slug."""
        fields = _checked(dict(title=title, kind=kind, authors=authors, year=year, venue=venue,
                               arxiv=arxiv, doi=doi, isbn=isbn, url=url, topics=topics))
        draft = ImportedReading(**{k: v for k, v in fields.items() if k != "topics"})
        with self._session() as session:
            _check_topics(session, fields["topics"])
            existing = [*repository.readings(session), *store.own_readings(session)]
            plan = merge_readings(existing, [draft])
            if plan.merges:
                match = existing[plan.merges[0].existing]
                raise LodestarError(f"That reading is already in the list: {match.title!r} "
                                    f"({match.slug}).")
            reading = OwnReading(slug=new_slug(draft, store.taken_slugs(session)), **fields)
            store.add_own(session, reading)
            return store.own_reading(session, reading.slug)

    def update_reading(self, slug: str, **changes: Any) -> OwnReading:
        """Change fields of an own reading: title, kind, authors, year, venue, arxiv, doi, isbn,
        url, topics. Shipped readings cannot be changed (`LodestarError`)."""
        unknown = set(changes) - set(_EDITABLE)
        if unknown:
            raise LodestarError(f"A reading has no field {', '.join(sorted(unknown))} to change "
                                f"(fields: {', '.join(_EDITABLE)}).")
        fields = _checked(changes)
        with self._session() as session:
            _check_topics(session, fields.get("topics", ()))
            return store.update_own(session, slug, fields)

    def delete_reading(self, slug: str) -> None:
        """Delete an own reading and every profile's notes on it. Shipped readings cannot be
        deleted (`LodestarError`); mark them 'not reading' instead."""
        self.delete_readings([slug])

    def delete_readings(self, slugs: Sequence[str]) -> None:
        """Delete own readings in one transaction: all of them, or none when one cannot be."""
        with self._session() as session:
            for slug in slugs:
                store.delete_own(session, slug)

    def link_reading_topics(self, slug: str, topics: Sequence[str]) -> OwnReading:
        """Set the topics an own reading belongs to (shipped readings belong to the topics that
        cite them, which only the curriculum changes)."""
        return self.update_reading(slug, topics=topics)

    def import_bibtex(self, path: Path, profile_id: int | None = None) -> ReadingImport:
        """Import a `.bib` file into the reading list, all in one transaction.

        Entries that are the same work as a reading already there (same DOI, arXiv id, ISBN, or
        title) are merged, not doubled: they fill only empty fields of own readings and never
        change shipped ones. The rest become own readings with slugs like
        `vaswani2017-attention`. With a profile, each entry's keywords become its tags and its
        note its notes (when it has none). Entries that cannot be read are skipped and listed
        with their lines; a file that cannot be read raises `LodestarError` naming it."""
        path = Path(path)
        from planner.content.bibtex import parse_bibtex  # bibtexparser: on first use

        parsed = parse_bibtex(read_text(path, "a BibTeX file", max_bytes=MAX_BIBTEX_BYTES),
                              source=path.name)
        items: tuple[ImportedReading, ...] = parsed.items
        with self._session() as session:
            if profile_id is not None:
                profiles.profile(session, profile_id)
            existing = [*repository.readings(session), *store.own_readings(session)]
            plan = merge_readings(existing, items)
            added = _add_new(session, plan, store.taken_slugs(session))
            merged = _fill_existing(session, plan, existing)
            if profile_id is not None:
                _annotate(session, profile_id, plan, items, existing, added)
        return ReadingImport(items, parsed.problems, str(path), parsed.skipped,
                             added=tuple(added), merged=tuple(dict.fromkeys(merged)))

    def export_bibtex(self, path: Path, profile_id: int | None = None,
                      slugs: Sequence[str] | None = None) -> int:
        """Write readings (all, or those named by `slugs`) to a `.bib` file; returns how many.

        With a profile, its tags go in `keywords` and its notes in `note`. Written to a
        temporary file and renamed, so a failure leaves no half-written file."""
        path = Path(path)
        with self._session() as session:
            chosen = store.entries(session, profile_id)
        if slugs is not None:
            by_slug = {e.slug: e for e in chosen}
            missing = [s for s in slugs if s not in by_slug]
            if missing:
                raise NotFoundError(f"No reading {missing[0]!r}.")
            chosen = [by_slug[s] for s in dict.fromkeys(slugs)]
        if not chosen:
            raise LodestarError("There are no readings to export.")
        from planner.content.bibtex import readings_to_bibtex

        text = readings_to_bibtex(_as_bibtex(e, with_state=profile_id is not None) for e in chosen)
        write_atomically(path, text)
        return len(chosen)


# --- import steps ---------------------------------------------------------------------------


def _add_new(session, plan: MergePlan, taken: set[str]) -> list[str]:
    """Store each new work of the plan as an own reading; their slugs, in plan order."""
    added = []
    for new in plan.new:
        entry = new.reading
        doi = entry.doi if entry.doi and len(entry.doi) <= _MAX_DOI else None
        reading = OwnReading(**{**citation_of(entry), "doi": doi, "bibtex_key": entry.bibtex_key[:120],
                                 "entry_type": entry.entry_type[:40]}, slug=new_slug(entry, taken))
        store.add_own(session, reading)
        added.append(reading.slug)
    return added


def _fill_existing(session, plan: MergePlan,
                   existing: list[Reading | OwnReading]) -> list[str]:
    """Fill the empty fields of own readings that imported entries matched; shipped readings
    stay as the curriculum has them. The slugs of every matched reading."""
    merged = []
    for merge in plan.merges:
        target = existing[merge.existing]
        fill = {k: v for k, v in merge.filled.items() if k in _FILLABLE}
        if fill.get("doi") and len(fill["doi"]) > _MAX_DOI:
            del fill["doi"]
        if isinstance(target, OwnReading) and fill:
            store.update_own(session, target.slug, fill)
        merged.append(target.slug)
    return merged


def _annotate(session, profile_id: int, plan: MergePlan, items: Sequence[ImportedReading],
              existing: list[Reading | OwnReading], added: list[str]) -> None:
    """Give the profile's state of each imported work the entries' keywords as tags and their
    note as notes (kept when it has notes already): merging, so a re-import changes nothing."""
    groups = [(slug, new.incoming) for slug, new in zip(added, plan.new, strict=True)]
    groups += [(existing[m.existing].slug, m.incoming) for m in plan.merges]
    extras = store.state_extras(session, profile_id)
    changed = {}
    for slug, incoming in groups:
        tags, notes = changed.get(slug) or extras.get(slug, ((), ""))
        new_tags = clean_tags([*tags, *(t for i in incoming for t in items[i].tags)])
        new_notes = notes or "\n".join(dict.fromkeys(items[i].notes for i in incoming
                                                     if items[i].notes))
        if new_tags != tags or new_notes != notes:
            changed[slug] = (new_tags, new_notes)
    if changed:
        store.set_extras(session, profile_id, changed, utcnow())


# --- helpers --------------------------------------------------------------------------------


def clean_tags(tags: Iterable[str] | str) -> tuple[str, ...]:
    """Tags without spaces at the ends, empties or repeats ('ML, ml' keeps the first)."""
    if isinstance(tags, str):
        tags = tags.split(",")
    seen: dict[str, str] = {}
    for tag in tags:
        tag = " ".join(str(tag).split())
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return tuple(seen.values())


def new_slug(reading: ImportedReading, taken: set[str]) -> str:
    """'vaswani2017-attention': first author's surname, year, first significant title word;
    '-2', '-3'… when taken. The slug is added to `taken`."""
    who, year, word = citation_parts(reading)
    base = "-".join(p for p in (f"{who[:30]}{year}", word[:30]) if p) or "reading"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _check_topics(session, topics: Sequence[str]) -> None:
    unknown = store.unknown_topics(session, tuple(topics))
    if unknown:
        raise NotFoundError(f"No topic {unknown[0]!r}.")


def _checked(fields: dict[str, Any]) -> dict[str, Any]:
    """The given reading fields made tidy, or `LodestarError` naming the first bad one."""
    out = dict(fields)
    _check_text(out)
    if "title" in out:
        out["title"] = " ".join(str(out["title"] or "").split())
        if not out["title"]:
            raise LodestarError("A reading needs a title.")
    if "kind" in out:
        try:
            out["kind"] = ReadingKind(out["kind"])
        except ValueError:
            raise LodestarError(f"No kind of reading {out['kind']!r} (paper, book, article).") \
                from None
    if "authors" in out:
        out["authors"] = tuple(" ".join(a.split()) for a in out["authors"] if a and a.strip())
    if "venue" in out:
        out["venue"] = " ".join((out["venue"] or "").split())
    if out.get("year") is not None and not (isinstance(out["year"], int)
                                            and 1000 <= out["year"] <= 2200):
        raise LodestarError(f"A year is a number such as 2017, not {out['year']!r}.")
    for name, clean, example in _IDENTIFIERS:
        given = (out.get(name) or "").strip()
        if name in out:
            out[name] = clean(given) if given else None
            if given and out[name] is None:
                raise LodestarError(f"{given!r} is not a valid {_ID_NAMES[name]} "
                                    f"(for example {example}).")
    if out.get("url"):
        out["url"] = out["url"].strip()
        if not is_safe_external_url(out["url"], web_only=True):
            raise LodestarError(f"{shorten(out['url'])} is not a web address (https://…).")
    if "url" in out and not out["url"]:
        out["url"] = None
    if "topics" in out:
        out["topics"] = tuple(dict.fromkeys(t.strip() for t in out["topics"] if t.strip()))
    return out


def _check_text(fields: dict[str, Any]) -> None:
    """Refuse a control character (NUL and the like) or an overlong value in the text fields."""
    for name, most in _MOST.items():
        given = fields.get(name)
        for value in ((given,) if isinstance(given, str) else given or ()):
            if not isinstance(value, str):
                continue
            if found := _CONTROL.search(value):
                raise LodestarError(f"The {name} holds a control character (U+{ord(found.group()):04X}); "
                                    "remove it and try again.")
            if len(value) > most:
                raise LodestarError(f"The {name} is {len(value):,} characters long; at most {most:,}.")


def _arxiv(value: str) -> str | None:
    return clean_arxiv(value) or clean_arxiv(value, bare=False)


_IDENTIFIERS = (("arxiv", _arxiv, "1706.03762"), ("doi", clean_doi, "10.1038/nature14539"),
                ("isbn", clean_isbn, "978-0-262-03561-3"))
_ID_NAMES = {"arxiv": "arXiv id", "doi": "DOI", "isbn": "ISBN"}


def _as_bibtex(entry: ReadingEntry, *, with_state: bool) -> ImportedReading:
    """The reading as the BibTeX writer takes it, its own citation key and type kept."""
    return ImportedReading(**citation_of(entry.reading), tags=entry.tags if with_state else (),
                           notes=entry.notes if with_state else "")

