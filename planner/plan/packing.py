"""Laying the planned topics out in dated weeks.

The packer is list scheduling: the most valuable topic whose prerequisites are all placed goes
next; when its lesson does not fit in what is left of the week (but would fit in a whole week),
the most valuable ready topic that does fit takes the leftover, and the week closes when none
does. A lesson longer than a whole week is split over consecutive weeks, and a topic's labs
follow its lesson with nothing in between.

The order of preference is fixed before packing, so the searches for a pace or for topics to
drop re-run only this part.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from planner.core.models import PlanItem, PlanItemKind, PlanWeek
from planner.plan.graph import TopicGraph
from planner.plan.select import Selection, unlock_counts

EPS = 1e-10  # float slack when comparing hours; far below anything a person would notice

LESSON, LAB, REVIEW = PlanItemKind.LESSON, PlanItemKind.LAB, PlanItemKind.REVIEW


@dataclass(frozen=True)
class Calendar:
    """Dates and hours of the plan's weeks. Week k starts on `start + 7k days`; the plan starts at
    the week holding `today` (week 0 when today is before the start)."""

    start: date
    today: date
    study_days: frozenset[int]
    hours_per_week: float
    review_share: float

    @property
    def first_index(self) -> int:
        return max(0, (self.today - self.start).days // 7)

    @property
    def capacity(self) -> float:
        """Study hours of a whole week, the review share kept aside."""
        return self.hours_per_week * (1 - self.review_share)

    def week_start(self, index: int) -> date:
        return self.start + timedelta(days=7 * index)

    def days(self, index: int) -> list[date]:
        """The week's study days still ahead (from today on), in date order."""
        first = self.week_start(index)
        days = (first + timedelta(days=n) for n in range(7))
        return [d for d in days if d.weekday() in self.study_days and d >= self.today]

    def share(self, index: int) -> float:
        """The part of a whole week's hours this week offers: less in the week holding today."""
        if index > self.first_index:
            return 1.0
        return len(self.days(index)) / len(self.study_days)

    def study_days_until(self, last: date) -> int:
        """How many study days the plan has from its first day up to `last`, inclusive."""
        first = max(self.today, self.start)
        count = (last - first).days + 1
        if count <= 0:
            return 0
        whole = count // 7
        tail = (first + timedelta(days=n) for n in range(whole * 7, count))
        rest = sum(1 for day in tail if day.weekday() in self.study_days)
        return whole * len(self.study_days) + rest

    def at_pace(self, hours_per_week: float) -> Calendar:
        return replace(self, hours_per_week=hours_per_week)


@dataclass(frozen=True)
class Jobs:
    """The planned topics as the packer needs them, addressed by rank: rank 0 is the topic
    preferred most (largest gap weight, then unlocking most planned topics, then slug)."""

    slugs: tuple[str, ...]
    titles: tuple[str, ...]
    hours: tuple[float, ...]
    labs: tuple[tuple[str, ...], ...]
    waiting: tuple[int, ...]  # how many planned prerequisites each topic waits for
    dependents: tuple[tuple[int, ...], ...]
    position: tuple[int, ...]  # rank -> place in the topics sorted by hours
    sorted_hours: tuple[float, ...]

    def total_hours(self, lab_hours: float) -> float:
        """Study hours of the whole plan: lessons and each distinct lab once."""
        labs = {lab for topic_labs in self.labs for lab in topic_labs}
        return sum(self.hours) + lab_hours * len(labs)


def make_jobs(graph: TopicGraph, selection: Selection, members: Iterable[int]) -> Jobs:
    """Rank `members` (planned graph positions) for the packer; the unlock counts are taken
    within `members`, so a plan with topics dropped ranks exactly as its re-plan will."""
    members = list(members)
    unlocks = unlock_counts(graph, members)
    ranked = sorted(members, key=lambda i: (-selection.weights[i], -unlocks[i], i))
    rank = {i: r for r, i in enumerate(ranked)}
    topics = [graph.topics[i] for i in ranked]
    hours = tuple(selection.hours[i] for i in ranked)
    by_hours = sorted(range(len(ranked)), key=lambda r: (hours[r], r))
    position = [0] * len(ranked)
    for place, r in enumerate(by_hours):
        position[r] = place
    return Jobs(
        slugs=tuple(t.slug for t in topics),
        titles=tuple(t.title for t in topics),
        hours=hours,
        labs=tuple(tuple(lab for lab in dict.fromkeys(t.labs) if lab not in selection.done_labs)
                   for t in topics),
        waiting=tuple(sum(1 for p in graph.prerequisites[i] if p in rank) for i in ranked),
        dependents=tuple(tuple(rank[d] for d in graph.dependents[i] if d in rank) for i in ranked),
        position=tuple(position),
        sorted_hours=tuple(hours[r] for r in by_hours),
    )


class _ReadyTopics:
    """Topics whose prerequisites are all placed, as a min segment tree of ranks over the topics
    sorted by hours: the most preferred one within a range of hours takes O(log n), so filling a
    week's leftover never scans the whole ready list."""

    def __init__(self, jobs: Jobs):
        self.none = len(jobs.hours)
        self.size = 1 << max(0, (self.none - 1).bit_length())
        self.tree = [self.none] * (2 * self.size)
        self.jobs = jobs

    def add(self, rank: int) -> None:
        self._set(self.jobs.position[rank], rank)

    def remove(self, rank: int) -> None:
        self._set(self.jobs.position[rank], self.none)

    def _set(self, place: int, value: int) -> None:
        tree, i = self.tree, place + self.size
        tree[i] = value
        i >>= 1
        while i:
            left, right = tree[2 * i], tree[2 * i + 1]
            lowest = left if left < right else right
            if tree[i] == lowest:
                break  # nothing above changes either
            tree[i] = lowest
            i >>= 1

    def top(self) -> int | None:
        """The most preferred ready topic, or None."""
        found = self.tree[1]
        return None if found == self.none else found

    def best(self, fits: float, splits: float) -> int | None:
        """The most preferred ready topic whose lesson takes at most `fits` hours or more than
        `splits` hours; None if there is none."""
        count = len(self.jobs.sorted_hours)
        found = self._lowest(0, bisect_right(self.jobs.sorted_hours, fits))
        found = min(found, self._lowest(bisect_right(self.jobs.sorted_hours, splits), count))
        return None if found == self.none else found

    def _lowest(self, start: int, stop: int) -> int:
        tree, found = self.tree, self.none
        low, high = start + self.size, stop + self.size
        while low < high:
            if low & 1:
                found = min(found, tree[low])
                low += 1
            if high & 1:
                high -= 1
                found = min(found, tree[high])
            low >>= 1
            high >>= 1
        return found


class _Late(Exception):
    """The layout has passed the deadline it was asked to meet."""


Item = tuple[PlanItemKind, int, str | None, float, int, int]  # kind, rank, lab, hours, part, parts


class _Layout:
    """The weeks being filled, from the week holding today on."""

    def __init__(self, calendar: Calendar, most_weeks: int | None):
        self.full = calendar.capacity
        self.left = self.full * calendar.share(calendar.first_index)
        self.weeks: list[list[Item]] = [[]]
        self.most_weeks = most_weeks

    def next_week(self) -> None:
        if self.most_weeks is not None and len(self.weeks) >= self.most_weeks:
            raise _Late
        self.weeks.append([])
        self.left = self.full

    def place(self, kind: PlanItemKind, rank: int, lab: str | None, hours: float) -> None:
        """Put an item at the end of the layout: whole in this week if it fits, whole at the start
        of next week if it fits a week, else in parts from this week's leftover on."""
        if self.left + EPS < hours <= self.full + EPS:
            self.next_week()
        pieces: list[tuple[int, float]] = []
        while hours > self.left + EPS:
            if self.left > EPS:
                pieces.append((len(self.weeks) - 1, self.left))
                hours -= self.left
            self.next_week()
        pieces.append((len(self.weeks) - 1, hours))
        self.left -= hours
        for part, (week, piece) in enumerate(pieces, 1):
            self.weeks[week].append((kind, rank, lab, piece, part, len(pieces)))


@dataclass(frozen=True)
class Packing:
    weeks: list[list[Item]]  # the first is the week holding today
    finish: date | None


def pack(jobs: Jobs, calendar: Calendar, lab_hours: float, deadline: date | None = None) -> Packing | None:
    """Lay the jobs out in weeks. With a `deadline`, return None as soon as the work cannot end
    by it (the pace and drop searches only need to know whether it fits)."""
    most_weeks = None
    if deadline is not None:  # weeks from the first up to the one holding the deadline
        most_weeks = (deadline - calendar.start).days // 7 - calendar.first_index + 1
    layout = _Layout(calendar, most_weeks)
    ready = _ReadyTopics(jobs)
    waiting = list(jobs.waiting)
    for rank, count in enumerate(waiting):
        if count == 0:
            ready.add(rank)
    labs_placed: set[str] = set()
    try:
        while (top := ready.top()) is not None:
            hours = jobs.hours[top]
            if layout.left + EPS < hours <= layout.full + EPS:
                # It fits a whole week, so it waits for one; meanwhile the leftover goes to the
                # most preferred topic that fits in it or is long enough to be split anyway.
                top = ready.best(layout.left + EPS, layout.full + EPS) if layout.left > EPS else None
                if top is None:
                    layout.next_week()
                    continue
            ready.remove(top)
            layout.place(LESSON, top, None, jobs.hours[top])
            for lab in jobs.labs[top]:
                if lab not in labs_placed:  # a lab shared by several topics is done once
                    labs_placed.add(lab)
                    layout.place(LAB, top, lab, lab_hours)
            for d in jobs.dependents[top]:
                waiting[d] -= 1
                if waiting[d] == 0:
                    ready.add(d)
    except _Late:
        return None
    finish = _finish(layout.weeks, calendar)
    if deadline is not None and finish is not None and finish > deadline:
        return None
    return Packing(layout.weeks, finish)


def _finish(weeks: list[list[Item]], calendar: Calendar) -> date | None:
    """The day the last study item ends, filling the last busy week's study days in order with
    an equal share of the week's study hours each."""
    busy = [offset for offset, items in enumerate(weeks) if items]
    if not busy:
        return None
    index = calendar.first_index + busy[-1]
    days = calendar.days(index)
    if not days:  # only an item too small to count can land in a week with no study day left
        return calendar.week_start(index)
    per_day = calendar.capacity / len(calendar.study_days)
    used = sum(item[3] for item in weeks[busy[-1]])
    day = math.ceil(used / per_day - 1e-9)
    return days[min(max(day, 1), len(days)) - 1]


def to_weeks(packing: Packing, jobs: Jobs, calendar: Calendar) -> tuple[PlanWeek, ...]:
    """The plan's weeks: study items in order, then the week's review block."""
    weeks = []
    for offset, items in enumerate(packing.weeks):
        index = calendar.first_index + offset
        share = calendar.share(index) if offset == 0 else 1.0
        planned = [
            PlanItem(kind, lab or jobs.titles[rank], hours, jobs.slugs[rank], lab, part, parts)
            for kind, rank, lab, hours, part, parts in items
        ]
        if planned and calendar.review_share > 0:
            review = calendar.hours_per_week * calendar.review_share * share
            planned.append(PlanItem(REVIEW, "Review", review))
        weeks.append(PlanWeek(index, calendar.week_start(index), calendar.capacity * share, tuple(planned)))
    return tuple(weeks)
