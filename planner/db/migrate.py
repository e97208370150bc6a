"""Bring a database to the newest schema, backing the SQLite file up first.

Alembic is imported only when the schema is not already at head, so an up-to-date database opens
without paying for it.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DatabaseError as SADatabaseError

from planner.core import shipped
from planner.core.errors import MigrationError, NewerSchemaError, NotADatabaseError
from planner.db.engine import describe_failure, sqlite_path

MIGRATIONS_DIR = shipped.migrations_dir()  # the checkout's migrations/, or the installed copy
_REVISION = re.compile(r"^revision(?:: str)? = ['\"]([0-9a-f_a-z]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision(?:: [^=]+)? = (None|['\"]([0-9a-z_]+)['\"])", re.M)


@cache
def known_revisions() -> tuple[dict[str, str | None], str]:
    """Every revision in `migrations/versions` (id → parent) and the single head.

    Read with a regular expression rather than through Alembic so a start-up that needs no
    migration does not import it; the migration tests check this agrees with Alembic.
    """
    parents: dict[str, str | None] = {}
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(source), _DOWN.search(source)
        if rev and down:
            parents[rev.group(1)] = down.group(2)
    children = {p for p in parents.values() if p}
    heads = [r for r in parents if r not in children]
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {heads} "
                           f"in {MIGRATIONS_DIR / 'versions'}")
    return parents, heads[0]


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty database."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                tables = inspect(conn).get_table_names()
                if tables:
                    raise NotADatabaseError(
                        f"{_where(engine)} holds tables but no schema version; "
                        "it is not a Lodestar database.", sqlite_path(str(engine.url)))
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SADatabaseError as exc:
        raise _damaged(engine, exc) from exc


def needs_upgrade(engine: Engine) -> bool:
    parents, head = known_revisions()
    current = current_revision(engine)
    if current is not None and current not in parents:
        raise NewerSchemaError(
            f"{_where(engine)} was written by a newer version of Lodestar (schema {current}). "
            "Update Lodestar to open it.", sqlite_path(str(engine.url)))
    return current != head


def upgrade(engine: Engine, backup_dir: Path | None = None) -> Path | None:
    """Upgrade to head in one transaction; return the backup made first, if any.

    An empty database is created without a backup; an older SQLite one is first copied to
    `backup_dir/<name>-<timestamp>.sqlite3`. A failed upgrade rolls back completely.
    """
    if not needs_upgrade(engine):
        return None
    backup = None
    path = sqlite_path(str(engine.url))
    if path is not None and current_revision(engine) is not None and backup_dir is not None:
        backup = backup_sqlite(path, backup_dir, reason="before-upgrade")
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.connect() as conn, _foreign_keys_off(conn), conn.begin():
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            _check_foreign_keys(conn)
    except SADatabaseError as exc:
        raise _damaged(engine, exc) from exc
    except Exception as exc:
        raise MigrationError(
            f"Upgrading {_where(engine)} failed and was rolled back: {exc}", path) from exc
    return backup


@contextlib.contextmanager
def _foreign_keys_off(conn: Connection) -> Iterator[None]:
    """SQLite's procedure for schema changes (sqlite.org/lang_altertable.html): foreign keys off
    while the tables change. Alembic's batch mode rebuilds a table as copy, drop and rename,
    and dropping a parent table with foreign keys on deletes (ON DELETE CASCADE) or orphans
    (SET NULL) every row that refers to it. The pragma only works outside a transaction, so it
    goes to the driver's connection before the migration's transaction begins."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(conn: Connection) -> None:
    """Refuse (and so roll back) an upgrade that left a row pointing at a missing one."""
    if conn.dialect.name != "sqlite":
        return  # other databases checked every statement as it ran
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = sorted({f"{row[0]} → {row[2]}" for row in broken})
        raise MigrationError(f"the new schema would leave {len(broken)} rows pointing at rows "
                             f"that do not exist ({', '.join(tables)})")


def backup_sqlite(path: Path, backup_dir: Path, reason: str = "backup") -> Path:
    """A consistent copy of a live SQLite file (WAL included), named by time; returns its path."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"{path.stem}-{stamp}-{reason}.sqlite3"
    copy_sqlite(path, target)
    return target


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy with SQLite's online backup API, so a copy taken mid-write is still consistent."""
    tmp = target.with_name(target.name + ".part")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        tmp.unlink(missing_ok=True)
        failure = describe_failure(source, exc)
        if isinstance(failure, NotADatabaseError):
            raise failure from exc
        raise describe_failure(target, exc) from exc  # a full disk or read-only folder: the copy's
    finally:
        src.close()
    tmp.replace(target)


def _where(engine: Engine) -> str:
    path = sqlite_path(str(engine.url))
    return str(path) if path else engine.url.render_as_string(hide_password=True)


def _damaged(engine: Engine, exc: Exception) -> Exception:
    """What SQLite said, as one sentence: damage, or a full disk, a lock, a read-only file."""
    path = sqlite_path(str(engine.url))
    return describe_failure(path or _where(engine), exc)
