"""Start a lab in its own process and follow it from the parent. Torch-free.

The worker is started with the `spawn` method (CUDA cannot be used in a forked child, and a
fresh interpreter keeps torch out of the app). Events arrive in batches over a queue; pause and
stop travel the other way as two events. The parent never hangs on a dead worker: `poll` notices
the process has gone and reports `Failed` if the worker could not say so itself.

Nor does it wait for a worker to exit: after its last event a worker takes a second or more to
tear down PyTorch. `poll` hands out the end at once; `exited` (never blocks) and `wait_exit`
follow the process out, and a worker still there `EXIT_GRACE` seconds after its end is killed.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import signal
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from planner.core.events import Failed, Finished, LabEvent
from planner.labs import devices
from planner.labs.catalogue import lab_info
from planner.labs.config import LabConfig, as_dict, validate
from planner.labs.worker import run as worker_main

DEVICES = ("auto", "cpu", "cuda", "mps")
EXIT_GRACE = 10.0  # seconds a worker has to exit after its last event


class LabRunner:
    """One run of one lab in a worker process."""

    def __init__(self, lab: str, config: LabConfig, *, device: str = "auto",
                 checkpoint_dir: Path | None = None, resume: Path | None = None,
                 resources_dir: Path | None = None, threads: int | None = None):
        info = lab_info(lab)
        if not isinstance(config, info.config):
            raise TypeError(f"{lab} takes a {info.config.__name__}, not {type(config).__name__}")
        if device not in DEVICES and not device.startswith("cuda:"):
            from planner.core.errors import LabConfigError
            raise LabConfigError("device", f"{device!r} is not one of {', '.join(DEVICES)}")
        self.lab = lab
        self.config = validate(config)
        self.device = device
        self._ctx = multiprocessing.get_context("spawn")
        self._queue = self._ctx.Queue()
        self._stop = self._ctx.Event()
        self._running = self._ctx.Event()
        self._running.set()
        self._args = (lab, as_dict(config), device, self._queue, self._stop, self._running,
                      str(checkpoint_dir) if checkpoint_dir else None,
                      str(resume) if resume else None,
                      str(resources_dir) if resources_dir else None, threads)
        self._process = None
        self._ended = False
        self._stop_asked_at: float | None = None
        self._exit_by = float("inf")

    # -- control ---------------------------------------------------------------------------------
    def start(self) -> LabRunner:
        """Spawn the worker (returns at once; the worker needs a second or two to import torch)."""
        self._process = self._ctx.Process(target=worker_main, args=self._args, daemon=True,
                                          name=f"lodestar-lab-{self.lab}")
        self._process.start()
        return self

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def stop(self) -> None:
        """Ask the worker to stop after its current step, save a checkpoint and finish."""
        self._stop.set()
        self._running.set()
        if self._stop_asked_at is None:
            self._stop_asked_at = time.monotonic()

    def kill(self) -> None:
        """End the worker at once (no checkpoint); the next `poll` reports it."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(5)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def ended(self) -> bool:
        """True once `Finished` or `Failed` has been handed out."""
        return self._ended

    # -- events ----------------------------------------------------------------------------------
    def poll(self, timeout: float = 0.0, stop_grace: float = 30.0) -> list[LabEvent]:
        """Every event that has arrived, waiting up to `timeout` seconds for the first."""
        if self._ended:
            return []
        events: list[LabEvent] = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                wait = max(0.0, deadline - time.monotonic()) if not events else 0.0
                batch = self._queue.get(timeout=wait) if wait > 0 else self._queue.get_nowait()
            except queue_module.Empty:
                break
            events.extend(batch)
            if any(isinstance(e, (Finished, Failed)) for e in batch):
                break
        if any(isinstance(e, (Finished, Failed)) for e in events):
            self._end()
        elif self._process is not None and not self._process.is_alive():
            events.extend(self._drain_after_exit())
        elif self._stop_asked_at is not None and time.monotonic() - self._stop_asked_at > stop_grace:
            self.kill()
            self._process.join(5)
            events.append(Failed(f"the lab did not stop within {stop_grace:g} s and was ended"))
            self._end()
        return events

    def events(self, interval: float = 0.05) -> Iterator[LabEvent]:
        """Every event until the run ends (for the command line and tests)."""
        while not self._ended:
            yield from self.poll(timeout=interval)

    def _drain_after_exit(self) -> list[LabEvent]:
        events: list[LabEvent] = []
        try:  # the worker may have died right after its last put
            while True:
                events.extend(self._queue.get(timeout=0.2))
        except (queue_module.Empty, EOFError, OSError):
            pass
        if not any(isinstance(e, (Finished, Failed)) for e in events):
            events.append(Failed(_death_message(self._process.exitcode)))
        self._end()
        return events

    def _end(self) -> None:
        """The run is over; its worker is on its way out (see `exited`)."""
        self._ended = True
        self._exit_by = time.monotonic() + EXIT_GRACE

    def exited(self) -> bool:
        """Whether the worker process has gone, without waiting. After the run's end, a worker
        still there past `EXIT_GRACE` is killed (and has gone by a later call)."""
        process = self._process
        if process is None:
            return True
        if process.is_alive():
            if time.monotonic() > self._exit_by:
                process.kill()
            return False
        process.join(0)  # collect the exit status
        return True

    def wait_exit(self, timeout: float = EXIT_GRACE) -> None:
        """Wait up to `timeout` seconds for the worker to exit, then kill it."""
        if self._process is not None and self._process.is_alive():
            self._process.join(timeout)
            if self._process.is_alive():
                self.kill()

    def close(self, wait: bool = True) -> None:
        """Release the queue. A worker whose run has not ended is killed; one that has is given
        `EXIT_GRACE` to exit, waited for here unless `wait` is False (then follow it with
        `exited`)."""
        if not self._ended:
            self.kill()
        elif wait:
            self.wait_exit()
        self._ended = True
        self._queue.close()
        self._queue.cancel_join_thread()


_probe: Future | None = None


def probe_devices() -> Future:
    """The devices PyTorch can use here, as a future of `devices.available()`'s list, asked of
    a spawned process once per session (it imports torch: a second or two, off this process)."""
    global _probe
    if _probe is None:
        executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        _probe = executor.submit(devices.available)
        _probe.add_done_callback(lambda _: executor.shutdown(wait=False))
    return _probe


def _death_message(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (the system may have run out of memory)" if -code == signal.SIGKILL else ""
        return f"the lab worker was killed by {name}{hint}"
    return f"the lab worker exited unexpectedly with code {code}"
