"""One Lodestar at a time per data folder: an OS file lock, released even by a crash.

The lock file is opened without following a symbolic link and is never truncated before the
lock is held: a lock file that is a link to another file must not destroy that file, and a
second Lodestar must not wipe the pid the first one wrote.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from planner.core.errors import AlreadyRunningError, LockFileError, StorageError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # absent on Windows, where links need privileges
_BINARY = getattr(os, "O_BINARY", 0)


class InstanceLock:
    """Holds an exclusive lock on `path` until `release()` or process exit."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        """Take the lock; `AlreadyRunningError` if another process holds it, `LockFileError` if
        the lock file is a link, a folder or not a regular file, `StorageError` if the data
        folder cannot be made or written."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"Cannot create the data folder {self.path.parent}: "
                               f"{exc.strerror or exc}; name another with --data-dir.",
                               self.path.parent) from None
        fd = self._open()
        try:
            _lock(fd)
        except OSError:
            text = _read(fd)
            os.close(fd)
            pid = int(text) if text.isdigit() else None
            who = f" (process {pid})" if pid else ""
            raise AlreadyRunningError(
                f"Lodestar is already running on this data folder{who}. Switch to that window, "
                f"or close it first. Lock file: {self.path}", pid) from None
        try:  # only the holder rewrites the file, and only through the descriptor it holds
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, str(os.getpid()).encode("ascii"))
        except OSError:
            _unlock(fd)
            os.close(fd)
            raise
        self._fd = fd
        return self

    def _open(self) -> int:
        """The lock file's descriptor, created 0600 if missing; refuses anything but a regular file."""
        if self.path.is_symlink():
            raise self._refuse("is a symbolic link")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _BINARY, 0o600)
        except IsADirectoryError:
            raise self._refuse("is a folder") from None
        except OSError as exc:
            if self.path.is_symlink():  # ELOOP: replaced by a link after the check above
                raise self._refuse("is a symbolic link") from None
            if self.path.is_dir():
                raise self._refuse("is a folder") from None
            raise LockFileError(f"Cannot open the lock file {self.path}: {exc.strerror or exc}. "
                                f"Check the data folder's permissions.", self.path) from None
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            os.close(fd)
            raise self._refuse("is a folder" if stat.S_ISDIR(mode) else "is not a regular file")
        return fd

    def _refuse(self, what: str) -> LockFileError:
        return LockFileError(
            f"The lock file {self.path} {what}; Lodestar will not write through it. "
            f"Move it out of the data folder (Lodestar creates a new lock file) and start again.",
            self.path)

    def release(self) -> None:
        if self._fd is not None:
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _read(fd: int) -> str:
    """The pid another holder wrote (a few bytes); never more than a small read."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 32).decode("ascii", "replace").strip()
    except OSError:
        return ""


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
