"""`python -m planner`: content check/sync, db upgrade/backup, info, topics, roles."""

from __future__ import annotations

import subprocess
import sys

from planner.cli.main import main
from tests.conftest import REPO


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=120)


def test_content_check_shipped_pack_passes():
    result = run("content", "check")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout and "6 roles" in result.stdout


def test_content_check_reports_problems_with_lines(pack, capsys):
    pack.edit("topics/basics/beta.md", "prerequisites: [alpha]", "prerequisites: [ghost]")
    assert main(["content", "check", str(pack.root)]) == 1
    err = capsys.readouterr().err
    assert "topics/basics/beta.md:8: topic 'beta': unknown topic 'ghost'" in err
    assert "1 problem(s); nothing was written." in err


def test_sync_upgrade_backup_info(tmp_path, pack, capsys):
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "content", "sync", str(pack.root)]) == 0
    assert "10 added" in capsys.readouterr().out
    assert main(["--data-dir", data, "content", "sync", str(pack.root)]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert main(["--data-dir", data, "db", "upgrade"]) == 0
    assert "(newest)" in capsys.readouterr().out
    assert main(["--data-dir", data, "db", "backup", str(tmp_path / "b.sqlite3")]) == 0
    assert (tmp_path / "b.sqlite3").stat().st_size > 0
    assert main(["--data-dir", data, "info"]) == 0
    out = capsys.readouterr().out
    assert data in out and "3 topics" in out


def test_db_option_takes_a_url(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
    assert main(["--db", url, "--data-dir", str(tmp_path / "d"), "roles"]) == 0
    assert "(educator)" in capsys.readouterr().out
    assert (tmp_path / "elsewhere.sqlite3").exists()


def test_bad_database_is_a_message_not_a_traceback(tmp_path):
    (tmp_path / "lodestar.sqlite3").write_text("hello")
    result = run("--data-dir", str(tmp_path), "info")
    assert result.returncode == 1
    assert "is not a Lodestar database" in result.stderr and "Traceback" not in result.stderr


def test_topics_lists_the_curriculum(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "topics", "--track", "foundations"]) == 0
    out = capsys.readouterr().out
    assert "Foundations" in out and "linear-algebra" in out
