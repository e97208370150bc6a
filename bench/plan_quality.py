"""What a beginner's plan looks like for each shipped role: lessons, hours, weeks, how full the
weeks are, the shortest piece, and the finish date, at several paces.

    python bench/plan_quality.py [--hours 4 6 8 12] [--levels entry mid senior] [--resources DIR]

Prints one JSON line per role, role level and pace. `fill` is the study hours planned over the study
capacity of every week but the last (the week holding the start is counted at its share);
the target is at least 0.90 for every role and pace.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.content import load_pack
from planner.core.models import PlanItemKind, PlanRequest, PlanTopic, RoleLevel, StudyPlan
from planner.plan import make_plan, merge_targets

START = date(2026, 12, 7)  # a Monday
ROOT = Path(__file__).resolve().parents[1]


def plan_topics(pack) -> tuple[PlanTopic, ...]:
    """The pack's topics as the database hands them to the planner: with each lesson's sections
    and the labs that labs.yaml links to topics."""
    linked = {t.slug: list(t.labs) for t in pack.topics}
    for lab in pack.labs:
        for slug in lab.topics:
            if lab.slug not in linked.get(slug, [lab.slug]):
                linked[slug].append(lab.slug)
    return tuple(PlanTopic(t.slug, t.title, t.hours, t.prerequisites, t.skills, tuple(linked[t.slug]),
                           tuple(s.share for s in getattr(t, "sections", ())), order=n)
                 for n, t in enumerate(pack.topics))


def fill(plan: StudyPlan) -> float:
    """Study hours over study capacity, the last week aside."""
    weeks = plan.weeks[:-1]
    capacity = sum(w.capacity for w in weeks)
    return sum(w.study_hours for w in weeks) / capacity if capacity else 1.0


def describe(role: str, level: str, hours: float, plan: StudyPlan) -> dict:
    items = [i for w in plan.weeks for i in w.items if i.kind is not PlanItemKind.REVIEW]
    lessons = {i.topic for i in items if i.kind is PlanItemKind.LESSON}
    return {"figure": "plan_quality", "role": role, "level": level, "hours_per_week": hours,
            "lessons": len(lessons), "study_hours": round(sum(i.hours for i in items), 1),
            "weeks": len(plan.weeks), "fill": round(fill(plan), 3),
            "shortest_piece_h": round(min((i.hours for i in items), default=0), 2),
            "finish": plan.finish.isoformat() if plan.finish else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, nargs="+", default=[4, 6, 8, 12])
    parser.add_argument("--levels", nargs="+", default=[level.value for level in RoleLevel],
                        choices=[level.value for level in RoleLevel])
    parser.add_argument("--resources", type=Path, default=ROOT / "resources",
                        help="content pack to plan from (default: the shipped one)")
    args = parser.parse_args()
    pack = load_pack(args.resources)
    topics = plan_topics(pack)
    lab_after = {lab.slug: tuple(getattr(lab, "after", ())) for lab in pack.labs}
    for role in pack.roles:
        for level in args.levels:
            for hours in args.hours:
                request = PlanRequest(topics, merge_targets(role, level=RoleLevel(level)), levels={},
                                      states={}, hours_per_week=hours, study_days=(0, 1, 2, 3, 4),
                                      start=START, today=START, lab_after=lab_after)
                print(json.dumps(describe(role.slug, level, hours, make_plan(request))))


if __name__ == "__main__":
    main()
