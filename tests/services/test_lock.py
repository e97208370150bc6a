"""A second Lodestar on the same data folder is told, in this process or another."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from planner.core.errors import AlreadyRunningError, LockFileError
from planner.services import Lodestar
from planner.services.lock import InstanceLock

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
    with Lodestar.open(location):
        result = subprocess.run([sys.executable, "-c", SECOND, str(location.data_dir)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 3, result.stderr
    assert result.stdout.strip() == f"refused: {os.getpid()}"


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_lock_file_that_is_a_link_is_refused_and_its_target_is_untouched(location, tmp_path):
    precious = tmp_path / "thesis.tex"
    precious.write_text("three years of work\n")
    location.lock_file.parent.mkdir(parents=True, exist_ok=True)
    location.lock_file.symlink_to(precious)
    with pytest.raises(LockFileError, match="symbolic link") as refused:
        Lodestar.open(location)
    assert str(location.lock_file) in str(refused.value)
    assert "Move it out of the data folder" in str(refused.value)
    assert precious.read_text() == "three years of work\n"
    assert not (location.data_dir / "lodestar.sqlite3").exists()


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_dangling_link_as_lock_file_creates_nothing(location, tmp_path):
    target = tmp_path / "elsewhere" / "created-by-lodestar"
    location.lock_file.parent.mkdir(parents=True, exist_ok=True)
    location.lock_file.symlink_to(target)
    with pytest.raises(LockFileError, match="symbolic link"):
        InstanceLock(location.lock_file).acquire()
    assert not target.exists()


def test_a_folder_as_lock_file_is_refused_with_its_path(location):
    location.lock_file.mkdir(parents=True)
    with pytest.raises(LockFileError, match="is a folder") as refused:
        Lodestar.open(location)
    assert str(location.lock_file) in str(refused.value)


def test_the_lock_file_is_private_and_keeps_the_holders_pid(location):
    with InstanceLock(location.lock_file):
        assert location.lock_file.read_text() == str(os.getpid())
        if os.name != "nt":
            assert location.lock_file.stat().st_mode & 0o077 == 0
        with pytest.raises(AlreadyRunningError):  # the refused second try must not wipe it
            InstanceLock(location.lock_file).acquire()
        assert location.lock_file.read_text() == str(os.getpid())


def test_a_stale_longer_pid_is_replaced_whole(location):
    location.lock_file.parent.mkdir(parents=True)
    location.lock_file.write_text("9" * 20)
    with InstanceLock(location.lock_file):
        assert location.lock_file.read_text() == str(os.getpid())
