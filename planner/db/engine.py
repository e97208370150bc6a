"""Engines and sessions, made from a URL on demand (never at import time)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError as SADBAPIError
from sqlalchemy.orm import Session, sessionmaker

from planner.core.errors import LodestarError, NotADatabaseError, StorageError

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
    """Let SQLite judge its own file: open it (with its -wal beside it SQLite recovers the last
    commits), run `PRAGMA quick_check` and read every row once.

    Raises `NotADatabaseError` for a file that is not SQLite, that SQLite cannot open as a
    database, whose check fails, or whose text cannot be read; `StorageError` when the file is
    sound but cannot be used now (a folder, locked, unreadable). The main file's header alone
    proves nothing: a checkpoint writes page 1, with the new page count, before the pages it
    counts, so a crash there leaves a file shorter than its header says that SQLite opens and
    completes from the WAL.
    """
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a database file; name a file with --db.", path)
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StorageError(f"Cannot read {path}: {exc.strerror or exc}; check its permissions.",
                           path) from None
    if not header.startswith(SQLITE_HEADER):
        raise NotADatabaseError(f"{path} is not a Lodestar database (not an SQLite file).", path)
    try:
        connection = sqlite3.connect(path, timeout=5)
    except sqlite3.Error as exc:
        raise describe_failure(path, exc) from None
    try:
        problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            detail = problems[-1] if problems else "no answer"
            raise NotADatabaseError(_damaged_message(path, f"SQLite's check reports: {detail}"), path)
        _read_every_row(connection)
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise describe_failure(path, exc) from None
    finally:
        connection.close()


def _read_every_row(connection: sqlite3.Connection) -> None:
    """quick_check does not look inside values: flipped bytes in text or JSON surface only when a
    row is read, so read each table once (about 12 ms for a 3.4 MB database)."""
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for name in names:
        quoted = name.replace('"', '""')
        json_at = json_columns(connection, name)
        for row in connection.execute(f'SELECT * FROM "{quoted}"'):
            for index in json_at:
                if isinstance(row[index], str):
                    try:
                        json.loads(row[index])
                    except ValueError:
                        raise sqlite3.DataError(f"Could not decode JSON in table {name}") from None


def json_columns(connection: sqlite3.Connection, table: str) -> list[int]:
    """Positions of the columns SQLAlchemy declared JSON, in `SELECT *` order."""
    quoted = table.replace('"', '""')
    return [row[0] for row in connection.execute(f'PRAGMA table_info("{quoted}")')
            if str(row[2]).upper() == "JSON"]


def _damaged_message(where: object, detail: str) -> str:
    return (f"{where} is damaged ({detail}), so Lodestar will not write to it; restore the latest "
            "backup, or set the file aside together with its -wal and -shm files.")


def describe_failure(where: object, exc: BaseException) -> LodestarError:
    """One sentence naming `where` (a path or URL) and what to do, for an error SQLite raised.

    Damage becomes `NotADatabaseError`; everything else (full disk, read-only, locked) a
    `StorageError`. The message never repeats the statement or its parameters.
    """
    original = getattr(exc, "orig", None) or exc
    text = str(original).splitlines()[0] if str(original) else type(original).__name__
    name = getattr(original, "sqlite_errorname", "") or ""
    path = where if isinstance(where, Path) else None
    lowered = text.lower()
    if isinstance(original, UnicodeDecodeError) or "could not decode" in lowered:
        return NotADatabaseError(_damaged_message(where, "text in it is not readable"), path)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in lowered \
            or "not a database" in lowered:
        return NotADatabaseError(_damaged_message(where, text), path)
    if name.startswith("SQLITE_FULL") or "disk is full" in lowered:
        return StorageError(f"The disk holding {where} is full, so nothing was saved; free some "
                            "space and try again.", path)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in lowered:
        return StorageError(f"Another Lodestar (or another program) is using {where}; close it and "
                            "try again.", path)
    if name.startswith("SQLITE_READONLY") or "readonly" in lowered or "read-only" in lowered:
        return StorageError(f"{where} is read-only, so nothing was saved; make the file and its "
                            "folder writable, or copy it somewhere writable and open the copy "
                            "with --db.", path)
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")) or "unable to open" in lowered:
        return StorageError(f"Cannot open {where} ({text}); check that the file and its folder "
                            "exist and that Lodestar may write to them.", path)
    if name.startswith("SQLITE_IOERR") or "disk i/o" in lowered:
        return StorageError(f"Reading or writing {where} failed ({text}); check the disk it is on "
                            "and try again.", path)
    return StorageError(f"The database at {where} failed: {text}.", path)


@contextlib.contextmanager
def storage_errors(where: object) -> Iterator[None]:
    """Turn what SQLite raises inside the block about its file (damage, a full disk, a lock, a
    read-only file) into a message-bearing `LodestarError` (see `describe_failure`); errors from
    other databases, and constraint or programming errors, pass through unchanged."""
    try:
        yield
    except SADBAPIError as exc:
        if not _about_the_file(exc.orig):
            raise
        raise describe_failure(where, exc) from None
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        if not _about_the_file(exc):
            raise
        raise describe_failure(where, exc) from None


def _about_the_file(error: BaseException) -> bool:
    """SQLite errors about the file or disk (and text that cannot be decoded), not a statement
    the program got wrong: a constraint or a misuse stays what it is, for its traceback."""
    return (isinstance(error, sqlite3.OperationalError | sqlite3.DataError | UnicodeDecodeError)
            or type(error) is sqlite3.DatabaseError)


def missing_wal_notice(path: Path) -> str | None:
    """A sentence when `path`'s -wal file is gone but its -shm still says the WAL held commits
    not yet copied into the main file: those commits are lost. None otherwise.

    Only a crash leaves a -shm behind (a clean close removes both), and SQLite resets it on the
    next open, so this must run before the file is opened. With the -shm gone as well the loss
    cannot be seen.
    """
    shm = path.with_name(path.name + "-shm")
    wal = path.with_name(path.name + "-wal")
    if wal.exists() or not shm.is_file() or not path.exists():
        return None
    try:
        with shm.open("rb") as handle:
            index = handle.read(136)
    except OSError:
        return None
    if len(index) < 136 or not index[12]:  # isInit: the wal-index header was written
        return None
    frames = int.from_bytes(index[16:20], sys.byteorder)  # mxFrame (native byte order)
    copied = int.from_bytes(index[96:100], sys.byteorder)  # nBackfill
    if frames <= copied:
        return None
    return (f"{wal} is missing, so the last changes saved in it ({frames - copied} pages not yet "
            f"copied into {path.name}) are lost and Lodestar opens the database as it was before "
            "them.")


def make_engine(url: str) -> Engine:
    """An engine for `url`; on SQLite: foreign keys on, WAL, and DDL inside transactions."""
    path = sqlite_path(url)
    if path is not None:
        check_sqlite_file(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"Cannot create the folder {path.parent} for {path.name}: "
                               f"{exc.strerror or exc}.", path.parent) from None
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
