"""`python -m planner profile|plan|import|export`: the wizard's fields, plans and every transfer,
headless."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from planner.cli.main import main
from tests.conftest import REPO


@pytest.fixture
def data(tmp_path, shipped_db):
    folder = tmp_path / "data"
    shutil.copytree(shipped_db, folder, ignore=shutil.ignore_patterns("*.lock"))
    return ["--data-dir", str(folder)]


def test_profile_create_show_edit_and_plan(data, tmp_path, capsys):
    target = (date.today() + timedelta(days=400)).isoformat()
    assert main([*data, "profile", "create", "Ada", "--role", "researcher", "--second-role",
                 "educator", "--level", "senior", "--hours", "8", "--days", "mon-fri", "--target", target,
                 "--skill", "python=3", "--skill", "linear-algebra=2"]) == 0
    out = capsys.readouterr().out
    assert "Created profile 'Ada'" in out and "Mon, Tue, Wed, Thu, Fri" in out
    assert "Linear algebra" in out and "2 → 5" in out and "senior level" in out
    assert main([*data, "profile", "edit", "ada", "--hours", "10", "--no-target"]) == 0
    assert "10 h a week" in capsys.readouterr().out
    assert main([*data, "profile", "edit", "ada", "--new-cards", "5"]) == 0
    assert "5 new cards a day" in capsys.readouterr().out
    assert main([*data, "profile", "edit", "ada", "--new-cards", "10000"]) == 1
    assert "New cards a day is a whole number from 0 to 9,999" in capsys.readouterr().err
    assert main([*data, "profile", "list"]) == 0
    assert "Ada" in capsys.readouterr().out

    ics, md = tmp_path / "plan.ics", tmp_path / "plan.md"
    assert main([*data, "plan", "--profile", "Ada", "--json", "--ics", str(ics),
                 "--markdown", str(md)]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["weeks"] and plan["weeks"][0]["items"]
    for week in plan["weeks"]:
        assert week["fill"] == pytest.approx(week["study_hours"] / week["capacity"], abs=1e-3)
        assert week["study_hours"] == pytest.approx(
            sum(i["hours"] for i in week["items"] if i["kind"] != "review"), abs=1e-3)
    pieces = [i for w in plan["weeks"] for i in w["items"] if i["kind"] == "lesson" and i["parts"] > 1]
    assert pieces and all(1 <= i["first_section"] <= i["last_section"] for i in pieces)
    events = list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert events and all(e.decoded("dtstart").weekday() < 5 for e in events)
    assert "# " in md.read_text(encoding="utf-8")


def test_profile_with_zero_hours_is_refused(data, capsys):
    assert main([*data, "profile", "create", "Bo", "--role", "engineer", "--hours", "0"]) == 1
    assert "more than 0" in capsys.readouterr().err
    assert main([*data, "profile", "list"]) == 0
    assert "Bo" not in capsys.readouterr().out


def test_plan_for_an_unknown_profile_names_the_known_ones(data, capsys):
    main([*data, "profile", "create", "Ada", "--role", "engineer"])
    capsys.readouterr()
    assert main([*data, "plan", "--profile", "Zed"]) == 1
    assert "'Zed'" in capsys.readouterr().err


def test_import_bibtex_reports_skipped_lines_and_exit_codes(data, tmp_path, capsys):
    assert main([*data, "import", "bibtex", str(REPO / "tests/content/data/messy.bib")]) == 0
    captured = capsys.readouterr()
    assert "imported" in captured.out or "added" in captured.out
    assert "messy.bib:" in captured.err  # each skipped entry with its line
    garbage = tmp_path / "garbage.bib"
    garbage.write_text("this is not bibtex at all\n", encoding="utf-8")
    assert main([*data, "import", "bibtex", str(garbage)]) == 1
    out = tmp_path / "mine.bib"
    assert main([*data, "export", "bibtex", str(out)]) == 0
    assert "@" in out.read_text(encoding="utf-8")


def test_import_conferences_and_export_followed_deadlines(data, tmp_path, capsys):
    source = REPO / "tests/services/data/my_conferences_aideadlines.yml"
    assert main([*data, "import", "conferences", str(source)]) == 0
    assert "imported" in capsys.readouterr().out
    ics = tmp_path / "deadlines.ics"
    assert main([*data, "export", "ics", str(ics)]) == 0
    assert "follows" in capsys.readouterr().out
    assert Calendar.from_ical(ics.read_bytes()) is not None


def test_backup_round_trip_into_an_empty_database(data, tmp_path, capsys):
    main([*data, "profile", "create", "Ada", "--role", "engineer"])
    backup = tmp_path / "backup.json"
    assert main([*data, "export", "backup", str(backup)]) == 0
    fresh = ["--data-dir", str(tmp_path / "fresh")]
    assert main([*fresh, "import", "backup", str(backup)]) == 0
    capsys.readouterr()
    assert main([*fresh, "profile", "list"]) == 0
    assert "Ada" in capsys.readouterr().out
    assert main([*fresh, "import", "backup", str(backup)]) == 1  # not empty any more
    assert "empty" in capsys.readouterr().err


def test_export_report_as_markdown_and_pdf(data, tmp_path, capsys):
    main([*data, "profile", "create", "Ada", "--role", "engineer"])
    md, pdf = tmp_path / "report.md", tmp_path / "report.pdf"
    assert main([*data, "export", "report", str(md), "--period", "all"]) == 0
    assert "Ada" in md.read_text(encoding="utf-8")
    assert "all time" in capsys.readouterr().out
    # In a process of its own: the PDF writer makes a Qt application, which must not be the
    # one the UI tests of this process later build their widgets on.
    result = subprocess.run([sys.executable, "-m", "planner", *data, "export", "report", str(pdf)],
                            capture_output=True, text=True, cwd=REPO, timeout=120,
                            env={k: v for k, v in os.environ.items() if k != "DISPLAY"})
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "this month" in result.stdout
