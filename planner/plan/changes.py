"""What moved between two versions of a plan, for the "your plan changed" summary."""

from __future__ import annotations

from planner.core.models import PlanChange, PlanItemKind, StudyPlan


def plan_changes(old: StudyPlan, new: StudyPlan) -> list[PlanChange]:
    """Return the topics whose first week differs between `old` and `new`: moved, added
    (`old_week` None) or removed (`new_week` None); sorted by new week (removed ones last),
    then title. Topics that kept their week are not listed."""
    before, after = _first_weeks(old), _first_weeks(new)
    changes = [
        PlanChange(topic=slug, title=(after.get(slug) or before[slug])[1],
                   old_week=before[slug][0] if slug in before else None,
                   new_week=after[slug][0] if slug in after else None)
        for slug in sorted(before.keys() | after.keys())
        if (before.get(slug) or (None,))[0] != (after.get(slug) or (None,))[0]
    ]
    return sorted(changes, key=lambda c: (c.new_week is None, c.new_week or 0, c.title, c.topic))


def _first_weeks(plan: StudyPlan) -> dict[str, tuple[int, str]]:
    """Topic slug -> (index of the week its lesson starts in, lesson title)."""
    first: dict[str, tuple[int, str]] = {}
    for week in plan.weeks:
        for item in week.items:
            if item.kind is PlanItemKind.LESSON and item.topic and item.topic not in first:
                first[item.topic] = (week.index, item.title)
    return first
