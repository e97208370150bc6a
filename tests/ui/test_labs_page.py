"""The Labs page driven as a learner would: open from a lesson, run a tiny lab, watch points
arrive, pause, resume, stop, compare runs, export, delete; a worker killed mid-run; and the
plots read out the point under the mouse and keep the learner's zoom while points arrive."""

from __future__ import annotations

import csv
import os
import signal

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from planner.core.events import Visual
from planner.core.models import LabRunStatus
from planner.labs import lab_info, specs
from planner.ui.pages.lab_history import RunHistory
from planner.ui.pages.labs import time_left
from planner.ui.widgets.live_plot import LivePlots
from planner.ui.widgets.visuals import VisualPanel, tile

slow = pytest.mark.slow


def tiny(page, **values):
    editors = page.form.editors
    for name, value in values.items():
        editor = editors[name]
        if hasattr(editor, "setValue"):
            editor.setValue(value)
        else:
            editor.setCurrentIndex(editor.findData(value))
    page.device.setCurrentIndex(page.device.findData("cpu"))


@slow
def test_lesson_lab_button_lands_on_the_lab(qtbot, window):
    lessons = window.page("curriculum")
    lessons.show_topic("convolution")
    qtbot.waitUntil(lambda: lessons.current is not None and lessons.current.slug == "convolution")
    next(b for b in lessons.findChildren(QPushButton) if b.objectName() == "labButton-cnn").click()
    assert window.current_page() == "labs"
    page = window.page("labs")
    assert page.info.slug == "cnn"
    assert set(page.form.editors) == {s.name for s in specs(lab_info("cnn").config)}
    assert "Convolution" in page.header.text()


def test_lab_list_marks_completed_labs_and_the_profiles_best_result(qtbot, window):
    lodestar = window.lodestar
    me = window.profile
    run = lodestar.start_lab_run("cnn", {}, me.id)
    lodestar.finish_lab_run(run.id, LabRunStatus.FINISHED,
                            summary={"metrics": {"test/accuracy": 0.982}, "target_reached": True})
    short = lodestar.start_lab_run("vae", {}, me.id)
    lodestar.finish_lab_run(short.id, LabRunStatus.STOPPED, summary={"metrics": {}})
    page = window.open_lab("cnn")
    rows = {page.labs.item(i).data(Qt.ItemDataRole.UserRole): page.labs.item(i)
            for i in range(page.labs.count())}
    assert rows["cnn"].text() == "✓ Convolutional network\nbest 98.2%"
    assert "Best: 98.2% test accuracy" in rows["cnn"].toolTip()
    assert rows["vae"].text() == "Variational auto-encoder\nlast run stopped"
    assert rows["gan"].text() == "Generative adversarial network\nnot run yet"
    assert "✓ Completed" in page.header.text() and "98.2% test accuracy" in page.header.text()

    other = lodestar.create_profile("Grace")
    window.set_profile(other)
    assert page.labs.currentItem().text() == "Convolutional network\nnot run yet"
    assert "Completed" not in page.header.text()
    assert "You have not run this lab yet." in page.header.text()


@slow
def test_device_choice_shows_what_this_machine_has(qtbot, window):
    import torch

    page = window.open_lab("cnn")
    qtbot.waitUntil(lambda: not page._device_check.isActive(), timeout=60_000)
    combo, model = page.device, page.device.model()
    items = {combo.itemData(i): (combo.itemText(i), model.item(i).isEnabled()) for i in range(combo.count())}
    assert items["cpu"][1] and items["cpu"][0].startswith("CPU (")
    assert items["auto"][0].startswith("Best available: ")
    if torch.cuda.is_available():
        assert items["cuda"][1] and items["cuda"][0].startswith("CUDA: ")
    else:
        assert items["cuda"] == ("CUDA GPU: none that PyTorch can use here", False)
        assert items["auto"][0] == f"Best available: {items['cpu'][0]}"
    assert combo.currentData() == "auto"


@slow
def test_invalid_settings_cannot_start(qtbot, window, monkeypatch):
    page = window.open_lab("cnn")
    monkeypatch.setattr(page.form, "values", lambda: {"lr": 50.0})
    assert page.start() is False
    assert page.runner is None
    assert page.form.error.text() == "lr: 50.0 is out of range: must be a number from 1e-06 to 10"


@slow
def test_run_with_live_points_pause_resume_stop_and_history(qtbot, window, tmp_path):
    page = window.open_lab("cnn")
    tiny(page, epochs=400, channels=4)
    assert page.start()
    assert page.state.text() == "Starting…"
    qtbot.waitUntil(lambda: page.plots.points("train/loss") > 5, timeout=60_000)
    curve = page.plots.curves["train/loss"]
    assert len(curve.getData()[0]) == page.plots.points("train/loss")  # drawn, not only buffered
    page.pause_button.click()
    qtbot.wait(600)
    held = page.plots.points("train/loss")
    qtbot.wait(600)
    assert page.plots.points("train/loss") == held and page.state.text() == "Paused."
    page.pause_button.click()
    qtbot.waitUntil(lambda: page.plots.points("train/loss") > held, timeout=10_000)
    qtbot.waitUntil(lambda: page.visuals.count() >= 3, timeout=30_000)  # filters, maps, confusion
    page.stop_button.click()
    qtbot.waitUntil(lambda: page.runner is None, timeout=60_000)
    assert page.state.text().startswith("Stopped")
    run = window.lodestar.lab_runs(lab="cnn")[0]
    assert run.status is LabRunStatus.STOPPED and run.checkpoint

    # a second, short run, then compare both in the history
    tiny(page, epochs=1, channels=4)
    page.start()
    pid = page.runner.pid
    qtbot.waitUntil(lambda: page.runner is None, timeout=60_000)
    # The run's end reached the page without waiting for its worker, which is followed out.
    qtbot.waitUntil(lambda: not page._exiting, timeout=30_000)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    history = page.history
    assert history.table.rowCount() == 2
    history.table.selectAll()
    names = set(history.plots.curves)
    assert any(n.startswith(f"run {run.id} ·") for n in names) and len(names) >= 4
    history.smoothing.setValue(90)
    assert history.export_csv(tmp_path / "runs.csv") > 10
    with open(tmp_path / "runs.csv", newline="") as handle:
        assert next(csv.reader(handle)) == ["run", "metric", "step", "epoch", "value"]
    assert history.export_png(tmp_path / "runs.png") and (tmp_path / "runs.png").stat().st_size > 1000


@slow
def test_delete_asks_first(qtbot, window, monkeypatch):
    page = window.open_lab("mlp-from-scratch")
    tiny(page, epochs=1, hidden=8)
    page.start()
    qtbot.waitUntil(lambda: page.runner is None, timeout=60_000)
    history = page.history
    history.show_lab("mlp-from-scratch")
    history.table.selectRow(0)
    assert len(history.selected_ids()) == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    history.delete_selected()
    assert history.table.rowCount() == 1 and len(history.selected_ids()) == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    history.delete_selected()
    assert history.table.rowCount() == 0 and window.lodestar.lab_runs(lab="mlp-from-scratch") == []


@slow
def test_killed_worker_shows_the_reason_and_the_app_goes_on(qtbot, window):
    page = window.open_lab("cnn")
    tiny(page, epochs=400, channels=4)
    page.start()
    qtbot.waitUntil(lambda: page.plots.points("train/loss") > 0, timeout=60_000)
    os.kill(page.runner.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: page.runner is None, timeout=30_000)
    assert "killed by SIGKILL" in page.state.text()
    assert window.lodestar.lab_runs(lab="cnn")[0].status is LabRunStatus.FAILED
    assert page.start_button.isEnabled()
    window.show_page("curriculum")  # the rest of the app still works
    assert window.current_page() == "curriculum"


@slow
def test_diverging_run_shows_why_and_is_marked_failed(qtbot, window):
    page = window.open_lab("mlp-from-scratch")
    tiny(page, epochs=3, lr=10.0)
    assert page.start()
    qtbot.waitUntil(lambda: page.runner is None, timeout=60_000)
    assert page.state.text().startswith("Failed: ") and "try a lower learning rate" in page.state.text()
    assert "The run failed:" in page.log.toPlainText()
    assert "What just happened" not in page.log.toPlainText()    # nothing happened to explain
    run = window.lodestar.lab_runs(lab="mlp-from-scratch")[0]
    assert run.status is LabRunStatus.FAILED and "try a lower learning rate" in run.error
    history = page.history
    assert history.table.item(0, 2).text() == "failed"
    assert page.start_button.isEnabled() and page.form_area.isEnabled()
    assert page.labs.currentItem().text() == "MLP from scratch\nlast run failed"


@slow
def test_closing_the_window_during_a_run_stops_it(qtbot, window, monkeypatch):
    page = window.open_lab("cnn")
    tiny(page, epochs=400, channels=4)
    page.start()
    qtbot.waitUntil(lambda: page.plots.points("train/loss") > 0, timeout=60_000)
    pid = page.runner.pid
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.close()
    assert page.runner is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert window.lodestar.lab_runs(lab="cnn")[0].status is LabRunStatus.STOPPED


# --- reading and zooming the plots ------------------------------------------------------------

def shown_plots(qtbot, widget):
    widget.resize(900, 600)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def hover(qtbot, plot, x: float, y: float, expected: str) -> None:
    """Move the mouse over data point (x, y) the way pyqtgraph reports it (a scene position)
    until the plot's read-out says `expected`. Moves are repeated because the plot lays itself
    out again after its first paints (its axes widen), which moves the data under a position."""
    readout = plot.parent().readouts[plot]

    def shows() -> bool:
        if readout.text == expected:
            return True
        plot.scene().sigMouseMoved.emit(plot.getViewBox().mapViewToScene(QPointF(x, y)))
        return False

    qtbot.waitUntil(shows)


def test_hovering_reads_out_the_nearest_point(qtbot):
    plots = shown_plots(qtbot, LivePlots())
    steps = np.arange(1, 1001, dtype=float)
    plots.add_many("train/loss", steps, 2 / np.sqrt(steps))
    plots.add_many("test/loss", steps[99::100], 0.5 + 0 * steps[99::100])
    plots.add_many("test/accuracy", steps[99::100], np.linspace(0.5, 0.97, 10))
    plots.redraw()
    loss = plots.readouts[plots.loss]
    # on the training curve, a little above it
    hover(qtbot, plots.loss, 400.3, 0.102, f"train/loss\nstep 400   value {2 / np.sqrt(400):.5g}")
    assert loss.label.isVisible() and loss.line.value() == 400
    hover(qtbot, plots.loss, 612, 0.49, "test/loss\nstep 600   value 0.5")  # nearer the test curve
    hover(qtbot, plots.metrics, 1000, 0.9, "test/accuracy\nstep 1000   value 0.97")  # its own read-out
    below = plots.loss.getViewBox().sceneBoundingRect().bottomLeft() + QPointF(-5, 20)
    plots.loss.scene().sigMouseMoved.emit(below)                  # off the plot, on the axis
    qtbot.waitUntil(lambda: loss.text == "" and not loss.label.isVisible())


def test_history_overlay_reads_out_the_run_under_the_mouse(qtbot, lodestar):
    ids = []
    for scale in (1.0, 3.0):
        run = lodestar.start_lab_run("cnn", {})
        lodestar.add_lab_metrics(run.id, [(s, 1, "train/loss", scale / s) for s in range(1, 301)])
        ids.append(run.id)
    history = shown_plots(qtbot, RunHistory(lodestar))
    history.show_lab("cnn")
    history.table.selectAll()
    assert set(history.plots.curves) == {f"run {i} · train/loss" for i in ids}
    hover(qtbot, history.plots.loss, 10, 0.29, f"run {ids[1]} · train/loss\nstep 10   value 0.3")


def wheel(plot, clicks: int) -> None:
    centre = plot.mapFromScene(plot.getViewBox().sceneBoundingRect().center())
    QApplication.sendEvent(plot.viewport(), QWheelEvent(
        QPointF(centre), QPointF(plot.mapToGlobal(centre)), QPoint(0, 0), QPoint(0, 120 * clicks),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False))


def double_click(plot) -> None:
    """Press, release, double-click, release: what the window system sends for a double-click."""
    centre = QPointF(plot.mapFromScene(plot.getViewBox().sceneBoundingRect().center()))
    screen = QPointF(plot.mapToGlobal(centre.toPoint()))
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    for kind, buttons in ((QEvent.Type.MouseButtonPress, left), (QEvent.Type.MouseButtonRelease, none),
                          (QEvent.Type.MouseButtonDblClick, left), (QEvent.Type.MouseButtonRelease, none)):
        QApplication.sendEvent(plot.viewport(), QMouseEvent(kind, centre, screen, left, buttons,
                                                            Qt.KeyboardModifier.NoModifier))


def test_zoom_holds_while_points_arrive_until_double_click_or_a_button(qtbot):
    plots = shown_plots(qtbot, LivePlots())
    steps = np.arange(1, 501, dtype=float)
    plots.add_many("train/loss", steps, 2 / np.sqrt(steps))
    plots.redraw()
    box = plots.loss.getViewBox()
    wheel(plots.loss, 2)                                          # the learner zooms in
    zoomed = box.viewRange()
    assert zoomed[0][1] - zoomed[0][0] < 400 and box.autoRangeEnabled() == [False, False]
    for step in range(501, 1501):                                 # training goes on, drawn each tick
        plots.add("train/loss", step, 0.01)
        if step % 100 == 0:
            plots.redraw()
            qtbot.wait(1)
    assert box.viewRange() == zoomed
    double_click(plots.loss)
    qtbot.waitUntil(lambda: box.viewRange()[0][1] >= 1500)      # back to following the data
    wheel(plots.loss, 2)
    assert box.viewRange()[0][1] < 1400
    plots.loss.getPlotItem().autoBtnClicked()                     # the "A" button does the same
    qtbot.waitUntil(lambda: box.viewRange()[0][1] >= 1500)


# --- pictures -------------------------------------------------------------------------------

def test_pictures_arrive_one_new_tab_per_tick_and_hidden_tabs_catch_up(qtbot, tmp_path):
    panel = VisualPanel()
    qtbot.addWidget(panel)
    panel.show()
    filters = np.arange(2 * 3 * 3, dtype=float).reshape(2, 3, 3)
    panel.show_visual(Visual("filters", "first-layer filters", filters, 10))
    panel.show_visual(Visual("confusion", "confusion matrix", np.diag([5.0, 3.0]), 10))
    panel.redraw()
    assert panel.count() == 1                                    # one new view a tick
    panel.redraw()
    assert [panel.tabText(i) for i in range(2)] == ["first-layer filters", "confusion"]
    filters_view = panel.views["first-layer filters"]
    assert panel.currentWidget() is filters_view
    assert filters_view.image.image.shape == (1 + 4, 1 + 2 * 4)  # two 3x3 tiles side by side
    confusion = np.array([[4.0, 1.0], [0.0, 3.0]])
    panel.show_visual(Visual("confusion", "confusion matrix", confusion, 20))
    panel.redraw()                                               # hidden: not drawn yet
    view = panel.views["confusion"]
    assert view.cells.texts() == {(0, 0): "5", (1, 1): "3"}
    panel.setCurrentWidget(view)                                 # shown: drawn with the newest
    assert view.cells.texts() == {(0, 0): "4", (0, 1): "1", (1, 1): "3"}
    assert view.grab().save(str(tmp_path / "confusion.png"))     # the counts paint without error


def test_matrices_fill_their_view_with_named_axes_and_every_count_inside_its_cell(qtbot):
    panel = VisualPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 400)                                       # wider than tall, as on the page
    panel.show()
    counts = np.full((10, 10), 12.0) + np.diag(np.full(10, 1200.0))
    panel.show_visual(Visual("confusion", "confusion matrix", counts, 5))
    panel.show_visual(Visual("heatmap", "attention", np.random.default_rng(0).random((7, 9)), 5))
    panel.redraw(new_views=None)
    for key, (rows, columns), names in (("confusion", (10, 10), ("predicted", "true")),
                                        ("heatmap", (7, 9), ("input position", "output step"))):
        view = panel.views[key]
        panel.setCurrentWidget(view)
        QApplication.processEvents()
        (x0, x1), (y0, y1) = view.plot.viewRange()
        assert (x0, x1) == pytest.approx((0, columns)) and (y0, y1) == pytest.approx((0, rows))
        assert (view.axes["bottom"].labelText, view.axes["left"].labelText) == names
    panel.show_visual(Visual("heatmap", "weight change", np.ones((4, 6)), 6, {"axes": ("in", "out")}))
    panel.redraw()
    assert panel.views["heatmap"].axes["left"].labelText == "out"  # a lab may name its own axes
    view = panel.views["confusion"]
    panel.setCurrentWidget(view)
    QApplication.processEvents()
    to_scene = view.cells.sceneTransform()
    box = view.plot.sceneBoundingRect()
    corners = [view.cells.cell_rect(to_scene, r, c) for r, c in ((0, 0), (9, 9))]
    assert corners[0].width() > 0.09 * box.width()              # the matrix spans the view's width
    assert all(box.adjusted(-1, -1, 1, 1).contains(cell) for cell in corners)  # counts not cut off


def test_the_latent_scatter_follows_each_axis_and_its_legend_is_under_the_points(qtbot):
    panel = VisualPanel()
    qtbot.addWidget(panel)
    panel.resize(600, 450)
    panel.show()
    rng = np.random.default_rng(1)
    points = np.column_stack([rng.normal(0, 0.02, 300), rng.normal(0, 1.5, 300)])
    panel.show_visual(Visual("scatter", "latent means", points, 3,
                             {"labels": np.arange(300) % 10, "axes": ("z3", "z5"),
                              "caption": "z3 and z5"}))
    panel.redraw()
    plot = panel.views["latent means"]
    QApplication.processEvents()
    (x0, x1), (y0, y1) = plot.getViewBox().viewRange()
    assert x1 - x0 < 0.5 and y1 - y0 > 5                        # each axis fitted to its own data
    item = plot.getPlotItem()
    assert len(item.legend.items) == 10
    assert not item.legend.geometry().intersects(item.vb.geometry())
    assert item.getAxis("bottom").labelText == "z3"


def test_the_curves_legend_sits_under_the_plot_not_over_the_curves(qtbot):
    plots = LivePlots()
    qtbot.addWidget(plots)
    plots.resize(700, 500)
    plots.show()
    for name in ("train/loss", "test/loss", "test/accuracy"):
        plots.add(name, 1, 0.5)
    plots.redraw()
    QApplication.processEvents()
    for plot in (plots.loss, plots.metrics):
        item = plot.getPlotItem()
        assert item.legend.items
        assert not item.legend.geometry().intersects(item.vb.geometry())


def test_a_picture_shows_the_labs_line_on_what_to_look_for(qtbot):
    panel = VisualPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_visual(Visual("images", "patches of a test digit", np.ones((4, 2, 2)), 3,
                             {"caption": "one token per patch"}))
    panel.redraw()
    text = panel.views["patches of a test digit"].caption.text
    assert "patches of a test digit (step 3)" in text and "one token per patch" in text


def test_tile_scales_each_image_and_pads_between():
    images = np.stack([np.full((2, 2), 7.0), np.array([[0.0, 2.0], [4.0, 8.0]])])
    mosaic = tile(images, columns=2, pad=1)
    assert mosaic.shape == (4, 7)
    assert np.isnan(mosaic[0]).all() and np.isnan(mosaic[:, [0, 3, 6]]).all()
    assert mosaic[1:3, 1:3].tolist() == [[0.0, 0.0], [0.0, 0.0]]    # constant image: 0
    assert mosaic[1:3, 4:6].tolist() == [[0.0, 0.25], [0.5, 1.0]]


def test_a_following_view_keeps_its_range_for_many_ticks(qtbot):
    plots = shown_plots(qtbot, LivePlots())
    box = plots.loss.getViewBox()
    ranges = []
    for step in range(1, 1001):
        plots.add("train/loss", step, 2 / np.sqrt(step))
        if step % 10 == 0:                                        # a tick
            plots.redraw()
            qtbot.waitUntil(lambda n=step: box.viewRange()[0][1] >= n)  # the view ranges itself on paint
            (left, right), (bottom, top) = box.viewRange()
            assert left <= 1 and bottom <= 2 / np.sqrt(step) and top >= 2  # every point in view
            assert right <= 1.35 * step + 10                      # and not much beyond the newest
            ranges.append((left, right, bottom, top))
    assert len(set(ranges)) <= 30                                 # not 100: round steps


def test_switching_labs_draws_the_new_labs_newest_run(qtbot, lodestar):
    mlp = lodestar.start_lab_run("mlp-from-scratch", {})
    lodestar.add_lab_metrics(mlp.id, [(1, 1, "gradcheck/max_abs_error", 1e-9), (1, 1, "train/loss", 2.0)])
    cnn = lodestar.start_lab_run("cnn", {})
    lodestar.add_lab_metrics(cnn.id, [(s, 1, "train/loss", 1 / s) for s in range(1, 11)])
    lodestar.finish_lab_run(cnn.id, LabRunStatus.FINISHED)
    history = RunHistory(lodestar)
    qtbot.addWidget(history)
    history.show_lab("mlp-from-scratch")
    assert set(history.plots.curves) == {"gradcheck/max_abs_error", "train/loss"}
    history.show_lab("cnn")  # row 0 stays selected: the plots must still change
    assert history.selected_ids() == [cnn.id]
    assert set(history.plots.curves) == {"train/loss"} and history.plots.points("train/loss") == 10
    history.show_lab("vae")  # no runs
    assert history.selected_ids() == [] and history.plots.curves == {}


def test_only_the_run_that_first_completes_a_lab_re_plans(qtbot, window):
    from types import SimpleNamespace

    page = window.open_lab("cnn")
    completed = []
    page.lab_completed.connect(completed.append)
    lodestar, me = window.lodestar, window.profile.id
    ids = []
    for reached in (False, True, True):
        run = lodestar.start_lab_run("cnn", {}, me)
        run = lodestar.finish_lab_run(run.id, LabRunStatus.FINISHED,
                                      summary={"target_reached": reached})
        ids.append(run.id)
        page.recorder = SimpleNamespace(run=run, flush=lambda: None)  # as a worker's end leaves them
        page.runner = SimpleNamespace(close=lambda wait=True: None, exited=lambda: True,
                                      wait_exit=lambda: None)
        page._ended()
    assert [run.id for run in completed] == [ids[1]]


def test_an_export_to_a_folder_that_cannot_be_written_says_so(qtbot, lodestar, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    run = lodestar.start_lab_run("cnn", {})
    lodestar.add_lab_metrics(run.id, [(1, 1, "train/loss", 1.0)])
    history = RunHistory(lodestar)
    qtbot.addWidget(history)
    history.show_lab("cnn")
    warned = []
    target = tmp_path / "missing-folder" / "runs.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    history._ask_path("CSV", "csv", history.export_csv)
    history._ask_path("PNG", "png", history.export_png)
    assert len(warned) == 2 and all("Could not write" in w for w in warned)
    assert not target.parent.exists()


def test_the_time_left_waits_for_a_timed_epoch_before_estimating():
    # a 26 s run of 30 epochs: the first training point, 0.4 s in, says nothing yet
    assert time_left(1, 30, train=True, elapsed=0.4) == "estimating time left…"
    assert time_left(1, 30, train=False, elapsed=0.9) == "estimating time left…"  # under 3 s
    assert time_left(2, 30, train=True, elapsed=1.5) == "estimating time left…"
    assert time_left(4, 30, train=False, elapsed=3.5) == "about 23 s left"        # 3.5 s for 4 epochs
    assert time_left(30, 30, train=False, elapsed=26.0) == "about 0 s left"


def test_a_finished_run_says_what_just_happened(qtbot, window):
    page = window.open_lab("rnn-lstm-gru")
    page._finished({"metrics": {"rnn/test/mse": 0.17}, "seconds": 26})
    log = page.log.toPlainText()
    assert "Finished." in log and "What just happened: " in log and "plain RNN" in log
    page = window.open_lab("diffusion")                          # logs its own from the worker
    page.log.clear()
    page._finished({"metrics": {}, "seconds": 26})
    assert "What just happened" not in page.log.toPlainText()


def test_another_lab_does_not_show_the_last_labs_run(qtbot, window):
    page = window.open_lab("cnn")
    for step in range(1, 80):
        page.plots.add("train/loss", step, 2.0 / step)
    page.plots.redraw()
    page.visuals.show_visual(Visual("confusion", "confusion matrix", np.eye(3), 1, {}))
    page.visuals.redraw(new_views=None)
    page.state.setText("Finished in 26 s. Target reached.")
    page.log.setPlainText("What just happened: …")
    page.select_lab("cnn")  # the same lab again (a lesson's Lab button): its run stays
    assert page.visuals.count() == 1 and "Finished" in page.state.text()
    page.select_lab("attention")
    assert page.plots.curves == {} and page.visuals.count() == 0
    (_, right), _ = page.plots.loss.getViewBox().viewRange()
    assert right <= 1.5  # empty axes do not keep the last run's step range
    assert page.state.text() == "Ready." and page.log.toPlainText() == ""


def test_history_numbers_each_labs_runs_and_shows_their_settings(qtbot, lodestar):
    lodestar.start_lab_run("vae", {})  # another lab's run: not counted here
    first = lodestar.start_lab_run("cnn", {"epochs": 15, "lr": 0.003})
    second = lodestar.start_lab_run("cnn", {"epochs": 3, "lr": 0.01})
    for run in (first, second):
        lodestar.finish_lab_run(run.id, LabRunStatus.FINISHED)
    history = RunHistory(lodestar)
    qtbot.addWidget(history)
    history.show_lab("cnn")
    rows = [[history.table.item(r, c).text() for c in (0, 7)] for r in range(history.table.rowCount())]
    assert rows == [["#2", "epochs 3, lr 0.01"], ["#1", "defaults"]]
