"""What SQLite raises about its file becomes one sentence; a program's own mistakes stay errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from planner.core.errors import NotADatabaseError, StorageError
from planner.db.engine import storage_errors

FILE = Path("/data/lodestar.sqlite3")


@pytest.mark.parametrize(("message", "kind", "says"), [
    ("database or disk is full", StorageError, "is full"),
    ("database is locked", StorageError, "Another Lodestar (or another program) is using"),
    ("attempt to write a readonly database", StorageError, "is read-only"),
    ("unable to open database file", StorageError, "Cannot open"),
    ("disk I/O error", StorageError, "Reading or writing"),
    ("Could not decode to UTF-8 column 'body' with text 'x'", NotADatabaseError, "is damaged"),
])
def test_errors_about_the_file_name_it_and_say_what_to_do(message, kind, says):
    with pytest.raises(kind) as info, storage_errors(FILE):
        raise sqlite3.OperationalError(message)
    assert str(FILE) in str(info.value) and says in str(info.value)
    assert info.value.path == FILE


def test_a_malformed_file_is_damage_not_storage():
    with pytest.raises(NotADatabaseError, match="is damaged"), storage_errors(FILE):
        raise sqlite3.DatabaseError("database disk image is malformed")


def test_a_constraint_is_not_about_the_file():
    with pytest.raises(sqlite3.IntegrityError), storage_errors(FILE):
        raise sqlite3.IntegrityError("UNIQUE constraint failed: profiles.name")
