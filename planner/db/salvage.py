"""Copy what SQLite can still read out of a damaged database into a new one.

The damaged file is opened read-only and never written. Each table is read front to back until
SQLite stops at a damaged page, then back to front until it stops again, so the rows on either
side of the damage are kept; text that is not UTF-8 is kept with U+FFFD where the bad bytes were,
except in JSON values, whose rows are dropped when the result is no longer JSON.
Rows that point at a row that was lost (a foreign key) are dropped, and the search index, which
is derived, is rebuilt. The copy is a whole, checked database at the same schema.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from planner.core.errors import LodestarError
from planner.db import migrate
from planner.db.engine import json_columns, make_engine, session_factory

_SKIP = ("alembic_version",)


def salvage(source: Path, target: Path) -> dict[str, int]:
    """Build `target` (which must not exist) from the rows of `source` that can be read; returns
    rows copied per table. Raises LodestarError when SQLite cannot read `source` at all or it is
    at another schema than this Lodestar's."""
    src = _open_read_only(source)
    try:
        revision = _revision(src, source)
        if revision != migrate.known_revisions()[1]:
            raise LodestarError(f"{source} is at schema {revision}, not this Lodestar's; restore a "
                                "backup instead, or recover it with the Lodestar that wrote it.")
        engine = make_engine(f"sqlite:///{target}")
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        dst = sqlite3.connect(target, isolation_level=None)
        try:
            dst.execute("PRAGMA foreign_keys=OFF")
            dst.execute("BEGIN")
            counts = {table: _copy(src, dst, table) for table in _tables(dst)}
            _drop_orphans(dst)
            dst.execute("COMMIT")
        finally:
            dst.close()
    finally:
        src.close()
    _rebuild_search(target)
    return counts


def _open_read_only(source: Path) -> sqlite3.Connection:
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise LodestarError(f"SQLite cannot read anything from {source} ({exc}); restore a backup "
                            "instead.") from None
    src.text_factory = lambda data: data.decode("utf-8", "replace")
    return src


def _revision(src: sqlite3.Connection, source: Path) -> str | None:
    try:
        row = src.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise LodestarError(f"{source} no longer says which schema it is at ({exc}); restore a "
                            "backup instead.") from None
    return row[0] if row else None


def _tables(dst: sqlite3.Connection) -> list[str]:
    rows = dst.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                       "AND name NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return [name for name, _sql in rows if name not in _SKIP and name not in virtual
            and not any(name.startswith(v + "_") for v in virtual)]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _copy(src: sqlite3.Connection, dst: sqlite3.Connection, table: str) -> int:
    try:
        theirs = set(_columns(src, table))
    except sqlite3.DatabaseError:
        return 0
    columns = [c for c in _columns(dst, table) if c in theirs]
    if not columns:
        return 0
    names = ", ".join(f'"{c}"' for c in columns)
    rows: dict[int, tuple] = {}
    for order in ("ASC", "DESC"):  # up to the damage from each end
        try:
            for row in src.execute(f'SELECT rowid, {names} FROM "{table}" ORDER BY rowid {order}'):
                if row[0] in rows:
                    break
                rows[row[0]] = row[1:]
        except sqlite3.DatabaseError:
            pass
    json_at = [columns.index(c) for c in _json_names(dst, table) if c in columns]
    readable = [row for row in rows.values() if all(_is_json(row[i]) for i in json_at)]
    marks = ", ".join("?" for _ in columns)
    dst.executemany(f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})', readable)
    return len(readable)


def _json_names(dst: sqlite3.Connection, table: str) -> list[str]:
    names = _columns(dst, table)
    return [names[i] for i in json_columns(dst, table)]


def _is_json(value: object) -> bool:
    """A JSON value that is no longer JSON (a byte replaced) would fail every later read."""
    if not isinstance(value, str):
        return True
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _drop_orphans(dst: sqlite3.Connection) -> None:
    """Delete rows whose parent was lost, until none is left (a child's child goes next round)."""
    while broken := dst.execute("PRAGMA foreign_key_check").fetchall():
        for table, rowid, _parent, _key in broken:
            dst.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))


def _rebuild_search(target: Path) -> None:
    from planner.db import search

    engine = make_engine(f"sqlite:///{target}")
    try:
        with session_factory(engine).begin() as session:
            search.rebuild(session)
    finally:
        engine.dispose()
