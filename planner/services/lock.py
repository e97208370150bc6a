"""One Lodestar at a time per data folder: an OS file lock, released even by a crash."""

from __future__ import annotations

import os
from pathlib import Path

from planner.core.errors import AlreadyRunningError, StorageError


class InstanceLock:
    """Holds an exclusive lock on `path` until `release()` or process exit."""

    def __init__(self, path: Path):
        self.path = path
        self._handle = None

    def acquire(self) -> InstanceLock:
        """Take the lock; `AlreadyRunningError` if another process holds it, `StorageError` if
        the lock file cannot be made (its path is a folder, the data folder is read-only)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"Cannot create the data folder {self.path.parent}: "
                               f"{exc.strerror or exc}; name another with --data-dir.",
                               self.path.parent) from None
        if self.path.is_dir():
            raise StorageError(f"The lock file {self.path} is a folder; move or remove it so that "
                               "Lodestar can lock its data folder.", self.path)
        try:
            handle = open(self.path, "a+")  # noqa: SIM115 - held open for the life of the lock
        except OSError as exc:
            raise StorageError(f"Cannot write the lock file {self.path} ({exc.strerror or exc}); "
                               "Lodestar needs a data folder it can write to (choose one with "
                               "--data-dir).", self.path) from None
        try:
            _lock(handle)
        except OSError:
            handle.seek(0)
            text = handle.read().strip()
            handle.close()
            pid = int(text) if text.isdigit() else None
            who = f" (process {pid})" if pid else ""
            raise AlreadyRunningError(
                f"Lodestar is already running on this data folder{who}. Switch to that window, "
                f"or close it first. Lock file: {self.path}", pid) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            _unlock(self._handle)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
