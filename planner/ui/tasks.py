"""Database work off the GUI thread, as Anki's taskman does it.

One worker thread runs every task in submission order (SQLite has one writer anyway); the
`on_done`/`on_error` callbacks run back on the GUI thread through a queued signal. Task functions
must never touch a widget.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)


class TaskManager(QObject):
    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lodestar-db")
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.pending = 0

    def run(self, task: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None) -> Future:
        """Run `task()` on the database thread; then `on_done(result)` on the GUI thread."""
        self.pending += 1
        future = self._pool.submit(task)
        future.add_done_callback(lambda f: self._finished.emit((f, on_done, on_error)))
        return future

    def _deliver(self, packet: tuple[Future, Callable | None, Callable | None]) -> None:
        future, on_done, on_error = packet
        self.pending -= 1
        error = future.exception()
        if error is not None:
            if on_error is not None:
                on_error(error)
            else:
                log.error("background task failed", exc_info=error)
        elif on_done is not None:
            on_done(future.result())

    def shutdown(self) -> None:
        """Wait for the running task (a write must finish or roll back whole) and stop."""
        self._pool.shutdown(wait=True, cancel_futures=True)
