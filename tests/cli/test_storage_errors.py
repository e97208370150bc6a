"""What cannot be written is said in one sentence naming the file and what to do: a damaged
database (never written to), a full disk, a read-only file, another Lodestar on the same file,
a lock file that is a folder, a data folder that is a file. Never a traceback or an INSERT."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event

from planner.cli.main import main
from planner.db import engine as engine_module
from tests.conftest import REPO

FILE = "lodestar.sqlite3"


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=120, env=env)


def bibtex(entries: int) -> str:
    return "\n".join(f"@article{{paper{i},\n  title = {{Paper number {i} on attention}},\n"
                     f"  author = {{Lovelace, Ada and Turing, Alan}},\n  year = {{2020}},\n"
                     f"  journal = {{Journal of Tests}}\n}}\n" for i in range(entries))


def quiet(result: subprocess.CompletedProcess) -> str:
    """The error output, checked to be a message and not a traceback or a statement."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "INSERT" not in result.stderr
    assert "[SQL" not in result.stderr and "parameters" not in result.stderr
    return result.stderr


@pytest.fixture
def data(tmp_path, shipped_db) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(shipped_db, folder, ignore=shutil.ignore_patterns("*.lock"))
    return folder


@pytest.fixture
def pragmas(monkeypatch) -> list[str]:
    """Pragmas every new SQLite connection of this process runs after Lodestar's own."""
    extra: list[str] = []
    configure = engine_module._configure_sqlite

    def configure_then_more(engine, wal):
        configure(engine, wal)

        @event.listens_for(engine, "connect")
        def _more(connection, _record):
            for pragma in extra:
                connection.execute(pragma)

    monkeypatch.setattr(engine_module, "_configure_sqlite", configure_then_more)
    return extra


def malformed_copy(data: Path) -> Path:
    """`data` with 16 bytes flipped where SQLite's own check reports the file malformed (the
    first seed that does so, so the same file every run)."""
    original = (data / FILE).read_bytes()
    for seed in range(200):
        damaged = bytearray(original)
        chance = random.Random(seed)
        for _ in range(16):
            damaged[chance.randrange(4096, len(damaged))] ^= 0xFF
        (data / FILE).write_bytes(bytes(damaged))
        try:
            with sqlite3.connect(data / FILE) as conn:
                verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError:
            verdict = "unreadable"
        if verdict != "ok":
            return data / FILE
    raise AssertionError("no seed damaged the file")


def test_a_malformed_database_is_refused_before_any_write(data, tmp_path):
    file = malformed_copy(data)
    before = file.read_bytes()
    big = tmp_path / "5000.bib"
    big.write_text(bibtex(5000), encoding="utf-8")
    for command in (["profile", "create", "Grace", "--role", "engineer"],
                    ["import", "bibtex", str(big)], ["info"]):
        err = quiet(run("--data-dir", str(data), *command))
        assert f"{file} is damaged" in err
        assert f"python -m planner --data-dir {data} db restore" in err and "db salvage" in err
    assert file.read_bytes() == before
    salvaged = run("--data-dir", str(data), "db", "salvage")
    assert salvaged.returncode == 0, salvaged.stderr
    assert "Recovered" in salvaged.stdout and "kept as" in salvaged.stdout
    kept = [p for p in data.iterdir() if "set-aside" in p.name]
    assert len(kept) == 1 and (kept[0] / FILE).read_bytes() == before
    result = run("--data-dir", str(data), "info")
    assert result.returncode == 0 and "topics" in result.stdout, result.stderr


def test_db_restore_puts_the_newest_backup_back_and_keeps_the_damaged_files(tmp_path, capsys):
    folder = str(tmp_path / "data")
    assert main(["--data-dir", folder, "profile", "create", "Grace", "--role", "engineer"]) == 0
    assert main(["--data-dir", folder, "db", "backup"]) == 0
    file = tmp_path / "data" / FILE
    file.write_bytes(b"SQLite format 3\x00" + b"\x07" * 8000)
    capsys.readouterr()
    assert main(["--data-dir", folder, "profile", "list"]) == 1
    assert "db restore" in capsys.readouterr().err
    assert main(["--data-dir", folder, "db", "restore"]) == 0
    assert "kept as" in capsys.readouterr().out
    kept = [p for p in file.parent.iterdir() if "set-aside" in p.name]
    assert len(kept) == 1 and (kept[0] / FILE).read_bytes().startswith(b"SQLite format 3\x00\x07")
    assert main(["--data-dir", folder, "profile", "list"]) == 0
    assert "Grace" in capsys.readouterr().out


def test_a_full_disk_is_one_sentence_without_the_insert(data, tmp_path, pragmas, capsys):
    big = tmp_path / "5000.bib"
    big.write_text(bibtex(5000), encoding="utf-8")
    pragmas.append("PRAGMA max_page_count = 1")  # never below the current size: no page to spare
    assert main(["--data-dir", str(data), "import", "bibtex", str(big)]) == 1
    err = capsys.readouterr().err
    assert f"The disk holding {data / FILE} is full, so nothing was saved" in err
    assert "INSERT" not in err and "Paper number" not in err and err.count("\n") == 1
    pragmas.clear()
    with sqlite3.connect(data / FILE) as conn:  # all or nothing: the import left no row behind
        assert conn.execute("SELECT count(*) FROM readings WHERE title LIKE 'Paper number%'"
                            ).fetchone()[0] == 0


def test_a_read_only_database_is_not_called_damaged(data, pragmas, capsys):
    pragmas.append("PRAGMA query_only = 1")  # SQLite answers writes as it does for a read-only file
    assert main(["--data-dir", str(data), "profile", "create", "Grace", "--role", "engineer"]) == 1
    err = capsys.readouterr().err
    assert f"{data / FILE} is read-only, so nothing was saved" in err and "damaged" not in err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes read-only files")
def test_a_read_only_file_and_folder(data):
    (data / FILE).chmod(0o444)
    data.chmod(0o555)
    try:
        err = quiet(run("--data-dir", str(data), "profile", "create", "Grace", "--role", "engineer"))
    finally:
        data.chmod(0o755)
        (data / FILE).chmod(0o644)
    assert str(data) in err and "damaged" not in err


def test_another_lodestar_on_the_same_file_through_db(data, tmp_path):
    file = data / FILE
    holder = sqlite3.connect(file, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the file (Lodestar waits 5 s)
        err = quiet(run("--db", f"sqlite:///{file}", "--data-dir", str(tmp_path / "elsewhere"),
                        "profile", "create", "Grace", "--role", "engineer"))
    finally:
        holder.close()
    assert f"Another Lodestar (or another program) is using {file}" in err


def test_a_lock_file_that_is_a_folder(data):
    (data / "lodestar.lock").mkdir()
    err = quiet(run("--data-dir", str(data), "info"))
    assert f"The lock file {data / 'lodestar.lock'} is a folder" in err


def test_a_data_folder_that_is_a_file(tmp_path):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("mine")
    err = quiet(run("--data-dir", str(not_a_folder), "info"))
    assert f"The data folder {not_a_folder} is a file, not a folder" in err
    assert not_a_folder.read_text() == "mine"


def test_a_deleted_wal_is_a_warning_on_the_command_line(tmp_path):
    from planner.services import Lodestar, resolve

    location = resolve(data_dir=tmp_path / "data")
    with Lodestar.open(location) as lodestar:
        lodestar.create_profile("Ada")
        crashed = tmp_path / "crashed"
        crashed.mkdir()
        for name in (FILE, FILE + "-shm"):  # as a crash leaves them, less the -wal
            shutil.copyfile(location.data_dir / name, crashed / name)
    result = run("--data-dir", str(crashed), "profile", "list")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"warning: {crashed / FILE}-wal is missing")
    assert result.stderr.count("\n") == 1 and "Ada" not in result.stdout
