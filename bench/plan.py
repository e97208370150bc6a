"""Study-plan scheduler speed: `make_plan` on a synthetic 2,000-topic graph (target: median under
100 ms), once as a role would ask (the skill ladders plan a few dozen topics) and once with every
topic needed, and on the shipped curriculum for each of the six roles at senior level (target:
under 10 ms a plan).

    python bench/plan.py [--rounds 21]

Prints one JSON line per figure. Each figure is also measured with a target date the plan
misses, so the shortfall searches (pace and topics to drop) are timed too.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.content import load_pack
from planner.core.models import PlanRequest, PlanTopic, RoleSkill, SkillLevel
from planner.plan import make_plan, merge_targets

TODAY = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[1]


def synthetic_request(topics: int = 2000, edges: int = 10_000, skills: int = 30, seed: int = 7
                      ) -> PlanRequest:
    """A random acyclic graph (each edge runs from a lower to a higher index; slugs shuffled so
    their order says nothing about the graph) and a role asking for 25 of the 30 skills."""
    rng = random.Random(seed)
    slugs = [f"topic-{n:04d}" for n in range(topics)]
    rng.shuffle(slugs)
    needs: list[set[int]] = [set() for _ in range(topics)]
    placed = 0
    while placed < edges:
        a, b = sorted(rng.sample(range(topics), 2))
        if a not in needs[b]:
            needs[b].add(a)
            placed += 1
    names = [f"skill-{n:02d}" for n in range(skills)]
    plan_topics = tuple(
        PlanTopic(slugs[n], f"Topic {n}", rng.choice([1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0]),
                  tuple(slugs[p] for p in sorted(needs[n])),
                  tuple(SkillLevel(s, rng.randint(1, 5)) for s in rng.sample(names, rng.randint(1, 3))),
                  tuple(f"lab-{rng.randrange(40)}" for _ in range(rng.choice([0, 0, 0, 1]))))
        for n in range(topics))
    targets = tuple(RoleSkill(s, rng.randint(3, 5), rng.choice([0.3, 0.5, 0.7, 1.0]))
                    for s in sorted(rng.sample(names, 25)))
    return PlanRequest(plan_topics, targets, levels={s: rng.randint(0, 2) for s in names}, states={},
                       hours_per_week=20.0, study_days=(0, 1, 2, 3, 4, 5), start=TODAY, today=TODAY)


def every_topic_needed(request: PlanRequest) -> PlanRequest:
    """The synthetic graph with each topic the only teacher of a skill of its own that the role
    asks: every one of the 2,000 topics is planned, so selection and packing run at full size."""
    topics = tuple(replace(t, skills=(SkillLevel(f"own-{t.slug}", 1),)) for t in request.topics)
    targets = tuple(RoleSkill(f"own-{t.slug}", 1, 1.0) for t in request.topics)
    return replace(request, topics=topics, targets=targets, levels={})


def shipped_requests() -> dict[str, PlanRequest]:
    """One request per shipped role for a beginner at the profile defaults (5 h a week, weekdays)."""
    pack = load_pack(ROOT / "resources")
    topics = tuple(PlanTopic(t.slug, t.title, t.hours, t.prerequisites, t.skills, t.labs)
                   for t in pack.topics)
    return {role.slug: PlanRequest(topics, merge_targets(role), levels={}, states={}, hours_per_week=5.0,
                                   study_days=(0, 1, 2, 3, 4), start=TODAY, today=TODAY)
            for role in pack.roles}


def measure(request: PlanRequest, rounds: int) -> tuple[list[float], object]:
    times, plan = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        plan = make_plan(request)
        times.append((time.perf_counter() - start) * 1000)
    return times, plan


def report(figure: str, request: PlanRequest, rounds: int, target_ms: float, **extra) -> None:
    times, plan = measure(request, rounds)
    print(json.dumps({
        "figure": figure, **extra, "planned": len(plan.topics), "weeks": len(plan.weeks),
        "shortfall": plan.shortfall is not None, "calls": rounds,
        "median": round(statistics.median(times), 2), "max": round(max(times), 2), "target_ms": target_ms,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    synthetic = synthetic_request()
    size = {"topics": len(synthetic.topics), "edges": sum(len(t.prerequisites) for t in synthetic.topics)}
    report("plan_synthetic_ms", synthetic, args.rounds, 100, **size)
    # A year for some nine years of work: the pace and drop searches run.
    missed = replace(synthetic, target_date=TODAY + timedelta(days=365))
    report("plan_synthetic_shortfall_ms", missed, args.rounds, 100, **size)
    everything = every_topic_needed(synthetic)
    report("plan_synthetic_all_ms", everything, args.rounds, 100, **size)
    report("plan_synthetic_all_shortfall_ms", replace(everything, target_date=TODAY + timedelta(days=365)),
           args.rounds, 100, **size)
    for slug, request in shipped_requests().items():
        report("plan_shipped_ms", request, args.rounds, 10, role=slug, topics=len(request.topics))
        missed = replace(request, target_date=TODAY + timedelta(days=91))
        report("plan_shipped_shortfall_ms", missed, args.rounds, 10, role=slug, topics=len(request.topics))


if __name__ == "__main__":
    main()
