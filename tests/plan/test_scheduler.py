"""The scheduler on small, hand-checked cases: what a learner sees in the plan, and the messages
they get when a plan cannot be made."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest

from planner.core.errors import PlanError
from planner.core.models import (
    PlanItemKind,
    PlanRequest,
    PlanTopic,
    RoleSkill,
    SkillLevel,
    TopicStatus,
)
from planner.plan import make_plan

MONDAY = date(2026, 11, 2)


def topic(slug, hours, needs=(), skills=None, labs=()):
    return PlanTopic(slug, slug.title(), hours, tuple(needs),
                     tuple(SkillLevel(s, level) for s, level in (skills or {}).items()), tuple(labs))


TOPICS = (
    topic("python", 4, skills={"coding": 2}),
    topic("linear", 3, skills={"maths": 2}),
    topic("mlp", 6, ["python", "linear"], {"deep": 2}, labs=["mlp-lab"]),
    topic("cnn", 5, ["mlp"], {"deep": 3, "vision": 2}, labs=["cnn-lab"]),
    topic("gan", 4, ["cnn"], {"generative": 3}),
)


def request(**changes) -> PlanRequest:
    base = PlanRequest(
        topics=TOPICS,
        targets=(RoleSkill("deep", 3, 1.0, "Deep learning"), RoleSkill("coding", 2, 0.5, "Coding")),
        levels={}, states={}, hours_per_week=10.0, study_days=(0, 1, 2, 3, 4),
        start=MONDAY, today=MONDAY, review_share=0.2, lab_hours=1.0,
    )
    return replace(base, **changes)


def layout(plan):
    return [[(i.kind.value, i.lab or i.topic, i.hours, i.part, i.parts) for i in w.items] for w in plan.weeks]


def test_a_beginner_gets_prerequisites_first_and_labs_right_after_their_lesson():
    plan = make_plan(request())
    assert plan.topics == ["python", "linear", "mlp", "cnn"]
    assert layout(plan) == [
        [("lesson", "python", 4, 1, 1), ("lesson", "linear", 3, 1, 1), ("review", None, 2.0, 1, 1)],
        [("lesson", "mlp", 6, 1, 1), ("lab", "mlp-lab", 1.0, 1, 1), ("review", None, 2.0, 1, 1)],
        [("lesson", "cnn", 5, 1, 1), ("lab", "cnn-lab", 1.0, 1, 1), ("review", None, 2.0, 1, 1)],
    ]
    assert [w.capacity for w in plan.weeks] == [8.0, 8.0, 8.0]
    assert plan.finish == date(2026, 11, 19)  # 6 h at 1.6 h a study day: the fourth, a Thursday
    assert plan.reasons == {
        "cnn": "Raises Deep learning to 3 (target 3)",  # skills by name, not id
        "mlp": "Raises Deep learning to 2 (target 3)",
        "python": "Raises Coding to 2 (target 2)",
        "linear": "Prerequisite of Mlp",
    }
    assert plan.shortfall is None and plan.target_date is None


def test_done_topics_raise_levels_and_a_skipped_prerequisite_counts_as_met():
    plan = make_plan(request(states={"python": TopicStatus.DONE, "linear": TopicStatus.SKIPPED}))
    assert plan.topics == ["mlp", "cnn"]
    assert [g.current for g in plan.gap if g.skill == "coding"] == [2]


def test_a_topic_in_progress_keeps_what_is_left_but_at_least_a_quarter():
    states = {"python": TopicStatus.IN_PROGRESS, "linear": TopicStatus.IN_PROGRESS}
    plan = make_plan(request(states=states, spent={"python": 1.5, "linear": 10}))
    first = {i.topic: i.hours for i in plan.weeks[0].items if i.kind is PlanItemKind.LESSON}
    assert first["python"] == 2.5 and first["linear"] == 0.75


def test_this_week_counts_only_the_study_days_left_and_long_lessons_are_split():
    thursday = date(2026, 11, 5)
    plan = make_plan(request(today=thursday, targets=(RoleSkill("generative", 3, 1.0),),
                             topics=(topic("gan", 20, skills={"generative": 3}),)))
    # Thursday and Friday are left of five study days: 2/5 of 8 study hours and of 2 review hours.
    assert plan.weeks[0].index == 0 and plan.weeks[0].capacity == pytest.approx(3.2)
    assert layout(plan) == [
        [("lesson", "gan", pytest.approx(3.2), 1, 4), ("review", None, pytest.approx(0.8), 1, 1)],
        [("lesson", "gan", 8.0, 2, 4), ("review", None, 2.0, 1, 1)],
        [("lesson", "gan", 8.0, 3, 4), ("review", None, 2.0, 1, 1)],
        [("lesson", "gan", pytest.approx(0.8), 4, 4), ("review", None, 2.0, 1, 1)],
    ]
    assert plan.finish == date(2026, 11, 23)  # 0.8 h fit in the Monday of the fourth week


def test_the_leftover_of_a_week_goes_to_a_smaller_ready_topic():
    topics = (topic("big", 7, skills={"a": 1}), topic("mid", 4, skills={"b": 1}),
              topic("tiny", 2, skills={"c": 1}))
    targets = (RoleSkill("a", 1, 1.0), RoleSkill("b", 1, 0.5), RoleSkill("c", 1, 0.25))
    plan = make_plan(request(topics=topics, targets=targets, review_share=0.0))
    # "mid" is preferred to "tiny" but fits a whole week, so it waits while "tiny" fills the gap.
    assert layout(plan) == [
        [("lesson", "big", 7, 1, 1), ("lesson", "tiny", 2, 1, 1)],
        [("lesson", "mid", 4, 1, 1)],
    ]


def test_a_plan_that_misses_the_target_date_says_what_would_meet_it():
    plan = make_plan(request(target_date=date(2026, 11, 13)))  # two weeks for three weeks of work
    short = plan.shortfall
    assert short is not None
    assert short.needed_hours == 20 and short.available_hours == 16
    assert short.missing_hours == 4
    # 12.5 h a week would hold 20 h in two weeks, but whole lessons leave gaps: at 16 h the second
    # lab spills into the third week; at 16.5 h the first week takes "mlp" too.
    assert short.hours_per_week_needed == 16.5
    assert short.droppable == ("cnn",)
    assert plan.topics == ["python", "linear", "mlp", "cnn"]  # the plan itself stays whole


def test_no_pace_can_meet_a_target_date_with_no_study_day_left():
    saturday = date(2026, 11, 7)
    plan = make_plan(request(today=saturday, target_date=saturday))
    assert plan.shortfall is not None
    assert math.isinf(plan.shortfall.hours_per_week_needed)
    assert plan.shortfall.available_hours == 0 and plan.shortfall.droppable == ()


def test_a_learner_who_meets_every_target_gets_an_empty_plan():
    plan = make_plan(request(levels={"deep": 3, "coding": 4}, targets=(*request().targets,
                                                                       RoleSkill("nothing-teaches", 0, 1.0))))
    assert plan.weeks == () and plan.topics == [] and plan.finish is None
    assert all(g.gap == 0 for g in plan.gap)


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"hours_per_week": 0}, "hours_per_week", "hours a week"),
    ({"hours_per_week": -2.0}, "hours_per_week", "hours a week"),
    ({"study_days": ()}, "study_days", "study day"),
    ({"study_days": (7,)}, "study_days", "Monday"),
    ({"target_date": date(2026, 11, 1)}, "target_date", "2026-11-01 has passed"),
    ({"review_share": 0.95}, "review_share", "reviews"),
    ({"review_share": -0.1}, "review_share", "reviews"),
    ({"lab_hours": 0}, "lab_hours", "lab"),
])
def test_settings_out_of_range_name_the_field_to_fix(changes, field, words):
    with pytest.raises(PlanError, match=words) as caught:
        make_plan(request(**changes))
    assert caught.value.field == field


def test_a_prerequisite_cycle_is_named():
    topics = (topic("a", 1, ["c"], {"x": 1}), topic("b", 1, ["a"]), topic("c", 1, ["b"]),
              topic("d", 1, ["a"]))
    with pytest.raises(PlanError, match="cycle: a → b → c → a"):
        make_plan(request(topics=topics, targets=(RoleSkill("x", 1, 1.0),)))
    with pytest.raises(PlanError, match="cycle: e → e"):
        make_plan(request(topics=(topic("e", 1, ["e"], {"x": 1}),), targets=(RoleSkill("x", 1, 1.0),)))


def test_unknown_prerequisites_are_named_with_the_topics_that_need_them():
    topics = (topic("a", 1, ["ghost", "phantom"], {"x": 1}), topic("b", 1, ["ghost"]))
    named = r"ghost \(needed by a\), ghost \(needed by b\), phantom \(needed by a\)"
    with pytest.raises(PlanError, match=named):
        make_plan(request(topics=topics, targets=(RoleSkill("x", 1, 1.0),)))


def test_a_role_no_topic_can_narrow_is_refused_for_the_target_role():
    with pytest.raises(PlanError, match=r"vision \(level 4\)") as caught:
        make_plan(request(levels={"vision": 2}, targets=(RoleSkill("vision", 4, 1.0),)))
    assert caught.value.field == "target_role"


def test_a_target_beyond_every_topic_is_planned_as_far_as_topics_go_and_named():
    topics = (topic("intro", 2, skills={"x": 1}), topic("deep", 5, skills={"x": 3}))
    plan = make_plan(request(topics=topics, targets=(RoleSkill("x", 5, 1.0),)))
    assert sorted(plan.topics) == ["deep", "intro"]
    assert plan.beyond == (("x", 3),)


def test_when_no_topic_reaches_the_target_the_cheapest_one_beyond_it_is_planned():
    topics = (topic("intro", 2, skills={"x": 1}), topic("deep", 5, skills={"x": 4}),
              topic("deeper", 9, skills={"x": 5}))
    plan = make_plan(request(topics=topics, targets=(RoleSkill("x", 3, 1.0),)))
    assert sorted(plan.topics) == ["deep", "intro"]
    assert plan.reasons["deep"] == "Raises x to 4 (target 3)"


def test_a_completed_lab_is_not_planned_again_but_its_lesson_is():
    with_lab = make_plan(request())
    assert any(i.lab == "mlp-lab" for w in with_lab.weeks for i in w.items)
    done = make_plan(request(labs_done=("mlp-lab",)))
    assert "mlp" in done.topics
    assert not any(i.lab == "mlp-lab" for w in done.weeks for i in w.items)


def test_dropping_advice_leaves_out_the_hours_of_labs_already_done():
    topics = (topic("a", 4, skills={"x": 2}, labs=["l1", "l2", "l3"]), topic("b", 4, skills={"y": 2}))
    plan = make_plan(request(topics=topics, targets=(RoleSkill("x", 2, 1.0), RoleSkill("y", 2, 0.2)),
                             hours_per_week=5, review_share=0.0, target_date=date(2026, 11, 6),
                             labs_done=("l1", "l2", "l3")))
    # 4 h of "a" fit the 5 h before the date once its three labs are done and not planned again.
    assert plan.shortfall.needed_hours == 8 and plan.shortfall.droppable == ("b",)
