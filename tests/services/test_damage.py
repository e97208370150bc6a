"""Crashes and damaged files: SQLite judges its own files, damage is never written to, and what
is not damage (a full disk, a read-only file, a lock) is said in one sentence."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from planner.core.errors import NotADatabaseError
from planner.services import Lodestar, resolve
from planner.services.facade import latest_backup, restore_latest_backup, salvage_database

FILE = "lodestar.sqlite3"


def _copy_as_a_crash_leaves_it(source: Path, target: Path) -> None:
    """The database, -wal and -shm as they lie on disk while a Lodestar still has them open."""
    target.mkdir(parents=True)
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(source / (FILE + suffix), target / (FILE + suffix))


def _newest_page_one_in_wal(wal: bytes) -> bytes:
    page_size = int.from_bytes(wal[8:12], "big")
    offset, page_one = 32, None  # a 32-byte WAL header, then frames of a 24-byte header + a page
    while offset + 24 + page_size <= len(wal):
        if int.from_bytes(wal[offset:offset + 4], "big") == 1:
            page_one = wal[offset + 24:offset + 24 + page_size]
        offset += 24 + page_size
    assert page_one is not None, "the WAL holds no copy of page 1"
    return page_one


def _claimed_size(header: bytes) -> int:
    page_size = int.from_bytes(header[16:18], "big")
    return int.from_bytes(header[28:32], "big") * (65536 if page_size == 1 else page_size)


def test_a_crash_mid_checkpoint_opens_with_every_row(location, tmp_path):
    """A checkpoint copies page 1 (with the new page count) into the main file before the pages
    it counts. Killed there, the main file is shorter than its header says, and its -wal holds
    the commits: SQLite opens it and recovers them, and so must Lodestar."""
    with Lodestar.open(location) as lodestar:
        ada = lodestar.create_profile("Ada")
        run = lodestar.start_lab_run("cnn", {"epochs": 1}, ada.id)
        lodestar.add_lab_metrics(run.id, [(step, 0, "loss", step / 10) for step in range(5000)])
        crashed = tmp_path / "crashed"
        _copy_as_a_crash_leaves_it(location.data_dir, crashed)
    main = crashed / FILE
    page_one = _newest_page_one_in_wal((crashed / (FILE + "-wal")).read_bytes())
    data = bytearray(main.read_bytes())
    data[:len(page_one)] = page_one  # the first write of the checkpoint, then the kill
    main.write_bytes(bytes(data))
    # What Lodestar used to call truncated: a header whose page count is valid (SQLite file
    # format 1.3.7: version-valid-for equals the change counter) and larger than the file.
    assert page_one[92:96] == page_one[24:28]
    assert _claimed_size(page_one[:100]) > main.stat().st_size

    with Lodestar.open(resolve(data_dir=crashed)) as reopened:
        assert [p.name for p in reopened.profiles()] == ["Ada"]
        assert len(reopened.lab_run_metrics(run.id)["loss"]) == 5000
        assert reopened.notices == []
        with reopened._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA quick_check").scalar() == "ok"


def _flip(file: Path, count: int, seed: int) -> None:
    data = bytearray(file.read_bytes())
    chance = random.Random(seed)
    for _ in range(count):
        at = chance.randrange(4096, len(data))
        data[at] ^= 0xFF
    file.write_bytes(bytes(data))


def _quick_check(file: Path) -> str:
    try:
        with sqlite3.connect(file) as conn:
            return conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return str(exc)


def _text_reads(file: Path) -> bool:
    """Whether every text value of every table decodes (what quick_check does not look at)."""
    with sqlite3.connect(file) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        try:
            for table in tables:
                conn.execute(f'SELECT * FROM "{table}"').fetchall()
        except sqlite3.OperationalError:
            return False
    return True


def _damaged_copies(shipped_db: Path, tmp_path: Path, malformed: bool) -> Path:
    """A copy of the synced database with 16 bytes flipped where SQLite's check notices
    (`malformed`), or where it does not but some text no longer decodes; seeds are tried in
    order, so the same file comes out every run."""
    source = shipped_db / FILE
    for seed in range(200):
        folder = tmp_path / f"flipped-{seed}"
        folder.mkdir()
        shutil.copyfile(source, folder / FILE)
        _flip(folder / FILE, 16, seed)
        if malformed and _quick_check(folder / FILE) != "ok":
            return folder
        if not malformed and _quick_check(folder / FILE) == "ok" and not _text_reads(folder / FILE):
            return folder
        shutil.rmtree(folder)
    raise AssertionError("no seed gave the damage wanted")


@pytest.mark.parametrize("malformed", [True, False], ids=["structure", "text"])
def test_flipped_bytes_are_refused_and_never_written_to(shipped_db, tmp_path, malformed):
    folder = _damaged_copies(shipped_db, tmp_path, malformed)
    before = (folder / FILE).read_bytes()
    with pytest.raises(NotADatabaseError, match="is damaged") as info:
        Lodestar.open(resolve(data_dir=folder))
    assert str(folder / FILE) in str(info.value) and "restore the latest backup" in str(info.value)
    assert (folder / FILE).read_bytes() == before


def test_restore_skips_a_damaged_backup_and_keeps_the_files_together(location):
    with Lodestar.open(location) as lodestar:
        lodestar.create_profile("Ada")
        good = lodestar.backup()
    broken = location.backup_dir / "lodestar-99999999-000000-000000-manual.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)  # the newest, and unreadable
    assert latest_backup(location) == good
    file = location.data_dir / FILE
    file.write_bytes(b"\x00" * 4096)
    (location.data_dir / (FILE + "-wal")).write_bytes(b"old wal")
    moved, used = restore_latest_backup(location)
    assert used == good
    assert (moved.parent / (FILE + "-wal")).read_bytes() == b"old wal"
    assert not (location.data_dir / (FILE + "-wal")).exists()
    with Lodestar.open(location) as lodestar:
        assert [p.name for p in lodestar.profiles()] == ["Ada"]


def test_half_written_backups_of_an_interrupted_upgrade_are_removed_at_start(location):
    with Lodestar.open(location):
        pass
    partial = location.backup_dir / "lodestar-20260101-000000-000000-before-upgrade.sqlite3.part"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"SQLite format 3\x00 cut off")
    mine = location.backup_dir / "notes.part"  # not a backup Lodestar writes: left alone
    mine.write_text("mine")
    with Lodestar.open(location):
        assert not partial.exists() and mine.exists()


def test_a_deleted_wal_is_said_in_one_sentence(location, tmp_path):
    with Lodestar.open(location) as lodestar:
        lodestar.create_profile("Ada")
        lodestar.create_profile("Grace")  # both commits are in the -wal, not yet in the main file
        crashed = tmp_path / "crashed"
        _copy_as_a_crash_leaves_it(location.data_dir, crashed)
    (crashed / (FILE + "-wal")).unlink()
    with Lodestar.open(resolve(data_dir=crashed)) as reopened:
        assert len(reopened.notices) == 1
        notice = reopened.notices[0]
        assert f"{crashed / FILE}-wal is missing" in notice and "are lost" in notice
        assert "Grace" not in [p.name for p in reopened.profiles()]
    with Lodestar.open(resolve(data_dir=crashed)) as again:  # said once, not at every start
        assert again.notices == []


def test_damage_found_while_open_stops_every_later_write(location):
    file = location.data_dir / FILE
    with Lodestar.open(location) as lodestar:
        lodestar.create_profile("Ada")
        with sqlite3.connect(file) as raw:  # bytes that are not UTF-8 where text belongs
            raw.execute("UPDATE profiles SET name = CAST(x'ff' AS TEXT)")
        with pytest.raises(NotADatabaseError, match="is damaged"):
            lodestar.profiles()
        with pytest.raises(NotADatabaseError, match="is damaged"):
            lodestar.create_profile("Grace")
    with sqlite3.connect(file) as raw:
        assert raw.execute("SELECT count(*) FROM profiles").fetchone()[0] == 1


def test_a_restore_cut_off_leaves_no_part_file_beside_the_database(location):
    with Lodestar.open(location):
        pass
    partial = location.data_dir / (FILE + ".part")
    partial.write_bytes(b"SQLite format 3\x00 half a restore")
    with Lodestar.open(location):
        assert not partial.exists()


def test_salvage_keeps_every_row_sqlite_can_read_and_sets_the_damaged_file_aside(location):
    with Lodestar.open(location) as lodestar:
        names = ["Ada", "Grace", "Alan"]
        for name in names:
            lodestar.create_profile(name)
        run = lodestar.start_lab_run("cnn", {"epochs": 1}, lodestar.profiles()[0].id)
        lodestar.add_lab_metrics(run.id, [(step, 0, "loss", step / 10) for step in range(5000)])
    file = location.data_dir / FILE
    data = bytearray(file.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[-4 * page:-3 * page] = b"\x55" * page  # a page the metrics were written to last
    file.write_bytes(bytes(data))
    assert _quick_check(file) != "ok"
    with pytest.raises(NotADatabaseError):
        Lodestar.open(location)

    moved, counts = salvage_database(location)
    assert moved.read_bytes() == bytes(data) and "set-aside" in moved.parent.name
    assert counts["profiles"] == 3 and 0 < counts["lab_metrics"] <= 5000
    with Lodestar.open(location) as recovered:
        assert [p.name for p in recovered.profiles()] == names
        assert recovered.lab_run(run.id).lab == "cnn"
        with recovered._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_salvage_keeps_rows_whose_text_is_unreadable(shipped_db, tmp_path):
    folder = _damaged_copies(shipped_db, tmp_path, malformed=False)
    location = resolve(data_dir=folder)
    with pytest.raises(NotADatabaseError):
        Lodestar.open(location)
    _moved, counts = salvage_database(location)
    with Lodestar.open(location) as recovered:
        assert len(recovered.topics()) == counts["topics"] > 100
        assert recovered.search("attention")
