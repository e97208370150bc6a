"""Lab quality targets: each lab's default settings, run through the worker process as the app
runs them, for several seeds. Reports final quality, whether the documented target was reached,
wall time, and time to target (from pressing Run, so worker start-up is included).

    python bench/labs.py [--labs cnn vae] [--seeds 0 1 2] [--device auto] [--set lab.name=value]

Prints one JSON line per lab run and one per lab (medians over the seeds).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.core.events import Failed, Finished, Metric
from planner.labs import LABS, LabRunner, lab_info, with_settings


def _at_least(name, threshold):
    return lambda latest: latest.get(name, -1) >= threshold


def _both(*checks):
    return lambda latest: all(check(latest) for check in checks)


# When the documented target is met, judged from the metrics seen so far.
TARGETS = {
    "mlp-from-scratch": _both(lambda m: m.get("gradcheck/max_abs_error", 1) < 1e-6,
                              _at_least("test/accuracy", 0.95)),
    "cnn": _at_least("test/accuracy", 0.97),
    "rnn-lstm-gru": _both(_at_least("lstm/test/accuracy", 0.95), _at_least("gru/test/accuracy", 0.95)),
    "rnn-lstm-gru:adding": lambda m: min(m.get("lstm/test/mse", 1), m.get("gru/test/mse", 1)) < 0.01,
    "attention": _at_least("test/exact", 0.99),
    "attention:sort": _at_least("test/exact", 0.95),
    "transformer": lambda m: m.get("val/loss", 99) < 0.75 * m.get("baseline/unigram", 0),
    "gan": _both(_at_least("samples/confident", 0.70), _at_least("samples/digits_present", 10)),
    "vae": lambda m: m.get("test/reconstruction", 99) <= 21.0,
    "vit": _at_least("test/accuracy", 0.95),
    "bpe-tokeniser": lambda m: m.get("heldout/tokens_per_char", 99) <= 0.38,
    "lora": lambda m: m.get("lora/gap", 99) <= 0.1 and m.get("lora/share", 1) < 0.05,
    "diffusion": _both(_at_least("samples/confident", 0.70), _at_least("samples/digits_present", 10)),
}


def run_once(lab: str, seed: int, device: str, settings: dict[str, str]) -> dict:
    info = lab_info(lab)
    cfg = with_settings(info.config(), {"seed": str(seed), **settings})
    task = getattr(cfg, "task", None)
    check = TARGETS.get(f"{lab}:{task}") or TARGETS.get(lab)
    runner = LabRunner(lab, cfg, device=device).start()
    started = time.perf_counter()
    latest: dict[str, float] = {}
    to_target = None
    summary: dict = {}
    try:
        while not runner.ended:
            for event in runner.poll(timeout=0.05):
                if isinstance(event, Metric):
                    latest[event.name] = event.value
                    if to_target is None and check is not None and check(latest):
                        to_target = time.perf_counter() - started
                elif isinstance(event, Finished):
                    summary = event.summary
                elif isinstance(event, Failed):
                    summary = {"failed": event.error}
    finally:
        runner.close()
    return {"lab": lab, "task": task, "seed": seed, "device": summary.get("device"),
            "seconds": round(time.perf_counter() - started, 2),
            "time_to_target": None if to_target is None else round(to_target, 2),
            "target_reached": summary.get("target_reached"), "metrics": summary.get("metrics"),
            "failed": summary.get("failed")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labs", nargs="*", default=[lab.slug for lab in LABS])
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    parser.add_argument("--device", default="auto")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="applied to every lab that has the setting")
    args = parser.parse_args()
    changes = dict(s.split("=", 1) for s in args.settings)
    for lab in args.labs:
        names = {f for f in lab_info(lab).config.__dataclass_fields__}
        settings = {k: v for k, v in changes.items() if k in names}
        runs = []
        for seed in args.seeds:
            result = run_once(lab, seed, args.device, settings)
            runs.append(result)
            print(json.dumps(result), flush=True)
        reached = [r for r in runs if r["time_to_target"] is not None]
        keys = sorted({k for r in runs if r["metrics"] for k in r["metrics"]})
        print(json.dumps({
            "lab": lab, "settings": settings, "seeds": args.seeds, "device": runs[0]["device"],
            "target_reached": ("no target (documented)" if all(r["target_reached"] is None for r in runs)
                               else f"{sum(bool(r['target_reached']) for r in runs)}/{len(runs)}"),
            "median_seconds": statistics.median(r["seconds"] for r in runs),
            "median_time_to_target": (statistics.median(r["time_to_target"] for r in reached)
                                      if reached else None),
            "median_metrics": {k: round(statistics.median(r["metrics"][k] for r in runs
                                                          if r["metrics"] and k in r["metrics"]), 4)
                               for k in keys},
        }), flush=True)


if __name__ == "__main__":
    main()
