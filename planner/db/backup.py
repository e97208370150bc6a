"""The learner's data as plain JSON-ready values, and back: what a full backup holds.

Every user table is dumped whole, as column names and rows of values in primary-key order
(datetimes ISO 8601 with their UTC offset, dates ISO 8601). Imported conferences are dumped by
slug rather than id, since the database they are restored into has its own content rows: the
user's series and editions, the deadlines of their editions, and, without their editions, the
shipped series that hold one of the user's editions (so that a restore into a database not yet
synchronised has somewhere to put them; a content sync fills them in).

`restore` validates everything before it writes anything, and writes in the caller's
transaction. Every problem it finds is a `BackupError` naming the table and row.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from planner.core.errors import LodestarError
from planner.core.models import LabRunStatus
from planner.db import labruns, search, values
from planner.db.base import UtcDateTime
from planner.db.models import (
    ActivityRow,
    CardRow,
    ConferenceDeadlineRow,
    ConferenceEditionRow,
    ConferenceFollowRow,
    ConferenceSeriesRow,
    LabMetricRow,
    LabRunRow,
    ProfileRow,
    ReadingStateRow,
    ReviewLogRow,
    SkillAssessmentRow,
    StudyPlanRow,
    StudySessionRow,
    TopicStateRow,
    UserReadingRow,
)

USER = "user"
# Copied whole, parents before children.
WHOLE = (ProfileRow, SkillAssessmentRow, TopicStateRow, StudyPlanRow, LabRunRow, LabMetricRow,
         ActivityRow, StudySessionRow, CardRow, ReviewLogRow, UserReadingRow, ReadingStateRow,
         ConferenceFollowRow)
SERIES_COLUMNS = ("slug", "title", "description", "field", "ccf_rank", "core_rank", "thcpl_rank",
                  "dblp", "source")
EDITION_COLUMNS = ("series", "slug", "year", "link", "timezone", "dates", "place", "source")
DEADLINE_COLUMNS = ("series", "edition", "kind", "due_at", "comment", "position")
TABLES = (*(m.__tablename__ for m in WHOLE),
          "conference_series", "conference_editions", "conference_deadlines")
_INT64 = 2 ** 63


class BackupError(LodestarError):
    """A backup that cannot be restored as it is; nothing was written."""


# --- dumping -----------------------------------------------------------------------------------


def dump(session: Session) -> dict[str, dict[str, list]]:
    """Every user table as {"columns": [...], "rows": [[...], ...]}, in a stable order."""
    tables = {}
    for model in WHOLE:
        columns = list(model.__table__.columns)
        keys = list(model.__table__.primary_key.columns)
        rows = session.execute(select(*columns).order_by(*keys)).all()
        tables[model.__tablename__] = {
            "columns": [c.name for c in columns],
            "rows": [[_encode(v) for v in row] for row in rows]}
    tables.update(_dump_conferences(session))
    return tables


def _dump_conferences(session: Session) -> dict[str, dict[str, list]]:
    S, E, D = ConferenceSeriesRow, ConferenceEditionRow, ConferenceDeadlineRow
    editions = session.execute(
        select(S.slug, E.slug, E.year, E.link, E.timezone, E.dates, E.place, E.source)
        .join(S, S.id == E.series_id).where(E.source == USER).order_by(S.slug, E.slug)).all()
    holders = {row[0] for row in editions}
    series = session.execute(
        select(*(getattr(S, c) for c in SERIES_COLUMNS))
        .where((S.source == USER) | S.slug.in_(holders)).order_by(S.slug)).all()
    deadlines = session.execute(
        select(S.slug, E.slug, D.kind, D.due_at, D.comment, D.position)
        .join(E, E.id == D.edition_id).join(S, S.id == E.series_id)
        .where(E.source == USER).order_by(S.slug, E.slug, D.position, D.id)).all()
    return {name: {"columns": list(columns), "rows": [[_encode(v) for v in row] for row in rows]}
            for name, columns, rows in (("conference_series", SERIES_COLUMNS, series),
                                        ("conference_editions", EDITION_COLUMNS, editions),
                                        ("conference_deadlines", DEADLINE_COLUMNS, deadlines))}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def user_row_count(session: Session) -> int:
    """How many rows of the learner's own data the database holds (imported conferences too)."""
    count = sum(session.scalar(select(func.count()).select_from(m)) or 0 for m in WHOLE)
    count += session.scalar(select(func.count()).select_from(ConferenceSeriesRow)
                            .where(ConferenceSeriesRow.source == USER)) or 0
    count += session.scalar(select(func.count()).select_from(ConferenceEditionRow)
                            .where(ConferenceEditionRow.source == USER)) or 0
    return count


def lone_profile(session: Session, held: int) -> tuple[int, str, str | None] | None:
    """(id, name, target role) of the only user row, given `held` (`user_row_count`), when it
    is a profile with nothing else."""
    if held != 1:
        return None
    row = session.execute(select(ProfileRow.id, ProfileRow.name, ProfileRow.target_role)).first()
    return None if row is None else (row[0], row[1], row[2])


# --- validating and restoring ------------------------------------------------------------------


def validate(tables: Any) -> dict[str, list[dict[str, Any]]]:
    """The backup's tables as rows of Python values ready to insert; raises BackupError naming
    the first table, row and column that is not what the schema holds."""
    if not isinstance(tables, dict):
        raise BackupError("The backup has no tables.")
    unknown = sorted(set(tables) - set(TABLES), key=str)
    if unknown:
        raise BackupError("The backup has tables this Lodestar does not know: "
                          f"{', '.join(map(str, unknown))}.")
    missing = [name for name in TABLES if name not in tables]
    if missing:
        raise BackupError(f"The backup lacks the tables {', '.join(missing)}.")
    result = {}
    for model in WHOLE:
        result[model.__tablename__] = _rows(model.__tablename__, tables[model.__tablename__],
                                            {c.name: c for c in model.__table__.columns})
    specs = (("conference_series", SERIES_COLUMNS, ConferenceSeriesRow),
             ("conference_editions", EDITION_COLUMNS, ConferenceEditionRow),
             ("conference_deadlines", DEADLINE_COLUMNS, ConferenceDeadlineRow))
    for name, columns, model in specs:
        known = {c.name: c for c in model.__table__.columns if c.name in columns}
        known.update({"series": ConferenceSeriesRow.__table__.c.slug,
                      "edition": ConferenceEditionRow.__table__.c.slug})
        result[name] = _rows(name, tables[name], {c: known[c] for c in columns})
    _check_links(result)
    return result


def _rows(table: str, data: Any, schema: dict[str, Any]) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("columns"), list) \
            or not isinstance(data.get("rows"), list):
        raise BackupError(f"Backup table {table}: expected its columns and rows.")
    columns = data["columns"]
    strange = [c for c in columns if not isinstance(c, str) or c not in schema]
    if strange or len(set(columns)) != len(columns):
        raise BackupError(f"Backup table {table}: unknown or repeated columns {strange or columns}"[:300]
                          + ".")
    required = [name for name, col in schema.items() if name not in columns
                and not col.nullable and col.default is None and col.server_default is None]
    if required:
        raise BackupError(f"Backup table {table}: missing the columns {', '.join(required)}.")
    rows = []
    for number, row in enumerate(data["rows"], start=1):
        if not isinstance(row, list) or len(row) != len(columns):
            raise BackupError(f"Backup table {table}, row {number}: expected {len(columns)} values.")
        decoded = {}
        for name, value in zip(columns, row, strict=True):
            where = f"Backup table {table}, row {number}, column {name}"
            decoded[name] = _decode(where, schema[name], value)
            wrong = values.problem(table, name, decoded[name])
            if wrong:
                raise BackupError(f"{where}: {_shown(value)} {wrong}.")
        rows.append(decoded)
    _check_unique(table, rows, schema)
    return rows


def _decode(where: str, column: Any, value: Any) -> Any:
    if value is None:
        if not column.nullable:
            raise BackupError(f"{where}: a value is required.")
        return None
    kind = column.type
    try:
        if isinstance(kind, UtcDateTime):
            moment = datetime.fromisoformat(_text(value))
            if moment.utcoffset() is None:
                raise ValueError("no UTC offset")
            return moment
        if isinstance(kind, Date):
            return date.fromisoformat(_text(value))
        if isinstance(kind, Boolean):
            if not isinstance(value, bool):
                raise ValueError("not true or false")
            return value
        if isinstance(kind, Integer):
            if isinstance(value, bool) or not isinstance(value, int) or not -_INT64 <= value < _INT64:
                raise ValueError("not a whole number")
            return value
        if isinstance(kind, Float):
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError("not a number")
            return float(value)
        if isinstance(kind, String):
            value = _text(value)
            if kind.length is not None and len(value) > kind.length:
                raise ValueError(f"longer than {kind.length} characters")
            return value
        if isinstance(kind, JSON):
            _check_json(value)
            return value
    except (ValueError, TypeError, OverflowError) as exc:
        raise BackupError(f"{where}: {_shown(value)} is {exc}.") from None
    raise BackupError(f"{where}: this Lodestar cannot restore it.")


def _shown(value: Any) -> str:
    """The start of a value for a message; never the whole of a huge number or text."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return "a number that long"
    return f"{value!r:.60}"


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("not text")
    value.encode("utf-8")  # a lone surrogate from a \ud800 escape cannot be stored
    return value


def _check_json(value: Any, depth: int = 0) -> None:
    if depth > 50:
        raise ValueError("nested too deeply")
    if isinstance(value, str):
        _text(value)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _text(key)
            _check_json(item, depth + 1)


def _check_unique(table: str, rows: list[dict[str, Any]], schema: dict[str, Any]) -> None:
    keys = [name for name, col in schema.items() if col.primary_key]
    groups = [keys] if keys else []
    groups += [[name] for name, col in schema.items() if col.unique]
    # conferences go by slug, not id: their own keys
    groups = {"conference_series": [["slug"]], "conference_editions": [["series", "slug"]],
              "conference_deadlines": []}.get(table, groups)
    for group in groups:
        seen = set()
        for number, row in enumerate(rows, start=1):
            key = tuple(row.get(name) for name in group)
            if key in seen:
                raise BackupError(f"Backup table {table}, row {number}: {', '.join(group)} "
                                  f"{key if len(key) > 1 else key[0]!r} appears twice.")
            seen.add(key)


def _check_links(tables: dict[str, list[dict[str, Any]]]) -> None:
    """Every row that names another (a profile, a lab run, a conference) names one in the backup."""
    for model in WHOLE:
        for column in model.__table__.columns:
            for key in column.foreign_keys:
                target = key.column
                present = {row.get(target.name) for row in tables.get(target.table.name, ())}
                for number, row in enumerate(tables[model.__tablename__], start=1):
                    value = row.get(column.name)
                    if value is not None and value not in present:
                        raise BackupError(f"Backup table {model.__tablename__}, row {number}: "
                                          f"{column.name} {value!r} is not in {target.table.name}.")
    series = {row["slug"] for row in tables["conference_series"]}
    editions = {(row["series"], row["slug"]) for row in tables["conference_editions"]}
    for number, row in enumerate(tables["conference_editions"], start=1):
        if row["series"] not in series:
            raise BackupError(f"Backup table conference_editions, row {number}: series "
                              f"{row['series']!r} is not in conference_series.")
    for number, row in enumerate(tables["conference_deadlines"], start=1):
        if (row["series"], row["edition"]) not in editions:
            raise BackupError(f"Backup table conference_deadlines, row {number}: edition "
                              f"{row['series']}/{row['edition']} is not in conference_editions.")


def restore(session: Session, tables: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Insert validated tables (see `validate`) in the caller's transaction; rows per table.
    Raises BackupError when the database refuses a row (the caller then rolls back)."""
    counts = {}
    try:
        for model in WHOLE:
            rows = tables[model.__tablename__]
            if rows:
                session.execute(insert(model.__table__), rows)
            counts[model.__tablename__] = len(rows)
        counts.update(_restore_conferences(session, tables))
        ended = select(LabRunRow.id).where(LabRunRow.status != LabRunStatus.RUNNING.value)
        for run_id in list(session.scalars(ended)):
            labruns.pack_curves(session, run_id)  # derived data, so not in the backup
        search.rebuild(session)  # own readings and conferences are found straight away
        _reset_sequences(session)
        session.flush()
    except SQLAlchemyError as exc:
        raise BackupError(f"The database refused the backup: {getattr(exc, 'orig', None) or exc}") from None
    return counts


def _restore_conferences(session: Session, tables: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    S, E = ConferenceSeriesRow, ConferenceEditionRow
    existing = {slug: (sid, source) for slug, sid, source in session.execute(select(S.slug, S.id, S.source))}
    series_ids = {}
    for number, row in enumerate(tables["conference_series"], start=1):
        if row["slug"] in existing:
            sid, source = existing[row["slug"]]
            if row["source"] == USER:
                raise BackupError(f"Backup table conference_series, row {number}: {row['slug']!r} "
                                  f"is already in this database ({source}).")
            series_ids[row["slug"]] = sid  # shipped content here is at least as new as the backup's
            continue
        # A shipped series absent here gets an empty content hash: the next sync rewrites it.
        values = {**row, "content_hash": "", "archived": False}
        inserted = session.execute(insert(S.__table__).values(**values))
        series_ids[row["slug"]] = inserted.inserted_primary_key[0]
    edition_ids = {}
    for row in tables["conference_editions"]:
        values = {k: v for k, v in row.items() if k != "series"}
        result = session.execute(insert(E.__table__).values(series_id=series_ids[row["series"]], **values))
        edition_ids[(row["series"], row["slug"])] = result.inserted_primary_key[0]
    deadlines = [{**{k: v for k, v in row.items() if k not in ("series", "edition")},
                  "edition_id": edition_ids[(row["series"], row["edition"])]}
                 for row in tables["conference_deadlines"]]
    if deadlines:
        session.execute(insert(ConferenceDeadlineRow.__table__), deadlines)
    return {"conference_series": sum(1 for r in tables["conference_series"] if r["source"] == USER),
            "conference_editions": len(edition_ids), "conference_deadlines": len(deadlines)}


def _reset_sequences(session: Session) -> None:
    """PostgreSQL hands out ids from sequences that explicit ids do not advance: move them past
    the restored rows. (SQLite takes the next id from the table itself.)"""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in (*WHOLE, ConferenceSeriesRow, ConferenceEditionRow, ConferenceDeadlineRow):
        table = model.__table__
        if "id" in table.c and table.c.id.primary_key:
            session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE(MAX(id), 0) + 1, false) FROM {table.name}"))
