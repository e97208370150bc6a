"""Skills over time: they rise when a topic that teaches them is done, and never fall."""

from __future__ import annotations

from datetime import date

from planner.core.models import SkillLevel
from planner.core.progress import SkillPoint
from planner.progress import skill_history
from tests.progress.helpers import LONDON, local

TOPIC_SKILLS = {
    "backprop": (SkillLevel("calculus", 2), SkillLevel("pytorch", 1)),
    "cnn": (SkillLevel("pytorch", 3), SkillLevel("python", 1)),
    "intro": (SkillLevel("pytorch", 1),),
}
ASSESSED = {"python": 2}


def test_a_skill_rises_on_the_day_a_topic_that_teaches_it_is_done():
    done = [(local(date(2025, 3, 10), 20), "cnn"), (local(date(2025, 3, 3), 20), "backprop")]
    assert skill_history(done, TOPIC_SKILLS, ASSESSED, LONDON) == [
        SkillPoint(date(2025, 3, 3), "calculus", 2),
        SkillPoint(date(2025, 3, 3), "python", 2),  # assessed 2; the CNN topic's 1 never lowers it
        SkillPoint(date(2025, 3, 3), "pytorch", 1),
        SkillPoint(date(2025, 3, 10), "pytorch", 3),
    ]


def test_history_from_the_profiles_start_begins_at_the_assessed_levels():
    done = [(local(date(2025, 3, 3), 1, 30), "backprop")]  # 01:30: the 2nd's evening
    assert skill_history(done, TOPIC_SKILLS, ASSESSED, LONDON, since=date(2025, 3, 1)) == [
        SkillPoint(date(2025, 3, 1), "calculus", 0),
        SkillPoint(date(2025, 3, 1), "python", 2),
        SkillPoint(date(2025, 3, 1), "pytorch", 0),
        SkillPoint(date(2025, 3, 2), "calculus", 2),
        SkillPoint(date(2025, 3, 2), "pytorch", 1),
    ]


def test_topics_done_before_the_first_day_are_in_its_levels():
    done = [(local(date(2025, 2, 1), 12), "backprop"), (local(date(2025, 3, 5), 12), "cnn")]
    points = skill_history(done, TOPIC_SKILLS, {}, LONDON, since=date(2025, 3, 1))
    first, fifth = date(2025, 3, 1), date(2025, 3, 5)
    assert points[:3] == [SkillPoint(first, "calculus", 2), SkillPoint(first, "python", 0),
                          SkillPoint(first, "pytorch", 1)]
    assert points[3:] == [SkillPoint(fifth, "python", 1), SkillPoint(fifth, "pytorch", 3)]


def test_an_easier_topic_later_or_an_archived_one_adds_no_point():
    done = [(local(date(2025, 3, 3), 12), "cnn"), (local(date(2025, 3, 4), 12), "intro"),
            (local(date(2025, 3, 5), 12), "gone-from-the-pack")]
    points = skill_history(done, TOPIC_SKILLS, {}, LONDON)
    assert {point.day for point in points} == {date(2025, 3, 3)}


def test_without_a_first_day_there_is_nothing_to_draw():
    assert skill_history([], TOPIC_SKILLS, ASSESSED, LONDON) == []
    assert skill_history([], TOPIC_SKILLS, ASSESSED, LONDON, since=date(2025, 1, 1)) == [
        SkillPoint(date(2025, 1, 1), "python", 2)]
