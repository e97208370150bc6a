"""The study-plan scheduler: from a `PlanRequest` to a dated, week-by-week `StudyPlan`."""

from __future__ import annotations

from planner.core.errors import PlanError
from planner.core.models import PlanRequest, StudyPlan
from planner.plan.gap import derived_levels, skill_gap
from planner.plan.graph import build_graph
from planner.plan.packing import Calendar, make_jobs, pack, to_weeks
from planner.plan.select import select_topics
from planner.plan.shortfall import find_shortfall

MAX_REVIEW_SHARE = 0.9


def make_plan(request: PlanRequest) -> StudyPlan:
    """Return the study plan for `request`, the same plan for the same request.

    The plan holds exactly the topics that close the skill gap plus their unmet prerequisites,
    laid out week by week from the week holding `request.today`; each topic comes after its
    prerequisites, in curriculum order where they allow, each lab right after the lesson it
    belongs after, and no week holds more study hours than its capacity. Skill levels are
    raised by the topics marked done before the gap is measured.
    `finish` is the study day on which the last study item ends when each study day of a week
    takes an equal share of its study hours. When the work ends after `target_date`, the plan
    (still complete) carries a `Shortfall` with the pace and the topics to drop that would meet
    it. A learner who already meets every target gets a plan with no weeks.

    Raises `PlanError` (with `field` naming the setting to fix) for hours or a review share out
    of range, no study days, a target date in the past, unknown prerequisites, a prerequisite
    cycle, or a role none of whose gaps any topic can narrow."""
    calendar = _calendar(request)
    graph = build_graph(request.topics)
    levels = derived_levels(request.levels, graph.topics, request.states)
    gaps = skill_gap(request.targets, levels)
    if all(g.gap == 0 for g in gaps):
        return StudyPlan(weeks=(), gap=gaps, target_date=request.target_date)
    selection = select_topics(graph, gaps, request)
    if not selection.planned:  # what is left is done or skipped
        return StudyPlan(weeks=(), gap=gaps, target_date=request.target_date)
    jobs = make_jobs(graph, selection, selection.planned)
    packing = pack(jobs, calendar, request.lab_hours)
    assert packing is not None  # only a layout with a deadline gives up
    shortfall = None
    target = request.target_date
    if target is not None and packing.finish is not None and packing.finish > target:
        shortfall = find_shortfall(graph, selection, jobs, calendar, request)
    return StudyPlan(
        weeks=to_weeks(packing, jobs, calendar),
        gap=gaps,
        reasons=dict(sorted(selection.reasons.items())),
        finish=packing.finish,
        target_date=request.target_date,
        shortfall=shortfall,
        beyond=selection.beyond,
    )


def _calendar(request: PlanRequest) -> Calendar:
    """Check the learner's settings and return the plan's calendar."""
    if not request.hours_per_week > 0:
        raise PlanError("Plan at least some hours a week.", field="hours_per_week")
    if not request.study_days:
        raise PlanError("Choose at least one study day.", field="study_days")
    if any(day not in range(7) for day in request.study_days):
        raise PlanError("Study days are weekdays 0 (Monday) to 6 (Sunday).", field="study_days")
    if not 0 <= request.review_share <= MAX_REVIEW_SHARE:
        raise PlanError(f"Keep between 0% and {MAX_REVIEW_SHARE:.0%} of the hours for reviews.",
                        field="review_share")
    if request.target_date is not None and request.target_date < request.today:
        raise PlanError(f"The target date {request.target_date.isoformat()} has passed.", field="target_date")
    if not request.lab_hours > 0:
        raise PlanError("A lab session needs some hours.", field="lab_hours")
    return Calendar(request.start, request.today, frozenset(request.study_days),
                    request.hours_per_week, request.review_share)
