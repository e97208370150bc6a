"""The year heatmap: one square per study day, a column per week (Monday at the top), shaded in
five levels by the minutes studied, as GitHub shades contributions.

Shades are greens that follow the palette (light squares on a light window, dim ones on a dark
one); month names run above the columns, and hovering a day says its date and minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from planner.core.progress import DayTotal
from planner.progress import intensity
from planner.ui import theme

ROWS = 7
LIGHT_SHADES = ("#e4e8ee", "#9be9a8", "#40c463", "#30a14e", "#216e39")
DARK_SHADES = ("#2a2f38", "#0e4429", "#006d32", "#26a641", "#39d353")
GAP = 3  # pixels between squares
LABEL_WIDTH = 34  # weekday names on the left
HEADER = 18  # month names above


def duration_text(minutes: float) -> str:
    """Time studied as people say it: "45 min", "1 h 05 min"."""
    hours, rest = divmod(round(minutes), 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def day_text(total: DayTotal) -> str:
    """What hovering a day says: "Tue 3 Mar 2026 · 45 min"."""
    when = f"{total.day:%a} {total.day.day} {total.day:%b %Y}"
    if total.minutes > 0:
        spent = duration_text(total.minutes)
    elif total.events:
        spent = f"{total.events} activit{'ies' if total.events != 1 else 'y'}, no time recorded"
    else:
        spent = "nothing recorded"
    return f"{when} · {spent}"


class YearHeatmap(QWidget):
    """Squares for `days` (consecutive study days), laid out Monday to Sunday by week."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("yearHeatmap")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.days: tuple[DayTotal, ...] = ()
        self.thresholds: tuple[float, float, float] = (0.0, 0.0, 0.0)
        self._first_monday = date.today()
        self._by_day: dict[date, DayTotal] = {}
        self._columns = 53

    def set_days(self, days: Sequence[DayTotal], thresholds: tuple[float, float, float]) -> None:
        self.days, self.thresholds = tuple(days), thresholds
        self._by_day = {total.day: total for total in self.days}
        if self.days:
            first, last = self.days[0].day, self.days[-1].day
            self._first_monday = first - timedelta(days=first.weekday())
            self._columns = (last - self._first_monday).days // 7 + 1
        self.updateGeometry()
        self.update()

    # --- geometry --------------------------------------------------------------------------

    def _cell(self) -> int:
        room = self.width() - LABEL_WIDTH - 4
        return max(6, min(16, room // max(self._columns, 1) - GAP))

    def sizeHint(self) -> QSize:
        cell = 13
        return QSize(LABEL_WIDTH + self._columns * (cell + GAP), HEADER + ROWS * (16 + GAP) + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(LABEL_WIDTH + self._columns * (6 + GAP), HEADER + ROWS * (16 + GAP) + 4)

    def cell_rect(self, day: date) -> QRect:
        cell = self._cell()
        column = (day - self._first_monday).days // 7
        return QRect(LABEL_WIDTH + column * (cell + GAP), HEADER + day.weekday() * (cell + GAP),
                     cell, cell)

    def day_at(self, point: QPoint) -> DayTotal | None:
        """The day under `point` (widget coordinates), if any."""
        cell = self._cell()
        column, x = divmod(point.x() - LABEL_WIDTH, cell + GAP)
        row, y = divmod(point.y() - HEADER, cell + GAP)
        if point.x() < LABEL_WIDTH or point.y() < HEADER or x >= cell or y >= cell or row >= ROWS:
            return None
        return self._by_day.get(self._first_monday + timedelta(days=column * 7 + row))

    # --- drawing ---------------------------------------------------------------------------

    def shades(self, palette: QPalette | None = None) -> tuple[QColor, ...]:
        """The five shades for `palette` (default: the heatmap's own)."""
        dark = theme.is_dark(palette if palette is not None else self.palette())
        return tuple(QColor(c) for c in (DARK_SHADES if dark else LIGHT_SHADES))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        shades = self.shades()
        text = self.palette().color(QPalette.ColorRole.PlaceholderText)
        painter.setPen(text)
        cell = self._cell()
        for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
            painter.drawText(QRect(0, HEADER + row * (cell + GAP), LABEL_WIDTH - 6, cell),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
        self._paint_months(painter, cell)
        painter.setPen(Qt.PenStyle.NoPen)
        for total in self.days:
            painter.setBrush(shades[intensity(total, self.thresholds)])
            painter.drawRoundedRect(self.cell_rect(total.day), 2, 2)
        painter.end()

    def _paint_months(self, painter: QPainter, cell: int) -> None:
        def x_of(day: date) -> int:
            return LABEL_WIDTH + (day - self._first_monday).days // 7 * (cell + GAP)

        labels = [(x_of(t.day), f"{t.day:%b}") for t in self.days if t.day.day == 1]
        if self.days and self.days[0].day.day != 1:  # the first, partial month: only if it has room
            first = (x_of(self.days[0].day), f"{self.days[0].day:%b}")
            if not labels or labels[0][0] - first[0] >= 30:
                labels.insert(0, first)
        for x, label in labels:
            painter.drawText(QRect(x, 0, 40, HEADER - 3),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, label)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            total = self.day_at(event.pos())
            if total is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), day_text(total), self)
            return True
        return super().event(event)
