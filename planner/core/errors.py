"""Errors every layer raises and every front end knows how to show."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class LodestarError(Exception):
    """Base class of the errors a user is shown as a message rather than a traceback."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a content pack, at a place a person can open in an editor."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class ContentError(LodestarError):
    """A content pack that failed validation; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the content pack"
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))


class DatabaseError(LodestarError):
    """A database that cannot be opened as it is. `path` is the file, when there is one."""

    def __init__(self, message: str, path: Path | None = None):
        self.path = path
        super().__init__(message)


class NotADatabaseError(DatabaseError):
    """The file is not an SQLite database, or SQLite itself finds it damaged."""


class StorageError(LodestarError):
    """The database is sound but cannot be used now: a read-only file or folder, a full disk,
    another program writing to it, a data folder that is a file. Not damage: nothing needs
    restoring, and the message says what to do. `path` is the file or folder, when known."""

    def __init__(self, message: str, path: Path | None = None):
        self.path = path
        super().__init__(message)


class NewerSchemaError(DatabaseError):
    """The database was written by a newer Lodestar than this one."""


class MigrationError(DatabaseError):
    """An upgrade failed; the database was left as it was before the upgrade."""


class AlreadyRunningError(LodestarError):
    """Another Lodestar process holds the database."""

    def __init__(self, message: str, pid: int | None = None):
        self.pid = pid
        super().__init__(message)


class LockFileError(StorageError):
    """The lock file cannot be used safely: a symbolic link, a folder or not a regular file.
    `path` is the lock file."""

    def __init__(self, message: str, path: Path):
        super().__init__(message, path)


class NotFoundError(LodestarError):
    """A slug or id that names nothing."""


class LabConfigError(LodestarError):
    """A lab setting outside what the lab allows; names the field and its allowed values."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


class CheckpointError(LodestarError):
    """A checkpoint that cannot be used: another lab's, another shape, or not a checkpoint."""


class PlanError(LodestarError):
    """A plan that cannot be made from this input: zero hours, a target date in the past, a role
    no topic teaches, a prerequisite cycle. `field` names the profile field to fix, if one is."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)
