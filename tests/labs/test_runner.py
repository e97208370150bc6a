"""The worker process: events arrive, pause and stop work, and a worker that dies or fails never
leaves the parent waiting."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from planner.core.events import Checkpoint, Failed, Finished, Metric, Started
from planner.labs import LabRunner, lab_info, with_settings

pytestmark = pytest.mark.slow


def runner(lab: str, tmp_path, resume=None, **settings) -> LabRunner:
    cfg = with_settings(lab_info(lab).config(), settings)
    return LabRunner(lab, cfg, device="cpu", checkpoint_dir=tmp_path, resume=resume, threads=1)


def collect(run: LabRunner, timeout: float = 120) -> list:
    events, deadline = [], time.monotonic() + timeout
    while not run.ended:
        assert time.monotonic() < deadline, "the runner did not end"
        events.extend(run.poll(timeout=0.1))
    return events


def test_worker_streams_events_and_finishes(tmp_path):
    run = runner("mlp-from-scratch", tmp_path, epochs=2, hidden=16).start()
    try:
        events = collect(run)
    finally:
        run.close()
    assert isinstance(events[0], Started) and events[0].device.startswith("cpu")
    assert any(isinstance(e, Metric) and e.name == "test/accuracy" for e in events)
    finished = events[-1]
    assert isinstance(finished, Finished)
    summary = finished.summary
    assert summary["lab"] == "mlp-from-scratch" and not summary["stopped"]
    assert summary["config"]["epochs"] == 2 and summary["seconds"] > 0
    assert summary["checkpoints"] and os.path.exists(summary["checkpoints"][0])


class Watched:
    """A worker process whose blocking joins are counted."""

    def __init__(self, process):
        self.process, self.blocking_joins = process, 0

    def join(self, timeout=None):
        self.blocking_joins += timeout is None or timeout > 0
        return self.process.join(timeout)

    def __getattr__(self, name):
        return getattr(self.process, name)


def test_the_end_is_handed_out_without_waiting_for_the_worker_to_exit(tmp_path):
    run = runner("mlp-from-scratch", tmp_path, epochs=1, hidden=16).start()
    watched = run._process = Watched(run._process)
    try:
        events = collect(run)
        assert isinstance(events[-1], Finished)
        assert watched.blocking_joins == 0  # poll never waited on the process
        deadline = time.monotonic() + 30
        while not run.exited():
            assert time.monotonic() < deadline, "the worker did not exit after its run"
            time.sleep(0.05)
        assert watched.blocking_joins == 0 and watched.exitcode == 0
    finally:
        run.close()


class Lingering:
    """A process that will not exit on its own."""

    def __init__(self):
        self.killed = False

    def is_alive(self):
        return not self.killed

    def kill(self):
        self.killed = True

    def join(self, timeout=None):
        pass


def test_a_worker_lingering_past_its_grace_is_killed(monkeypatch):
    import planner.labs.runner as runner_module

    run = LabRunner("cnn", lab_info("cnn").config(), device="cpu")
    run._process = process = Lingering()
    run._end()
    assert not run.exited() and not process.killed  # within its grace: left to exit
    monkeypatch.setattr(runner_module, "EXIT_GRACE", -1.0)
    run._end()
    assert not run.exited() and process.killed  # past it: killed
    assert run.exited()
    run.close()


def test_pause_holds_the_run_and_stop_saves_a_checkpoint(tmp_path):
    run = runner("cnn", tmp_path, epochs=200, channels=4).start()
    try:
        events = []
        while not any(isinstance(e, Metric) for e in events):
            events.extend(run.poll(timeout=0.2))
        run.pause()
        time.sleep(1.0)  # let a step in flight finish
        events.extend(run.poll())
        held = run.poll(timeout=1.0)
        assert not [e for e in held if isinstance(e, Metric)], "metrics arrived while paused"
        run.resume()
        events.extend(run.poll(timeout=5.0))
        run.stop()
        events.extend(collect(run))
    finally:
        run.close()
    assert any(isinstance(e, Checkpoint) for e in events)
    assert isinstance(events[-1], Finished) and events[-1].summary["stopped"]
    assert max(e.epoch for e in events if isinstance(e, Metric)) < 200


def test_killed_worker_is_reported_failed(tmp_path):
    run = runner("cnn", tmp_path, epochs=200, channels=4).start()
    try:
        events = []
        while not any(isinstance(e, Metric) for e in events):
            events.extend(run.poll(timeout=0.2))
        os.kill(run.pid, signal.SIGKILL)
        events.extend(collect(run, timeout=30))
    finally:
        run.close()
    assert isinstance(events[-1], Failed)
    assert events[-1].error == "the lab worker was killed by SIGKILL (the system may have run out of memory)"


def test_diverging_run_fails_with_the_step(tmp_path):
    run = runner("mlp-from-scratch", tmp_path, lr=10.0, epochs=3).start()
    try:
        events = collect(run)
    finally:
        run.close()
    failed = events[-1]
    assert isinstance(failed, Failed) and failed.step is not None
    assert f"at step {failed.step}; try a lower learning rate" in failed.error


def test_bad_checkpoint_fails_with_a_clear_message(tmp_path):
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"garbage")
    run = runner("cnn", tmp_path, resume=broken, epochs=1, channels=4).start()
    try:
        events = collect(run)
    finally:
        run.close()
    assert isinstance(events[-1], Failed)
    assert "broken.pt is not a readable Lodestar checkpoint" in events[-1].error


PARENT = textwrap.dedent("""
    import sys, time
    from planner.labs import LabRunner
    from planner.labs.catalogue import CnnConfig
    if __name__ == "__main__":
        run = LabRunner("cnn", CnnConfig(epochs=500, channels=4), device="cpu", threads=1).start()
        while not run.poll(timeout=0.2):
            pass
        print(run.pid, flush=True)
        time.sleep(600)
""")


def test_worker_exits_when_its_parent_dies(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        worker_pid = int(parent.stdout.readline())
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                os.kill(worker_pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        pytest.fail("the worker outlived its parent")
    finally:
        parent.kill()


def test_missing_gpu_is_a_clear_failure(tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    cfg = with_settings(lab_info("cnn").config(), {"epochs": "1", "channels": "4"})
    run = LabRunner("cnn", cfg, device="cuda", checkpoint_dir=tmp_path, threads=1).start()
    try:
        events = collect(run)
    finally:
        run.close()
    assert isinstance(events[-1], Failed)
    assert events[-1].error.startswith("device: CUDA was asked for, but")


def test_device_probe_answers_from_a_process_of_its_own():
    import torch

    from planner.labs.runner import probe_devices

    found = probe_devices().result(timeout=120)
    assert found[0][0] == "cpu"
    assert any(d.startswith("cuda") for d, _ in found) == torch.cuda.is_available()
    assert probe_devices() is probe_devices()  # asked once per session
