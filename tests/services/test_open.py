"""Opening a database: paths, damaged or foreign files, newer schemas, backups."""

from __future__ import annotations

import pytest

from planner.core.errors import NewerSchemaError, NotADatabaseError
from planner.services import Lodestar, resolve
from planner.services.facade import latest_backup, restore_latest_backup, start_new_database


def test_default_location_uses_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("LODESTAR_DATABASE_URL", raising=False)
    location = resolve(data_dir=tmp_path)
    assert location.database_url == f"sqlite:///{tmp_path.as_posix()}/lodestar.sqlite3"
    monkeypatch.setenv("LODESTAR_DATABASE_URL", "sqlite:///elsewhere.sqlite3")
    assert resolve(data_dir=tmp_path).database_url == "sqlite:///elsewhere.sqlite3"
    assert resolve("sqlite:///cli.sqlite3", tmp_path).database_url == "sqlite:///cli.sqlite3"


def test_new_database_uses_wal_and_foreign_keys(lodestar):
    with lodestar._engine.connect() as conn:  # a test may look under the façade
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_not_a_database(location):
    location.data_dir.mkdir(parents=True)
    file = location.data_dir / "lodestar.sqlite3"
    file.write_text("name,score\nada,10\n")
    with pytest.raises(NotADatabaseError, match="not an SQLite file") as info:
        Lodestar.open(location)
    assert info.value.path == file
    assert file.read_text() == "name,score\nada,10\n"  # untouched


def test_truncated_database_is_damaged_and_left_unwritten(location, shipped_db):
    data = (shipped_db / "lodestar.sqlite3").read_bytes()
    location.data_dir.mkdir(parents=True)
    file = location.data_dir / "lodestar.sqlite3"
    file.write_bytes(data[: len(data) // 3])
    with pytest.raises(NotADatabaseError, match="is damaged") as info:
        Lodestar.open(location)
    assert info.value.path == file and str(file) in str(info.value)
    assert file.read_bytes() == data[: len(data) // 3]


def test_newer_schema(location):
    with Lodestar.open(location) as lodestar, lodestar._engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num='9999_from_the_future'")
    with pytest.raises(NewerSchemaError, match="newer version of Lodestar"):
        Lodestar.open(location)


def test_start_new_keeps_the_bad_file(location):
    location.data_dir.mkdir(parents=True)
    file = location.data_dir / "lodestar.sqlite3"
    file.write_bytes(b"garbage" * 100)
    (location.data_dir / "lodestar.sqlite3-wal").write_bytes(b"wal")
    (location.data_dir / "lodestar.sqlite3-shm").write_bytes(b"shm")
    moved = start_new_database(location)
    assert moved.exists() and moved.read_bytes() == b"garbage" * 100
    assert "set-aside" in moved.parent.name and moved.name == "lodestar.sqlite3"
    # the three files stay together, under their own names, so SQLite could still pair them
    assert sorted(p.name for p in moved.parent.iterdir()) == [
        "lodestar.sqlite3", "lodestar.sqlite3-shm", "lodestar.sqlite3-wal"]
    with Lodestar.open(location) as lodestar:
        assert lodestar.profiles() == []


def test_restore_latest_backup(location):
    with Lodestar.open(location) as lodestar:
        lodestar.create_profile("Ada")
        backup = lodestar.backup()
    assert latest_backup(location) == backup
    file = location.data_dir / "lodestar.sqlite3"
    file.write_bytes(b"\x00" * 4096)
    moved, used = restore_latest_backup(location)
    assert used == backup and moved.read_bytes() == b"\x00" * 4096
    with Lodestar.open(location) as lodestar:
        assert [p.name for p in lodestar.profiles()] == ["Ada"]


def test_backup_to_a_chosen_file(lodestar, tmp_path):
    lodestar.create_profile("Grace")
    target = lodestar.backup(tmp_path / "copies" / "mine.sqlite3")
    with Lodestar.open(resolve(f"sqlite:///{target}", tmp_path / "other"), lock=False) as copy:
        assert [p.name for p in copy.profiles()] == ["Grace"]


def test_default_profile_created_once(lodestar):
    first = lodestar.default_profile()
    assert lodestar.default_profile() == first
    assert len(lodestar.profiles()) == 1
