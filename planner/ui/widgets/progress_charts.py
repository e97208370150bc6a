"""The Progress page's two charts: hours planned against hours studied per week (bars), and the
learner's skill levels over time (one step line per skill). Both follow the window's palette.
"""

from __future__ import annotations

import calendar
import html
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from planner.core.progress import SkillPoint, WeekHours
from planner.core.tracking import SkillLine
from planner.ui import theme

# Distinguishable on white and on near-black (Tableau 10, slightly brightened for dark).
LINE_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2", "#edc948",
                "#ff9da7", "#9c755f", "#bab0ac")


def style_axes(plot: pg.PlotItem, palette: QPalette) -> None:
    """Axis text and lines in the palette's colours (called again on a theme change)."""
    dark = theme.is_dark(palette)
    text = palette.color(QPalette.ColorRole.Text)
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setTextPen(text)
        axis.setPen(pg.mkPen(text.darker(150) if dark else text.lighter(250)))


def quiet(plot: pg.PlotItem) -> None:
    """A chart to read, not to explore: no menu, no buttons, no panning or zooming."""
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=False, y=False)


class WeeklyHoursChart(pg.PlotWidget):
    """Two bars per week: the hours planned (grey, left) and the hours studied (blue, right)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, background=None)
        self.setObjectName("weeklyHoursChart")
        self.weeks: tuple[WeekHours, ...] = ()
        plot = self.getPlotItem()
        quiet(plot)
        plot.showGrid(x=False, y=True, alpha=0.25)
        plot.setLabel("left", "hours")
        self._planned = pg.BarGraphItem(x=[], height=[], width=0.38)
        self._done = pg.BarGraphItem(x=[], height=[], width=0.38)
        plot.addItem(self._planned)
        plot.addItem(self._done)
        self.scene().sigMouseMoved.connect(self._hover)
        self.setMinimumHeight(180)
        self._recolour()

    def set_weeks(self, weeks: Sequence[WeekHours]) -> None:
        self.weeks = tuple(weeks)
        xs = np.arange(len(self.weeks), dtype=float)
        planned = np.array([w.planned for w in self.weeks], dtype=float)
        some = planned > 0  # a week with nothing planned gets no bar, not a hairline
        self._planned.setOpts(x=xs[some] - 0.2, height=planned[some])
        self._done.setOpts(x=xs + 0.2, height=np.array([w.done for w in self.weeks], dtype=float))
        step = 2 if len(self.weeks) > 8 else 1
        last = len(self.weeks) - 1
        ticks = [(i, f"{w.week_start.day} {w.week_start:%b}")
                 for i, w in enumerate(self.weeks) if (last - i) % step == 0]
        self.getPlotItem().getAxis("bottom").setTicks([ticks])
        top = max([w.planned for w in self.weeks] + [w.done for w in self.weeks] + [1.0])
        # room on the right for the last week's date, which the axis drops if it would overflow
        self.getPlotItem().setRange(xRange=(-0.7, max(last, 0) + 1.0), yRange=(0, top * 1.1),
                                    padding=0)

    def week_text(self, index: int) -> str:
        week = self.weeks[index]
        planned = f" of {week.planned:.1f} h planned" if week.planned else " (nothing planned)"
        return f"Week of {week.week_start:%a %d %b}: {week.done:.1f} h studied{planned}"

    def _recolour(self) -> None:
        dark = theme.is_dark(self.palette())
        style_axes(self.getPlotItem(), self.palette())
        self._planned.setOpts(brush=pg.mkBrush(QColor("#5a6375" if dark else "#aab4c8")),
                              pen=pg.mkPen(None))
        self._done.setOpts(brush=pg.mkBrush(theme.ACCENT), pen=pg.mkPen(None))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_done"):
            self._recolour()
        super().changeEvent(event)

    def _hover(self, pos: QPointF) -> None:
        view = self.getPlotItem().getViewBox()
        if not self.weeks or not view.sceneBoundingRect().contains(pos):
            return
        index = round(view.mapSceneToView(pos).x())
        self.setToolTip(self.week_text(index) if 0 <= index < len(self.weeks) else "")


def _stamp(day: date) -> float:
    return calendar.timegm(datetime.combine(day, time(12)).timetuple())


class SkillHistoryChart(pg.PlotWidget):
    """One step line per skill, levels 0–5 over the days since the profile started."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, background=None, axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
        self.setObjectName("skillHistoryChart")
        plot = self.getPlotItem()
        quiet(plot)
        plot.showGrid(x=False, y=True, alpha=0.25)
        plot.setLabel("left", "level")
        plot.getAxis("left").setTicks([[(v, str(v)) for v in range(6)]])
        self.curves: dict[str, pg.PlotCurveItem] = {}
        self.lines: tuple[SkillLine, ...] = ()
        self.setMinimumHeight(180)
        style_axes(plot, self.palette())

    def set_history(self, points: Sequence[SkillPoint], lines: Sequence[SkillLine], today: date,
                    first: date | None = None) -> None:
        """Draw `lines` from `points` (as `skill_history` gives them) up to `today`; a skill
        without points stays at level 0 from `first` (default: the earliest point)."""
        plot = self.getPlotItem()
        for curve in self.curves.values():
            plot.removeItem(curve)
        self.curves, self.lines = {}, tuple(lines)
        start = min([p.day for p in points] + ([first] if first else []), default=today)
        by_skill: dict[str, list[SkillPoint]] = {}
        for point in points:
            by_skill.setdefault(point.skill, []).append(point)
        for n, line in enumerate(lines):
            xs, ys = self._steps(by_skill.get(line.skill, []), start, today)
            offset = (n - len(lines) / 2) * min(0.02, 0.3 / max(len(lines), 1))  # one level, apart
            pen = pg.mkPen(self.colour(n), width=2)
            # a bare curve: a PlotDataItem's symbols and downsampling are not needed for steps
            curve = pg.PlotCurveItem(xs, ys + offset, pen=pen, name=line.name)
            plot.addItem(curve)
            self.curves[line.skill] = curve
        plot.setRange(xRange=(_stamp(start), _stamp(max(today, start + timedelta(days=7)))),
                      yRange=(-0.2, 5.3), padding=0.02)

    @staticmethod
    def colour(n: int) -> str:
        return LINE_COLOURS[n % len(LINE_COLOURS)]

    def legend_html(self) -> str:
        """The key to the lines, as rich text for a label beside the chart (pyqtgraph's own
        legend would cover the lines of a role with many skills)."""
        names = (html.escape(line.name).replace(" ", "&nbsp;") for line in self.lines)  # unbroken
        return " &nbsp; ".join(f"<span style='color:{self.colour(n)}'>■</span>&nbsp;{name}"
                               for n, name in enumerate(names))

    @staticmethod
    def _steps(points: list[SkillPoint], start: date, today: date) -> tuple[np.ndarray, np.ndarray]:
        xs, ys, level = [_stamp(start)], [0.0], 0.0
        for point in sorted(points, key=lambda p: p.day):
            xs += [_stamp(point.day), _stamp(point.day)]
            ys += [level, float(point.level)]
            level = float(point.level)
        xs.append(_stamp(max(today, start)))
        ys.append(level)
        return np.array(xs, dtype=float), np.array(ys, dtype=float)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "curves"):
            style_axes(self.getPlotItem(), self.palette())
        super().changeEvent(event)
