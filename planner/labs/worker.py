"""The lab worker process: imports torch, runs one lab, streams its events to the parent.

This module is imported by the parent too (the spawn start method pickles `run` by name), so
torch is imported inside `run` only.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import signal
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from planner.core.events import Checkpoint, Failed, Finished, Metric, Started
from planner.labs.devices import worker_threads

FLUSH_SECONDS = 0.05


def _exit_with_parent() -> None:
    """Exit at once if the process that started us goes away (the app crashed or was killed)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch():
        parent.join()
        os._exit(3)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class _Outbox:
    """Batches metric events and sends them at most every 50 ms; anything else goes at once."""

    def __init__(self, queue):
        self.queue = queue
        self.pending: list[Any] = []
        self.last = time.perf_counter()

    def send(self, event) -> None:
        self.pending.append(event)
        now = time.perf_counter()
        if not isinstance(event, Metric) or now - self.last >= FLUSH_SECONDS:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        if self.pending:
            self.queue.put(self.pending)
            self.pending = []
        self.last = now or time.perf_counter()


def run(lab: str, config: dict, device: str, queue, stop, running, checkpoint_dir: str | None,
        resume: str | None, resources_dir: str | None, threads: int | None) -> None:
    """Entry point of the worker process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is the parent's to handle
    _exit_with_parent()
    outbox = _Outbox(queue)
    step_seen = [0]
    try:
        import torch

        count = threads or worker_threads()
        torch.set_num_threads(count)
        with contextlib.suppress(RuntimeError):  # already set: only possible before any parallel work
            torch.set_num_interop_threads(1)
        summary = _train(lab, config, device, outbox, stop, running, checkpoint_dir, resume,
                         resources_dir, step_seen)
        outbox.send(Finished(summary))
    except BaseException as exc:  # everything reaches the parent as Failed; nothing hangs
        outbox.send(_failure(exc, step_seen[0]))
    finally:
        outbox.flush()
        queue.close()
        queue.join_thread()


def _train(lab, config, device, outbox, stop, running, checkpoint_dir, resume, resources_dir, step_seen):
    from planner.labs import engine
    from planner.labs.catalogue import lab_info
    from planner.labs.config import as_dict, from_dict

    info = lab_info(lab)
    cfg = from_dict(info.config, config)
    session = engine.Session(
        lab=lab, config=cfg, device=engine.pick_device(device),
        control=engine.Control(stop, running),
        checkpoint_dir=Path(checkpoint_dir) if checkpoint_dir else None,
        resume_path=Path(resume) if resume else None,
        resources_dir=Path(resources_dir) if resources_dir else None)
    module = importlib.import_module(f"planner.labs.{info.module}")
    loop = module.train(cfg, session)
    result: dict[str, Any] = {}
    checkpoints: list[str] = []
    started = False
    while True:
        try:
            event = next(loop)
        except StopIteration as end:
            result = end.value or {}
            break
        if isinstance(event, Metric):
            step_seen[0] = event.step
        elif isinstance(event, Started):
            started = True
            event = Started(event.lab, engine.describe_device(session.device), event.params,
                            as_dict(cfg), str(resume or ""))
        elif isinstance(event, Checkpoint):
            checkpoints.append(event.path)
        outbox.send(event)
    if not started:
        raise RuntimeError(f"lab {lab!r} never reported Started")
    stopped = stop.is_set()
    return {"lab": lab, "config": as_dict(cfg), "device": engine.describe_device(session.device),
            "seconds": round(session.seconds(), 3), "stopped": stopped,
            "target": info.target, "checkpoints": checkpoints, **result}


def _failure(exc: BaseException, step: int) -> Failed:
    from planner.core.errors import LodestarError

    detail = "".join(traceback.format_exception(exc))
    name = type(exc).__name__
    if name == "Diverged":
        return Failed(str(exc), "", getattr(exc, "step", step))
    if isinstance(exc, LodestarError):
        return Failed(str(exc), "", step or None)
    if isinstance(exc, MemoryError) or "OutOfMemoryError" in name or "out of memory" in str(exc).lower():
        return Failed("the lab ran out of memory; try a smaller batch size or model", detail, step or None)
    if isinstance(exc, KeyboardInterrupt):
        return Failed("the lab worker was interrupted", detail, step or None)
    return Failed(f"the lab crashed: {name}: {exc}", detail, step or None)
