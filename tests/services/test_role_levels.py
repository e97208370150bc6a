"""Roles at entry, mid and senior level: what a beginner's plan holds for each, read as a teacher
would, and the level travelling from profile to plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from planner.core.errors import PlanError
from planner.core.models import PlanItemKind, RoleLevel

MONDAY = date(2026, 12, 7)
TRAINING = {"backpropagation", "gradient-descent"}


def beginner_plan(lodestar, role: str, level: RoleLevel, hours: float = 8):
    profile = lodestar.create_profile(f"{role} {level}", target_role=role, hours_per_week=hours,
                                      start_date=MONDAY)
    profile = lodestar.save_profile(replace(profile, role_level=level), MONDAY)
    return lodestar.preview_plan(profile.id, today=MONDAY)


def study_hours(plan) -> float:
    return sum(i.hours for w in plan.weeks for i in w.items if i.kind is not PlanItemKind.REVIEW)


def lessons(plan) -> list[str]:
    return list(dict.fromkeys(plan.topics))


def test_a_new_profile_aims_at_entry_level(synced):
    profile = synced.create_profile("Ada", target_role="engineer", start_date=MONDAY)
    assert profile.role_level is RoleLevel.ENTRY
    saved = synced.save_profile(replace(profile, role_level=RoleLevel.MID), MONDAY)
    assert synced.profile(saved.id).role_level is RoleLevel.MID


def test_an_unknown_level_is_refused_on_its_field(synced):
    profile = synced.create_profile("Ada", target_role="engineer", start_date=MONDAY)
    with pytest.raises(PlanError) as raised:
        synced.check_profile(replace(profile, role_level="principal"), MONDAY)
    assert raised.value.field == "role_level" and "entry, mid, senior" in str(raised.value)


def test_each_level_asks_at_least_what_the_one_below_asks(synced):
    for role in synced.roles():
        for skill in role.skills:
            levels = [skill.level(level) for level in RoleLevel]
            assert levels == sorted(levels) and levels[-1] == skill.target, (role.slug, skill)


@pytest.mark.parametrize("role", ["product-manager", "business-developer"])
def test_business_roles_start_without_the_mathematics_of_deep_learning(synced, role):
    plan = beginner_plan(synced, role, RoleLevel.ENTRY)
    assert study_hours(plan) < 120
    assert not TRAINING & set(plan.topics), lessons(plan)
    # ...but they do learn how models are judged, what an LLM is and what fairness asks.
    assert {"evaluation-metrics", "how-llms-work", "fairness-ethics"} <= set(plan.topics)


@pytest.mark.parametrize("role", ["researcher", "engineer", "data-scientist"])
def test_technical_roles_learn_to_train_a_network_at_entry_level(synced, role):
    plan = beginner_plan(synced, role, RoleLevel.ENTRY)
    assert set(plan.topics) >= TRAINING
    order = lessons(plan)
    assert order.index("forward-pass") < order.index("backpropagation") < order.index("gradient-descent")


def test_an_entry_educator_learns_back_propagation_and_how_to_teach_it(synced):
    plan = beginner_plan(synced, "educator", RoleLevel.ENTRY)
    assert {"backpropagation", "explaining-models", "designing-ai-exercises"} <= set(plan.topics)


def test_a_higher_level_never_plans_fewer_hours(synced):
    for role in synced.roles():
        sizes = []
        for level in RoleLevel:
            plan = beginner_plan(synced, role.slug, level)
            sizes.append(study_hours(plan))
        assert sizes == sorted(sizes), (role.slug, sizes)


def test_a_skill_is_reached_by_the_lesson_that_adds_the_fewest_hours(synced):
    # An entry product manager needs "ML fundamentals 2": learning from data (4 h, one short
    # prerequisite), not the perceptron's chain or every lesson that touches the skill.
    plan = beginner_plan(synced, "product-manager", RoleLevel.ENTRY)
    assert "learning-from-data" in plan.topics and "perceptron-mlp" not in plan.topics
    assert plan.reasons["learning-from-data"].startswith("Raises")


def test_a_draft_profile_gets_its_plan_before_it_is_saved(synced):
    from planner.core.models import Profile
    from tests.conftest import clock_start

    draft = Profile(0, "Grace", clock_start(), target_role="product-manager", hours_per_week=4,
                    start_date=MONDAY, target_date=date(2027, 1, 4))
    plan = synced.draft_plan(draft, MONDAY)
    assert plan.topics and plan.shortfall is not None
    assert plan.shortfall.hours_per_week_needed > 4
    assert [p.name for p in synced.profiles()] == []  # nothing saved
    with pytest.raises(PlanError) as raised:
        synced.draft_plan(replace(draft, target_role=None), MONDAY)
    assert raised.value.field == "target_role"
