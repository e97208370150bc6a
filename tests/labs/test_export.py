"""`lab export`: standalone scripts that run without Lodestar, alone and under torchrun (DDP)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli.main import main
from planner.labs import LABS

pytestmark = pytest.mark.slow


def run_script(path: Path, *args: str, launcher: list[str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["OMP_NUM_THREADS"] = "1"
    command = (launcher or [sys.executable]) + [str(path), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=path.parent, env=env, timeout=300)


@pytest.mark.parametrize("lab", [lab.slug for lab in LABS])
def test_exported_script_is_standalone_and_trains(lab, tmp_path, capsys):
    target = tmp_path / f"{lab}.py"
    assert main(["lab", "export", lab, str(target)]) == 0
    assert "torchrun" in capsys.readouterr().out
    code = target.read_text()
    assert not re.search(r"^\s*(from|import)\s+planner", code, re.M)  # no Lodestar import
    small = {"transformer": ["--steps_per_epoch", "3", "--sample_length", "5"],
             "attention": ["--steps_per_epoch", "3"],
             "bpe-tokeniser": ["--merges_per_epoch", "20"],
             "lora": ["--pretrain_steps", "3", "--steps_per_epoch", "3", "--width", "16", "--heads", "2"]
             }.get(lab, [])
    result = run_script(target, "--epochs", "1", "--device", "cpu", *small)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "epoch 1" in result.stdout or lab == "gan"
    assert (tmp_path / f"{lab}.pt").exists()


def test_exported_script_runs_data_parallel_under_torchrun(tmp_path):
    torchrun = shutil.which("torchrun", path=str(Path(sys.executable).parent))
    if torchrun is None:
        pytest.skip("torchrun is not installed next to this Python")
    target = tmp_path / "cnn.py"
    assert main(["lab", "export", "cnn", str(target)]) == 0
    result = run_script(target, "--epochs", "1", "--device", "cpu",
                        launcher=[torchrun, "--standalone", "--nproc_per_node=2"])
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("epoch 1:") == 1  # only rank 0 reports
    assert "test accuracy" in result.stdout
