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
    chosen, raises, beyond = _topics_for_gaps(graph, open_gaps, request.states)
    states = request.states
    needed = set(chosen)
    planned = _with_prerequisites(graph, needed, states)
    for_labs: dict[int, int] = {}  # a lesson planned only because a planned lab comes after it
    while True:
        extra = {}
        for i in sorted(planned):
            for lab in graph.topics[i].labs:
                if lab in request.labs_done:
                    continue
                for slug in request.lab_after.get(lab, ()):
                    j = graph.index.get(slug)
                    if j is not None and j not in planned and states.get(slug) not in SETTLED:
                        extra.setdefault(j, i)
        if not extra:
            break
        for_labs.update(extra)
        planned = _with_prerequisites(graph, planned | set(extra), states)
    needed |= {i for i in planned if i in raises}  # a lesson before a lab may climb a rung too
    by_skill = {g.skill: g for g in open_gaps}
    weights = {i: _weight(graph, i, by_skill) for i in planned}
    names = {t.skill: t.skill_name for t in request.targets if t.skill_name}
    reasons = {graph.topics[i].slug: _raise_reason(raises[i], names) for i in needed}
    for i in sorted(planned - needed):
        # Name the most valuable planned topic that waits for this one (or its lab).
        waiting = [d for d in graph.dependents[i] if d in planned]
        if waiting:
            first = min(waiting, key=lambda d: (-weights[d], d))
            reasons[graph.topics[i].slug] = f"Prerequisite of {graph.topics[first].title}"
        else:
            owner = graph.topics[for_labs[i]].title
            reasons[graph.topics[i].slug] = f"Prerequisite of the lab that follows {owner}"
    hours = {i: remaining_hours(graph, i, request) for i in planned}
    return Selection(tuple(sorted(planned)), frozenset(needed), weights, hours, reasons,
                     frozenset(request.labs_done), beyond, dict(request.lab_after))


def _topics_for_gaps(graph: TopicGraph, gaps: list[SkillGap], states: Mapping[str, TopicStatus]
                     ) -> tuple[set[int], dict[int, list[tuple[str, int, int]]], tuple[tuple[str, int], ...]]:
    """The topics that close the gaps; for every topic teaching a level a gap climbs, (skill,
    level, target) for each gap skill it raises; and the skills whose target no topic
    reaches, with the highest level taught.

    A gap is a ladder: one rung for each level above the learner's that some topic teaches, up
    to the target (or, where no topic teaches the target itself, the lowest level above it).
    Each rung needs one topic teaching the skill at exactly that level, and of those the one
    that adds the fewest hours to the plan, counting its unmet prerequisites and treating what
    is already chosen or done as free; ties go to the earlier topic in the curriculum.
    So a product manager reaches "ML fundamentals 2" through a short lesson, not through every
    lesson that touches the skill, and a skipped topic keeps its rung (nothing replaces it).
    Rungs are taken heaviest skill first, highest level first, so the long chains a role
    cannot avoid are chosen before the short ones that can share them. A role often asks more
    of a skill (research literacy 5, say) than lessons can teach; that is reported, not
    refused, unless no topic can narrow any gap at all."""
    teaching: dict[str, dict[int, list[int]]] = {g.skill: {} for g in gaps}
    for i, topic in enumerate(graph.topics):
        for taught in topic.skills:
            if taught.skill in teaching:
                teaching[taught.skill].setdefault(taught.level, []).append(i)
    rungs: list[tuple[float, int, str, SkillGap]] = []
    short: list[tuple[str, int]] = []
    for g in gaps:
        levels = sorted(teaching[g.skill])
        steps = [level for level in levels if g.current < level <= g.target]
        if max(steps, default=0) < g.target:
            steps += [level for level in levels if level > g.target][:1]
        if max(levels, default=0) < g.target:
            short.append((g.skill, max(levels, default=0)))
        rungs += [(-g.weight, -level, g.skill, g) for level in steps]
    rungs.sort(key=lambda r: r[:3])
    # Skipped topics are chosen as if they were not: skipping one then only leaves it (and what
    # only it needs) out, and never pulls in another topic in its place.
    done = 0
    for i, topic in enumerate(graph.topics):
        if states.get(topic.slug) is TopicStatus.DONE:
            done |= 1 << i
    cost = _MarginalHours(graph, done)
    picks: list[int] = []
    for _, minus_level, skill, _g in rungs:
        candidates = teaching[skill][-minus_level]
        if any(cost.is_free(i) for i in candidates):  # chosen already, or done
            continue
        best = min(candidates, key=lambda i: (cost.of(i), graph.topics[i].order, graph.topics[i].slug))
        picks.append(best)
        cost.take(best)
    # A later pick can make an earlier one redundant, so can the prerequisites of another:
    # of the planned topics that teach a rung, drop (dearest first) each one that no other
    # planned topic needs and whose rungs the rest of the plan still climbs.
    masks = set()
    for _, minus_level, skill, _g in rungs:
        mask = 0
        for i in teaching[skill][-minus_level]:
            mask |= 1 << i
        masks.add(mask)
    teaches = 0
    for mask in masks:
        teaches |= mask
    planned = 0
    for pick in picks:
        planned |= cost.closure(pick)
    kernel = sorted((i for i in range(len(graph.topics)) if (planned & ~done & teaches) >> i & 1),
                    key=lambda i: (-graph.topics[i].hours, -graph.topics[i].order, graph.topics[i].slug))
    dropped = True
    while dropped:
        dropped = False
        after = [0] * (len(kernel) + 1)  # after[n]: the closures of kernel[n:]
        for n in range(len(kernel) - 1, -1, -1):
            after[n] = after[n + 1] | cost.closure(kernel[n])
        before = done
        for n, i in enumerate(kernel):
            rest = before | after[n + 1]
            if not rest >> i & 1 and all(rest & mask for mask in masks):
                kernel.pop(n)
                dropped = True
                break
            before |= cost.closure(i)
    kept = _with_prerequisites(graph, {i for i in kernel if states.get(graph.topics[i].slug) not in SETTLED},
                               states)
    chosen = {i for i in kept if teaches >> i & 1}
    if gaps and not rungs:
        names = ", ".join(f"{g.skill} (level {g.target})" for g in gaps)
        raise PlanError(f"No topic in the curriculum raises any skill the role needs beyond your "
                        f"levels: {names}.", field="target_role")
    by_skill = {g.skill: g for g in gaps}
    raises: dict[int, list[tuple[str, int, int]]] = {}
    for i in range(len(graph.topics)):
        if teaches >> i & 1:
            raises[i] = [(t.skill, t.level, by_skill[t.skill].target) for t in graph.topics[i].skills
                         if t.skill in by_skill and t.level > by_skill[t.skill].current]
    return chosen, raises, tuple(sorted(short))


class _MarginalHours:
    """Hours a topic would add to the plan: its own and those of its prerequisites, direct or
    not, that are neither chosen already nor done (nor behind a done one). Closures are
    bitsets (Python ints) built once in topological order; hours are summed per distinct value
    with popcounts, so a 2,000-topic graph costs a few big-integer operations per candidate."""

    def __init__(self, graph: TopicGraph, free: int) -> None:
        closure: list[int] = [0] * len(graph.topics)
        for i in graph.order:
            reach = 1 << i
            for p in graph.prerequisites[i]:
                if not free >> p & 1:  # a done prerequisite is met: nothing behind it counts
                    reach |= closure[p]
            closure[i] = reach
        self._closure = closure
        groups: dict[float, int] = {}
        for i, topic in enumerate(graph.topics):
            groups[topic.hours] = groups.get(topic.hours, 0) | (1 << i)
        self._groups = tuple(groups.items())
        self._free = free

    def of(self, i: int) -> float:
        open_ = self._closure[i] & ~self._free
        return sum(hours * (open_ & members).bit_count() for hours, members in self._groups)

    def closure(self, i: int) -> int:
        return self._closure[i]

    def is_free(self, i: int) -> bool:
        return bool(self._free >> i & 1)

    def take(self, i: int) -> None:
        self._free |= self._closure[i]


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
