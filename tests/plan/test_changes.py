"""What a learner is told moved when their plan is made again."""

from __future__ import annotations

from datetime import date, timedelta

from planner.core.models import PlanChange, PlanItem, PlanItemKind, PlanWeek, StudyPlan
from planner.plan import plan_changes

START = date(2026, 11, 2)


def plan(*weeks: list[str], first: int = 0) -> StudyPlan:
    return StudyPlan(weeks=tuple(
        PlanWeek(first + n, START + timedelta(days=7 * (first + n)), 8.0,
                 (*(PlanItem(PlanItemKind.LESSON, slug.upper(), 2.0, slug) for slug in slugs),
                  PlanItem(PlanItemKind.REVIEW, "Review", 1.0)))
        for n, slugs in enumerate(weeks)), gap=())


def test_moved_added_and_removed_topics_are_listed_by_new_week_then_title():
    old = plan(["a", "b"], ["c", "d"], ["e"])
    new = plan(["a", "c"], ["f", "b"], ["e", "d"])
    assert plan_changes(old, new) == [
        PlanChange("c", "C", 1, 0),
        PlanChange("b", "B", 0, 1),
        PlanChange("f", "F", None, 1),
        PlanChange("d", "D", 1, 2),
    ]
    assert plan_changes(new, old)[-1] == PlanChange("f", "F", 1, None)


def test_a_split_lesson_counts_from_the_week_it_starts_and_an_unchanged_plan_has_no_changes():
    old = plan(["a"], ["a", "b"], first=3)
    assert plan_changes(old, old) == []
    assert plan_changes(old, plan(["b"], ["a"], first=3)) == [
        PlanChange("b", "B", 4, 3), PlanChange("a", "A", 3, 4)]
