"""History of big runs: open a lab's run history whose newest run holds 100,000 metric points,
then overlay five such runs, through the real `RunHistory` widget, offscreen (target: ≤ 300 ms).

    python bench/lab_history.py [--runs 5] [--points 100000] [--repeats 5]

Two layouts of each run's points: "lab" is what the CNN lab records (a training loss every step,
test loss and accuracy every 100 steps); "even" spreads the points evenly over three curves.
Finishing a run packs its curves (`lab_curves`), which the history then reads; the time each
finish took is printed too, as it falls on the GUI thread when a run ends.
Each repeat builds a new widget (nothing cached) over the same database, times `show_lab` (the
newest run is selected and drawn) and then selecting all five finished runs (the widget reads
the four it has not drawn yet), each until painted. Prints
one JSON line per layout, with the time the old path (`lab_run_metrics`) takes to read the runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LODESTAR_THEME", "light")

from PySide6.QtWidgets import QApplication

from planner.core.models import LabRunStatus
from planner.services import Lodestar, resolve


def lab_layout(points: int) -> list[tuple[int, int, str, float]]:
    """A training loss every step and two test curves every 100 steps, `points` in all."""
    steps = points * 100 // 102
    rows = [(s, 1 + s // 1000, "train/loss", 2.0 / (s ** 0.5)) for s in range(1, steps + 1)]
    tests = range(100, steps + 1, 100)
    rows += [(s, 1 + s // 1000, "test/loss", 1.5 / (s ** 0.5)) for s in tests]
    rows += [(s, 1 + s // 1000, "test/accuracy", 1 - 1 / (s ** 0.5)) for s in tests]
    extra = points - len(rows)
    rows += [(steps + 1 + i, 1, "train/loss", 0.01) for i in range(extra)]
    return rows


def even_layout(points: int) -> list[tuple[int, int, str, float]]:
    names = ("train/loss", "val/loss", "val/accuracy")
    return [(1 + i // 3, 1, names[i % 3], 1.0 / (1 + i)) for i in range(points)]


def make_runs(lodestar: Lodestar, lab: str, rows: list, runs: int) -> tuple[list[int], list[float]]:
    """`runs` finished runs of `lab`, each holding `rows`; with the milliseconds each took to
    finish (which packs its curves)."""
    ids, finishing = [], []
    for _ in range(runs):
        run = lodestar.start_lab_run(lab, {})
        lodestar.add_lab_metrics(run.id, rows)
        start = time.perf_counter()
        lodestar.finish_lab_run(run.id, LabRunStatus.FINISHED, summary={"metrics": {}}, seconds=600.0)
        finishing.append(1000 * (time.perf_counter() - start))
        ids.append(run.id)
    return ids, finishing


def settle(history) -> None:
    """Until the widget has painted what it was given: pyqtgraph sets a view's range while
    painting it, and the range asks for one more paint."""
    QApplication.processEvents()
    QApplication.processEvents()
    box, curves = history.plots.loss.getViewBox(), history.plots.drawn.values()
    right = max((steps[-1] for steps, _ in curves), default=0)
    if box.viewRange()[0][1] < right:
        raise RuntimeError("the plot was not drawn to its last point")


def one_repeat(lodestar: Lodestar, lab: str, runs: int, points: int) -> tuple[float, float]:
    from planner.ui.pages.lab_history import RunHistory

    history = RunHistory(lodestar)
    history.resize(1100, 800)
    history.show()
    settle(history)
    gc.collect()
    start = time.perf_counter()
    history.show_lab(lab)
    settle(history)
    opened = time.perf_counter()
    history.table.selectAll()
    settle(history)
    overlaid = time.perf_counter()
    drawn = sum(history.plots.points(name) for name in history.plots.series)
    if drawn != runs * points or len(history.selected_ids()) != runs:
        raise RuntimeError(f"drew {drawn} points of {len(history.selected_ids())} runs")
    history.close()
    history.deleteLater()
    QApplication.processEvents()
    return 1000 * (opened - start), 1000 * (overlaid - opened)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp, Lodestar.open(resolve(data_dir=Path(tmp))) as lodestar:
        for layout, rows in (("lab", lab_layout(args.points)), ("even", even_layout(args.points))):
            ids, finishing = make_runs(lodestar, f"bench-{layout}", rows, args.runs)
            start = time.perf_counter()
            for run_id in ids:
                lodestar.lab_run_metrics(run_id)
            old_read = 1000 * (time.perf_counter() - start)
            times = [one_repeat(lodestar, f"bench-{layout}", args.runs, args.points)
                     for _ in range(args.repeats)]
            opens, overlays = [t[0] for t in times], [t[1] for t in times]
            print(json.dumps({
                "figure": "lab_history", "layout": layout, "runs": args.runs, "points_per_run": args.points,
                "open_ms_median": round(statistics.median(opens), 1),
                "overlay_ms_median": round(statistics.median(overlays), 1),
                "open_plus_overlay_ms_median": round(statistics.median(a + b for a, b in times), 1),
                "open_ms": [round(t, 1) for t in opens], "overlay_ms": [round(t, 1) for t in overlays],
                "old_read_all_runs_ms": round(old_read, 1), "target_ms": 300,
                "finish_run_ms_median": round(statistics.median(finishing), 1),
            }), flush=True)
    app.quit()


if __name__ == "__main__":
    main()
