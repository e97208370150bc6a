"""Migrations: pytest-alembic's standard checks, user rows surviving upgrades, and rollback."""

from __future__ import annotations

import shutil
import struct
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from pytest_alembic.tests import (  # noqa: F401  (collected as tests here)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)

from planner.core.errors import MigrationError, NewerSchemaError
from planner.db import migrate
from planner.db.engine import make_engine


def test_revision_scan_agrees_with_alembic(alembic_runner):
    parents, head = migrate.known_revisions()
    assert [head] == alembic_runner.heads
    assert set(parents) == {r for r in alembic_runner.history.revisions if r not in ("base", "heads")}


USER_ROWS = {
    "profiles": [{"id": 1, "name": "Ada", "created_at": datetime(2026, 1, 2, 3, 4, 5),
                  "target_role": "researcher", "hours_per_week": 7.5,
                  "start_date": date(2026, 1, 5), "target_date": None}],
    "topic_states": [{"profile_id": 1, "topic_slug": "linear-algebra", "status": "done",
                      "updated_at": datetime(2026, 2, 1, 10)}],
}


# profiles and topic_states exist from the first revision on, so every revision can hold them.
@pytest.mark.parametrize("start", sorted(migrate.known_revisions()[0]))
def test_user_rows_survive_upgrade_to_head(alembic_runner, alembic_engine, start):
    alembic_runner.migrate_up_to(start)
    alembic_runner.insert_into("profiles", USER_ROWS["profiles"])
    alembic_runner.insert_into("topic_states", USER_ROWS["topic_states"])
    alembic_runner.migrate_up_to("heads")
    with alembic_engine.connect() as conn:
        profile = conn.execute(sa.text(
            "SELECT name, hours_per_week, start_date, study_days, review_share, role_level, "
            "new_cards_per_day FROM profiles")).one()
        state = conn.execute(sa.text("SELECT topic_slug, status FROM topic_states")).one()
    # Profiles from before 0004 get weekday study and the default review share; profiles from
    # before 0010 keep the senior targets their plans were made with, later ones start at entry.
    level = "senior" if start < "0010" else "entry"
    assert tuple(profile) == ("Ada", 7.5, "2026-01-05", "0,1,2,3,4", 0.15, level, 20)
    assert tuple(state) == ("linear-algebra", "done")


LAB_ROWS = {
    "lab_runs": [{"id": 1, "profile_id": 1, "lab_slug": "cnn", "config": '{"epochs": 3}',
                  "device": "cpu", "status": "finished", "started_at": datetime(2026, 3, 1, 9),
                  "finished_at": datetime(2026, 3, 1, 9, 1), "seconds": 61.5,
                  "summary": '{"target_reached": true}', "error": None, "checkpoint": None}],
    "lab_metrics": [{"id": 1, "run_id": 1, "step": 10, "epoch": 1, "name": "train/loss", "value": 0.25},
                    {"id": 2, "run_id": 1, "step": 5, "epoch": 1, "name": "train/loss", "value": 0.5},
                    {"id": 3, "run_id": 1, "step": 10, "epoch": 1, "name": "test/loss", "value": 0.75}],
}


# lab runs exist from 0002 on.
@pytest.mark.parametrize("start", [r for r in sorted(migrate.known_revisions()[0]) if r >= "0002"])
def test_lab_runs_survive_upgrade_to_head(alembic_runner, alembic_engine, start):
    alembic_runner.migrate_up_to(start)
    alembic_runner.insert_into("profiles", USER_ROWS["profiles"])
    for table, rows in LAB_ROWS.items():
        alembic_runner.insert_into(table, rows)
    alembic_runner.migrate_up_to("heads")
    with alembic_engine.connect() as conn:
        run = conn.execute(sa.text("SELECT lab_slug, status, seconds FROM lab_runs")).one()
        metric = conn.execute(sa.text("SELECT name, value FROM lab_metrics WHERE id = 1")).one()
        curves = conn.execute(sa.text(
            "SELECT name, points, steps, step_values FROM lab_curves ORDER BY name")).all()
    assert tuple(run) == ("cnn", "finished", 61.5)
    assert tuple(metric) == ("train/loss", 0.25)
    if start >= "0006":
        return  # rows inserted at head are not packed: the app packs a run when it ends
    # 0006 packs the curves of runs that had ended: little-endian int64 steps, float64 values.
    assert [(name, points) for name, points, _, _ in curves] == [("test/loss", 1), ("train/loss", 2)]
    train = curves[1]
    assert struct.unpack("<2q", train.steps) == (5, 10)
    assert struct.unpack("<2d", train.step_values) == (0.5, 0.25)


def test_rebuilding_a_parent_table_keeps_the_rows_that_refer_to_it(tmp_path):
    """0007 rebuilds conference_editions (copy, drop, rename): with foreign keys on, dropping
    the old table would delete every deadline through ON DELETE CASCADE."""
    from alembic import command
    from alembic.config import Config

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0006_lab_curves")
        conn.execute(sa.text(
            "INSERT INTO conference_series (id, title, description, field, slug, content_hash, "
            "archived, source) VALUES (1, 'X', '', 'AI', 'x', '', 0, 'user')"))
        conn.execute(sa.text(
            "INSERT INTO conference_editions (id, series_id, slug, year, link, timezone, dates, "
            "place, source) VALUES (1, 1, 'x2027', 2027, '', 'AoE', '', '', 'user')"))
        conn.execute(sa.text(
            "INSERT INTO conference_deadlines (id, edition_id, kind, due_at, comment, position) "
            "VALUES (1, 1, 'paper', '2027-01-15 12:00:00', '', 0)"))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT edition_id FROM conference_deadlines")).scalars().all() == [1]
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1  # on again afterwards
    engine.dispose()


NEXT_MIGRATION = '''\
"""test-only: a column added after the first release"""
import sqlalchemy as sa
from alembic import op

revision = "9999_test"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("nickname", sa.String(40), nullable=True))
    {extra}


def downgrade():
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("nickname")
'''


@pytest.fixture
def future_migrations(tmp_path, monkeypatch):
    """A copy of migrations/ with one more revision, as a later release would ship."""

    def make(extra: str = "pass"):
        folder = tmp_path / "migrations"
        shutil.copytree(migrate.MIGRATIONS_DIR, folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
        _, head = migrate.known_revisions()
        (folder / "versions" / "9999_test.py").write_text(
            NEXT_MIGRATION.format(head=head, extra=extra))
        monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)
        migrate.known_revisions.cache_clear()
        return folder

    yield make
    migrate.known_revisions.cache_clear()


def _database_with_a_learner(path):
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO profiles (name, created_at, hours_per_week) "
                             "VALUES ('Ada', '2026-01-01 00:00:00', 6)"))
    return engine


def test_upgrade_backs_up_first_and_keeps_rows(tmp_path, future_migrations):
    engine = _database_with_a_learner(tmp_path / "db.sqlite3")
    future_migrations()
    backup = migrate.upgrade(engine, tmp_path / "backups")
    assert backup is not None and backup.exists()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT name, nickname FROM profiles")).one() == ("Ada", None)
        assert migrate.current_revision(engine) == "9999_test"
    old = make_engine(f"sqlite:///{backup}")
    assert migrate.current_revision(old) != "9999_test"
    with old.connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM profiles")).scalar() == "Ada"
    engine.dispose()
    old.dispose()


def test_failed_upgrade_rolls_back_completely(tmp_path, future_migrations):
    engine = _database_with_a_learner(tmp_path / "db.sqlite3")
    before = migrate.current_revision(engine)
    future_migrations(extra='op.create_table("half", sa.Column("id", sa.Integer))\n'
                            '    raise RuntimeError("disk on fire")')
    with pytest.raises(MigrationError, match="disk on fire"):
        migrate.upgrade(engine, tmp_path / "backups")
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        columns = {c["name"] for c in sa.inspect(conn).get_columns("profiles")}
    assert "half" not in tables and "nickname" not in columns
    assert migrate.current_revision(engine) == before
    engine.dispose()


def test_upgrade_leaving_rows_pointing_nowhere_is_rolled_back(tmp_path, future_migrations):
    engine = _database_with_a_learner(tmp_path / "db.sqlite3")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO lab_runs (profile_id, lab_slug, config, device, status, "
                             "started_at) VALUES (1, 'cnn', '{}', '', 'finished', '2026-01-01')"))
    before = migrate.current_revision(engine)
    future_migrations(extra='op.execute("DELETE FROM profiles")')  # foreign keys are off here
    with pytest.raises(MigrationError, match=r"1 rows pointing at rows that do not exist "
                                             r"\(lab_runs → profiles\)"):
        migrate.upgrade(engine, tmp_path / "backups")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM profiles")).scalar() == "Ada"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
    assert migrate.current_revision(engine) == before
    engine.dispose()


def test_database_from_a_newer_release_is_refused(tmp_path, future_migrations):
    engine = _database_with_a_learner(tmp_path / "db.sqlite3")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    with pytest.raises(NewerSchemaError, match="newer version of Lodestar"):
        migrate.upgrade(engine, tmp_path / "backups")
    engine.dispose()


def test_dates_round_trip(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    migrate.upgrade(engine)
    from planner.db import profiles
    from planner.db.engine import session_factory

    with session_factory(engine).begin() as session:
        created = profiles.create_profile(session, "Grace", start_date=date(2026, 3, 1))
    with session_factory(engine).begin() as session:
        again = profiles.profile(session, created.id)
    assert again.start_date == date(2026, 3, 1)
    assert again.created_at.tzinfo is not None
    engine.dispose()


def test_transactional_ddl_rolls_back_create_table(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 't.sqlite3'}")
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (id INTEGER)"))
        raise RuntimeError("stop")
    with engine.connect() as conn:
        assert not sa.inspect(conn).has_table("t")
    engine.dispose()


def test_migration_file_is_self_contained():
    for path in (migrate.MIGRATIONS_DIR / "versions").glob("*.py"):
        assert "planner" not in path.read_text(), f"{path.name} must not import app code"
