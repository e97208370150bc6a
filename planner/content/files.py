"""Reading a content or import file without trusting it: one bounded reader for every file of a
pack and every deadline file a learner imports.

A pack file can be anything a folder can hold: a symbolic link to /dev/zero, a FIFO named
`*.yml` (opening one blocks until a writer comes), a device, or a multi-gigabyte file. Only a
regular file of at most `max_bytes` is read; the check is made on the file as opened (after
links are followed), which is opened non-blocking so a FIFO cannot hang the read, and at most
`max_bytes + 1` bytes are read whatever the size reported beforehand.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 2 * 1024 * 1024  # a lesson or a YAML file; the largest shipped one is ~40 kB
MAX_IMAGE_BYTES = 4 * 1024 * 1024  # an image in a lesson


class FileRefused(OSError):
    """A file that is not read: not a regular file, too large, or unreadable. The message says
    why in words a content author understands."""


def read_bounded(path: Path | str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at `path`, or `FileRefused` when it is not a regular file
    (a folder, FIFO, device or socket, also behind a link), holds more than `max_bytes`, or
    cannot be opened."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        before = os.stat(path)  # follows links: the kind of what is actually named
    except OSError as exc:
        raise FileRefused(f"cannot read: {exc.strerror or exc}") from None
    _check_kind(before.st_mode, before.st_size, max_bytes)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise FileRefused(f"cannot read: {exc.strerror or exc}") from None
    try:
        opened = os.fstat(fd)  # the file may have been swapped between stat and open
        _check_kind(opened.st_mode, opened.st_size, max_bytes)
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except BlockingIOError:
        raise FileRefused("cannot read: the file is not ready (not a regular file)") from None
    except OSError as exc:
        raise FileRefused(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise FileRefused(f"the file grew past {_size(max_bytes)} while it was read; not read")
    return data


def _check_kind(mode: int, size: int, max_bytes: int) -> None:
    if stat.S_ISDIR(mode):
        raise FileRefused("cannot read: it is a folder, not a file")
    if not stat.S_ISREG(mode):
        kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise FileRefused(f"cannot read: it is {kind}, not a regular file")
    if size > max_bytes:
        raise FileRefused(f"the file is {_size(size)}, more than the {_size(max_bytes)} a content "
                          "file may be; not read")


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    return f"{count / 1024:.0f} kB" if count >= 1024 else f"{count} bytes"


def pack_path(root: Path | str, relative: str) -> Path | None:
    """`relative` (a pack-relative path with '/' separators) as a path inside the pack at
    `root` once links are resolved, or None when it names anything outside it."""
    if not relative or "\x00" in relative or relative.startswith(("/", "\\")) or ":" in relative:
        return None
    base = Path(root).resolve()
    try:
        target = (base / relative).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    return target if target != base and target.is_relative_to(base) else None


def read_pack_file(root: Path | str, relative: str, max_bytes: int = MAX_FILE_BYTES) -> bytes | None:
    """The bytes of the pack file `relative`, or None when it is outside the pack or refused."""
    path = pack_path(root, relative)
    if path is None:
        return None
    try:
        return read_bounded(path, max_bytes)
    except FileRefused:
        return None
