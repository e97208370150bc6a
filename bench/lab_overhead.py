"""Lab runner overhead: training throughput through the worker process, with its events drained
every 50 ms as the app's timer does, divided by the same lab's training loop run in this process
with no queue (target: at least 0.95).

    python bench/lab_overhead.py [--lab cnn] [--epochs 40] [--repeats 3]
    python bench/lab_overhead.py --bare-seconds 25 [--lab cnn] [--epochs 1000]

Both sides use the worker's thread count, max(1, cores - 1). Timing starts at the first training
step on both sides (process start-up and data loading are left out). Prints one JSON line.
`--bare-seconds` times only the in-process loop for that many seconds of training (the baseline
`bench/ui_latency.py` compares the Labs page against).
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.core.events import Finished, Metric
from planner.labs import LabRunner, lab_info, with_settings
from planner.labs.devices import worker_threads


def through_runner(lab: str, cfg, threads: int) -> tuple[float, int]:
    runner = LabRunner(lab, cfg, device="cpu", threads=threads).start()
    first = last = None
    steps = 0
    try:
        while not runner.ended:
            time.sleep(0.05)                        # the GUI timer's interval
            now = time.perf_counter()
            for event in runner.poll():
                if isinstance(event, Metric) and event.name.endswith("train/loss"):
                    first = first or now
                    steps = max(steps, event.step)
                elif isinstance(event, Finished):
                    last = now
    finally:
        runner.close()
    return last - first, steps


def in_process(lab: str, cfg, threads: int, seconds: float | None = None) -> tuple[float, int]:
    """(seconds from the first step, steps) of the lab's own training loop, with no queue;
    stopped after `seconds` of training if given."""
    import torch

    from planner.labs import engine

    torch.set_num_threads(threads)
    session = engine.Session(lab, cfg, torch.device("cpu"), engine.Control())
    module = importlib.import_module(f"planner.labs.{lab_info(lab).module}")
    first, steps = None, 0
    for event in module.train(cfg, session):
        if isinstance(event, Metric) and event.name.endswith("train/loss"):
            now = time.perf_counter()
            first = first or now
            steps = max(steps, event.step)
            if seconds is not None and now - first >= seconds:
                return now - first, steps
    return time.perf_counter() - first, steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", default="cnn")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--bare-seconds", type=float, help="time only the in-process loop")
    args = parser.parse_args()
    threads = worker_threads()
    cfg = with_settings(lab_info(args.lab).config(), {"epochs": str(args.epochs)})
    if args.bare_seconds:
        seconds, steps = in_process(args.lab, cfg, threads, args.bare_seconds)
        print(json.dumps({"figure": "lab_bare_loop", "lab": args.lab, "threads": threads,
                          "seconds": round(seconds, 3), "steps": steps,
                          "samples_per_s": round(steps * cfg.batch_size / seconds, 1)}))
        return
    ratios, rates = [], {"runner": [], "in_process": []}
    for _ in range(args.repeats):
        seconds, steps = in_process(args.lab, cfg, threads)
        bare = steps * cfg.batch_size / seconds
        seconds, steps = through_runner(args.lab, cfg, threads)
        piped = steps * cfg.batch_size / seconds
        rates["in_process"].append(bare)
        rates["runner"].append(piped)
        ratios.append(piped / bare)
    print(json.dumps({
        "figure": "lab_runner_overhead", "lab": args.lab, "epochs": args.epochs, "threads": threads,
        "samples_per_s_runner": round(statistics.median(rates["runner"])),
        "samples_per_s_in_process": round(statistics.median(rates["in_process"])),
        "ratio_median": round(statistics.median(ratios), 3), "ratios": [round(r, 3) for r in ratios],
        "target": 0.95,
    }))


if __name__ == "__main__":
    main()
