"""A full export of the learner's data to JSON, and its import into an empty database.

Mixed into `Lodestar`, which provides `_session()` (one transaction per use case). The file holds
every user table (see `planner.db.backup`) with a format version and the schema revision it was
written under; an import validates the whole file before writing and writes it in one
transaction, so a refused or failed import leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path

from planner.core.errors import LodestarError
from planner.core.imports import ImportResult
from planner.db import backup as store
from planner.db import profiles
from planner.db.base import utcnow
from planner.services.files import read_text, write_atomically
from planner.services.study import DEFAULT_PROFILE_NAME

FORMAT = "lodestar-backup"
VERSION = 1


def backup_json(document: dict) -> str:
    """The backup as JSON text with one table row per line, so that it diffs and reads well."""
    head = {key: value for key, value in document.items() if key != "tables"}
    parts = [json.dumps(head, ensure_ascii=False)[:-1] + ', "tables": {']
    tables = []
    for name, table in document["tables"].items():
        rows = ",\n".join(json.dumps(row, ensure_ascii=False) for row in table["rows"])
        tables.append(f'\n{json.dumps(name)}: {{"columns": {json.dumps(table["columns"])}, '
                      f'"rows": [' + (f"\n{rows}" if rows else "") + "]}")
    parts.append(",".join(tables))
    parts.append("}}\n")
    return "".join(parts)


class Backups:
    """Export all of the learner's data; restore it into an empty database."""

    _session: Callable[[], contextlib.AbstractContextManager]
    schema_revision: Callable[[], str | None]

    def export_backup(self, path: Path) -> int:
        """Write every profile and everything recorded for it (plans, topic states, lab runs and
        metrics, activity, study sessions, cards and reviews, readings and their states,
        follows, imported conferences) to `path` as JSON, atomically; returns the rows written."""
        with self._session() as session:
            tables = store.dump(session)
        document = {"format": FORMAT, "version": VERSION, "schema": self.schema_revision(),
                    "exported_at": utcnow().isoformat(timespec="seconds"), "tables": tables}
        write_atomically(Path(path), backup_json(document).encode("utf-8"))
        return sum(len(table["rows"]) for table in tables.values())

    def import_backup(self, path: Path) -> ImportResult:
        """Restore a backup written by `export_backup` into this database, which must hold no
        learner's data yet (only the blank profile made on first start, which it replaces).

        The file is validated whole first; any problem raises LodestarError naming the table and
        row, and nothing is written. Returns the rows restored per table.
        """
        tables = store.validate(_document(Path(path)).get("tables"))
        with self._session() as session:
            held = store.user_row_count(session)
            lone = store.lone_profile(session, held)
            if lone is not None and lone[1] == DEFAULT_PROFILE_NAME and lone[2] is None:
                profiles.delete_profile(session, lone[0])
                session.flush()
            elif held:
                raise LodestarError(
                    f"This database already holds a learner's data ({held} records), and a backup "
                    "is restored only into an empty one. Nothing was changed. Import it into a new "
                    "data folder (python -m planner --data-dir FOLDER import backup FILE).")
            counts = store.restore(session, tables)
        return ImportResult(items=tuple((name, n) for name, n in counts.items() if n),
                            source=str(path), imported=sum(counts.values()))


def _document(path: Path) -> dict:
    text = read_text(path, "a Lodestar backup")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LodestarError(f"{path} is not a Lodestar backup: not JSON "
                            f"(line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    except RecursionError:
        raise LodestarError(f"{path} is not a Lodestar backup: nested too deeply.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise LodestarError(f"{path} is not a Lodestar backup (it has no \"format\": \"{FORMAT}\").")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise LodestarError(f"{path}: the backup's format version is missing or wrong ({version!r}).")
    if version > VERSION:
        raise LodestarError(f"{path} was written by a newer Lodestar (backup format {version}; "
                            f"this one reads up to {VERSION}). Update Lodestar to import it.")
    return document
