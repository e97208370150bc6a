"""HTML to PDF with Qt's own PDF writer (QTextDocument printed on a QPdfWriter), headless too.

The command line calls `write_pdf` without a window: when no Qt application exists yet, one is
made on the offscreen platform, so no display is needed.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from planner.core.errors import LodestarError
from planner.services.files import write_atomically

_APP: QGuiApplication | None = None  # kept alive for the process once made here


def _application() -> None:
    global _APP
    if QGuiApplication.instance() is None:
        # A GUI-less platform: the command line may run where there is no display at all.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _APP = QGuiApplication(["lodestar-report", "-platform", os.environ["QT_QPA_PLATFORM"]])


def write_pdf(html: str, path: Path) -> Path:
    """Print `html` to an A4 PDF at `path`, written whole or not at all (`write_atomically`).
    Call it on the GUI thread (or with no GUI at all)."""
    _application()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setCreator("Lodestar")
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter))
    document = QTextDocument()
    document.setHtml(html)
    document.print_(writer)
    del writer  # finishes the PDF
    pdf = bytes(buffer.data())
    if not pdf:
        raise LodestarError(f"Could not write {path}: Qt made no PDF.")
    return write_atomically(path, pdf)
