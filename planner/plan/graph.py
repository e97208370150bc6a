"""The prerequisite graph of the topics a plan is made from, checked for what would make a plan
impossible: repeated slugs, prerequisites that name nothing, and cycles."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from planner.core.errors import PlanError
from planner.core.models import PlanTopic


@dataclass(frozen=True)
class TopicGraph:
    """Topics sorted by slug, addressed by their position so the scheduler never depends on the
    order the caller listed them in. `order` is a topological order (prerequisites first, ties
    by slug)."""

    topics: tuple[PlanTopic, ...]
    index: dict[str, int]
    prerequisites: tuple[tuple[int, ...], ...]
    dependents: tuple[tuple[int, ...], ...]
    order: tuple[int, ...]


def build_graph(topics: Iterable[PlanTopic]) -> TopicGraph:
    """Return the checked graph; raise `PlanError` for a repeated slug, an unknown prerequisite
    or a prerequisite cycle (the message names the slugs involved)."""
    ordered = tuple(sorted(topics, key=lambda t: t.slug))
    index: dict[str, int] = {}
    for position, topic in enumerate(ordered):
        if topic.slug in index:
            raise PlanError(f"The topic {topic.slug} is listed twice.")
        if not topic.hours > 0:
            raise PlanError(f"The topic {topic.slug} has no hours to plan ({topic.hours}).")
        index[topic.slug] = position
    unknown = sorted({(p, t.slug) for t in ordered for p in t.prerequisites if p not in index})
    if unknown:
        named = ", ".join(f"{p} (needed by {slug})" for p, slug in unknown)
        raise PlanError(f"Unknown prerequisite{'s' if len(unknown) > 1 else ''}: {named}.")
    prerequisites = tuple(tuple(sorted({index[p] for p in t.prerequisites})) for t in ordered)
    dependents: list[list[int]] = [[] for _ in ordered]
    for position, needs in enumerate(prerequisites):
        for p in needs:
            dependents[p].append(position)
    graph_dependents = tuple(tuple(d) for d in dependents)
    order = _topological_order(prerequisites, graph_dependents)
    if len(order) < len(ordered):
        raise PlanError(f"The prerequisites form a cycle: {_cycle(prerequisites, order, ordered)}.")
    return TopicGraph(ordered, index, prerequisites, graph_dependents, tuple(order))


def _topological_order(prerequisites, dependents) -> list[int]:
    """Kahn's algorithm with a heap, so ties come out by slug; topics on a cycle are left out."""
    waiting = [len(p) for p in prerequisites]
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        done = heapq.heappop(ready)
        order.append(done)
        for d in dependents[done]:
            waiting[d] -= 1
            if waiting[d] == 0:
                heapq.heappush(ready, d)
    return order


def _cycle(prerequisites, order, topics) -> str:
    """Name one cycle among the topics Kahn's algorithm could not order, as "a → b → a" where
    each topic is a prerequisite of the next."""
    ordered = set(order)
    # Every topic left over has a prerequisite that is also left over, so walking from one to
    # its first such prerequisite must come back to a topic already seen.
    walk: list[int] = []
    seen: dict[int, int] = {}
    here = min(i for i in range(len(topics)) if i not in ordered)
    while here not in seen:
        seen[here] = len(walk)
        walk.append(here)
        here = next(p for p in prerequisites[here] if p not in ordered)
    loop = [*walk[seen[here]:], here]
    return " → ".join(topics[i].slug for i in reversed(loop))
