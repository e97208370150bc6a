"""The reading list in the database: the learner's own readings (shared by every profile) and
each profile's state of a reading, shipped or own.

Functions take an open `Session` and leave committing to the caller, which owns the transaction.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from planner.core.errors import LodestarError, NotFoundError
from planner.core.models import Reading, ReadingKind
from planner.core.readings import OwnReading, ReadingEntry, ReadingStatus
from planner.db import search
from planner.db.activity import log_activity
from planner.db.models import (
    ReadingRow,
    ReadingStateRow,
    TopicReadingRow,
    TopicRow,
    TrackRow,
    UserReadingRow,
)
from planner.db.values import RATINGS, member, texts, within

_OWN_COLUMNS = [f.name for f in fields(OwnReading)]
_SHIPPED_COLUMNS = (ReadingRow.slug, ReadingRow.kind, ReadingRow.title, ReadingRow.authors,
                    ReadingRow.year, ReadingRow.venue, ReadingRow.arxiv, ReadingRow.doi,
                    ReadingRow.isbn, ReadingRow.url)
_STATE_COLUMNS = (ReadingStateRow.reading_slug, ReadingStateRow.status, ReadingStateRow.rating,
                  ReadingStateRow.notes, ReadingStateRow.tags, ReadingStateRow.finished_at)


def _month(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and 1 <= int(text) <= 12 else None


# Read as plain columns, not ORM objects: a thousand own readings load in a third of the time.
_OWN_SELECT = tuple(getattr(UserReadingRow, name) for name in _OWN_COLUMNS)


def _own(row) -> OwnReading:
    """An own reading from a row of `_OWN_SELECT` or a `UserReadingRow`."""
    return OwnReading(
        slug=row.slug, kind=member(ReadingKind, row.kind, ReadingKind.PAPER, f"reading {row.slug}"),
        title=row.title, authors=texts(row.authors, f"authors of {row.slug}"),
        year=row.year, venue=row.venue or "", arxiv=row.arxiv, doi=row.doi, isbn=row.isbn,
        url=row.url, bibtex_key=row.bibtex_key or "", entry_type=row.entry_type or "",
        month=_month(row.month), topics=texts(row.topics, f"topics of {row.slug}"), added_at=row.added_at)


def own_readings(session: Session, slug: str | None = None) -> list[OwnReading]:
    """The learner's own readings (or the one called `slug`), oldest first."""
    query = select(*_OWN_SELECT).order_by(UserReadingRow.id)
    if slug is not None:
        query = query.where(UserReadingRow.slug == slug)
    return [_own(r) for r in session.execute(query)]


def own_reading(session: Session, slug: str) -> OwnReading:
    return _own(_own_row(session, slug))


def _own_row(session: Session, slug: str) -> UserReadingRow:
    row = session.scalar(select(UserReadingRow).where(UserReadingRow.slug == slug))
    if row is not None:
        return row
    if is_shipped(session, slug):
        raise LodestarError(f"{slug!r} is one of Lodestar's own readings, which cannot be changed "
                            "or deleted; mark it 'not reading' to set it aside.")
    raise NotFoundError(f"No reading {slug!r}.")


def is_shipped(session: Session, slug: str) -> bool:
    return session.scalar(select(ReadingRow.id).where(ReadingRow.slug == slug)) is not None


def taken_slugs(session: Session) -> set[str]:
    """Every slug a new reading must avoid: shipped ones (archived too) and own ones."""
    shipped = session.scalars(select(ReadingRow.slug))
    own = session.scalars(select(UserReadingRow.slug))
    return {*shipped, *own}


def add_own(session: Session, reading: OwnReading) -> None:
    values = {name: getattr(reading, name) for name in _OWN_COLUMNS if name != "added_at"}
    values.update(authors=list(reading.authors), topics=list(reading.topics),
                  month=str(reading.month) if reading.month else None)
    session.add(UserReadingRow(**values))
    search.index_reading(session, reading.slug, reading.title, reading.authors, reading.year,
                         reading.venue)


def update_own(session: Session, slug: str, changes: dict) -> OwnReading:
    """Set the given fields of an own reading; a shipped one raises `LodestarError`."""
    row = _own_row(session, slug)
    for name, value in changes.items():
        if name not in _OWN_COLUMNS or name in ("slug", "added_at"):
            raise ValueError(f"an own reading has no changeable field {name!r}")
        if name in ("authors", "topics"):
            value = list(value)
        elif name == "month":
            value = str(value) if value else None
        setattr(row, name, value)
    session.flush()
    search.index_reading(session, row.slug, row.title, row.authors, row.year, row.venue)
    return _own(row)


def delete_own(session: Session, slug: str) -> None:
    """Delete an own reading and every profile's state of it."""
    session.delete(_own_row(session, slug))
    session.execute(delete(ReadingStateRow).where(ReadingStateRow.reading_slug == slug))
    search.unindex(session, "reading", slug)


# --- a profile's list -----------------------------------------------------------------------


def entries(session: Session, profile_id: int | None,
            slug: str | None = None) -> list[ReadingEntry]:
    """Shipped and own readings (or only the one called `slug`) with the profile's state of
    each (none without a profile), newest first; four queries whatever the size of the list.
    Archived shipped readings are listed only when the learner has a state for them, so their
    notes stay in sight."""
    states = _states(session, profile_id, slug)
    shipped_query = select(*_SHIPPED_COLUMNS).where(
        or_(ReadingRow.archived.is_(False), ReadingRow.slug.in_(list(states))))
    if slug is not None:
        shipped_query = shipped_query.where(ReadingRow.slug == slug)
    shipped = [Reading(s, member(ReadingKind, kind, ReadingKind.PAPER, f"reading {s}"), title,
                       texts(authors, f"authors of {s}"), year, venue or "", *ids)
               for s, kind, title, authors, year, venue, *ids in session.execute(shipped_query)]
    cited_by = _citing_topics(session, slug)
    listed = [(r, cited_by.get(r.slug, ())) for r in shipped]
    listed += [(r, r.topics) for r in own_readings(session, slug)]
    out = [ReadingEntry(reading, topics=topics, **states.get(reading.slug, {}))
           for reading, topics in listed]
    out.sort(key=lambda e: (-(e.reading.year or 0), e.reading.title.casefold()))
    return out


def entry(session: Session, profile_id: int | None, slug: str) -> ReadingEntry:
    found = entries(session, profile_id, slug)
    if not found:
        raise NotFoundError(f"No reading {slug!r}.")
    return found[0]


def _states(session: Session, profile_id: int | None, slug: str | None = None) -> dict[str, dict]:
    if profile_id is None:
        return {}
    query = select(*_STATE_COLUMNS).where(ReadingStateRow.profile_id == profile_id)
    if slug is not None:
        query = query.where(ReadingStateRow.reading_slug == slug)
    rows = session.execute(query)
    return {slug: {"status": member(ReadingStatus, status, ReadingStatus.TO_READ, f"reading state of {slug}"),
                   "rating": within(rating, *RATINGS, None, f"rating of {slug}"), "notes": notes or "",
                   "tags": texts(tags, f"tags of {slug}"), "finished_at": finished}
            for slug, status, rating, notes, tags, finished in rows}


def _citing_topics(session: Session, slug: str | None = None) -> dict[str, tuple[str, ...]]:
    """Slugs of the live topics citing each shipped reading, in curriculum order."""
    query = (select(ReadingRow.slug, TopicRow.slug)
             .join(TopicReadingRow, TopicReadingRow.reading_id == ReadingRow.id)
             .join(TopicRow, TopicRow.id == TopicReadingRow.topic_id)
             .join(TrackRow, TrackRow.id == TopicRow.track_id)
             .where(TopicRow.archived.is_(False))
             .order_by(TrackRow.position, TopicRow.position))
    if slug is not None:
        query = query.where(ReadingRow.slug == slug)
    rows = session.execute(query)
    out: dict[str, tuple[str, ...]] = {}
    for reading, topic in rows:
        out[reading] = (*out.get(reading, ()), topic)
    return out


def exists(session: Session, slug: str) -> bool:
    own = session.scalar(select(UserReadingRow.id).where(UserReadingRow.slug == slug))
    return own is not None or is_shipped(session, slug)


def set_state(session: Session, profile_id: int, slug: str, now: datetime, *,
              status: ReadingStatus | None = None, rating: int | None = None,
              notes: str | None = None, tags: tuple[str, ...] | None = None) -> None:
    """Change what is given of the profile's state of a reading (rating 0 clears the rating).

    The first time a reading is marked read, its finished time is kept and a "reading"
    activity is logged in this transaction; reading it again later logs nothing more."""
    if not exists(session, slug):
        raise NotFoundError(f"No reading {slug!r}.")
    row = session.get(ReadingStateRow, (profile_id, slug))
    if row is None:
        row = ReadingStateRow(profile_id=profile_id, reading_slug=slug,
                              status=ReadingStatus.TO_READ.value, notes="", tags=[])
        session.add(row)
    if status is not None:
        row.status = status.value
        if status is ReadingStatus.READ and row.finished_at is None:
            row.finished_at = now
            log_activity(session, profile_id, now, "reading", subject=slug)
    if rating is not None:
        row.rating = rating or None
    if notes is not None:
        row.notes = notes
    if tags is not None:
        row.tags = list(tags)
    row.updated_at = now


def state_extras(session: Session, profile_id: int) -> dict[str, tuple[tuple[str, ...], str]]:
    """(tags, notes) of each reading the profile has a state for: what an import adds to."""
    return {slug: (state["tags"], state["notes"])
            for slug, state in _states(session, profile_id).items()}


def set_extras(session: Session, profile_id: int, extras: dict[str, tuple[tuple[str, ...], str]],
               now: datetime) -> None:
    """Set (tags, notes) of the profile's state of each reading in `extras`, all known to exist
    (an import's readings): one query for the states already there, whatever their number."""
    rows = {row.reading_slug: row for row in session.scalars(
        select(ReadingStateRow).where(ReadingStateRow.profile_id == profile_id,
                                      ReadingStateRow.reading_slug.in_(list(extras))))}
    for slug, (tags, notes) in extras.items():
        row = rows.get(slug)
        if row is None:
            session.add(ReadingStateRow(profile_id=profile_id, reading_slug=slug,
                                        status=ReadingStatus.TO_READ.value, tags=list(tags),
                                        notes=notes, updated_at=now))
        else:
            row.tags, row.notes, row.updated_at = list(tags), notes, now


def unknown_topics(session: Session, slugs: tuple[str, ...]) -> list[str]:
    """Those of `slugs` that name no live topic."""
    known = set(session.scalars(select(TopicRow.slug).where(TopicRow.slug.in_(slugs),
                                                            TopicRow.archived.is_(False))))
    return [s for s in slugs if s not in known]
