"""`python -m planner log`: study time logged headless, and the bad input it refuses."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from planner.cli.main import main
from planner.services import Lodestar, resolve

TODAY = "2026-03-11"  # the test clock's day (tests/conftest.py)


@pytest.fixture
def data(tmp_path, shipped_db, capsys):
    folder = tmp_path / "data"
    shutil.copytree(shipped_db, folder, ignore=shutil.ignore_patterns("*.lock"))
    args = ["--data-dir", str(folder)]
    assert main([*args, "profile", "create", "Ada", "--role", "researcher"]) == 0
    assert main([*args, "profile", "create", "Bo", "--role", "engineer"]) == 0
    capsys.readouterr()
    return args


def sessions(data, name: str):
    with Lodestar.open(resolve(data_dir=data[1])) as lodestar:
        return lodestar.study_sessions(lodestar.profile_named(name).id)


def test_log_records_a_session_as_the_dialog_does(data, capsys):
    assert main([*data, "log", "backpropagation", "--minutes", "45", "--today", TODAY]) == 0
    assert capsys.readouterr().out.startswith("Logged 45 minutes on ")
    assert main([*data, "log", "linear-algebra", "--minutes", "30", "--profile", "bo",
                 "--date", "2026-03-02", "--today", TODAY, "--note", "chapter 2"]) == 0
    assert "for Bo on Mon 02 Mar 2026" in capsys.readouterr().out
    (ada,) = sessions(data, "Ada")
    assert (ada.topic, ada.minutes, ada.source.value) == ("backpropagation", 45, "manual")
    (bo,) = sessions(data, "Bo")
    assert bo.topic == "linear-algebra" and bo.note == "chapter 2"
    assert bo.started.astimezone().date() == date(2026, 3, 2)


def test_a_day_before_the_profile_existed_is_fine(data, capsys):
    assert main([*data, "log", "information-theory", "--minutes", "60", "--date", "2025-06-01",
                 "--today", TODAY]) == 0
    assert sessions(data, "Ada")[0].started.astimezone().date() == date(2025, 6, 1)


@pytest.mark.parametrize(("argv", "words"), [
    (["backprop", "--minutes", "20"], "There is no topic 'backprop'; did you mean backpropagation"),
    (["zzzzqqq", "--minutes", "20"], "python -m planner topics"),
    (["backpropagation", "--minutes", "0"], "more than 0 minutes"),
    (["backpropagation", "--minutes", "-5"], "more than 0 minutes"),
    (["backpropagation", "--minutes", "soon"], "takes a number of minutes"),
    (["backpropagation", "--minutes", "961"], "more than 16 hours (960 minutes) in one sitting"),
    (["backpropagation", "--minutes", "20", "--date", "2026-03-12"], "is in the future"),
    (["backpropagation", "--minutes", "20", "--date", "12/03/2026"], "YYYY-MM-DD"),
    (["backpropagation", "--minutes", "20", "--profile", "Cy"], "No profile called 'Cy'"),
])
def test_bad_input_is_one_sentence_and_exit_code_2(data, capsys, argv, words):
    assert main([*data, "log", *argv, "--today", TODAY]) == 2
    captured = capsys.readouterr()
    assert words in captured.err and "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1 and captured.out == ""
    assert sessions(data, "Ada") == [] and sessions(data, "Bo") == []


def test_sixteen_hours_is_the_most_one_sitting_logs(data):
    assert main([*data, "log", "backpropagation", "--minutes", "960", "--date", "2026-03-10",
                 "--today", TODAY]) == 0
    assert sessions(data, "Ada")[0].minutes == 960
