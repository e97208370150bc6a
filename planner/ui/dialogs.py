"""Dialogs: About, and what to do with a database that will not open."""

from __future__ import annotations

import html
from enum import Enum, auto

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from planner.core.errors import DatabaseError, NewerSchemaError
from planner.services import Lodestar


def about_html(lodestar: Lodestar) -> str:
    versions = {**lodestar.versions(), "Qt": qVersion(), "PySide6": pyside_version}
    paths = lodestar.paths()
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>"
                   for k, v in versions.items())
    where = {
        "Data folder": paths.data_dir,
        "Database": paths.database_file or paths.database_url,
        "Backups": paths.backup_dir,
        "Content": paths.resources_dir,
    }
    place_rows = "".join(f"<tr><td>{k}</td><td><code>{html.escape(v)}</code></td></tr>"
                         for k, v in where.items())
    return (
        "<h2>Lodestar</h2><p>An offline learning-path and career planner for people learning "
        "AI, with an embedded model trainer.</p>"
        f"<table cellpadding='2'>{rows}</table><h3>Where your data lives</h3>"
        f"<table cellpadding='2'>{place_rows}</table>"
    )


def show_about(parent: QWidget, lodestar: Lodestar) -> None:
    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle("About Lodestar")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_html(lodestar))
    box.exec()


class Recovery(Enum):
    RESTORE = auto()
    SALVAGE = auto()
    START_NEW = auto()
    QUIT = auto()


def ask_recovery(error: DatabaseError, has_backup: bool) -> Recovery:
    """Explain why the database cannot open and ask what to do; the bad file is kept either way."""
    box = QMessageBox()
    box.setObjectName("databaseProblem")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Lodestar cannot open its database")
    box.setText(str(error))
    keep = ("Whatever you choose, the file is kept with its -wal and -shm files in a folder "
            "beside it, never overwritten or deleted.")
    if isinstance(error, NewerSchemaError):
        box.setInformativeText("Install the newer Lodestar to keep using this database. " + keep)
    else:
        box.setInformativeText(keep)
    restore = box.addButton("Restore latest backup", QMessageBox.ButtonRole.AcceptRole)
    restore.setEnabled(has_backup)
    if not has_backup:
        restore.setToolTip("No backup was found in the backup folder.")
    salvage = box.addButton("Recover what can be read", QMessageBox.ButtonRole.AcceptRole)
    salvage.setEnabled(not isinstance(error, NewerSchemaError))
    salvage.setToolTip("Copy every row SQLite can still read into a new database.")
    fresh = box.addButton("Set the files aside and start empty",
                          QMessageBox.ButtonRole.DestructiveRole)
    quit_ = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(quit_)
    box.exec()
    clicked = box.clickedButton()
    if clicked is restore:
        return Recovery.RESTORE
    if clicked is salvage:
        return Recovery.SALVAGE
    if clicked is fresh:
        return Recovery.START_NEW
    return Recovery.QUIT
