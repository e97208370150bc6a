"""Laying the planned topics out in dated weeks.

The packer is list scheduling: of the topics whose prerequisites are all placed, the one that
comes first in the curriculum (track order, then order within the track) goes next, and the
most valuable one (gap weight) where the curriculum does not order them, so foundations come
first. When its lesson does not fit in what is left of the week, the week is filled with its
first sections (a lesson continues next week where a section ends), or, when no section boundary
fits, with the next preferred ready topic that fits whole; the week closes when neither does.
No piece of a lesson is shorter than `MIN_PIECE`; a section longer than a whole week is split
by hours. A lab follows, with nothing in between, the last piece of the lesson it belongs after
(`lab_after`), or of the last of the lessons that name it.

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
MIN_PIECE = 0.5  # hours: no part of a split lesson is shorter (a whole short lesson may be)
SITTING = 0.5  # hours: a longer section may end a week part-way, after a sitting

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
    preferred most (earliest in the curriculum, then largest gap weight, then unlocking most
    planned topics, then graph position)."""

    slugs: tuple[str, ...]
    titles: tuple[str, ...]
    hours: tuple[float, ...]
    labs: tuple[tuple[str, ...], ...]  # per rank: the labs whose place its lesson counts down
    waiting: tuple[int, ...]  # how many planned prerequisites each topic waits for
    dependents: tuple[tuple[int, ...], ...]
    position: tuple[int, ...]  # rank -> place in the topics sorted by hours
    sorted_hours: tuple[float, ...]
    sections: tuple[tuple[Section, ...], ...] = ()  # per rank: (number, hours) of each section left
    lab_owners: tuple[tuple[str, int], ...] = ()  # each planned lab: how many lessons it waits for

    def total_hours(self, lab_hours: float) -> float:
        """Study hours of the whole plan: lessons and each distinct lab once."""
        return sum(self.hours) + lab_hours * len(self.lab_owners)


def make_jobs(graph: TopicGraph, selection: Selection, members: Iterable[int]) -> Jobs:
    """Rank `members` (planned graph positions) for the packer; the unlock counts are taken
    within `members`, so a plan with topics dropped ranks exactly as its re-plan will."""
    members = list(members)
    unlocks = unlock_counts(graph, members)
    ranked = sorted(members, key=lambda i: (graph.topics[i].order, -selection.weights[i], -unlocks[i], i))
    rank = {i: r for r, i in enumerate(ranked)}
    topics = [graph.topics[i] for i in ranked]
    hours = tuple(selection.hours[i] for i in ranked)
    labs, owners = _lab_places(topics, selection)
    by_hours = sorted(range(len(ranked)), key=lambda r: (hours[r], r))
    position = [0] * len(ranked)
    for place, r in enumerate(by_hours):
        position[r] = place
    return Jobs(
        slugs=tuple(t.slug for t in topics),
        titles=tuple(t.title for t in topics),
        hours=hours,
        labs=labs,
        lab_owners=owners,
        waiting=tuple(sum(1 for p in graph.prerequisites[i] if p in rank) for i in ranked),
        dependents=tuple(tuple(rank[d] for d in graph.dependents[i] if d in rank) for i in ranked),
        position=tuple(position),
        sorted_hours=tuple(hours[r] for r in by_hours),
        sections=tuple(_sections_left(t.sections, t.hours, h) for t, h in zip(topics, hours, strict=True)),
    )


def _lab_places(topics: list, selection: Selection) -> tuple[tuple[tuple[str, ...], ...],
                                                              tuple[tuple[str, int], ...]]:
    """Which lessons each planned lab follows, by rank. A lab is planned when a planned topic
    names it and it is not done; it comes right after the last placed of the planned lessons
    `lab_after` gives for it, or, when none of those is planned, of the planned lessons that
    name it. Returns the labs each rank's lesson counts down (in the order the topic names
    them) and, per lab, how many lessons it waits for."""
    rank_of = {t.slug: r for r, t in enumerate(topics)}
    naming: dict[str, list[int]] = {}
    for r, topic in enumerate(topics):
        for lab in dict.fromkeys(topic.labs):
            if lab not in selection.done_labs:
                naming.setdefault(lab, []).append(r)
    places: list[list[str]] = [[] for _ in topics]
    owners = []
    for lab, ranks in sorted(naming.items()):
        after = [rank_of[slug] for slug in selection.lab_after.get(lab, ()) if slug in rank_of]
        waits_for = after or ranks
        owners.append((lab, len(waits_for)))
        for r in waits_for:
            places[r].append(lab)
    for r, topic in enumerate(topics):
        named = list(dict.fromkeys(topic.labs))
        places[r].sort(key=lambda lab: (named.index(lab) if lab in named else len(named), lab))
    return tuple(tuple(p) for p in places), tuple(owners)


Section = tuple[int, float]  # the section's number (1-based; 0 for an undivided lesson), its hours


def _sections_left(shares: tuple[float, ...], full: float, left: float) -> tuple[Section, ...]:
    """The sections still to study when `left` of a lesson's `full` hours remain: the last ones
    whose shares make up what is left (a learner reads a lesson in order), scaled to `left`."""
    if len(shares) < 2 or full <= 0:
        return ((0, left),)
    total = sum(shares)
    keep, share = len(shares), 0.0
    while keep > 0 and share < left / full * total - EPS:
        keep -= 1
        share += shares[keep]
    kept = range(max(keep, 0), len(shares))
    scale = left / sum(shares[k] for k in kept)
    return tuple(piece for k in kept for piece in _sittings(k + 1, shares[k] * scale))


def _sittings(number: int, hours: float) -> list[Section]:
    """A long section as equal sittings of at most `SITTING` hours (its paragraphs are read in
    more than one go anyway), so a week can end inside it; the pieces keep its number."""
    count = max(1, math.ceil(hours / SITTING - EPS))
    return [(number, hours / count)] * count


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


# kind, rank, lab, hours, part, parts, first and last section (0 = whole or undivided)
Item = tuple[PlanItemKind, int, str | None, float, int, int, int, int]


class _Layout:
    """The weeks being filled, from the week holding today on."""

    def __init__(self, calendar: Calendar, most_weeks: int | None):
        self.full = calendar.capacity
        self.left = self.full * calendar.share(calendar.first_index)
        self.weeks: list[list[Item]] = [[]]
        self.most_weeks = most_weeks
        self.least = min(MIN_PIECE, self.full)  # the shortest piece a lesson is cut into

    def next_week(self) -> None:
        if self.most_weeks is not None and len(self.weeks) >= self.most_weeks:
            raise _Late
        self.weeks.append([])
        self.left = self.full

    def place_lab(self, rank: int, lab: str, hours: float) -> None:
        """A lab, whole: here if it fits, else at the start of next week (split over weeks only
        when it is longer than a whole week)."""
        pieces = []
        if self.left + EPS < hours:
            self.next_week()
        while hours > self.left + EPS:
            pieces.append((len(self.weeks) - 1, self.left))
            hours -= self.left
            self.next_week()
        pieces.append((len(self.weeks) - 1, hours))
        self.left -= hours
        for part, (week, piece) in enumerate(pieces, 1):
            self.weeks[week].append((LAB, rank, lab, piece, part, len(pieces), 0, 0))

    def place_lesson(self, rank: int, sections: tuple[Section, ...], first: int) -> None:
        """A lesson from here on: `first` of its sections in this week (all of them when it
        fits), the rest from the start of next week, each week taking the sections that fit."""
        pieces: list[tuple[int, tuple[Section, ...]]] = []
        rest = list(sections)
        take = first
        while True:
            piece, rest = rest[:take], rest[take:]
            hours = sum(h for _, h in piece)
            pieces.append((len(self.weeks) - 1, tuple(piece)))
            self.left -= hours
            if not rest:
                break
            self.next_week()
            rest, take = _cut(rest, self.left, self.full, self.least)
        for part, (week, piece) in enumerate(pieces, 1):
            numbered = [n for n, _ in piece if n]
            first_n, last_n = (numbered[0], numbered[-1]) if len(pieces) > 1 and numbered else (0, 0)
            self.weeks[week].append((LESSON, rank, None, sum(h for _, h in piece), part, len(pieces),
                                     first_n, last_n))


def _cut(sections: list[Section], room: float, full: float, least: float) -> tuple[list[Section], int]:
    """How many of `sections` go into `room` hours now: all when they fit; else the most whole
    sections that fit with at least `least` hours in the piece and in what is left. Where no
    section boundary will do, the lesson is split by hours, but only when that cannot be
    avoided: in a whole empty week (`room == full`), or when its first section is longer than a
    whole week. Returns the sections (one of them cut in two for a split by hours) and how many
    to take now; 0 when nothing should go here."""
    total = sum(h for _, h in sections)
    if total <= room + EPS:
        return sections, len(sections)
    taken, best = 0.0, 0
    for k, (_, hours) in enumerate(sections[:-1], 1):
        taken += hours
        if taken > room + EPS:
            break
        if taken >= least - EPS and total - taken >= least - EPS:
            best = k
    if best:
        return sections, best
    if room < full - EPS and sections[0][1] <= full + EPS:
        return sections, 0  # wait for a week in which a section boundary works
    now = min(room, total - least)
    if now < least - EPS:
        if room < full - EPS:
            return sections, 0
        now = room  # a week too short for two pieces: the lesson goes a whole week at a time
    done = 0.0
    for i, (number, hours) in enumerate(sections):
        if done + hours > now + EPS:
            if now - done <= EPS:
                return sections, i
            return [*sections[:i], (number, now - done), (number, hours - (now - done)),
                    *sections[i + 1:]], i + 1
        done += hours
    return sections, len(sections)


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
    lab_waits = dict(jobs.lab_owners)
    try:
        while (top := ready.top()) is not None:
            sections, take = _cut(list(jobs.sections[top]), layout.left, layout.full, layout.least)
            if take == 0:
                # Nothing of it fits what is left: the most preferred topic that fits whole
                # takes the leftover; else the week closes.
                other = ready.best(layout.left + EPS, math.inf) if layout.left > EPS else None
                if other is None:
                    layout.next_week()
                    continue
                top = other
                sections = list(jobs.sections[top])
                take = len(sections)
            ready.remove(top)
            layout.place_lesson(top, tuple(sections), take)
            for lab in jobs.labs[top]:
                lab_waits[lab] -= 1
                if lab_waits[lab] == 0:  # a lab shared by several topics is done once
                    layout.place_lab(top, lab, lab_hours)
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
            PlanItem(kind, lab or jobs.titles[rank], hours, jobs.slugs[rank], lab, part, parts, first, last)
            for kind, rank, lab, hours, part, parts, first, last in items
        ]
        if planned and calendar.review_share > 0:
            review = calendar.hours_per_week * calendar.review_share * share
            planned.append(PlanItem(REVIEW, "Review", review))
        weeks.append(PlanWeek(index, calendar.week_start(index), calendar.capacity * share, tuple(planned)))
    return tuple(weeks)
