"""A lab's recorded runs: the list, their curves overlaid, smoothing, CSV and PNG export, delete."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSlider,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.core.errors import LodestarError
from planner.core.models import LabRun
from planner.labs import lab_info
from planner.labs.config import as_dict
from planner.services import Lodestar
from planner.services.files import write_atomically
from planner.ui.widgets.live_plot import LivePlots

RUN = Qt.ItemDataRole.UserRole
COLUMNS = ["Run", "Started", "Status", "Device", "Time", "Result", "Target", "Settings"]


def settings_text(config: dict, defaults: dict) -> str:
    """The settings a run changed from the lab's defaults ("epochs 3, lr 0.01"), or "defaults"."""
    changed = [f"{name.replace('_', ' ')} {value:g}" if isinstance(value, float) else
               f"{name.replace('_', ' ')} {value}"
               for name, value in config.items() if name in defaults and defaults[name] != value]
    return ", ".join(changed) or "defaults"


class RunHistory(QWidget):
    def __init__(self, lodestar: Lodestar, parent: QWidget | None = None):
        super().__init__(parent)
        self.lodestar = lodestar
        self.lab = ""
        self.runs: list[LabRun] = []
        self.table = QTableWidget(0, len(COLUMNS), objectName="runTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self.overlay_selected)
        self.plots = LivePlots()
        self.smoothing = QSlider(Qt.Orientation.Horizontal, objectName="smoothing", minimum=0, maximum=99)
        self.smoothing.setToolTip("Smooth the training curves (a debiased moving average)")
        self.smoothing.valueChanged.connect(lambda v: self.plots.set_smoothing(v / 100))
        csv_button = QPushButton("Export CSV…", objectName="exportCsv")
        csv_button.clicked.connect(lambda: self._ask_path("CSV", "csv", self.export_csv))
        png_button = QPushButton("Export PNG…", objectName="exportPng")
        png_button.clicked.connect(lambda: self._ask_path("PNG image", "png", self.export_png))
        delete = QPushButton("Delete run…", objectName="deleteRun")
        delete.clicked.connect(self.delete_selected)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Smoothing"))
        bar.addWidget(self.smoothing, 1)
        for button in (csv_button, png_button, delete):
            bar.addWidget(button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.plots)
        split.setSizes([220, 480])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    def show_lab(self, lab: str) -> None:
        """List a lab's runs, newest first; the newest is selected and drawn."""
        self.lab = lab
        self.runs = self.lodestar.lab_runs(lab=lab)
        defaults = as_dict(lab_info(lab).config()) if lab else {}
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.runs))
        for row, run in enumerate(self.runs):
            summary = run.summary or {}
            metrics = summary.get("metrics") or {}
            result = "; ".join(f"{k} {v:.4g}" for k, v in list(metrics.items())[:2]
                               if isinstance(v, int | float))
            reached = summary.get("target_reached")
            started = run.started_at.astimezone()  # the learner's zone
            number = len(self.runs) - row  # runs of this lab, oldest first
            settings = settings_text(run.config or {}, defaults)
            cells = [f"#{number}", f"{started:%Y-%m-%d %H:%M}", run.status.value, run.device,
                     f"{run.seconds:.0f} s" if run.seconds else "", result or (run.error or "")[:60],
                     "" if reached is None else ("reached" if reached else "not reached"), settings]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(RUN, run.id)
                item.setToolTip(run.error or ("\n".join(f"{k}: {v}" for k, v in (run.config or {}).items())
                                              + f"\n(run {run.id} of all labs)"))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        # Row 0 may have been selected already (another lab's newest run): a selection that
        # does not change emits nothing, so select quietly and draw here.
        self.table.clearSelection()
        if self.runs:
            self.table.selectRow(0)
        self.table.blockSignals(False)
        self.overlay_selected()

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [self.runs[r].id for r in rows]

    def overlay_selected(self) -> None:
        """Draw the selected runs' curves together; each named "run N · metric"."""
        self.plots.clear()
        ids = self.selected_ids()
        for run_id in ids:  # an ended run's curves are read packed: well under 1 ms each
            for name, (steps, values) in self.lodestar.lab_run_series(run_id).items():
                self.plots.add_many(f"run {run_id} · {name}" if len(ids) > 1 else name, steps, values)
        self.plots.redraw()

    def export_csv(self, path: Path) -> int:
        """The selected runs' metrics as rows of run, name, step, epoch, value; returns the rows."""
        rows = 0
        text = io.StringIO(newline="")
        writer = csv.writer(text)
        writer.writerow(["run", "metric", "step", "epoch", "value"])
        for run_id in self.selected_ids():
            for name, points in self.lodestar.lab_run_metrics(run_id).items():
                for p in points:
                    writer.writerow([run_id, name, p.step, p.epoch, repr(p.value)])
                    rows += 1
        write_atomically(path, text.getvalue())  # whole or not at all
        return rows

    def export_png(self, path: Path) -> bool:
        """The plots as drawn now, as a PNG written whole or not at all."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not self.plots.grab().save(buffer, "PNG"):
            return False
        write_atomically(path, bytes(data))
        return True

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        answer = QMessageBox.question(
            self, "Delete runs?", f"Delete {len(ids)} run(s) and their recorded curves? Their "
            "checkpoint files stay in the data folder. This cannot be undone.")
        if answer == QMessageBox.StandardButton.Yes:
            for run_id in ids:
                self.lodestar.delete_lab_run(run_id)
            self.show_lab(self.lab)

    def _ask_path(self, kind: str, suffix: str, save) -> None:
        if not self.selected_ids():
            return
        path, _ = QFileDialog.getSaveFileName(self, f"Export {kind}", f"{self.lab}-runs.{suffix}",
                                              f"{kind} (*.{suffix})")
        if not path:
            return
        try:
            written = save(Path(path))
        except LodestarError as exc:
            QMessageBox.warning(self, f"Export {kind}", str(exc))
            return
        if written is False:
            QMessageBox.warning(self, f"Export {kind}", f"Could not write {path}.")
