"""A beginner's plan from the shipped content fills its weeks: whole lessons where they fit, the
rest of a lesson continued next week at a section, and no crumbs."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from planner.core.models import PlanItemKind
from planner.plan.packing import MIN_PIECE

MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize("hours", [4, 6, 8, 12])
def test_every_roles_weeks_are_at_least_nine_tenths_full(synced, hours):
    for role in synced.roles():
        profile = synced.create_profile(f"{role.slug} {hours}", target_role=role.slug,
                                        hours_per_week=hours, start_date=MONDAY)
        plan = synced.preview_plan(profile.id, today=MONDAY)
        weeks = plan.weeks[:-1]
        fill = sum(w.study_hours for w in weeks) / sum(w.capacity for w in weeks)
        assert fill >= 0.9, f"{role.slug} at {hours} h a week: weeks {fill:.0%} full"
        items = [i for w in plan.weeks for i in w.items if i.kind is PlanItemKind.LESSON]
        pieces = [i for i in items if i.parts > 1]
        assert pieces, "some lesson is continued over weeks"
        assert min(i.hours for i in pieces) >= MIN_PIECE - 1e-9
        # Every shipped lesson has sections, so each piece says where to start and stop.
        assert all(i.sections.startswith("§") and i.label.startswith(i.title) for i in pieces)


def test_a_continued_lesson_picks_up_at_the_section_it_left(synced):
    profile = synced.create_profile("Ada", target_role="engineer", hours_per_week=6, start_date=MONDAY)
    plan = synced.preview_plan(profile.id, today=MONDAY)
    split: dict[str, list] = {}
    for week in plan.weeks:
        for item in week.items:
            if item.kind is PlanItemKind.LESSON and item.parts > 1:
                split.setdefault(item.topic, []).append(item)
    sections = {t: len(synced.topic(t).sections) for t in split}
    for slug, pieces in split.items():
        assert pieces[0].first_section >= 1 and pieces[-1].last_section == sections[slug]
        for before, after in itertools.pairwise(pieces):
            assert after.first_section in (before.last_section, before.last_section + 1)


def test_every_lab_comes_after_the_lessons_it_exercises_and_training_lessons(synced):
    labs = {lab.slug: lab for lab in synced.labs()}
    for role in synced.roles():
        profile = synced.create_profile(f"{role.slug} labs", target_role=role.slug, hours_per_week=8,
                                        start_date=MONDAY)
        plan = synced.preview_plan(profile.id, today=MONDAY)
        sequence = [(i.kind, i.lab or i.topic) for w in plan.weeks for i in w.items
                    if i.kind is not PlanItemKind.REVIEW]
        ends = {slug: n for n, (kind, slug) in enumerate(sequence) if kind is PlanItemKind.LESSON}
        for n, (kind, slug) in enumerate(sequence):
            if kind is PlanItemKind.LAB:
                needs = [*labs[slug].after, "gradient-descent", "backpropagation"]
                assert all(ends[t] < n for t in needs if t in ends), (role.slug, slug)
                assert all(t in ends for t in ("gradient-descent", "backpropagation")), (role.slug, slug)
