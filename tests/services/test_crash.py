"""kill -9 in the middle of a content sync leaves a consistent database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from planner.services import Lodestar

# Runs a sync that pauses halfway through writing (after the topics are flushed) until killed.
SYNC_THEN_HANG = """
import sys, time
from planner.db import sync
from planner.services import Lodestar, resolve

real_replace = sync._replace
def slow_replace(session, row, attribute, items):
    real_replace(session, row, attribute, items)
    session.flush()
    print("mid-sync", flush=True)
    time.sleep(120)

sync._replace = slow_replace
lodestar = Lodestar.open(resolve(data_dir=sys.argv[1]))
lodestar.sync_content(sys.argv[2], force=True)
"""


def test_kill_during_sync(location, pack):
    with Lodestar.open(location) as lodestar:
        lodestar.sync_content(pack.root)
    pack.edit("topics/basics/beta.md", "hours: 2", "hours: 9")
    pack.topic("zeta", "advanced", prereqs=["gamma"])
    proc = subprocess.Popen([sys.executable, "-c", SYNC_THEN_HANG, str(location.data_dir),
                             str(pack.root)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "mid-sync"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with Lodestar.open(location) as lodestar:
        # Nothing of the interrupted sync is visible: the old content, whole.
        assert lodestar.topic("beta").hours == 2
        assert [t.slug for t in lodestar.topics()] == ["alpha", "beta", "gamma"]
        with lodestar._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        # ...and the next start finishes the job.
        assert not lodestar.content_is_current(pack.root)
        report = lodestar.sync_content(pack.root)
        assert report.added == 1 and report.updated == 1
        assert lodestar.topic("zeta").prerequisites == ("gamma",)
