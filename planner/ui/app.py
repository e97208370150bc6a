"""Start the desktop app: `lodestar`, or `python main.py` from a checkout."""

from __future__ import annotations

import argparse
import gc
import sys

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from planner import __version__
from planner.core.errors import (
    AlreadyRunningError,
    DatabaseError,
    LockFileError,
    LodestarError,
    StorageError,
)
from planner.services import Location, Lodestar, resolve
from planner.services.facade import (
    latest_backup,
    restore_latest_backup,
    salvage_database,
    start_new_database,
)
from planner.services.lock import InstanceLock
from planner.ui import dialogs, theme
from planner.ui.main_window import MainWindow


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="lodestar", description="Lodestar desktop app")
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy database URL")
    parser.add_argument("--data-dir", metavar="DIR", help="keep all data in DIR")
    parser.add_argument("--version", action="version", version=f"Lodestar {__version__}")
    return parser.parse_known_args(argv)  # the rest is Qt's (-platform, -style, ...)


def open_database(location: Location) -> Lodestar | None:
    """Open the database, offering to restore a backup or set the damaged files aside if SQLite
    finds it damaged; a sound database that cannot be used now (read-only, locked, a full disk)
    gets a message, never the recovery choices.

    Returns None when the user chooses to quit (or another instance holds the data folder).
    """
    while True:
        try:
            lodestar = Lodestar.open(location)
        except AlreadyRunningError as exc:
            QMessageBox.warning(None, "Lodestar is already running", str(exc))
            return None
        except LockFileError as exc:
            QMessageBox.critical(None, "Lodestar cannot use its lock file", str(exc))
            return None
        except StorageError as exc:
            QMessageBox.critical(None, "Lodestar cannot use its database", str(exc))
            return None
        except DatabaseError as exc:
            if exc.path is None:  # a server database: nothing here to restore or replace
                QMessageBox.critical(None, "Lodestar cannot open its database", str(exc))
                return None
            choice = dialogs.ask_recovery(exc, latest_backup(location) is not None)
            if choice is dialogs.Recovery.QUIT:
                return None
            try:
                with InstanceLock(location.lock_file):  # no other Lodestar starts while files move
                    _recover(location, choice)
            except (LodestarError, OSError) as error:
                QMessageBox.critical(None, "Lodestar", str(error))
                return None
        else:
            for notice in lodestar.notices:
                QMessageBox.warning(None, "Lodestar", notice)
            return lodestar


def _recover(location: Location, choice: dialogs.Recovery) -> None:
    if choice is dialogs.Recovery.RESTORE:
        moved, backup = restore_latest_backup(location)
        QMessageBox.information(None, "Backup restored", (
            f"Restored {backup.name}. The unreadable file was kept as {moved} (with its -wal and "
            "-shm files, if it had them)."))
    elif choice is dialogs.Recovery.SALVAGE:
        moved, counts = salvage_database(location)
        QMessageBox.information(None, "Database recovered", (
            f"Recovered {sum(counts.values()):,} rows SQLite could still read into a new database. "
            f"The damaged file was kept as {moved} (with its -wal and -shm files, if it had them)."))
    elif choice is dialogs.Recovery.START_NEW:
        moved = start_new_database(location)
        if moved is not None:
            QMessageBox.information(None, "New database", (
                f"Starting a new database. The old files were kept as {moved} "
                "(with its -wal and -shm files, if it had them)."))


def show_lodestar_errors(kind, error, trace) -> None:
    """`sys.excepthook` for the window: a `LodestarError` that reaches the event loop from a
    page (a full disk, a read-only or damaged database under a click) is shown as its one
    sentence; anything else keeps Python's report."""
    if isinstance(error, LodestarError):
        QMessageBox.critical(QApplication.activeWindow(), "Lodestar", str(error))
    else:
        sys.__excepthook__(kind, error, trace)


def main(argv: list[str] | None = None) -> int:
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setApplicationName("Lodestar")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Lodestar")
    app.setDesktopFileName("lodestar")
    theme.apply(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: theme.apply(app))

    sys.excepthook = show_lodestar_errors
    location = resolve(args.db, args.data_dir)
    lodestar = open_database(location)
    if lodestar is None:
        return 1
    settings = QSettings(str(location.data_dir / "lodestar-ui.ini"), QSettings.Format.IniFormat)
    theme.apply(app, str(settings.value("appearance/theme", theme.SYSTEM)))
    window = MainWindow(lodestar, settings)
    window.show()
    window.content_synced.connect(lambda _report: window.offer_setup())
    window.sync_content()
    # Everything allocated so far lives as long as the app: keep the collector off it.
    QTimer.singleShot(0, gc.freeze)
    try:
        return app.exec()
    finally:
        lodestar.close()


if __name__ == "__main__":
    raise SystemExit(main())
