"""Light and dark palettes: the learner's choice (View → Theme), else the system's colour scheme.
LODESTAR_THEME=light|dark overrides both (screenshots, tests)."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = QColor("#3b6fd8")
SYSTEM = "system"
CHOICES = {SYSTEM: "&System", "light": "&Light", "dark": "&Dark"}
_chosen = SYSTEM  # the choice in force, kept so a change of the system's scheme can re-apply it


def wants_dark(choice: str = SYSTEM) -> bool:
    forced = os.environ.get("LODESTAR_THEME", "").lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    if choice in ("dark", "light"):
        return choice == "dark"
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply(app: QApplication, choice: str | None = None) -> None:
    """Fusion style with a palette for `choice` (System, Light or Dark; None keeps the one in
    force); re-applied when the system's scheme changes."""
    global _chosen
    _chosen = choice if choice in CHOICES else _chosen
    # Replacing the style deletes the old one under every widget: once is enough (doing it again
    # on a change of scheme crashed Qt inside widgets that still held the old style).
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(_dark_palette() if wants_dark(_chosen) else _light_palette())
    app.setStyleSheet(_STYLE)


def _palette(colours: dict[QPalette.ColorRole, str], disabled: str) -> QPalette:
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return palette


_R = QPalette.ColorRole
_LIGHT = {
    _R.Window: "#f4f5f7", _R.WindowText: "#1d2330", _R.Base: "#ffffff", _R.AlternateBase: "#eef1f5",
    _R.Text: "#1d2330", _R.Button: "#e9ecf1", _R.ButtonText: "#1d2330", _R.ToolTipBase: "#ffffe8",
    _R.ToolTipText: "#1d2330", _R.PlaceholderText: "#7a8294", _R.Link: "#2456b8",
    _R.LinkVisited: "#6b3fb8", _R.Highlight: ACCENT.name(), _R.HighlightedText: "#ffffff",
    _R.Mid: "#c7ccd6", _R.Dark: "#9aa1ae",
}
_DARK = {
    _R.Window: "#1f2228", _R.WindowText: "#e3e6ec", _R.Base: "#17191e", _R.AlternateBase: "#23262d",
    _R.Text: "#e3e6ec", _R.Button: "#2b2f37", _R.ButtonText: "#e3e6ec", _R.ToolTipBase: "#2b2f37",
    _R.ToolTipText: "#e3e6ec", _R.PlaceholderText: "#8a92a3", _R.Link: "#8fb4ff",
    _R.LinkVisited: "#c3a6ff", _R.Highlight: ACCENT.name(), _R.HighlightedText: "#ffffff",
    _R.Mid: "#3a3f49", _R.Dark: "#111317", _R.BrightText: "#ffffff",
}


def _light_palette() -> QPalette:
    return _palette(_LIGHT, disabled="#9aa1ae")


def _dark_palette() -> QPalette:
    return _palette(_DARK, disabled="#6b7280")


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
