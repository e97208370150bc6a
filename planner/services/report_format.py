"""The progress report as Markdown and as HTML (which a front end prints to PDF), and how a lab's
best run is chosen for it. Pure functions over `planner.core.tracking` records.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import datetime

from planner.core.tracking import LabResult, ProgressReport

# Metrics where less is better; any other (accuracy, exact match, confident samples) is better high.
LOWER_IS_BETTER = ("loss", "error", "ratio", "kl", "elbo", "reconstruction", "size", "mse",
                   "perplexity", "nats", "bits")


def lower_is_better(metric: str) -> bool:
    name = metric.lower()
    return any(word in name for word in LOWER_IS_BETTER)


def lab_results(runs: Sequence[tuple[int, str, str, datetime, dict]]) -> tuple[LabResult, ...]:
    """Each lab's best finished run among `runs` ((run id, lab, title, finished, summary)),
    judged by the first metric the lab reports; labs in the order first run."""
    by_lab: dict[str, list[tuple[int, str, dict]]] = {}
    for run_id, lab, title, _when, summary in runs:
        by_lab.setdefault(lab, []).append((run_id, title, summary if isinstance(summary, dict) else {}))
    return tuple(_best(lab, lab_runs) for lab, lab_runs in by_lab.items())


def _metrics(summary: dict) -> dict[str, float]:
    metrics = summary.get("metrics")
    if not isinstance(metrics, dict):
        return {}
    return {str(k): float(v) for k, v in metrics.items()
            if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)}


def _best(lab: str, runs: list[tuple[int, str, dict]]) -> LabResult:
    scored = [(run_id, _metrics(summary), summary) for run_id, _title, summary in runs]
    headline = next((next(iter(m)) for _, m, _ in scored if m), None)
    best_id, best_metrics, _ = scored[-1]  # no metrics at all: the latest run stands for the lab
    if headline is not None:
        candidates = [(run_id, m) for run_id, m, _ in scored if headline in m]
        sign = -1 if lower_is_better(headline) else 1
        best_id, best_metrics = max(candidates, key=lambda c: (sign * c[1][headline], c[0]))
    reached = [s.get("target_reached") for _, _, s in scored]
    target = True if True in reached else (False if False in reached else None)
    return LabResult(lab=lab, title=runs[0][1], runs=len(runs), best_run=best_id,
                     metrics=best_metrics, target_reached=target)


def _value(metric: str, value: float) -> str:
    if not lower_is_better(metric) and 0 <= value <= 1 and ("accuracy" in metric or "exact" in metric
                                                             or "confident" in metric):
        return f"{value:.1%}"
    return f"{value:.4g}"


def _lab_line(result: LabResult) -> str:
    metrics = ", ".join(f"{name} {_value(name, v)}" for name, v in result.metrics.items())
    target = {True: "target reached", False: "target not reached yet", None: ""}[result.target_reached]
    runs = f"{result.runs} run{'s' if result.runs != 1 else ''}"
    return " · ".join(part for part in (runs, f"best: {metrics}" if metrics else "", target) if part)


def _figures(report: ProgressReport) -> list[tuple[str, str]]:
    t, s = report.totals, report.streak
    return [("Hours studied", f"{t.hours:.1f}"), ("Study days", str(t.study_days)),
            ("Longest run of days" + (" this month" if report.period == "month" else ""),
             str(t.longest_streak)),
            ("Current streak", f"{s.current} day{'s' if s.current != 1 else ''}"),
            ("Longest streak ever", f"{s.longest} day{'s' if s.longest != 1 else ''}"),
            ("Topics done", str(t.topics_done)), ("Labs finished", str(t.labs_finished)),
            ("Readings finished", str(t.readings_read)), ("Cards reviewed", str(t.reviews))]


def report_markdown(report: ProgressReport) -> str:
    """The report as Markdown: figures in a table, then topics, labs and readings."""
    lines = [f"# Progress report: {report.profile} — {report.title}", "",
             f"Made on {report.made:%d %B %Y}.", "", "| | |", "|---|---:|"]
    lines += [f"| {name} | {value} |" for name, value in _figures(report)]
    sections = (
        ("Topics done", [title for _slug, title in report.topics]),
        ("Labs", [f"**{r.title}**: {_lab_line(r)}" for r in report.labs]),
        ("Readings finished", list(report.readings)),
    )
    for heading, items in sections:
        lines += ["", f"## {heading}", ""]
        lines += [f"- {_markdown_text(item)}" for item in items] or ["None in this period."]
    return "\n".join(lines) + "\n"


def _markdown_text(text: str) -> str:
    # Titles are the learner's own text: keep them from turning into links or tables.
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("|", "\\|")


def report_html(report: ProgressReport) -> str:
    """The report as a self-contained HTML page, for `planner.ui.report.write_pdf`."""
    e = html.escape
    rows = "".join(f"<tr><td>{e(name)}</td><td align='right'><b>{e(value)}</b></td></tr>"
                   for name, value in _figures(report))
    sections = (
        ("Topics done", [e(title) for _slug, title in report.topics]),
        ("Labs", [f"<b>{e(r.title)}</b>: {e(_lab_line(r))}" for r in report.labs]),
        ("Readings finished", [e(title) for title in report.readings]),
    )
    body = "".join(
        f"<h2>{e(heading)}</h2>"
        + (("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>") if items
           else "<p>None in this period.</p>")
        for heading, items in sections)
    return ("<html><head><meta charset='utf-8'><style>"
            "body { font-family: sans-serif; font-size: 10pt; } h1 { font-size: 18pt; } "
            "h2 { font-size: 13pt; margin-top: 14pt; } td { padding: 2pt 12pt 2pt 0; }"
            "</style></head><body>"
            f"<h1>Progress report: {e(report.profile)} — {e(report.title)}</h1>"
            f"<p>Made on {report.made:%d %B %Y}.</p>"
            f"<table cellspacing='0'>{rows}</table>{body}</body></html>")
