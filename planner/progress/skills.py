"""How a learner's skills grew: levels over time, from self-assessment and topics done."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime, time, tzinfo

from planner.core.models import SkillLevel
from planner.core.progress import DAY_BOUNDARY, SkillPoint
from planner.progress.days import day_finder


def skill_history(topic_done: Iterable[tuple[datetime, str]],
                  topic_skills: Mapping[str, Collection[SkillLevel]], assessed: Mapping[str, int],
                  tz: tzinfo, boundary: time = DAY_BOUNDARY, since: date | None = None) -> list[SkillPoint]:
    """Each skill's level over time, one point per day on which it changed.

    A skill's level is the higher of the learner's own assessment (`assessed`, skill → level)
    and the levels that the topics done so far bring it to (`topic_skills`, topic slug → the
    topic's skill levels). `topic_done` holds (timezone-aware moment, topic slug) pairs, placed
    on local study days with the learner's `tz` and day `boundary`; topics not in `topic_skills`
    (archived content) raise nothing. The first points give every skill involved its level on
    the first day — `since` (a local study day, e.g. the profile's start) or else the day of
    the first topic done — including topics done before it; later points give a skill's level
    at the end of each day it rose. No first day (no `since`, no topic done) gives no points.
    """
    day = day_finder(tz, boundary)
    done_on: dict[date, list[str]] = {}
    for when, topic in topic_done:
        done_on.setdefault(day(when), []).append(topic)
    days = sorted(done_on)
    first = since if since is not None else (days[0] if days else None)
    if first is None:
        return []
    levels = dict(assessed)
    for topics in done_on.values():  # every skill a done topic touches gets a line from day one
        for topic in topics:
            for skill_level in topic_skills.get(topic, ()):
                levels.setdefault(skill_level.skill, 0)
    for topics in (done_on[d] for d in days if d <= first):
        _raise_levels(levels, topics, topic_skills)
    points = [SkillPoint(first, skill, level) for skill, level in sorted(levels.items())]
    for when in (d for d in days if d > first):
        before = dict(levels)
        _raise_levels(levels, done_on[when], topic_skills)
        points += [SkillPoint(when, skill, level) for skill, level in sorted(levels.items())
                   if level != before[skill]]
    return points


def _raise_levels(levels: dict[str, int], topics: list[str],
                  topic_skills: Mapping[str, Collection[SkillLevel]]) -> None:
    for topic in topics:
        for skill_level in topic_skills.get(topic, ()):
            if skill_level.level > levels[skill_level.skill]:
                levels[skill_level.skill] = skill_level.level
