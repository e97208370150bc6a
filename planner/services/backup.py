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

from planner.core.errors import LodestarError, PlanError
from planner.core.imports import ImportResult
from planner.db import backup as store
from planner.db import profiles, repository
from planner.db.base import utcnow
from planner.plan import plan_from_dict, request_from_dict
from planner.progress.review import schedule_problem
from planner.services.files import read_text, write_atomically
from planner.services.study import DEFAULT_PROFILE_NAME

FORMAT = "lodestar-backup"
VERSION = 1
MOST_DIGITS = 40  # a whole number in a backup: ids, steps and milliseconds need 19 at most


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
        path = Path(path)
        try:
            tables = store.validate(_document(path).get("tables"))
            _check_readable(tables)
        except store.BackupError as exc:
            raise store.BackupError(f"{path.name}: {exc} Nothing was imported.") from None
        with self._session() as session:
            _check_roles(session, tables, path)
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


def _check_readable(tables: dict[str, list[dict]]) -> None:
    """What only the layers above the database can judge: stored plans and card schedules."""
    for number, row in enumerate(tables["study_plans"], start=1):
        for column, read in (("request", request_from_dict), ("plan", plan_from_dict)):
            try:
                read(row[column])
            except (PlanError, RecursionError) as exc:
                raise store.BackupError(f"Backup table study_plans, row {number}, column {column}: "
                                        f"{str(exc)[:200]}") from None
    for number, row in enumerate(tables["cards"], start=1):
        wrong = schedule_problem(row["state"])
        if wrong:
            raise store.BackupError(f"Backup table cards, row {number}, column state: {wrong}.")


def _check_roles(session, tables: dict[str, list[dict]], path: Path) -> None:
    """A profile's roles must be roles of this database's content, once it has any (a backup may
    go into a database not yet synchronised: the readers then skip a role they cannot find)."""
    known = {role.slug for role in repository.roles(session)}
    if not known:
        return
    for number, row in enumerate(tables["profiles"], start=1):
        for column in ("target_role", "secondary_role"):
            if row.get(column) is not None and row[column] not in known:
                raise store.BackupError(
                    f"{path.name}: Backup table profiles, row {number}, column {column}: "
                    f"{row[column]!r:.60} is not one of the roles {', '.join(sorted(known))}. "
                    "Nothing was imported.")


class _TooLong(Exception):
    pass


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > MOST_DIGITS:
        raise _TooLong(text[:20])
    return int(text)


def _document(path: Path) -> dict:
    text = read_text(path, "a Lodestar backup")
    try:
        document = json.loads(text, parse_int=_whole_number)
    except _TooLong as exc:
        raise LodestarError(f"{path} is not a Lodestar backup: it holds a number of more than "
                            f"{MOST_DIGITS} digits ({exc}…).") from None
    except json.JSONDecodeError as exc:
        raise LodestarError(f"{path} is not a Lodestar backup: not JSON "
                            f"(line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    except ValueError as exc:  # int_max_str_digits and the like, should a number get past the check
        raise LodestarError(f"{path} is not a Lodestar backup: {str(exc)[:200]}") from None
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
