"""Start-up: a database that will not open, and a second instance."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from planner.services import Lodestar, resolve
from planner.ui import app, dialogs


def _quiet(monkeypatch):
    seen = []
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda *a, _n=name: seen.append((_n, a))))
    return seen


def test_not_a_database_start_new_keeps_the_file(qtbot, location, monkeypatch):
    seen = _quiet(monkeypatch)
    location.data_dir.mkdir(parents=True)
    bad = location.data_dir / "lodestar.sqlite3"
    bad.write_text("my notes, not a database")
    asked = []
    monkeypatch.setattr(dialogs, "ask_recovery",
                        lambda error, has_backup: asked.append((str(error), has_backup))
                        or dialogs.Recovery.START_NEW)
    lodestar = app.open_database(location)
    try:
        assert lodestar is not None
        assert asked and str(bad) in asked[0][0] and asked[0][1] is False
        kept = [p for p in location.data_dir.iterdir() if "set-aside" in p.name]
        assert len(kept) == 1 and (kept[0] / bad.name).read_text() == "my notes, not a database"
        assert seen and "kept as" in seen[-1][1][2]
    finally:
        lodestar.close()


def test_restore_latest_backup_from_the_dialog(qtbot, location, monkeypatch):
    _quiet(monkeypatch)
    with Lodestar.open(location) as lodestar:
        lodestar.create_profile("Ada")
        lodestar.backup()
    (location.data_dir / "lodestar.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x01" * 40)
    monkeypatch.setattr(dialogs, "ask_recovery", lambda e, has_backup: (
        dialogs.Recovery.RESTORE if has_backup else dialogs.Recovery.QUIT))
    lodestar = app.open_database(location)
    try:
        assert [p.name for p in lodestar.profiles()] == ["Ada"]
    finally:
        lodestar.close()


def test_quit_leaves_everything_as_it_was(qtbot, location, monkeypatch):
    _quiet(monkeypatch)
    location.data_dir.mkdir(parents=True)
    bad = location.data_dir / "lodestar.sqlite3"
    bad.write_text("x")
    monkeypatch.setattr(dialogs, "ask_recovery", lambda e, h: dialogs.Recovery.QUIT)
    assert app.open_database(location) is None
    assert sorted(p.name for p in location.data_dir.iterdir() if p.suffix != ".lock") == [
        "lodestar.sqlite3"]


def test_second_instance_is_told(qtbot, location, monkeypatch):
    seen = _quiet(monkeypatch)
    with Lodestar.open(location):
        assert app.open_database(location) is None
    assert seen[0][0] == "warning" and "already running" in seen[0][1][2]


def test_recovery_dialog_offers_the_choices(qtbot, monkeypatch):
    from planner.core.errors import NotADatabaseError

    def click(box):
        assert "broken.sqlite3" in box.text()
        buttons = {b.text(): b for b in box.buttons()}
        assert not buttons["Restore latest backup"].isEnabled()
        buttons["Set the files aside and start empty"].click()

    monkeypatch.setattr(QMessageBox, "exec", lambda box: click(box))
    choice = dialogs.ask_recovery(NotADatabaseError("/x/broken.sqlite3 is damaged"), False)
    assert choice is dialogs.Recovery.START_NEW


def test_unreadable_text_gets_the_recovery_dialog_not_a_traceback(qtbot, tmp_path, shipped_db,
                                                                  monkeypatch):
    from tests.services.test_damage import _damaged_copies

    _quiet(monkeypatch)
    folder = _damaged_copies(shipped_db, tmp_path, malformed=False)  # quick_check says ok
    asked = []
    monkeypatch.setattr(dialogs, "ask_recovery",
                        lambda error, has_backup: asked.append(str(error)) or dialogs.Recovery.QUIT)
    assert app.open_database(resolve(data_dir=folder)) is None
    assert len(asked) == 1 and "is damaged" in asked[0]


def test_what_is_not_damage_gets_a_message_not_the_recovery_choices(qtbot, location, monkeypatch):
    seen = _quiet(monkeypatch)
    location.lock_file.mkdir(parents=True)
    monkeypatch.setattr(dialogs, "ask_recovery", lambda e, h: pytest.fail("offered recovery"))
    assert app.open_database(location) is None
    assert seen[0][0] == "critical" and "is a folder" in seen[0][1][2]


def test_a_deleted_wal_is_told_at_start(qtbot, location, tmp_path, monkeypatch):
    import shutil

    seen = _quiet(monkeypatch)
    with Lodestar.open(location) as lodestar:
        lodestar.create_profile("Ada")
        crashed = tmp_path / "crashed"
        crashed.mkdir()
        for name in ("lodestar.sqlite3", "lodestar.sqlite3-shm"):  # the -wal deleted
            shutil.copyfile(location.data_dir / name, crashed / name)
    opened = app.open_database(resolve(data_dir=crashed))
    try:
        assert seen and seen[0][0] == "warning" and "-wal is missing" in seen[0][1][2]
    finally:
        opened.close()


def test_recover_what_can_be_read_from_the_dialog(qtbot, location, monkeypatch):
    seen = _quiet(monkeypatch)
    with Lodestar.open(location) as lodestar:
        lodestar.create_profile("Ada")
    file = location.data_dir / "lodestar.sqlite3"
    data = bytearray(file.read_bytes())
    data[-4096:] = b"\x55" * 4096  # the last page: damaged, the rest readable
    file.write_bytes(bytes(data))
    choices = iter([dialogs.Recovery.SALVAGE])
    monkeypatch.setattr(dialogs, "ask_recovery", lambda e, h: next(choices, dialogs.Recovery.QUIT))
    lodestar = app.open_database(location)
    if lodestar is None:  # the page held nothing SQLite checks: then it opened untouched
        pytest.skip("the damaged page was not in use")
    try:
        assert [p.name for p in lodestar.profiles()] == ["Ada"]
        assert any(kind == "information" and "Recovered" in args[2] for kind, args in seen)
    finally:
        lodestar.close()


def test_a_full_disk_under_a_click_is_a_message(qtbot, monkeypatch):
    from planner.core.errors import StorageError

    seen = _quiet(monkeypatch)
    error = StorageError("The disk holding /x/lodestar.sqlite3 is full, so nothing was saved; "
                         "free some space and try again.")
    app.show_lodestar_errors(StorageError, error, None)
    assert seen == [("critical", (None, "Lodestar", str(error)))]
