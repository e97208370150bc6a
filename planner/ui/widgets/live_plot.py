"""Live training curves with pyqtgraph, drawn the way its scrollingPlots example does it.

Each curve is created once; points go into a preallocated numpy buffer that doubles when full,
and `redraw()` (called by the page's 50 ms timer) hands each changed curve its filled slice with
one `setData`. Clip to view, peak downsampling, pen width 1. Once the learner zooms or pans,
pyqtgraph stops auto-ranging that plot until its "A" button is pressed (or the plot is
double-clicked), so the view does not jump while points keep arriving. While it follows the
curves it fits round-numbered bounds a little wider than the data (`stepped_bounds`), so its
range and axes change a few dozen times in a run rather than at every tick. Hovering a plot
shows the nearest point's curve, step and value (`Readout`).
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QVBoxLayout, QWidget

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f"]
LOSS_WORDS = ("loss", "mse", "reconstruction", "kl", "elbo", "baseline", "error")
SPARSE = 200  # curves with at most this many points get a marker on each point
HOVER_HZ = 30  # mouse moves handled per second at most
NICE = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def follow_palette(widget: QWidget) -> None:
    """Draw plots in the window's colours (pyqtgraph's default is black, whatever the theme)."""
    palette = widget.palette()
    pg.setConfigOptions(antialias=False, background=palette.color(QPalette.ColorRole.Base),
                        foreground=palette.color(QPalette.ColorRole.Text))


def outside_legend(plot: pg.PlotWidget, columns: int = 1) -> pg.LegendItem:
    """A legend in its own row under the plot's bottom axis, never over the points or curves;
    items the plot makes with a `name` join it."""
    item = plot.getPlotItem()
    legend = pg.LegendItem(colCount=columns)
    item.layout.addItem(legend, 4, 1)
    item.legend = legend
    return legend


def grid_colour(widget: QWidget) -> QColor:
    """A light line on the plot's background: 15% of the text colour over the base colour."""
    palette = widget.palette()
    base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
    mix = [round(0.85 * b + 0.15 * t) for b, t in zip(base.getRgb()[:3], text.getRgb()[:3], strict=True)]
    return QColor(*mix)


def nice_above(value: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k that is at least `value` (> 0)."""
    power = 10.0 ** math.floor(math.log10(value))
    return power * next(n for n in NICE if n * power >= value * (1 - 1e-9))


def stepped_bounds(x0: float, x1: float, y0: float, y1: float) -> tuple[float, float, float, float]:
    """Bounds around data spanning x0..x1, y0..y1 that only move at round numbers: the x range
    ends at a round length past x0 (at most a third more than the data), the y range at
    multiples of a round eighth of the data's span. A repaint with a new range cost ~3 times one
    without (the axes are laid out again and the curves clipped and thinned afresh)."""
    step = nice_above(max(y1 - y0, abs(y1) * 0.01, 1e-9) / 8)
    return (x0, x0 + nice_above(max(x1 - x0, 1.0)), math.floor(y0 / step) * step,
            math.ceil(y1 / step) * step)


class Series:
    """A growing (x, y) buffer that knows its finite y range."""

    def __init__(self, capacity: int = 1024):
        self.x = np.empty(capacity, dtype=np.float64)
        self.y = np.empty(capacity, dtype=np.float64)
        self.n = 0
        self.low, self.high = math.inf, -math.inf

    def append(self, x: float, y: float) -> None:
        if self.n == len(self.x):
            self.x = np.resize(self.x, 2 * self.n)
            self.y = np.resize(self.y, 2 * self.n)
        self.x[self.n] = x
        self.y[self.n] = y
        self.n += 1
        if math.isfinite(y):
            self.low, self.high = min(self.low, y), max(self.high, y)

    def extend(self, xs: np.ndarray, ys: np.ndarray) -> None:
        need = self.n + len(xs)
        if need > len(self.x):
            size = max(need, 2 * len(self.x))
            self.x = np.resize(self.x, size)
            self.y = np.resize(self.y, size)
        self.x[self.n:need] = xs
        self.y[self.n:need] = ys
        self.n = need
        finite = ys[np.isfinite(ys)]
        if len(finite):
            self.low, self.high = min(self.low, float(finite.min())), max(self.high, float(finite.max()))


class Bounds(pg.GraphicsObject):
    """Draws nothing; its data bounds are the box the view's own auto-range fits, so the
    learner's zoom still turns following off and the "A" button or a double-click back on."""

    def __init__(self):
        super().__init__()
        self.box: tuple[float, float, float, float] | None = None

    def set_box(self, box: tuple[float, float, float, float] | None) -> None:
        if box != self.box:
            self.box = box
            self.informViewBoundsChanged()

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange=None) -> list:
        return [None, None] if self.box is None else list(self.box[2 * axis:2 * axis + 2])

    def boundingRect(self) -> QRectF:
        return QRectF()

    def paint(self, *args) -> None:
        pass


def smooth(values: np.ndarray, weight: float) -> np.ndarray:
    """Debiased exponential moving average (TensorBoard's smoothing): weight 0 leaves the curve
    as it is; the debiasing keeps the first points from being pulled towards zero."""
    if weight <= 0 or len(values) == 0:
        return values
    from scipy.signal import lfilter  # scipy comes with scikit-learn; loaded on first use only

    ema = lfilter([1 - weight], [1, -weight], values)        # last = w * last + (1 - w) * value
    return ema / (1 - weight ** np.arange(1, len(values) + 1))


class Readout(QObject):
    """The hover read-out of one plot: a dashed line and a ring at the point nearest the mouse,
    and a label with its curve, step and value.

    Mouse moves reach `moved` through a SignalProxy at most HOVER_HZ times a second, and each
    costs one binary search per curve (`np.searchsorted` on its step buffer, which is in step
    order), so hovering never competes with the 50 ms redraw.
    """

    def __init__(self, plot: pg.PlotWidget, curves):
        super().__init__(plot)
        self.plot = plot
        self.curves = curves  # () -> [(name, steps, values, colour)] drawn in this plot now
        self.line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#888888", width=1,
                                                                          style=Qt.PenStyle.DashLine))
        # a plain ring drawn in pixels: a pyqtgraph scatter item would have the view box
        # recompute its auto-range at every move
        self.marker = QGraphicsEllipseItem(-4.5, -4.5, 9, 9)
        self.marker.setPen(pg.mkPen("#888888", width=1.5))
        self.marker.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.label = pg.TextItem(anchor=(0, 1), color=pg.getConfigOption("foreground"),
                                 fill=pg.mkBrush(plot.backgroundBrush().color()),
                                 border=pg.mkPen("#888888"))
        for z, item in enumerate((self.line, self.marker, self.label)):
            item.setZValue(1000 + z)  # above the curves, the label above its own line
        self.text = ""
        self.shown: tuple | None = None  # the point and label placement on screen now
        self.last: QPointF | None = None
        for item in (self.line, self.marker, self.label):
            # straight onto the view box: not a curve of the plot, so `plot.clear()` leaves it,
            # and never counted when the view auto-ranges
            plot.getViewBox().addItem(item, ignoreBounds=True)
        self.hide()
        self.proxy = pg.SignalProxy(plot.scene().sigMouseMoved, rateLimit=HOVER_HZ, delay=0.0,
                                    slot=self._proxied, threadSafe=False)
        plot.scene().sigMouseClicked.connect(self._clicked)
        plot.installEventFilter(self)

    def hide(self) -> None:
        self.text, self.shown = "", None
        for item in (self.line, self.marker, self.label):
            item.hide()

    def moved(self, scene_pos: QPointF) -> None:
        """Show the point nearest `scene_pos` (a position in the plot's scene)."""
        self.last = QPointF(scene_pos)
        box = self.plot.getViewBox()
        if not box.sceneBoundingRect().contains(scene_pos):
            self.hide()
            return
        found = self.nearest(box.mapSceneToView(scene_pos), box.viewPixelSize())
        if found is None:
            self.hide()
            return
        name, step, value, colour = found
        (left, right), (bottom, top) = box.viewRange()
        # keep the label inside the view: to the left of points in the right half, below top ones
        anchor = (1 if step > (left + right) / 2 else 0, 0 if value > (bottom + top) / 2 else 1)
        if (found, anchor) == self.shown:
            return  # the same point: moving nothing spares a repaint of the plot
        self.shown = (found, anchor)
        self.text = f"{name}\nstep {step:g}   value {value:.5g}"
        self.line.setPos(step)
        self.marker.setPos(step, value)
        self.label.setHtml(f'<span style="color:{colour}">&#9632;</span> {html.escape(name)}<br/>'
                           f"step <b>{step:g}</b> &nbsp; value <b>{value:.5g}</b>")
        self.label.setAnchor(anchor)
        self.label.setPos(step, value)
        for item in (self.line, self.marker, self.label):
            item.show()

    def nearest(self, at: QPointF, pixel: tuple[float, float]) -> tuple[str, float, float, str] | None:
        """(curve, step, value, colour) of the point nearest `at`, measured in screen pixels."""
        best, best_distance = None, np.inf
        for name, xs, ys, colour in self.curves():
            if len(xs) == 0:
                continue
            i = int(np.searchsorted(xs, at.x()))
            near = np.array([max(i - 1, 0), min(i, len(xs) - 1)])
            distance = np.hypot((xs[near] - at.x()) / pixel[0], (ys[near] - at.y()) / pixel[1])
            k = int(np.argmin(distance))
            if distance[k] < best_distance:
                best, best_distance = (name, float(xs[near[k]]), float(ys[near[k]]), colour), distance[k]
        return best

    def refresh(self) -> None:
        """New points arrived: point again at what is under a mouse that has not moved."""
        if self.text and self.last is not None:
            self.moved(self.last)

    def _proxied(self, args: tuple) -> None:
        self.moved(args[0])

    def _clicked(self, event) -> None:
        # a double-click gives the plot back to auto-range, like the "A" button
        if event.double() and self.plot.getViewBox().sceneBoundingRect().contains(event.scenePos()):
            self.plot.enableAutoRange()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Leave:
            self.hide()
        return False


class LivePlots(QWidget):
    """Two plots against the optimisation step: losses, and the lab's other metrics."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        follow_palette(self)
        self.loss = self._plot("Loss", "value")
        self.metrics = self._plot("Metrics", "value")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.loss, 3)
        layout.addWidget(self.metrics, 2)
        self.series: dict[str, Series] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.drawn: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # what each curve shows now
        self.colours: dict[str, str] = {}
        self._dirty: set[str] = set()
        self.smoothing = 0.0
        self.readouts = {plot: Readout(plot, lambda plot=plot: self._shown_in(plot))
                         for plot in (self.loss, self.metrics)}
        self.bounds = {plot: Bounds() for plot in (self.loss, self.metrics)}
        for plot, bounds in self.bounds.items():
            plot.getViewBox().addItem(bounds)  # not a curve: `plot.clear()` leaves it

    def _plot(self, title: str, left: str) -> pg.PlotWidget:
        plot = pg.PlotWidget(title=title)
        plot.setLabel("bottom", "step")
        plot.setLabel("left", left)
        plot.showGrid(x=True, y=True, alpha=1.0)
        grid = grid_colour(self)
        for side in ("left", "bottom"):
            # Opaque grid lines at the major ticks only. Faint (alpha-blended) lines at every
            # tick level made each repaint about twice as dear, and Qt hands blended fills to a
            # second thread, which on two cores waits for the core the lab is training on.
            axis = plot.getAxis(side)
            axis.setStyle(maxTickLevel=0)
            axis.setTickPen(pg.mkPen(grid, width=1))
            axis.enableAutoSIPrefix(False)  # an accuracy of 0.97 reads as 0.97, not "970 (x0.001)"
        outside_legend(plot, columns=3)  # under the axis: a legend in a corner hid curves' ends
        plot.setClipToView(True)
        plot.setDownsampling(mode="peak")
        return plot

    def clear(self) -> None:
        for plot in (self.loss, self.metrics):
            plot.clear()
            plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)  # not the last run's steps
            plot.enableAutoRange()
        for readout in self.readouts.values():
            readout.hide()
        for bounds in self.bounds.values():
            bounds.set_box(None)
        self.series.clear()
        self.curves.clear()
        self.colours.clear()
        self.drawn.clear()
        self._dirty.clear()

    def add(self, name: str, x: float, y: float) -> None:
        series = self.series.get(name)
        if series is None:
            series = self.series[name] = Series()
        series.append(x, y)
        self._dirty.add(name)

    def add_many(self, name: str, xs: np.ndarray, ys: np.ndarray) -> None:
        self.series.setdefault(name, Series(max(1024, len(xs)))).extend(xs, ys)
        self._dirty.add(name)

    def set_smoothing(self, weight: float) -> None:
        self.smoothing = weight
        self._dirty |= set(self.series)
        self.redraw()

    def redraw(self, new_curves: int | None = None) -> int:
        """Hand every curve that changed its data: one setData per curve. At most `new_curves`
        curves are made (None: all); the others wait for the next call. Returns how many were
        made: making one (with its legend entry) costs a few ms, and the live page spreads them
        and the first pictures of an epoch over several ticks."""
        if not self._dirty:
            return 0
        made = 0
        for name in [n for n in self.series if n in self._dirty]:  # colours in arrival order
            series = self.series[name]
            curve = self.curves.get(name)
            if curve is None:
                if new_curves is not None and made >= new_curves:
                    continue
                curve, made = self._curve(name), made + 1
            xs, ys = series.x[:series.n], series.y[:series.n]
            if self.smoothing > 0 and "train" in name:
                ys = smooth(ys, self.smoothing)
            if series.n > SPARSE and curve.opts["symbol"] is not None:
                curve.setSymbol(None)  # a marker per point costs more than the line once dense
            curve.setData(xs, ys)
            self.drawn[name] = (xs, ys)
            self._dirty.discard(name)
        for plot, bounds in self.bounds.items():
            bounds.set_box(self._stepped_box(plot))
        for readout in self.readouts.values():
            readout.refresh()
        return made

    def _stepped_box(self, plot: pg.PlotWidget) -> tuple[float, float, float, float] | None:
        names = [name for name in self.drawn if self._plot_of(name) is plot]
        series = [self.series[name] for name in names if self.series[name].low <= self.series[name].high]
        if not series:
            return None
        return stepped_bounds(min(self.drawn[name][0][0] for name in names),
                              max(self.drawn[name][0][-1] for name in names),
                              min(s.low for s in series), max(s.high for s in series))

    def _curve(self, name: str) -> pg.PlotDataItem:
        colour = COLOURS[len(self.curves) % len(COLOURS)]
        sparse = "train" not in name and self.series[name].n <= SPARSE
        curve = self._plot_of(name).plot(name=name, pen=pg.mkPen(colour, width=1),
                                         symbol="o" if sparse else None, symbolSize=5,
                                         symbolBrush=colour, symbolPen=None)
        curve.setClipToView(True)
        curve.setDownsampling(auto=True, method="peak")
        self.curves[name] = curve
        self.colours[name] = colour
        return curve

    def _plot_of(self, name: str) -> pg.PlotWidget:
        return self.loss if any(word in name for word in LOSS_WORDS) else self.metrics

    def _shown_in(self, plot: pg.PlotWidget) -> list[tuple[str, np.ndarray, np.ndarray, str]]:
        return [(name, xs, ys, self.colours[name]) for name, (xs, ys) in self.drawn.items()
                if self._plot_of(name) is plot and self.curves[name].isVisible()]

    def points(self, name: str) -> int:
        series = self.series.get(name)
        return 0 if series is None else series.n
