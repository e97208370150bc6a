"""The skill gap as a bar chart: per skill of the role, the learner's level against the target.

Skills are listed by weighted gap, biggest first; a pale bar is the target (`LEGEND`), a solid
one the current level, and a skill already at its target is drawn in the "done" colour. Hovering a row
says the skill, both levels and its weight.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from planner.core.models import SkillGap
from planner.ui import theme
from planner.ui.widgets.progress_charts import quiet, style_axes

ROW = 22  # pixels per skill
LEGEND = "Pale bar: the role's target · blue: your level · green: target reached"


class SkillGapChart(pg.PlotWidget):
    """Horizontal bars, one row per skill, levels 0–5 along the x axis."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, background=None)
        self.setObjectName("skillGapChart")
        self.gaps: tuple[SkillGap, ...] = ()
        self.names: dict[str, str] = {}
        item = self.getPlotItem()
        quiet(item)
        item.showGrid(x=True, y=False, alpha=0.25)
        item.getViewBox().invertY(True)
        item.setLabel("bottom", "level")
        item.getAxis("bottom").setTicks([[(v, str(v)) for v in range(6)]])
        self._target = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7)
        self._current = pg.BarGraphItem(x0=[], y=[], width=[], height=0.42)
        item.addItem(self._target)
        item.addItem(self._current)
        self.scene().sigMouseMoved.connect(self._hover)
        self._recolour()

    def set_gap(self, gaps: tuple[SkillGap, ...], names: dict[str, str]) -> None:
        """Show `gaps` (as `Lodestar.skill_gap` returns them), labelled with skill `names`."""
        self.gaps, self.names = tuple(gaps), names
        ys = np.arange(len(self.gaps), dtype=float)
        targets = np.array([g.target for g in self.gaps], dtype=float)
        current = np.array([min(g.current, 5) for g in self.gaps], dtype=float)
        self._target.setOpts(x0=np.zeros(len(ys)), y=ys, width=targets)
        self._current.setOpts(x0=np.zeros(len(ys)), y=ys, width=current, brushes=self._brushes())
        axis = self.getPlotItem().getAxis("left")
        axis.setTicks([[(i, self._label(g)) for i, g in enumerate(self.gaps)]])
        self.getPlotItem().setRange(xRange=(0, 5.2), yRange=(-0.6, max(len(ys), 1) - 0.4), padding=0)
        self.setMinimumHeight(60 + ROW * max(len(ys), 1))
        self.setToolTip("")

    def _label(self, gap: SkillGap) -> str:
        name = self.names.get(gap.skill, gap.skill)
        return name if len(name) <= 28 else name[:27] + "…"

    def _brushes(self) -> list:
        done, short = self._colours[1], self._colours[2]
        return [pg.mkBrush(done if g.gap == 0 else short) for g in self.gaps]

    def _recolour(self) -> None:
        dark = theme.is_dark(self.palette())
        self._colours = (QColor("#3a4150" if dark else "#d5dbe6"), QColor("#3fae6a"),
                         theme.ACCENT)
        style_axes(self.getPlotItem(), self.palette())
        self._target.setOpts(brush=pg.mkBrush(self._colours[0]), pen=pg.mkPen(None))
        self._current.setOpts(brushes=self._brushes(), pen=pg.mkPen(None))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_current"):
            self._recolour()
        super().changeEvent(event)

    def row_text(self, row: int) -> str:
        """What hovering `row` says: skill, current and target level, weight."""
        gap = self.gaps[row]
        state = "at target" if gap.gap == 0 else f"{gap.gap} level{'s' if gap.gap > 1 else ''} to go"
        return (f"{self.names.get(gap.skill, gap.skill)}: level {gap.current} of {gap.target} "
                f"({state}; weight {gap.weight:g})")

    def _hover(self, pos: QPointF) -> None:
        view = self.getPlotItem().getViewBox()
        if not self.gaps or not view.sceneBoundingRect().contains(pos):
            return
        row = round(view.mapSceneToView(pos).y())
        self.setToolTip(self.row_text(row) if 0 <= row < len(self.gaps) else "")
