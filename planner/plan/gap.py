"""Where the learner stands against the role they aim for: merged role targets, the skill levels
earned so far, and the weighted gap between the two."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from planner.core.models import PlanTopic, Role, RoleLevel, RoleSkill, SkillGap, TopicStatus

SECONDARY_SHARE = 0.5  # a secondary role counts half as much as the main one


def merge_targets(primary: Role, secondary: Role | None = None,
                  level: RoleLevel = RoleLevel.SENIOR) -> tuple[RoleSkill, ...]:
    """Return what the two roles ask together at `level` (entry, mid or senior), one `RoleSkill`
    per skill, sorted by skill slug; a skill a role does not ask at that level (target 0) is
    left out.

    A skill's target is the higher of the two roles' targets; its weight is the primary role's
    weight plus half the secondary role's (a skill only the secondary role asks for weighs half
    its weight). Naming the same role twice counts it once."""
    if secondary is not None and secondary.slug == primary.slug:
        secondary = None
    merged: dict[str, RoleSkill] = {}
    shares = [(primary, 1.0)] + ([(secondary, SECONDARY_SHARE)] if secondary else [])
    for role, share in shares:
        for asked in role.skills:
            wanted = asked.at(level)
            if wanted.target <= 0:
                continue
            before = merged.get(wanted.skill)
            merged[wanted.skill] = RoleSkill(
                skill=wanted.skill,
                target=max(wanted.target, before.target if before else 0),
                weight=(before.weight if before else 0.0) + share * wanted.weight,
                skill_name=(before.skill_name if before and before.skill_name else wanted.skill_name),
            )
    return tuple(merged[slug] for slug in sorted(merged))


def derived_levels(
    assessed: Mapping[str, int],
    topics: Iterable[PlanTopic],
    states: Mapping[str, TopicStatus],
) -> dict[str, int]:
    """Return the learner's level per skill: the higher of the self-assessed level and the levels
    of the topics marked done that teach the skill. Completing topics raises these levels;
    skipping them does not."""
    levels = dict(assessed)
    for topic in topics:
        if states.get(topic.slug) is TopicStatus.DONE:
            for taught in topic.skills:
                levels[taught.skill] = max(levels.get(taught.skill, 0), taught.level)
    return levels


def skill_gap(targets: Iterable[RoleSkill], levels: Mapping[str, int]) -> tuple[SkillGap, ...]:
    """Return one `SkillGap` per target skill (met targets included, with a gap of 0), the
    largest weighted gap first, then by skill slug."""
    gaps = [SkillGap(skill=t.skill, current=levels.get(t.skill, 0), target=t.target, weight=t.weight)
            for t in targets]
    return tuple(sorted(gaps, key=lambda g: (-g.weighted, g.skill)))
