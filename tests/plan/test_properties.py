"""Every scheduling rule, checked on random topic graphs, learners and settings."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.core.errors import PlanError
from planner.core.models import PlanItem, PlanItemKind, PlanRequest, StudyPlan, TopicStatus
from planner.plan import MOST_HOURS_PER_WEEK, make_plan
from planner.plan.packing import MIN_PIECE
from tests.plan.strategies import (
    SETTLED,
    closure,
    expected_hours,
    lab_places,
    open_gaps,
    plan_requests,
    priority,
    rungs,
    study_days_between,
    unteachable,
)

TOL = 1e-9
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass
class Unit:
    """A lesson or lab with all its parts, in study order."""

    kind: PlanItemKind
    topic: str
    lab: str | None
    items: list[PlanItem]
    weeks: list[int]  # plan week index of each part
    first: int  # position of its first part in the study sequence
    leftover: float  # study hours left in its first week when it began


def units_of(plan: StudyPlan) -> list[Unit]:
    units: list[Unit] = []
    position = 0
    for week in plan.weeks:
        used = 0.0
        for item in week.items:
            if item.kind is PlanItemKind.REVIEW:
                continue
            last = units[-1] if units else None
            if last and (last.kind, last.topic, last.lab) == (item.kind, item.topic, item.lab):
                last.items.append(item)
                last.weeks.append(week.index)
            else:
                units.append(Unit(item.kind, item.topic, item.lab, [item], [week.index], position,
                                  week.capacity - used))
            used += item.hours
            position += 1
    return units


def plan_or_error(request: PlanRequest) -> StudyPlan | None:
    """The plan, or None after checking that the only error possible here is the right one."""
    stuck = unteachable(request)
    hopeless = bool(stuck) and len(stuck) == len(open_gaps(request))
    try:
        plan = make_plan(request)
    except PlanError as error:
        assert error.field == "target_role" and hopeless, str(error)
        assert all(skill in str(error) for skill in stuck)
        return None
    assert not hopeless, "a role none of whose gaps any topic can narrow must be refused"
    if plan.weeks or plan.beyond:  # skills short of their target are named, with the top level taught
        short = {skill for skill, (_, target, _) in open_gaps(request).items()
                 if not any(s.skill == skill and s.level >= target for t in request.topics for s in t.skills)}
        assert {skill for skill, _ in plan.beyond} == short
    return plan


@SETTINGS
@given(plan_requests())
def test_plan_climbs_every_rung_of_the_gap_with_no_topic_to_spare(request):
    """Each level a gap climbs is taught by a planned, done or skipped topic; the plan is those
    topics and their prerequisites; a topic planned for a skill of its own says what it raises;
    and a planned topic that nothing else needs is the only one teaching one of its rungs (when
    no planned lab names lessons it comes after and nothing is skipped)."""
    plan = plan_or_error(request)
    if plan is None:
        return
    needed = rungs(request)
    planned = set(plan.topics)
    settled = {slug for slug, state in request.states.items() if state in SETTLED}
    for rung, teachers in needed.items():
        assert teachers & (planned | settled), rung
    own = {slug for slug in planned if any(slug in teachers for teachers in needed.values())}
    assert planned == closure(request, own)
    assert set(plan.reasons) == planned
    for slug in planned:
        assert plan.reasons[slug].startswith("Raises" if slug in own else "Prerequisite of "), slug
    assert not planned & settled
    by_slug = {t.slug: t for t in request.topics}
    if any(request.lab_after.get(lab) for slug in planned for lab in by_slug[slug].labs
           if lab not in request.labs_done):
        return  # lessons may be planned for a lab: which rungs they free is the lab's doing
    if TopicStatus.SKIPPED in request.states.values():
        return  # topics are chosen as if none were skipped (see the shortfall test)
    for slug in own:
        others = closure(request, own - {slug}, labs=False)
        if slug not in others:  # nothing else planned needs it: it must be the only way up a rung
            assert any(not teachers & (others | settled) for teachers in
                       (t for t in needed.values() if slug in t)), slug
    if not planned:
        assert plan.weeks == () and plan.finish is None and plan.shortfall is None


@SETTINGS
@given(plan_requests())
def test_weeks_are_dated_and_never_hold_more_than_their_capacity(request):
    plan = plan_or_error(request)
    if not plan or not plan.weeks:
        return
    first = max(0, (request.today - request.start).days // 7)
    full = request.hours_per_week * (1 - request.review_share)
    assert [w.index for w in plan.weeks] == list(range(first, first + len(plan.weeks)))
    for week in plan.weeks:
        assert week.start == request.start + timedelta(days=7 * week.index)
        days_left = [week.start + timedelta(days=n) for n in range(7)]
        days_left = [d for d in days_left if d.weekday() in request.study_days and d >= request.today]
        share = len(days_left) / len(set(request.study_days))
        assert week.capacity == pytest.approx(full * share, abs=TOL)
        assert week.study_hours <= week.capacity + TOL
        reviews = [i for i in week.items if i.kind is PlanItemKind.REVIEW]
        if week.study_hours > 0 and request.review_share > 0:
            assert len(reviews) == 1 and week.items[-1] is reviews[0]
            assert reviews[0].hours == pytest.approx(request.hours_per_week * request.review_share * share)
        else:
            assert reviews == []
    assert plan.weeks[-1].items, "the plan ends with its last busy week"
    assert all(w.items for w in plan.weeks[1:]), "only the first week can be empty"


@SETTINGS
@given(plan_requests())
def test_lessons_split_at_sections_into_pieces_that_end_their_weeks_and_labs_follow_them(request):
    plan = plan_or_error(request)
    if not plan or not plan.weeks:
        return
    full = request.hours_per_week * (1 - request.review_share)
    week_of = {w.index: w for w in plan.weeks}
    units = units_of(plan)
    topics = {t.slug: t for t in request.topics}
    waits = lab_places(request, {u.topic for u in units if u.kind is PlanItemKind.LESSON})
    expected_next: set[str] = set()  # labs that must come next
    for unit in units:
        parts = [i.part for i in unit.items]
        assert parts == list(range(1, len(parts) + 1)) and all(i.parts == len(parts) for i in unit.items)
        assert unit.weeks == list(range(unit.weeks[0], unit.weeks[0] + len(parts))), "consecutive weeks"
        hours = sum(i.hours for i in unit.items)
        if unit.kind is PlanItemKind.LESSON:
            assert not expected_next, f"labs {expected_next} must follow their lesson"
            assert hours == pytest.approx(expected_hours(request, unit.topic), rel=1e-9)
            for lab, lessons in list(waits.items()):
                lessons.discard(unit.topic)
                if not lessons:  # the last lesson the lab waits for: it comes right after
                    expected_next.add(lab)
                    del waits[lab]
        else:
            assert unit.lab in expected_next, f"lab {unit.lab} is not right after its lessons"
            expected_next.discard(unit.lab)
            assert hours == pytest.approx(request.lab_hours)
        if len(parts) > 1:
            assert hours > unit.leftover - TOL, "split although it fits in what was left of the week"
            if unit.kind is PlanItemKind.LAB:
                assert hours > full - TOL, "a lab is split only when longer than a week"
            elif full >= 2 * MIN_PIECE:
                assert min(i.hours for i in unit.items) >= MIN_PIECE - TOL, "no crumbs"
            for k, (item, index) in enumerate(zip(unit.items[:-1], unit.weeks[:-1], strict=True)):
                week = week_of[index]
                assert [i for i in week.items if i.kind is not PlanItemKind.REVIEW][-1] is item
                rest = sum(i.hours for i in unit.items[k + 1:])
                assert week.capacity - week.study_hours < rest + TOL, "the rest fitted in its week"
            check_sections(unit, topics[unit.topic].sections)
        else:
            assert unit.items[0].first_section == unit.items[0].last_section == 0
        starts_week = unit.items[0] is next(i for i in week_of[unit.weeks[0]].items)
        if starts_week and unit.weeks[0] > plan.weeks[0].index:
            left_before = week_of[unit.weeks[0] - 1].capacity - week_of[unit.weeks[0] - 1].study_hours
            # A week is closed early only because what came next did not fit in what was left.
            assert left_before <= TOL or hours > left_before - TOL
    assert not expected_next and not waits, "every planned lab is placed"


def check_sections(unit: Unit, shares: tuple[float, ...]) -> None:
    """A split lesson's pieces name its sections in reading order, ending with its last; a
    section may straddle two pieces (it is read in more than one sitting)."""
    spans = [(i.first_section, i.last_section) for i in unit.items]
    if unit.kind is PlanItemKind.LAB or len(shares) < 2:
        assert spans == [(0, 0)] * len(spans)
        return
    assert all(1 <= first <= last <= len(shares) for first, last in spans)
    for (_, before), (after, _) in itertools.pairwise(spans):
        assert after in (before, before + 1), spans
    assert spans[-1][1] == len(shares)


@SETTINGS
@given(plan_requests())
def test_prerequisites_come_first_and_the_most_valuable_ready_topic_goes_next(request):
    plan = plan_or_error(request)
    if not plan or not plan.weeks:
        return
    lessons = [u for u in units_of(plan) if u.kind is PlanItemKind.LESSON]
    begins = {u.topic: u.first for u in lessons}
    ends = {u.topic: u.first + len(u.items) - 1 for u in lessons}
    planned = set(begins)
    needs = {t.slug: [p for p in t.prerequisites if p in planned]
             for t in request.topics if t.slug in planned}
    keys = priority(request, planned)
    for unit in lessons:
        assert all(ends[p] < unit.first for p in needs[unit.topic])
        for other in planned:
            ready = all(ends[p] < unit.first for p in needs[other])
            if ready and begins[other] > unit.first and keys[other] < keys[unit.topic]:
                # A more valuable topic was ready: nothing of it could go where this one went.
                hours = expected_hours(request, other)
                assert unit.leftover - TOL < hours, (unit.topic, other)


@SETTINGS
@given(plan_requests())
def test_finish_is_the_study_day_the_last_item_ends(request):
    plan = plan_or_error(request)
    if not plan or not plan.weeks:
        return
    last = plan.weeks[-1]
    days = [last.start + timedelta(days=n) for n in range(7)]
    days = [d for d in days if d.weekday() in request.study_days and d >= request.today]
    per_day = request.hours_per_week * (1 - request.review_share) / len(set(request.study_days))
    used_days = max(1, math.ceil(last.study_hours / per_day - 1e-9))
    assert plan.finish == days[used_days - 1]
    assert plan.target_date == request.target_date


@SETTINGS
@given(plan_requests(), st.randoms(use_true_random=False))
def test_same_request_gives_the_same_plan_whatever_the_topic_order(request, shuffler):
    plan = plan_or_error(request)
    if plan is None:
        return
    assert make_plan(request) == plan
    topics = list(request.topics)
    shuffler.shuffle(topics)
    shuffled = [replace(t, prerequisites=tuple(shuffler.sample(t.prerequisites, len(t.prerequisites))))
                for t in topics]
    assert make_plan(replace(request, topics=tuple(shuffled))) == plan


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_requests(most_topics=25))
def test_shortfall_says_truly_what_meets_the_target_date(request):
    plan = plan_or_error(request)
    if plan is None:
        return
    if request.target_date is None or plan.finish is None or plan.finish <= request.target_date:
        assert plan.shortfall is None
        if plan.finish is not None and request.target_date is not None:
            assert all(w.start <= request.target_date for w in plan.weeks if w.study_hours > 0)
        return
    short = plan.shortfall
    assert short is not None
    assert short.needed_hours == pytest.approx(plan.study_hours)
    per_day = request.hours_per_week * (1 - request.review_share) / len(set(request.study_days))
    first_day = max(request.today, request.start)
    assert short.available_hours == pytest.approx(
        per_day * study_days_between(request, first_day, request.target_date), abs=TOL)
    if short.droppable:
        skipped = {**request.states, **dict.fromkeys(short.droppable, TopicStatus.SKIPPED)}
        lighter = make_plan(replace(request, states=skipped))
        assert lighter.shortfall is None
        # Skipped topics count as taught, so skipping them may also free a topic that only
        # shared their rung; it never adds one.
        assert set(lighter.topics) <= set(plan.topics) - set(short.droppable)
    pace = short.hours_per_week_needed
    if math.isinf(pace):
        # not even the most a profile may plan meets it
        assert make_plan(replace(request, hours_per_week=MOST_HOURS_PER_WEEK)).shortfall is not None
        return
    assert request.hours_per_week < pace <= MOST_HOURS_PER_WEEK and (pace * 2).is_integer()
    assert make_plan(replace(request, hours_per_week=pace)).shortfall is None
    if pace - 0.5 > request.hours_per_week:
        assert make_plan(replace(request, hours_per_week=pace - 0.5)).shortfall is not None

