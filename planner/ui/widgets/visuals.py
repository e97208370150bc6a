"""The lab's own pictures, updated live: sample grids, filters, feature maps, heatmaps,
confusion matrices, latent scatter plots and generated text. One tab per picture."""

from __future__ import annotations

import functools
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QPlainTextEdit, QTabWidget, QWidget

from planner.core.events import Visual
from planner.ui.widgets.live_plot import COLOURS, follow_palette, outside_legend


def tile(images: np.ndarray, columns: int | None = None, pad: int = 1) -> np.ndarray:
    """(N, H, W) images as one (rows·(H+pad)+pad, cols·(W+pad)+pad) mosaic, each image scaled
    to [0, 1] (a constant one to 0), NaN between and after them. Array operations only: the
    CNN lab sends 32 filters every epoch."""
    n, h, w = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    low = images.min(axis=(1, 2), keepdims=True)
    span = images.max(axis=(1, 2), keepdims=True) - low
    cells = np.full((rows * columns, h + pad, w + pad), np.nan)
    np.divide(images - low, span, out=cells[:n, :h, :w], where=span > 0)
    cells[:n, :h, :w][np.broadcast_to(span <= 0, (n, h, w))] = 0.0
    mosaic = cells.reshape(rows, columns, h + pad, w + pad).transpose(0, 2, 1, 3)
    return np.pad(mosaic.reshape(rows * (h + pad), columns * (w + pad)), ((pad, 0), (pad, 0)),
                  constant_values=np.nan)


AXIS_NAMES = {"confusion": ("predicted", "true"), "heatmap": ("input position", "output step")}
CENTRED_TICKS = 30  # matrices with at most this many rows or columns label each cell's centre


class CellCounts(pg.GraphicsObject):
    """A matrix's non-zero counts written over its cells, all drawn by one item: a TextItem per
    cell cost ~0.4 ms to make, and an untrained classifier fills most of a 10 × 10 matrix. Each
    count is drawn inside its own cell (a smaller font where the cell is narrow), dark on the
    bright cells of the colour map and white on the dark ones."""

    def __init__(self):
        super().__init__()
        self.counts = np.zeros((0, 0))

    def set_counts(self, counts: np.ndarray) -> None:
        self.prepareGeometryChange()
        self.counts = np.asarray(counts)
        self.update()

    def texts(self) -> dict[tuple[int, int], str]:
        """What is written in each (row, column) cell."""
        return {(int(r), int(c)): str(int(self.counts[r, c])) for r, c in np.argwhere(self.counts)}

    def boundingRect(self) -> QRectF:
        rows, columns = self.counts.shape
        return QRectF(0, 0, columns, rows)

    def cell_rect(self, to_device, r: int, c: int) -> QRectF:
        """Cell (r, c) in device pixels."""
        return to_device.mapRect(QRectF(c, r, 1, 1))

    def paint(self, painter, *args) -> None:
        to_device = painter.transform()
        painter.resetTransform()  # text in pixels, inside the cells wherever the view puts them
        texts = self.texts()
        if not texts:
            return
        cell = self.cell_rect(to_device, 0, 0)
        widest = max(len(text) for text in texts.values())
        font = QFont(painter.font())
        size = min(font.pointSizeF() if font.pointSizeF() > 0 else 9.0,
                   0.8 * cell.height(), 1.5 * cell.width() / max(widest, 1))
        if size < 4:
            return  # cells too small to write in: the colours alone show the counts
        font.setPointSizeF(size)
        painter.setFont(font)
        high = float(self.counts.max()) or 1.0
        low = float(self.counts.min())
        for (r, c), text in texts.items():
            bright = (self.counts[r, c] - low) / (high - low or 1.0) > 0.6  # viridis is light up there
            painter.setPen(QColor("black" if bright else "white"))
            painter.drawText(self.cell_rect(to_device, r, c), Qt.AlignmentFlag.AlignCenter, text)


@functools.cache
def _colour_map(name: str) -> pg.ColorMap:
    return pg.colormap.get(name)


class VisualPanel(QTabWidget):
    """Shows the newest picture of each name; a picture's tab is made when it first arrives.

    `show_visual` only keeps the picture; `redraw` (the page's 50 ms timer) draws the ones that
    changed, building at most one new view per call (the first epoch of the CNN lab brings three
    pictures at once, and building their views in one tick stalled the event loop). A picture
    in a hidden tab is drawn when its tab is shown: the CNN lab ends an epoch three times a
    second, and only one of its pictures can be seen at a time.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        follow_palette(self)
        self.setObjectName("labVisuals")
        self.views: dict[str, QWidget] = {}
        self._dirty: dict[str, Visual] = {}
        self.currentChanged.connect(lambda _index: self.redraw(new_views=0))
        for name in ("viridis", "CET-L1"):
            _colour_map(name)  # read from their files now, not while a lab is training

    def clear_all(self) -> None:
        while self.count():
            widget = self.widget(0)
            self.removeTab(0)
            widget.deleteLater()
        self.views.clear()
        self._dirty.clear()

    def show_visual(self, visual: Visual) -> None:
        # one tab per picture: a GAN's "samples after epoch N" all land in the same tab
        fixed = visual.kind in ("text", "confusion", "heatmap")
        key = visual.kind if fixed else visual.name.split(" after")[0]
        self._dirty[key] = visual

    @property
    def pending(self) -> bool:
        return bool(self._dirty)

    def redraw(self, new_views: int | None = 1) -> None:
        """Draw the changed pictures that can be seen (and those of new tabs); build at most
        `new_views` new views (None: all of them)."""
        for key in list(self._dirty):
            view = self.views.get(key)
            if view is None:
                if new_views is not None and new_views <= 0:
                    continue
                new_views = None if new_views is None else new_views - 1
                view = self.views[key] = self._make(self._dirty[key].kind)
                self.addTab(view, key if len(key) < 28 else key[:26] + "…")
            elif view is not self.currentWidget():
                continue
            visual = self._dirty.pop(key, None)  # None: drawn already, when addTab showed it
            if visual is not None:
                self._update(view, visual)

    def _make(self, kind: str) -> QWidget:
        if kind == "text":
            text = QPlainTextEdit(readOnly=True)
            text.setFont(QFont("monospace"))
            return text
        if kind == "scatter":
            plot = pg.PlotWidget()
            plot.groups = {}
            outside_legend(plot, columns=5)
            return plot
        # a view box (with axes for matrices) and a caption, all in one graphics view: a
        # PlotWidget builds menus and a settings panel no picture uses (10-25 ms to make), and a
        # QLabel caption's new text re-lays out the tabs, which then repaint the live plots too
        view = pg.GraphicsLayoutWidget()
        view.caption = view.ci.addLabel("", row=0, col=0, colspan=2)
        # a matrix fills its view (its cells need not be square); a picture keeps its shape
        matrix = kind in ("heatmap", "confusion")
        view.plot = pg.ViewBox(lockAspect=not matrix, invertY=True, enableMenu=False)
        view.ci.addItem(view.plot, row=1, col=1)
        if matrix:
            x_name, y_name = AXIS_NAMES[kind]
            view.axes = {"left": pg.AxisItem("left", linkView=view.plot),
                         "bottom": pg.AxisItem("bottom", linkView=view.plot)}
            view.axes["left"].setLabel(y_name)
            view.axes["bottom"].setLabel(x_name)
            view.ci.addItem(view.axes["left"], row=1, col=0)
            view.ci.addItem(view.axes["bottom"], row=2, col=1)
        view.image = pg.ImageItem(axisOrder="row-major")
        view.image.setColorMap(_colour_map("viridis" if kind in ("heatmap", "confusion") else "CET-L1"))
        view.plot.addItem(view.image)
        if kind == "confusion":
            view.cells = CellCounts()
            view.plot.addItem(view.cells)
        return view

    def _update(self, view: QWidget, visual: Visual) -> None:
        if visual.kind == "text":
            view.setPlainText(visual.meta.get("text", ""))
            return
        if visual.kind == "scatter":
            self._scatter(view, visual)
            return
        array = np.asarray(visual.array, dtype=float)
        if visual.kind in ("images", "filters"):
            array = tile(array, visual.meta.get("columns"))
        view.image.setImage(array, autoLevels=True)
        caption = visual.meta.get("caption")  # a lab's one line on what to look for
        view.caption.setText(f"{visual.name} (step {visual.step})" + (f"<br>{caption}" if caption else ""))
        if visual.kind == "confusion":
            view.cells.set_counts(array)
        if visual.kind in ("heatmap", "confusion"):
            x_name, y_name = visual.meta.get("axes") or AXIS_NAMES[visual.kind]  # a lab may name its own
            view.axes["bottom"].setLabel(x_name)
            view.axes["left"].setLabel(y_name)
            self._fit_matrix(view, array.shape)

    @staticmethod
    def _fit_matrix(view: QWidget, shape: tuple[int, ...]) -> None:
        """The view spans exactly the matrix (pan and zoom stay inside it), with each row and
        column numbered at its centre when there are few enough to read."""
        rows, columns = shape[:2]
        view.plot.setLimits(xMin=0, xMax=columns, yMin=0, yMax=rows)
        view.plot.setRange(xRange=(0, columns), yRange=(0, rows), padding=0)
        for side, count in (("bottom", columns), ("left", rows)):
            ticks = None
            if count <= CENTRED_TICKS:
                every = 1 if count <= 12 else 2
                ticks = [[(i + 0.5, str(i)) for i in range(0, count, every)], []]
            view.axes[side].setTicks(ticks)

    @staticmethod
    def _scatter(plot: pg.PlotWidget, visual: Visual) -> None:
        # one scatter per label, made once and then given new points: re-plotting every group
        # (and its legend entry) on each update cost a few ms a group
        points = np.asarray(visual.array, dtype=float)
        labels = np.asarray(visual.meta.get("labels", np.zeros(len(points))))
        names = visual.meta.get("names") or [str(v) for v in sorted(set(labels.tolist()))]
        caption = visual.meta.get("caption")
        plot.setTitle(visual.name + (f"<br><small>{caption}</small>" if caption else ""))
        x_name, y_name = visual.meta.get("axes", ("", ""))
        plot.setLabel("bottom", x_name)
        plot.setLabel("left", y_name)
        present = sorted(set(labels.tolist()))
        for value, group in list(plot.groups.items()):
            if value not in present:
                plot.removeItem(group)
                del plot.groups[value]
        for value in present:
            mask = labels == value
            group = plot.groups.get(value)
            if group is None:
                colour = COLOURS[int(value) % len(COLOURS)]
                name = names[int(value)] if int(value) < len(names) else str(value)
                group = plot.groups[value] = plot.plot(pen=None, symbol="o", symbolSize=5,
                                                       symbolBrush=colour, symbolPen=None, name=name)
            group.setData(points[mask, 0], points[mask, 1])
