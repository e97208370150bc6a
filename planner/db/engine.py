"""Engines and sessions, made from a URL on demand (never at import time)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from planner.core.errors import NotADatabaseError

SQLITE_HEADER = b"SQLite format 3\x00"


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def check_sqlite_file(path: Path) -> None:
    """Raise `NotADatabaseError` for a file that is not a whole SQLite database.

    Reads the 100-byte header only, so it costs nothing at start-up; damage deeper in the file
    shows up as an `sqlite3.DatabaseError` on first use, which callers turn into the same error.
    """
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise NotADatabaseError(f"{path} is not a Lodestar database (not an SQLite file).", path)
    if len(header) < 100:
        raise NotADatabaseError(f"{path} is truncated: its header is incomplete.", path)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid_for = int.from_bytes(header[92:96], "big")
    change_counter = int.from_bytes(header[24:28], "big")
    # The in-header page count is trustworthy only when these two match (SQLite file format §1.3.7).
    if pages and valid_for == change_counter and path.stat().st_size < pages * page_size:
        size = path.stat().st_size
        raise NotADatabaseError(
            f"{path} is truncated: {size:,} bytes where the database needs {pages * page_size:,}.",
            path,
        )


def make_engine(url: str) -> Engine:
    """An engine for `url`; on SQLite: foreign keys on, WAL, and DDL inside transactions."""
    path = sqlite_path(url)
    if path is not None:
        check_sqlite_file(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, wal=path is not None)
    return engine


def _configure_sqlite(engine: Engine, wal: bool) -> None:
    # SQLAlchemy's documented pysqlite recipe: take transaction control away from the driver so
    # BEGIN covers DDL too, and a failed migration rolls back whole instead of half-applied.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, future=True)


def library_versions() -> dict[str, str]:
    """Versions of the database libraries, for Help → About."""
    import sqlalchemy

    return {"SQLAlchemy": sqlalchemy.__version__, "SQLite": sqlite3.sqlite_version}
