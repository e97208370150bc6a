"""A second Lodestar on the same data folder is told, in this process or another."""

from __future__ import annotations

import subprocess
import sys

import pytest

from planner.core.errors import AlreadyRunningError
from planner.services import Lodestar

SECOND = """
import sys
from planner.core.errors import AlreadyRunningError
from planner.services import Lodestar, resolve
try:
    Lodestar.open(resolve(data_dir=sys.argv[1]))
except AlreadyRunningError as exc:
    print("refused:", exc.pid)
    raise SystemExit(3)
print("opened")
"""


def test_second_open_is_refused_and_released_on_close(location):
    with Lodestar.open(location), pytest.raises(AlreadyRunningError, match="already running"):
        Lodestar.open(location)
    with Lodestar.open(location):
        pass  # released


def test_another_process_is_refused(location):
    import os

    with Lodestar.open(location):
        result = subprocess.run([sys.executable, "-c", SECOND, str(location.data_dir)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 3, result.stderr
    assert result.stdout.strip() == f"refused: {os.getpid()}"
