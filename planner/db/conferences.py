"""Conferences the learner follows, and deadline files the learner imports.

Imported series and editions are stored beside the shipped ones with `source="user"`: a content
sync neither updates nor archives them (see `planner.db.sync`). The shipped data wins where both
have an edition: an import never changes a `source="pack"` row.
"""

from __future__ import annotations

from dataclasses import fields

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from planner.core.conferences import ConferenceImportResult, ConferenceView
from planner.core.errors import NotFoundError
from planner.core.imports import ImportResult
from planner.core.models import (
    ConferenceEdition,
    ConferenceSeries,
    Deadline,
    DeadlineKind,
)
from planner.db import search
from planner.db.base import utcnow
from planner.db.models import (
    ConferenceDeadlineRow,
    ConferenceEditionRow,
    ConferenceFollowRow,
    ConferenceSeriesRow,
)
from planner.db.values import member

USER, PACK = "user", "pack"


def conference_views(session: Session, profile_id: int) -> list[ConferenceView]:
    """Every live series by title, with its editions and deadlines and the profile's follows.

    Read as plain rows in three queries, not ORM objects: the page reads this on every refresh
    (~1,300 shipped deadlines)."""
    S, E, D = ConferenceSeriesRow, ConferenceEditionRow, ConferenceDeadlineRow
    series = session.execute(
        select(S.id, S.slug, S.title, S.description, S.field, S.ccf_rank, S.core_rank,
               S.thcpl_rank, S.dblp, S.source)
        .where(S.archived.is_(False)).order_by(S.title)).all()
    editions = session.execute(
        select(E.id, E.series_id, E.slug, E.year, E.link, E.timezone, E.dates, E.place, E.source)
        .join(S, S.id == E.series_id).where(S.archived.is_(False))
        .order_by(E.year, E.id)).all()
    deadlines: dict[int, list[Deadline]] = {}
    for edition_id, kind, due, comment in session.execute(
            select(D.edition_id, D.kind, D.due_at, D.comment)
            .join(E, E.id == D.edition_id).join(S, S.id == E.series_id)
            .where(S.archived.is_(False)).order_by(D.edition_id, D.position)):
        kind = member(DeadlineKind, kind, DeadlineKind.PAPER, f"deadline of edition {edition_id}")
        deadlines.setdefault(edition_id, []).append(Deadline(kind, due, comment))
    by_series: dict[int, list] = {}
    for e in editions:
        by_series.setdefault(e.series_id, []).append(e)
    follows = followed(session, profile_id)
    out = []
    for s in series:
        own = by_series.get(s.id, [])
        record = ConferenceSeries(
            slug=s.slug, title=s.title, description=s.description, field=s.field,
            ccf_rank=s.ccf_rank, core_rank=s.core_rank, thcpl_rank=s.thcpl_rank, dblp=s.dblp,
            editions=tuple(ConferenceEdition(
                slug=e.slug, series=s.slug, year=e.year, link=e.link, timezone=e.timezone,
                dates=e.dates, place=e.place, deadlines=tuple(deadlines.get(e.id, ())))
                for e in own))
        out.append(ConferenceView(record, s.slug in follows, s.source == USER,
                                  frozenset(e.slug for e in own if e.source == USER)))
    return out


# --- following ---------------------------------------------------------------------------------


def followed(session: Session, profile_id: int) -> set[str]:
    return set(session.scalars(select(ConferenceFollowRow.series_slug)
                               .where(ConferenceFollowRow.profile_id == profile_id)))


def follow(session: Session, profile_id: int, slug: str, on: bool = True) -> None:
    """Follow (or stop following) a series; following twice is following."""
    if on:
        exists = session.scalar(select(ConferenceSeriesRow.id).where(
            ConferenceSeriesRow.slug == slug, ConferenceSeriesRow.archived.is_(False)))
        if exists is None:
            raise NotFoundError(f"No conference {slug!r}.")
        if session.get(ConferenceFollowRow, (profile_id, slug)) is None:
            session.add(ConferenceFollowRow(profile_id=profile_id, series_slug=slug,
                                            followed_at=utcnow()))
    else:
        session.execute(delete(ConferenceFollowRow).where(
            ConferenceFollowRow.profile_id == profile_id, ConferenceFollowRow.series_slug == slug))


# --- importing ---------------------------------------------------------------------------------


class _Tally:
    def __init__(self) -> None:
        self.added = self.updated = self.unchanged = self.kept = 0
        self.new_series: list[str] = []


def import_series(session: Session, result: ImportResult) -> ConferenceImportResult:
    """Write the series of a parsed deadline file as the learner's own, in the caller's
    transaction. A series the database lacks becomes a user series; an edition of a shipped
    series that the shipped data lacks becomes a user edition; an edition both have is left
    as shipped; an edition imported before is updated."""
    rows = {row.slug: row for row in session.scalars(
        select(ConferenceSeriesRow).options(selectinload(ConferenceSeriesRow.editions)
                                            .selectinload(ConferenceEditionRow.deadlines)))}
    tally = _Tally()
    for series in result.items:
        if not series.editions:
            continue  # no edition could be read: nothing to show, nothing to change
        slug = series.slug[:120]  # the column's width; titles that long are not real ones
        row = rows.get(slug)
        if row is None:
            row = rows[slug] = ConferenceSeriesRow(
                slug=slug, content_hash="", archived=False, source=USER, editions=[])
            session.add(row)
            tally.new_series.append(slug)
        elif row.archived:  # the pack dropped it; the learner brings it back as their own
            row.archived, row.source, row.content_hash = False, USER, ""
            for edition in row.editions:
                edition.source = USER
            tally.new_series.append(slug)
        if row.source == USER:
            _describe(row, series)
        for edition in series.editions:
            _import_edition(row, edition, tally)
    if tally.added or tally.updated or tally.new_series:
        session.flush()
        search.rebuild(session)  # imported series are found by search straight away
    return ConferenceImportResult(
        **{f.name: getattr(result, f.name) for f in fields(ImportResult)},
        added=tally.added, updated=tally.updated, unchanged=tally.unchanged, kept=tally.kept,
        new_series=tuple(tally.new_series))


def _describe(row: ConferenceSeriesRow, series: ConferenceSeries) -> None:
    """A user series takes the file's title and field; what the file leaves out is kept."""
    row.title, row.field = series.title[:120], series.field
    row.description = series.description or row.description or ""
    for key in ("ccf_rank", "core_rank", "thcpl_rank", "dblp"):
        value = getattr(series, key)
        if value:
            setattr(row, key, value[:120])


def _import_edition(series: ConferenceSeriesRow, edition: ConferenceEdition, tally: _Tally) -> None:
    slug = edition.slug[:120]
    same = next((e for e in series.editions if e.slug == slug), None) or \
        next((e for e in series.editions if e.year == edition.year), None)
    if same is not None and same.source == PACK:
        tally.kept += 1
        return
    # Text is cut to the columns' widths; the time zone is only shown (deadlines are in UTC).
    values = {"year": edition.year, "link": edition.link, "timezone": edition.timezone[:20],
              "dates": edition.dates[:200], "place": edition.place[:200]}
    deadlines = [(d.kind.value, d.due, d.comment) for d in edition.deadlines]
    if same is None:
        series.editions.append(ConferenceEditionRow(slug=slug, source=USER,
                                                    deadlines=_deadline_rows(deadlines), **values))
        tally.added += 1
        return
    before = [(d.kind, d.due_at, d.comment) for d in same.deadlines]
    if before == deadlines and all(getattr(same, k) == v for k, v in values.items()):
        tally.unchanged += 1
        return
    for key, value in values.items():
        setattr(same, key, value)
    same.deadlines = _deadline_rows(deadlines)
    tally.updated += 1


def _deadline_rows(deadlines: list[tuple]) -> list[ConferenceDeadlineRow]:
    return [ConferenceDeadlineRow(kind=kind, due_at=due, comment=comment, position=i)
            for i, (kind, due, comment) in enumerate(deadlines)]
