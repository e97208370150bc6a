"""pytest-alembic configuration: our migrations, on an SQLite file with transactional DDL."""

from __future__ import annotations

import pytest

from planner.db.engine import make_engine
from planner.db.migrate import MIGRATIONS_DIR


@pytest.fixture
def alembic_config():
    return {"script_location": str(MIGRATIONS_DIR)}


@pytest.fixture
def alembic_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'alembic.sqlite3'}")
    yield engine
    engine.dispose()
