"""Which topics a plan holds and why: the topics that close the skill gap, their unmet
prerequisites, and how much each one is worth studying early."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from planner.core.errors import PlanError
from planner.core.models import PlanRequest, SkillGap, TopicStatus
from planner.plan.graph import TopicGraph

SETTLED = (TopicStatus.DONE, TopicStatus.SKIPPED)  # neither planned nor waited for
MIN_REMAINING_SHARE = 0.25  # an unfinished topic keeps at least this share of its hours


@dataclass(frozen=True)
class Selection:
    """The planned topics (graph positions, ascending) and what the scheduler needs about them.
    `needed` are the topics planned for a skill of their own; the others are there only as
    prerequisites."""

    planned: tuple[int, ...]
    needed: frozenset[int]
    weights: dict[int, float]
    hours: dict[int, float]
    reasons: dict[str, str]
    done_labs: frozenset[str] = frozenset()  # completed labs: not planned again
    beyond: tuple[tuple[str, int], ...] = ()  # (skill, highest level taught) short of the target
    lab_after: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # lab -> lessons it follows


def select_topics(graph: TopicGraph, gaps: Iterable[SkillGap], request: PlanRequest) -> Selection:
    """Return the topics to plan; raise `PlanError` when no topic can narrow any of the gaps."""
    open_gaps = [g for g in gaps if g.gap > 0]
    raises, beyond = _topics_for_gaps(graph, open_gaps)
    states = request.states
    needed = {i for i in raises if states.get(graph.topics[i].slug) not in SETTLED}
    planned = _with_prerequisites(graph, needed, states)
    by_skill = {g.skill: g for g in open_gaps}
    weights = {i: _weight(graph, i, by_skill) for i in planned}
    names = {t.skill: t.skill_name for t in request.targets if t.skill_name}
    reasons = {graph.topics[i].slug: _raise_reason(raises[i], names) for i in needed}
    for i in sorted(planned - needed):
        # Name the most valuable planned topic that waits for this one.
        waiting = min((d for d in graph.dependents[i] if d in planned), key=lambda d: (-weights[d], d))
        reasons[graph.topics[i].slug] = f"Prerequisite of {graph.topics[waiting].title}"
    hours = {i: remaining_hours(graph, i, request) for i in planned}
    return Selection(tuple(sorted(planned)), frozenset(needed), weights, hours, reasons,
                     frozenset(request.labs_done), beyond, dict(request.lab_after))


def _topics_for_gaps(graph: TopicGraph, gaps: list[SkillGap]
                     ) -> tuple[dict[int, list[tuple[str, int, int]]], tuple[tuple[str, int], ...]]:
    """Every topic (whatever its state) that raises a skill with a gap, with (skill, level,
    target) for each such skill, and the skills whose target no topic reaches, with the highest
    level taught. A done or skipped topic still counts here, so that skipping a topic never
    pulls in another one to replace it. A role often asks more of a skill (research literacy
    5, say) than lessons can teach; that is reported, not refused, unless no topic can narrow
    any gap at all."""
    teaching: dict[str, list[tuple[int, int]]] = {g.skill: [] for g in gaps}
    for i, topic in enumerate(graph.topics):
        for taught in topic.skills:
            if taught.skill in teaching:
                teaching[taught.skill].append((taught.level, i))
    raises: dict[int, list[tuple[str, int, int]]] = {}
    short: list[tuple[str, int]] = []
    for g in gaps:
        within = [(level, i) for level, i in teaching[g.skill] if g.current < level <= g.target]
        above = [(level, i) for level, i in teaching[g.skill] if level > g.target]
        if above and max((level for level, _ in within), default=0) < g.target:
            lowest = min(level for level, _ in above)  # the cheapest way to reach the target
            within += [(level, i) for level, i in above if level == lowest]
        top = max((level for level, _ in teaching[g.skill]), default=0)
        if top < g.target:
            short.append((g.skill, top))
        for level, i in within:
            raises.setdefault(i, []).append((g.skill, level, g.target))
    if gaps and not raises:
        names = ", ".join(f"{skill} (level {g.target})" for g in gaps for skill in [g.skill])
        raise PlanError(f"No topic in the curriculum raises any skill the role needs beyond your "
                        f"levels: {names}.", field="target_role")
    return raises, tuple(sorted(short))


def _with_prerequisites(graph: TopicGraph, needed: set[int], states: Mapping[str, TopicStatus]) -> set[int]:
    """The needed topics and, transitively, their prerequisites that are neither done nor
    skipped (a settled prerequisite counts as met, so nothing behind it is pulled in)."""
    planned = set(needed)
    stack = list(needed)
    while stack:
        for p in graph.prerequisites[stack.pop()]:
            if p not in planned and states.get(graph.topics[p].slug) not in SETTLED:
                planned.add(p)
                stack.append(p)
    return planned


def _weight(graph: TopicGraph, i: int, by_skill: Mapping[str, SkillGap]) -> float:
    """How much of the weighted gap this topic closes: skill weight × levels gained toward the
    target, summed over the skills it teaches."""
    total = 0.0
    for taught in graph.topics[i].skills:
        g = by_skill.get(taught.skill)
        if g is not None:
            total += g.weight * max(0, min(taught.level, g.target) - g.current)
    return total


def _raise_reason(raised: list[tuple[str, int, int]], names: Mapping[str, str]) -> str:
    """ "Raises Deep learning to 3 (target 3)": skills by the names the learner reads."""
    parts = [f"{names.get(skill, skill)} to {level} (target {target})"
             for skill, level, target in sorted(raised)]
    return "Raises " + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def remaining_hours(graph: TopicGraph, i: int, request: PlanRequest) -> float:
    """Hours still to study: all of them, or for a topic in progress whose time spent is known,
    what is left but never less than a quarter (reading back in takes time too)."""
    topic = graph.topics[i]
    if request.states.get(topic.slug) is TopicStatus.IN_PROGRESS and topic.slug in request.spent:
        return max(topic.hours - request.spent[topic.slug], MIN_REMAINING_SHARE * topic.hours)
    return topic.hours


def unlock_counts(graph: TopicGraph, planned: Iterable[int]) -> dict[int, int]:
    """For each planned topic, how many planned topics depend on it, directly or not.

    Sets of descendants are Python ints used as bitsets, filled in reverse topological order,
    so a 2,000-topic graph costs one OR per edge rather than a walk per topic."""
    members = set(planned)
    bit = {i: 1 << n for n, i in enumerate(sorted(members))}
    below: dict[int, int] = {}
    for i in reversed(graph.order):
        if i in members:
            reach = 0
            for d in graph.dependents[i]:
                if d in members:
                    reach |= below[d] | bit[d]
            below[i] = reach
    return {i: reach.bit_count() for i, reach in below.items()}
