"""The Labs page while a lab trains: how late the GUI event loop runs, and how fast the lab trains.

Launches the real main window (offscreen unless QT_QPA_PLATFORM says otherwise) over a temporary
data folder, opens the Labs page and starts the CNN lab with its Start button, live plots and
pictures drawing. From the first metric the page shows, for --seconds of training, a 10 ms
precise QTimer records its lateness (the interval it actually got − 10 ms); then Stop is pressed.
Targets on the 2-core machine: p99 ≤ 16 ms, max ≤ 50 ms.

Throughput: training steps the page drew per second × batch size, against the same lab and
settings in a bare loop (`bench/lab_overhead.py --bare-seconds`, its own process, the worker's
thread count) for as long; target ratio ≥ 0.95. Bare and page runs alternate.

    python bench/ui_latency.py [--seconds 25] [--repeats 3] [--hover] [--no-gui-threadpool]

--hover also moves the mouse over the loss plot 60 times a second (the read-out follows it).
--no-gui-threadpool sets QT_NO_GUI_THREADPOOL=1 before the QApplication is made (the app does
not): Qt then paints on the GUI thread alone instead of handing fills to a pool thread.
Prints one JSON line per repeat and one with the medians. Two figures that other load on a
shared machine changes far less than lateness: busy_* is the GUI thread's CPU time between two
ticks (on an idle machine lateness is about busy − 10 ms when busy > 10 ms), gui_cpu_percent
the CPU time of the whole GUI process (all its threads) per second of the window.
stopping_max_ms is the worst lateness from Stop until the page has recorded the run's end
(not part of the training window above).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TICK_MS = 10
EPOCHS = 1000  # more than --seconds can train: the run is stopped, never finishes


def bare_rate(seconds: float) -> float:
    """Samples per second of the CNN lab's own loop, no GUI, in a fresh process."""
    out = subprocess.run([sys.executable, str(REPO / "bench" / "lab_overhead.py"), "--lab", "cnn",
                          "--epochs", str(EPOCHS), "--bare-seconds", str(seconds)],
                         capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])["samples_per_s"]


class Probe:
    """Drives one run through the page and measures it, all on the GUI thread's event loop."""

    def __init__(self, window, seconds: float, hover: bool):
        from PySide6.QtCore import QEventLoop, Qt, QTimer

        self.page = window.open_lab("cnn")
        self.seconds = seconds
        self.hover = hover
        self.lateness: list[float] = []
        self.ending: list[float] = []  # lateness from Stop until the page has recorded the end
        self.ticks: list[float] = []  # when each lateness was measured
        self.busy: list[float] = []  # GUI-thread CPU ms between two ticks (what other load can't inflate)
        self.last_cpu = 0.0
        self.steps: list[tuple[float, float]] = []  # (time the page drew it, newest step)
        self.first = self.last_tick = None
        self.cpu: list[float] = []  # the GUI process's CPU seconds at the window's start and end
        self.loop = QEventLoop()
        self.timer = QTimer(interval=TICK_MS, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.tick)

    def run(self) -> None:
        page = self.page
        page.form.editors["epochs"].setValue(EPOCHS)
        page.device.setCurrentIndex(page.device.findData("cpu"))
        page.start_button.click()
        if page.runner is None:
            raise RuntimeError(f"the lab did not start: {page.state.text()}")
        self.timer.start()
        self.loop.exec()
        self.timer.stop()

    def tick(self) -> None:
        now = time.perf_counter()
        page = self.page
        if page.runner is None:               # stopped and recorded
            self.ending.append((now - self.last_tick) * 1000 - TICK_MS)
            self.loop.quit()
            return
        drawn = page.plots.points("train/loss")
        if self.first is None:                # the worker is still starting up
            if drawn:
                self.first = self.last_tick = now
                self.cpu.append(time.process_time())
                self.last_cpu = time.thread_time()
                self.steps.append((now, page.plots.series["train/loss"].x[drawn - 1]))
            return
        if now - self.first > self.seconds:
            if page.stop_button.isEnabled():
                self.cpu.append(time.process_time())
                page.stop_button.click()
            else:
                self.ending.append((now - self.last_tick) * 1000 - TICK_MS)
            self.last_tick = now
            return
        self.lateness.append((now - self.last_tick) * 1000 - TICK_MS)
        self.ticks.append(now)
        cpu = time.thread_time()
        self.busy.append((cpu - self.last_cpu) * 1000)
        self.last_cpu = cpu
        self.last_tick = now
        step = page.plots.series["train/loss"].x[drawn - 1]
        if step != self.steps[-1][1]:
            self.steps.append((now, step))
        if self.hover:
            self._move_mouse(now)

    def _move_mouse(self, now: float) -> None:
        from PySide6.QtCore import QPointF

        if int(now * 60) == int((now - TICK_MS / 1000) * 60):
            return  # about 60 moves a second, as a hand on a mouse makes
        plot = self.page.plots.loss
        box = plot.getViewBox().sceneBoundingRect()
        x = box.left() + box.width() * (0.5 + 0.45 * ((now * 0.2) % 1 - 0.5))
        plot.scene().sigMouseMoved.emit(QPointF(x, box.center().y()))

    def figures(self, batch_size: int) -> dict:
        import numpy as np

        late, busy = np.asarray(self.lateness), np.asarray(self.busy)
        (t0, s0), (t1, s1) = self.steps[0], self.steps[-1]
        return {"samples": len(late), "p50_ms": round(float(np.percentile(late, 50)), 2),
                "p99_ms": round(float(np.percentile(late, 99)), 2),
                "max_ms": round(float(late.max()), 2),
                "max_at_s": round(self.ticks[int(late.argmax())] - self.first, 2),
                "stopping_max_ms": round(max(self.ending), 1),
                "busy_p99_ms": round(float(np.percentile(busy, 99)), 2),
                "busy_max_ms": round(float(busy.max()), 2),
                "seconds": round(t1 - t0, 2),
                "gui_cpu_percent": round(100 * (self.cpu[1] - self.cpu[0]) / self.seconds, 1),
                "samples_per_s": round((s1 - s0) * batch_size / (t1 - t0), 1)}


def measure(args, lodestar, tmp: Path) -> list[dict]:
    """The main window as the app builds it; one row of figures per repeat."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from planner.labs import lab_info
    from planner.ui.main_window import MainWindow

    window = MainWindow(lodestar, QSettings(str(tmp / "ui.ini"), QSettings.Format.IniFormat))
    window.resize(1400, 900)
    window.show()
    QApplication.processEvents()
    gc.freeze()                           # as the app does once start-up is done
    rows = []
    for repeat in range(args.repeats):
        bare = bare_rate(args.seconds)
        probe = Probe(window, args.seconds, args.hover)
        probe.run()
        row = {"figure": "labs_page_while_training", "repeat": repeat, "hover": args.hover,
               "gui_threadpool": not args.no_gui_threadpool,
               **probe.figures(lab_info("cnn").config().batch_size), "bare_samples_per_s": bare}
        row["throughput_ratio"] = round(row["samples_per_s"] / bare, 3)
        print(json.dumps(row), flush=True)
        rows.append(row)
    window.tasks.shutdown()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--hover", action="store_true")
    parser.add_argument("--no-gui-threadpool", action="store_true")
    args = parser.parse_args()
    if args.no_gui_threadpool:
        os.environ["QT_NO_GUI_THREADPOOL"] = "1"  # read when Qt first paints

    from PySide6.QtWidgets import QApplication

    from planner.services import Lodestar, resolve
    from planner.ui import theme

    app = QApplication.instance() or QApplication([sys.argv[0]])
    theme.apply(app)
    with tempfile.TemporaryDirectory() as tmp, Lodestar.open(resolve(data_dir=Path(tmp))) as lodestar:
        lodestar.sync_content()
        rows = measure(args, lodestar, Path(tmp))
    if "torch" in sys.modules:
        raise RuntimeError("torch was imported in the GUI process")
    print(json.dumps({
        "figure": "labs_page_while_training_median", "repeats": len(rows), "hover": args.hover,
        "gui_threadpool": not args.no_gui_threadpool,
        **{key: statistics.median(r[key] for r in rows)
           for key in ("samples", "p50_ms", "p99_ms", "max_ms", "busy_p99_ms", "busy_max_ms",
                       "gui_cpu_percent", "samples_per_s", "bare_samples_per_s", "throughput_ratio")},
        "targets": {"p99_ms": 16, "max_ms": 50, "throughput_ratio": 0.95}}), flush=True)


if __name__ == "__main__":
    main()
