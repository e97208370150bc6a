"""When the plan ends after the target date: how many hours it needs, how many fit, and the two
ways to meet the date (a faster pace, or fewer topics).

Both searches re-run only the packer on the topics already selected; a cheap bound on the hours
that fit before the date rules most candidates out without laying anything out.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable

from planner.core.models import PlanRequest, Shortfall
from planner.plan.graph import TopicGraph
from planner.plan.packing import Calendar, Jobs, make_jobs, pack
from planner.plan.select import Selection

PACE_STEP = 0.5  # hours a week; the pace offered is a multiple of this
MOST_HOURS_PER_WEEK = 100.0  # the most a profile may plan (a pace beyond it is no advice)


def find_shortfall(graph: TopicGraph, selection: Selection, jobs: Jobs, calendar: Calendar,
                   request: PlanRequest) -> Shortfall:
    """Return the shortfall of a plan whose work ends after `request.target_date`.

    `hours_per_week_needed` is the smallest multiple of half an hour, above the current pace and
    at most `MOST_HOURS_PER_WEEK`, at which the same topics end by the date (`math.inf` when none does).
    `droppable` lists, in drop order, the least valuable optional topics whose dropping lets the
    rest end by the date at the current pace; it is empty when only dropping everything would."""
    target = request.target_date
    assert target is not None
    days = calendar.study_days_until(target)
    per_day = calendar.capacity / len(calendar.study_days)
    return Shortfall(
        needed_hours=jobs.total_hours(request.lab_hours),
        available_hours=per_day * days,
        hours_per_week_needed=_pace_needed(jobs, calendar, request, days),
        droppable=_droppable(graph, selection, calendar, request, days),
    )


def _fits(jobs: Jobs, total_hours: float, calendar: Calendar, request: PlanRequest, days: int) -> bool:
    """Whether the jobs end by the target date. More hours than the study days before the date
    hold can never fit (a day holds its share of the week's hours), so those are not laid out."""
    available = calendar.capacity / len(calendar.study_days) * days
    if total_hours > available * (1 + 1e-9) + 1e-9:
        return False
    return pack(jobs, calendar, request.lab_hours, deadline=request.target_date) is not None


def _pace_needed(jobs: Jobs, calendar: Calendar, request: PlanRequest, days: int) -> float:
    """The first pace in half-hour steps above the current one at which the jobs fit, starting
    from the least that could hold their hours."""
    first = math.floor(calendar.hours_per_week / PACE_STEP) + 1
    last = int(MOST_HOURS_PER_WEEK / PACE_STEP)
    total = jobs.total_hours(request.lab_hours)
    if days == 0:
        return math.inf
    study_share = (1 - calendar.review_share) / len(calendar.study_days)
    enough = math.ceil(total / (study_share * days * PACE_STEP) - 1e-9)  # fewer steps cannot hold the hours

    def fits(steps: int) -> bool:
        return _fits(jobs, total, calendar.at_pace(steps * PACE_STEP), request, days)

    found = _first_fit(max(first, enough), last, fits)
    return math.inf if found is None else found * PACE_STEP


def _droppable(graph: TopicGraph, selection: Selection, calendar: Calendar, request: PlanRequest,
               days: int) -> tuple[str, ...]:
    """The shortest prefix of the drop order after which the rest fits; dropping every topic is
    no advice, so the last step is never offered."""
    steps = _drop_order(graph, selection)
    dropped_at = {i: n for n, step in enumerate(steps) for i in step}
    room = calendar.capacity / len(calendar.study_days) * days * (1 + 1e-9) + 1e-9

    def kept(count: int) -> list[int]:
        return [i for i in selection.planned if dropped_at[i] >= count]

    def hours(count: int) -> float:
        topics = kept(count)
        labs = {lab for i in topics for lab in graph.topics[i].labs if lab not in selection.done_labs}
        return sum(selection.hours[i] for i in topics) + request.lab_hours * len(labs)

    def fits(count: int) -> bool:
        return _fits(make_jobs(graph, selection, kept(count)), hours(count), calendar, request, days)

    most = len(steps) - 1
    if most <= 0 or hours(most) > room:
        return ()
    # The hours kept only shrink as more is dropped: bisect for the first count they fit in.
    low, high = 0, most
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if hours(middle) <= room else (middle, high)
    found = _first_fit(high, most, fits)
    return () if found is None else tuple(graph.topics[i].slug for step in steps[:found] for i in step)


def _first_fit(low: int, high: int, fits: Callable[[int], bool]) -> int | None:
    """The first n in [low, high] with fits(n), given that low - 1 does not fit; None if high
    does not fit either. It gallops up from `low`, since the answer usually lies just above the
    bound `low` came from, then bisects between the last miss and the first fit, so the answer
    fits and the one below it was seen not to."""
    if low > high:
        return None
    missed, step = low - 1, 1
    while not fits(probe := min(missed + step, high)):
        if probe == high:
            return None
        missed, step = probe, step * 2
    while probe - missed > 1:
        middle = (missed + probe) // 2
        missed, probe = (missed, middle) if fits(middle) else (middle, probe)
    return probe


def _drop_order(graph: TopicGraph, selection: Selection) -> list[list[int]]:
    """The order to drop topics in, as steps: each step drops the least valuable optional topic
    (no planned topic needs it; ties: more hours first, then slug) and then the prerequisites
    that nothing kept needs any more and that are planned for no skill of their own."""
    planned = set(selection.planned)
    needers = {i: sum(1 for d in graph.dependents[i] if d in planned) for i in planned}

    def key(i: int) -> tuple[float, float, int]:
        return (selection.weights[i], -selection.hours[i], i)

    optional = [(key(i), i) for i in planned if needers[i] == 0]
    heapq.heapify(optional)
    steps = []
    while optional:
        step, stack = [], [heapq.heappop(optional)[1]]
        while stack:
            dropped = stack.pop()
            step.append(dropped)
            for p in graph.prerequisites[dropped]:
                if p in planned:
                    needers[p] -= 1
                    if needers[p] == 0 and p in selection.needed:
                        heapq.heappush(optional, (key(p), p))
                    elif needers[p] == 0:
                        stack.append(p)
        steps.append(step)
    return steps
