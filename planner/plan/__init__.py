"""The study plan: from the learner's levels, the target role and the topic graph to a dated,
week-by-week plan (pure; no database, no Qt).

`make_plan(request)` is the scheduler; `merge_targets`, `derived_levels` and `skill_gap` build
its inputs; `plan_changes` compares two plans; the `*_to_dict` / `*_from_dict` pairs store plans
and requests as JSON-safe dicts; `planner.plan.export` writes Markdown and iCalendar files.
"""

from planner.plan.changes import plan_changes
from planner.plan.gap import derived_levels, merge_targets, skill_gap
from planner.plan.scheduler import make_plan
from planner.plan.serialise import plan_from_dict, plan_to_dict, request_from_dict, request_to_dict
from planner.plan.shortfall import MOST_HOURS_PER_WEEK

__all__ = [
    "MOST_HOURS_PER_WEEK",
    "derived_levels",
    "make_plan",
    "merge_targets",
    "plan_changes",
    "plan_from_dict",
    "plan_to_dict",
    "request_from_dict",
    "request_to_dict",
    "skill_gap",
]
