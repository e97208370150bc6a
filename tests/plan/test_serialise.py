"""Plans and their requests survive being stored as JSON and read back."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from planner.core.errors import PlanError
from planner.core.models import PlanRequest, PlanTopic, RoleSkill, SkillLevel, StudyPlan
from planner.plan import make_plan, plan_from_dict, plan_to_dict, request_from_dict, request_to_dict
from tests.plan.strategies import plan_requests


def through_json(data: dict) -> dict:
    return json.loads(json.dumps(data, allow_nan=False))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_requests(most_topics=20))
def test_requests_and_plans_round_trip_exactly(request):
    stored = through_json(request_to_dict(request))
    assert request_from_dict(stored) == request
    try:
        plan = make_plan(request)
    except PlanError:
        return
    back = plan_from_dict(through_json(plan_to_dict(plan)))
    assert back == plan
    assert back.weeks == plan.weeks and back.shortfall == plan.shortfall  # tuples, enums and dates


def test_a_shortfall_no_pace_can_meet_is_stored_without_infinity():
    saturday = date(2026, 11, 7)
    request = PlanRequest(
        topics=(PlanTopic("a", "A", 3.0, skills=(SkillLevel("x", 2),)),), targets=(RoleSkill("x", 2, 1.0),),
        levels={}, states={}, hours_per_week=5.0, study_days=(0,), start=saturday, today=saturday,
        target_date=saturday)
    plan = make_plan(request)
    assert plan.shortfall is not None and plan.shortfall.hours_per_week_needed == float("inf")
    stored = plan_to_dict(plan)
    assert stored["shortfall"]["hours_per_week_needed"] is None
    assert plan_from_dict(through_json(stored)) == plan


@pytest.mark.parametrize("broken", [
    {}, {"version": 2}, [], {"version": 1, "weeks": "x"},
    {"version": 1, "weeks": [], "gap": [], "reasons": {}, "finish": "not a date", "target_date": None,
     "shortfall": None},
])
def test_what_is_not_a_stored_plan_is_refused(broken):
    with pytest.raises(PlanError):
        plan_from_dict(broken)
    with pytest.raises(PlanError):
        request_from_dict(broken)


def test_an_empty_plan_round_trips():
    plan = StudyPlan(weeks=(), gap=(), target_date=date(2027, 1, 1))
    assert plan_from_dict(through_json(plan_to_dict(plan))) == plan
