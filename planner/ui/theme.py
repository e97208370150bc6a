"""Light and dark palettes that follow the system colour scheme (or LODESTAR_THEME)."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = QColor("#3b6fd8")


def wants_dark() -> bool:
    forced = os.environ.get("LODESTAR_THEME", "").lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply(app: QApplication) -> None:
    """Fusion style with a palette for the current scheme; re-applied when the system changes."""
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if wants_dark() else _light_palette())
    app.setStyleSheet(_STYLE)


def _light_palette() -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#f4f5f7", QPalette.ColorRole.WindowText: "#1d2330",
        QPalette.ColorRole.Base: "#ffffff", QPalette.ColorRole.AlternateBase: "#eef1f5",
        QPalette.ColorRole.Text: "#1d2330", QPalette.ColorRole.Button: "#e9ecf1",
        QPalette.ColorRole.ButtonText: "#1d2330", QPalette.ColorRole.ToolTipBase: "#ffffe8",
        QPalette.ColorRole.ToolTipText: "#1d2330", QPalette.ColorRole.PlaceholderText: "#7a8294",
        QPalette.ColorRole.Link: "#2456b8", QPalette.ColorRole.LinkVisited: "#6b3fb8",
        QPalette.ColorRole.Highlight: ACCENT.name(), QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Mid: "#c7ccd6", QPalette.ColorRole.Dark: "#9aa1ae",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#9aa1ae"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#9aa1ae"))
    return palette


def _dark_palette() -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#1f2228", QPalette.ColorRole.WindowText: "#e3e6ec",
        QPalette.ColorRole.Base: "#17191e", QPalette.ColorRole.AlternateBase: "#23262d",
        QPalette.ColorRole.Text: "#e3e6ec", QPalette.ColorRole.Button: "#2b2f37",
        QPalette.ColorRole.ButtonText: "#e3e6ec", QPalette.ColorRole.ToolTipBase: "#2b2f37",
        QPalette.ColorRole.ToolTipText: "#e3e6ec", QPalette.ColorRole.PlaceholderText: "#8a92a3",
        QPalette.ColorRole.Link: "#8fb4ff", QPalette.ColorRole.LinkVisited: "#c3a6ff",
        QPalette.ColorRole.Highlight: ACCENT.name(), QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Mid: "#3a3f49", QPalette.ColorRole.Dark: "#111317",
        QPalette.ColorRole.BrightText: "#ffffff",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b7280"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6b7280"))
    return palette


_STYLE = """
QListWidget#sidebar { border: none; font-size: 14px; padding: 8px 6px;
                      background: palette(window); }
QListWidget#sidebar::item { padding: 7px 12px; border-radius: 6px; color: palette(window-text); }
QListWidget#sidebar::item:selected { background: palette(highlight);
                                     color: palette(highlighted-text); }
QListWidget#sidebar::item:hover:!selected { background: palette(alternate-base); }
QLabel[role="title"] { font-size: 20px; font-weight: 600; }
QLabel[role="subtitle"] { color: palette(placeholder-text); }
QLabel[role="section"] { font-size: 13px; font-weight: 600; margin-top: 6px; }
"""
