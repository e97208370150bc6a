"""Writing the learner's exports so that a failure leaves no half-written file."""

from __future__ import annotations

from pathlib import Path

from planner.core.errors import LodestarError
from planner.db.base import utcnow


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
