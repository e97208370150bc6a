"""Qt fixtures: a main window over a synced database, with settings in the test's folder."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from planner.ui.main_window import MainWindow


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, synced, settings):
    win = MainWindow(synced, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    labs = win.pages.get("labs")
    if labs is not None and labs.runner is not None:  # a failed test must not leave a worker
        labs.runner.kill()                              # (or a "stop the lab?" question) behind
        while labs.runner is not None:
            labs._drain(wait=0.2)
    win.tasks.shutdown()


@pytest.fixture(autouse=True)
def _no_widgets_left(qtbot):
    """Delete every window a test leaves behind: a later test that changes the application's
    palette would otherwise re-polish (and crash in) half-torn-down widgets of earlier ones."""
    yield
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
