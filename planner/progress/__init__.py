"""Progress, derived from what the learner did: study days, streaks, the heatmap, hours per plan
week, skills over time, reports, and spaced repetition of the self-check cards.

A pure domain layer: plain records in (`planner.core.progress`), plain records out. It imports
only `planner.core`, the standard library and `fsrs`; the database and pages call it.
Moments are timezone-aware datetimes (stored in UTC); dates are the learner's local study days.
"""

from planner.progress.days import day_finder, study_day
from planner.progress.heatmap import daily_totals, heatmap_grid, heatmap_thresholds, intensity
from planner.progress.review import (
    card_id,
    due_cards,
    due_count,
    new_card,
    preview_intervals,
    recall_probability,
    review,
)
from planner.progress.skills import skill_history
from planner.progress.stats import month_bounds, month_summary, totals, weekly_hours
from planner.progress.streaks import longest_run, streak, study_days

__all__ = [
    "card_id",
    "daily_totals",
    "day_finder",
    "due_cards",
    "due_count",
    "heatmap_grid",
    "heatmap_thresholds",
    "intensity",
    "longest_run",
    "month_bounds",
    "month_summary",
    "new_card",
    "preview_intervals",
    "recall_probability",
    "review",
    "skill_history",
    "streak",
    "study_day",
    "study_days",
    "totals",
    "weekly_hours",
]
