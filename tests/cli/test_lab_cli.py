"""`python -m planner lab …`: list, run with a JSON summary recorded in the database, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from planner.cli.main import main
from planner.core.models import LabRunStatus
from planner.services import Lodestar, resolve
from tests.conftest import REPO


def test_lab_list_names_every_lab_and_its_target(capsys):
    assert main(["lab", "list"]) == 0
    out = capsys.readouterr().out
    for slug in ("mlp-from-scratch", "cnn", "rnn-lstm-gru", "attention", "transformer", "gan", "vae",
                 "optimisers", "compression", "vit", "bpe-tokeniser", "lora", "diffusion"):
        assert slug in out
    assert main(["lab", "list", "cnn"]) == 0
    assert "lr               = 0.003" in capsys.readouterr().out


@pytest.mark.slow
def test_lab_run_json_summary_is_recorded(tmp_path):
    data = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-m", "planner", "--data-dir", str(data), "lab", "run", "cnn", "--epochs", "1",
         "--device", "cpu", "--set", "channels=4", "--set", "lr=0.01", "--json"],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["lab"] == "cnn" and summary["device"].startswith("cpu")
    assert summary["config"]["lr"] == 0.01 and summary["config"]["epochs"] == 1
    assert set(summary) >= {"seconds", "metrics", "target_reached", "run"}
    assert isinstance(summary["target_reached"], bool)
    with Lodestar.open(resolve(None, str(data))) as lodestar:
        run = lodestar.lab_run(summary["run"])
        assert run.status is LabRunStatus.FINISHED
        assert run.checkpoint and run.checkpoint.startswith(str(data))
        curves = lodestar.lab_run_metrics(run.id)
    assert len(curves["train/loss"]) == 23  # 1,437 training digits in batches of 64
    assert curves["test/accuracy"][0].value == pytest.approx(summary["metrics"]["test/accuracy"])


def test_out_of_range_setting_is_refused_before_anything_runs(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "lab", "run", "cnn", "--set", "lr=50"]) == 1
    assert "error: lr: 50.0 is out of range: must be a number from 1e-06 to 10" in capsys.readouterr().err
    assert not (tmp_path / "checkpoints").exists()


def test_unknown_lab_is_refused(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "lab", "run", "resnet"]) == 1
    assert "no lab called 'resnet'" in capsys.readouterr().err


def test_app_and_command_line_stay_torch_free():
    code = ("import sys, planner.labs, planner.labs.runner, planner.cli.main, planner.ui.app, "
            "planner.ui.main_window; from planner.labs import LABS, specs; [specs(l.config) for l in LABS]; "
            "print('torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
