"""Reading the files a learner imports, and writing exports so that a failure leaves no
half-written file."""

from __future__ import annotations

from pathlib import Path

from planner.content.files import FileRefused, read_bounded
from planner.core.errors import LodestarError
from planner.db.base import utcnow

MAX_ANY_FILE_BYTES = 1024 * 1024 * 1024  # a backup of years of study is far smaller


def write_atomically(path: Path, data: bytes | str) -> Path:
    """Write `data` (text as UTF-8) to a temporary file beside `path`, then rename it over
    `path`. Raises LodestarError naming the file when the folder cannot be written."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    partial = path.with_name(f".{path.name}.{utcnow():%H%M%S%f}.partial")
    try:
        partial.write_bytes(payload)
        partial.replace(path)
    except OSError as exc:
        raise LodestarError(f"Could not write {path}: {exc.strerror or exc}.") from exc
    finally:
        partial.unlink(missing_ok=True)
    return path


def read_text(path: Path, what: str, max_bytes: int | None = None) -> str:
    """A UTF-8 text file the learner chose (a byte-order mark is allowed), or `LodestarError`
    saying why it cannot be read: missing, a folder, larger than `max_bytes`, not UTF-8 (with
    the line). `what` names what the file should be, as in "a deadline file"."""
    path = Path(path)
    try:
        if max_bytes is not None and (size := path.stat().st_size) > max_bytes:
            raise LodestarError(f"{path}: {size // 1_048_576} MB is far too large for {what}; "
                                "nothing was imported.")
        if path.is_dir():
            raise IsADirectoryError
        if not path.exists():
            raise FileNotFoundError
        # The content layer's bounded reader: no FIFO, device or link to one, no endless file.
        data = read_bounded(path, max_bytes if max_bytes is not None else MAX_ANY_FILE_BYTES)
    except FileNotFoundError:
        raise LodestarError(f"Cannot read {path}: no such file.") from None
    except IsADirectoryError:
        raise LodestarError(f"Cannot read {path}: it is a folder, not {what}.") from None
    except FileRefused as exc:
        raise LodestarError(f"Cannot read {path}: {str(exc).removeprefix('cannot read: ')}.") from None
    except OSError as exc:
        raise LodestarError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise LodestarError(f"{path} is not UTF-8 text (line {line} has byte "
                            f"0x{data[exc.start]:02x}); save it as UTF-8 and import it "
                            "again.") from None
