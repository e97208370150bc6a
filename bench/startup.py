"""Start-up time: process start → main window shown, median of N runs (ISSUE: ≤ 1.0 s).

Each run is a fresh `python` process launching the app exactly as `lodestar` does, with a small
bootstrap that reports when the main window has been shown and painted, then quits. "warm" runs
reuse a data folder that already holds the synced content; the "cold" run starts from an empty
folder (creating the database, then syncing content in the background after the window shows).

    python bench/startup.py [--runs 5]

Prints one JSON line per figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

BOOTSTRAP = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from planner.ui import main_window

shown = main_window.MainWindow.show

def show_and_report(self):
    shown(self)
    QApplication.processEvents()  # the first paint
    print("shown", "torch" in sys.modules, flush=True)
    QTimer.singleShot(0, QApplication.instance().quit)

main_window.MainWindow.show = show_and_report
from planner.ui.app import main
raise SystemExit(main(sys.argv[1:]))
"""


def one_run(data_dir: Path) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", BOOTSTRAP, "--data-dir", str(data_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            cwd=REPO, env=env)
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.wait(timeout=60)
    if not line.startswith("shown"):
        raise RuntimeError(f"the app did not report its window: {line!r}")
    if line.split()[1] != "False":
        raise RuntimeError("torch was imported in the GUI process")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        cold = one_run(data)
        time.sleep(2)  # let the first run's background content sync finish and release the lock
        one_run(data)  # make sure content is synced before timing warm starts
        warm = [one_run(data) for _ in range(args.runs)]
    print(json.dumps({"figure": "startup_cold_s", "value": round(cold, 3)}))
    print(json.dumps({"figure": "startup_warm_median_s", "value": round(statistics.median(warm), 3),
                      "runs": [round(w, 3) for w in warm], "target": 1.0}))


if __name__ == "__main__":
    main()
