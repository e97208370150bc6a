"""The one way the window hands an address to the desktop.

Every link a learner clicks (lesson links, reading and conference websites, role pages) goes
through `open_external`: only web pages and e-mail addresses (`planner.core.urls`) are opened;
anything else, or an address the desktop cannot open, is reported in the window's status bar
instead of silently doing nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from planner.core.urls import is_safe_external_url, shorten

MESSAGE_MS = 8000


def open_external(url: QUrl | str, widget: QWidget | None) -> bool:
    """Open a web or mailto address in the desktop's browser or mail program; say in the
    status bar of `widget`'s window why not when it is refused or cannot be opened."""
    text = url.toString() if isinstance(url, QUrl) else str(url)
    if not is_safe_external_url(text):
        tell(widget, f"Not opened: {shorten(text, 100)} is not a web or e-mail address.")
        return False
    if not QDesktopServices.openUrl(QUrl(text)):
        tell(widget, f"Could not open {shorten(text, 100)}: no browser or mail program answered.")
        return False
    return True


def open_folder(path: Path | str, widget: QWidget | None) -> bool:
    """Show one of Lodestar's own folders in the file manager (the only local address opened)."""
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        tell(widget, f"Could not open the folder {path}.")
        return False
    return True


def route_links(label: QLabel) -> QLabel:
    """Make a rich-text label's links go through `open_external` rather than straight to Qt."""
    label.setOpenExternalLinks(False)
    label.linkActivated.connect(lambda link: open_external(link, label))
    return label


def tell(widget: QWidget | None, message: str) -> None:
    """Show `message` in the status bar of `widget`'s main window, when it has one."""
    window = widget.window() if widget is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, MESSAGE_MS)
