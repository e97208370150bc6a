"""Write a validated content pack into the content tables, in one transaction, by slug.

Each record carries a hash of its own fields, so an unchanged topic is neither rewritten nor
counted; rows whose slug left the pack are archived (kept, hidden), and come back if it returns.
User tables are not touched, nor are the conference series and editions the learner imported
(`source="user"`): a sync neither updates nor archives them. When the pack gains a series the
learner had imported, the pack's takes its place and the learner's editions the pack lacks stay.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from planner.core.models import ContentPack, SyncReport
from planner.db import search
from planner.db.base import utcnow
from planner.db.models import (
    ConferenceDeadlineRow,
    ConferenceEditionRow,
    ConferenceSeriesRow,
    ContentFileRow,
    LabRow,
    ReadingRow,
    RoleRow,
    RoleSkillRow,
    SkillRow,
    TopicLabRow,
    TopicPrerequisiteRow,
    TopicReadingRow,
    TopicRow,
    TopicSkillRow,
    TrackRow,
)


def record_hash(record: Any, position: int = 0) -> str:
    """A digest of everything stored from `record`, its position in its list included."""
    fields = {"position": position, **asdict(record)}
    blob = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def stored_fingerprint(session: Session) -> dict[str, str]:
    return dict(session.execute(select(ContentFileRow.path, ContentFileRow.sha256)).all())


class _Counter:
    def __init__(self) -> None:
        self.added = self.updated = self.unchanged = self.archived = 0

    def report(self) -> SyncReport:
        return SyncReport(self.added, self.updated, self.unchanged, self.archived)


def apply_pack(session: Session, pack: ContentPack) -> SyncReport:
    """Make the content tables match `pack`. The caller commits (or rolls back) the session."""
    count = _Counter()
    tracks = _upsert(session, TrackRow, pack.tracks, count, lambda row, r, i: _set(
        row, title=r.title, description=r.description, position=i))
    skills = _upsert(session, SkillRow, pack.skills, count, lambda row, r, i: _set(
        row, name=r.name, description=r.description,
        levels={str(k): v for k, v in r.levels.items()}))
    readings = _upsert(session, ReadingRow, pack.readings, count, lambda row, r, i: _set(
        row, kind=r.kind.value, title=r.title, authors=list(r.authors), year=r.year,
        venue=r.venue, arxiv=r.arxiv, doi=r.doi, isbn=r.isbn, url=r.url))
    labs = _upsert(session, LabRow, pack.labs, count, lambda row, r, i: _set(
        row, title=r.title, summary=r.summary, after=list(r.after)))

    # A lab may name its topics in labs.yaml as well as a topic naming its labs: merge both into
    # the topic record first, so the record's hash changes whenever either side does.
    lab_topics = {lab.slug: set(lab.topics) for lab in pack.labs}
    topic_records = [
        replace(t, labs=tuple(t.labs) + tuple(sorted(
            s for s, ts in lab_topics.items() if t.slug in ts and s not in t.labs)))
        for t in pack.topics
    ]
    changed_topics: list[tuple[TopicRow, Any]] = []

    def fill_topic(row: TopicRow, r, i: int) -> None:
        _set(row, track=tracks[r.track], title=r.title, summary=r.summary, hours=r.hours,
             difficulty=r.difficulty.value, body=r.body, position=i,
             cards=[{"q": c.question, "a": c.answer} for c in r.cards],
             sections=[[section.title, section.share] for section in r.sections])
        changed_topics.append((row, r))

    # A topic's position counts within its track, so adding a topic elsewhere changes nothing here.
    in_track: dict[str, int] = {}
    track_position = {}
    for t in topic_records:
        track_position[t.slug] = in_track.get(t.track, 0)
        in_track[t.track] = track_position[t.slug] + 1
    topics = _upsert(session, TopicRow, topic_records, count, fill_topic,
                     position=lambda record, _index: track_position[record.slug])
    session.flush()  # every topic has an id before links between topics are written
    for row, r in changed_topics:
        _replace(session, row, "prerequisites", [
            TopicPrerequisiteRow(prerequisite=topics[p], position=i)
            for i, p in enumerate(r.prerequisites)])
        _replace(session, row, "skills", [
            TopicSkillRow(skill=skills[s.skill], level=s.level) for s in r.skills])
        _replace(session, row, "readings", [
            TopicReadingRow(reading=readings[s], position=i) for i, s in enumerate(r.readings)])
        _replace(session, row, "labs", [
            TopicLabRow(lab=labs[s], position=i) for i, s in enumerate(r.labs)])

    def fill_role(row: RoleRow, r, i: int) -> None:
        _set(row, name=r.name, description=r.description, daily_work=list(r.daily_work),
             advice=list(r.advice), position=i)
        _replace(session, row, "skills", [
            RoleSkillRow(skill=skills[s.skill], target=s.target, entry=s.entry, mid=s.mid,
                         weight=s.weight, position=j)
            for j, s in enumerate(r.skills)])

    _upsert(session, RoleRow, pack.roles, count, fill_role)
    _upsert(session, ConferenceSeriesRow, pack.conferences, count,
            lambda row, r, i: _fill_series(session, row, r), keep=_imported)

    session.execute(delete(ContentFileRow))
    now = utcnow()
    session.add_all(ContentFileRow(path=p, sha256=h, synced_at=now) for p, h in pack.files.items())
    session.flush()
    search.rebuild(session)
    return count.report()


def _imported(row: Any) -> bool:
    return row.source == "user"


def _fill_series(session: Session, row: ConferenceSeriesRow, r) -> None:
    _set(row, title=r.title, description=r.description, field=r.field, ccf_rank=r.ccf_rank,
         core_rank=r.core_rank, thcpl_rank=r.thcpl_rank, dblp=r.dblp, source="pack")
    # The learner's imported editions stay unless the pack now has that edition (same id or
    # year): then the pack's wins, as it does on import. Old rows go first: new ones may reuse
    # their keys.
    slugs, years = {e.slug for e in r.editions}, {e.year for e in r.editions}
    own = [e for e in row.editions
           if _imported(e) and e.slug not in slugs and e.year not in years]
    if len(own) != len(row.editions):
        row.editions[:] = own
        session.flush()
    row.editions.extend(
        ConferenceEditionRow(
            slug=e.slug, year=e.year, link=e.link, timezone=e.timezone, dates=e.dates,
            place=e.place, source="pack",
            deadlines=[ConferenceDeadlineRow(kind=d.kind.value, due_at=d.due, comment=d.comment,
                                             position=j) for j, d in enumerate(e.deadlines)],
        )
        for e in r.editions)


def _replace(session: Session, row: Any, attribute: str, items: list[Any]) -> None:
    """Swap a row's child rows. The old ones are deleted first: the new ones may reuse their keys."""
    if row.id is not None and getattr(row, attribute):
        getattr(row, attribute).clear()
        session.flush()
    setattr(row, attribute, items)


def _set(row: Any, **values: Any) -> None:
    for key, value in values.items():
        setattr(row, key, value)


def _upsert(session: Session, model, records, count: _Counter, fill,
            position=lambda _record, index: index,
            keep=lambda _row: False) -> dict[str, Any]:
    """Insert new, update changed, archive vanished rows of one table (but those `keep`
    says are the learner's own); return rows by slug."""
    existing = {row.slug: row for row in session.scalars(select(model))}
    by_slug = {}
    for list_index, record in enumerate(records):
        index = position(record, list_index)
        digest = record_hash(record, index)
        row = existing.get(record.slug)
        if row is None:
            row = model(slug=record.slug, content_hash=digest, archived=False)
            session.add(row)
            fill(row, record, index)
            count.added += 1
        elif row.content_hash != digest or row.archived:
            row.content_hash, row.archived = digest, False
            fill(row, record, index)
            count.updated += 1
        else:
            count.unchanged += 1
        by_slug[record.slug] = row
    for slug, row in existing.items():
        if slug not in by_slug and not row.archived and not keep(row):
            row.archived = True
            count.archived += 1
        by_slug.setdefault(slug, row)
    return by_slug
