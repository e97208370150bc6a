"""Role targets, earned skill levels and the weighted gap the plan closes."""

from __future__ import annotations

from planner.core.models import PlanTopic, Role, RoleSkill, SkillGap, SkillLevel, TopicStatus
from planner.plan import derived_levels, merge_targets, skill_gap

RESEARCHER = Role("researcher", "AI researcher", "", skills=(
    RoleSkill("maths", 5, 0.8, "Mathematics"), RoleSkill("deep", 4, 1.0, "Deep learning")))
ENGINEER = Role("engineer", "ML engineer", "", skills=(
    RoleSkill("deep", 5, 0.6, "Deep learning"), RoleSkill("python", 5, 1.0, "Python")))


def test_a_secondary_role_raises_targets_and_counts_half():
    assert merge_targets(RESEARCHER, ENGINEER) == (
        RoleSkill("deep", 5, 1.3, "Deep learning"),
        RoleSkill("maths", 5, 0.8, "Mathematics"),
        RoleSkill("python", 5, 0.5, "Python"),
    )


def test_one_role_alone_or_named_twice_keeps_its_own_targets():
    alone = (RoleSkill("deep", 4, 1.0, "Deep learning"), RoleSkill("maths", 5, 0.8, "Mathematics"))
    assert merge_targets(RESEARCHER) == alone
    assert merge_targets(RESEARCHER, RESEARCHER) == alone


def test_completing_topics_raises_the_derived_levels():
    topics = [PlanTopic("mlp", "MLP", 4, skills=(SkillLevel("deep", 2), SkillLevel("python", 1))),
              PlanTopic("cnn", "CNN", 4, skills=(SkillLevel("deep", 3),)),
              PlanTopic("gan", "GAN", 4, skills=(SkillLevel("deep", 5),))]
    states = {"mlp": TopicStatus.DONE, "cnn": TopicStatus.DONE, "gan": TopicStatus.SKIPPED}
    assert derived_levels({"python": 3, "maths": 1}, topics, states) == {"python": 3, "maths": 1, "deep": 3}
    assert derived_levels({"deep": 4}, topics, states) == {"deep": 4, "python": 1}


def test_the_gap_lists_every_target_largest_weighted_first():
    targets = merge_targets(RESEARCHER, ENGINEER)
    assert skill_gap(targets, {"deep": 4, "maths": 1}) == (
        SkillGap("maths", 1, 5, 0.8),   # 4 levels × 0.8 = 3.2
        SkillGap("python", 0, 5, 0.5),  # 2.5
        SkillGap("deep", 4, 5, 1.3),    # 1.3
    )
    assert [g.gap for g in skill_gap(targets, {"deep": 5, "maths": 5, "python": 6})] == [0, 0, 0]
