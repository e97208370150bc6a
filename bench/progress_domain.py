"""Progress domain speed: the functions behind the progress pages over three years of activity
(50,000 activities, 5,000 of them reviews, and 5,000 self-check cards). The pages must open in
300 ms or less with all of it.

    python bench/progress_domain.py [--runs 20]

Prints one JSON line per figure: the median milliseconds of `--runs` runs, each run starting
with the learner's clock offsets not yet looked up, as in a freshly started app.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.core.models import SkillLevel
from planner.core.progress import Activity, ActivityKind, CardState, StudySession
from planner.progress import (
    daily_totals,
    due_cards,
    due_count,
    new_card,
    skill_history,
    streak,
    study_day,
    totals,
    weekly_hours,
)
from planner.progress.days import _finder

TZ = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 22)
FIRST = TODAY - timedelta(days=3 * 365)
EVENTS, REVIEWS, TOPICS_DONE, LABS, READINGS, CARDS = 50_000, 5_000, 300, 1_000, 700, 5_000


def synthetic(seed: int = 7):
    """Activities spread over three years, one study session per study activity, topic skills,
    and cards due anywhere from a month ago to two months ahead."""
    rng = random.Random(seed)
    start = datetime.combine(FIRST, datetime.min.time(), UTC)
    span = (TODAY - FIRST).days * 86_400

    def moment() -> datetime:
        return start + timedelta(seconds=rng.randrange(span))

    kinds = ([ActivityKind.REVIEW] * REVIEWS + [ActivityKind.TOPIC_DONE] * TOPICS_DONE
             + [ActivityKind.LAB] * LABS + [ActivityKind.READING] * READINGS)
    kinds += [ActivityKind.STUDY] * (EVENTS - len(kinds))
    activities = [Activity(moment(), kind, minutes=float(rng.randrange(1, 90)),
                           subject=f"topic-{rng.randrange(400)}") for kind in kinds]
    sessions = [StudySession(a.subject, a.when, a.minutes)
                for a in activities if a.kind == ActivityKind.STUDY]
    topic_done = [(a.when, a.subject) for a in activities if a.kind == ActivityKind.TOPIC_DONE]
    skills = [f"skill-{n}" for n in range(40)]
    topic_skills = {f"topic-{n}": tuple(SkillLevel(skill, rng.randrange(1, 6))
                                        for skill in rng.sample(skills, 3)) for n in range(400)}
    now = datetime.combine(TODAY, datetime.min.time(), UTC) + timedelta(hours=19)
    card = new_card("topic-0", 0, now)
    cards = [CardState(f"topic-{n % 400}", n // 400, card.fsrs,
                       now + timedelta(hours=rng.randrange(-720, 1440))) for n in range(CARDS)]
    planned = {FIRST + timedelta(weeks=week): 6.0 for week in range(157)}
    return activities, sessions, topic_done, topic_skills, cards, planned, now


def median_ms(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        _finder.cache_clear()  # each run looks its clock offsets up afresh
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    activities, sessions, topic_done, topic_skills, cards, planned, now = synthetic()
    year = (TODAY - timedelta(days=364), TODAY)
    figures: dict[str, Callable[[], object]] = {
        "streak": lambda: streak(activities, TODAY, TZ),
        "daily_totals_year": lambda: daily_totals(activities, *year, TZ),
        "weekly_hours": lambda: weekly_hours(sessions, planned, FIRST, TZ, through=TODAY),
        "skill_history": lambda: skill_history(topic_done, topic_skills, {"skill-1": 2}, TZ, since=FIRST),
        "totals_all_time": lambda: totals(activities, sessions, TZ),
        "due_count": lambda: due_count(cards, now, TZ),
        "due_cards": lambda: due_cards(cards, now),
        "study_day_each_activity": lambda: [study_day(a.when, TZ) for a in activities],
    }
    size = {"activities": len(activities), "sessions": len(sessions), "topics_done": len(topic_done),
            "cards": len(cards)}
    for name, run in figures.items():
        print(json.dumps({"figure": f"{name}_ms", "median": median_ms(run, args.runs), "runs": args.runs,
                          **size}))
    pages = [figures[name] for name in ("streak", "daily_totals_year", "weekly_hours", "skill_history",
                                        "totals_all_time", "due_count")]
    print(json.dumps({"figure": "progress_pages_all_ms", "median": median_ms(lambda: [run() for run in pages],
                                                                              args.runs),
                      "runs": args.runs, "target_ms": 300, **size}))


if __name__ == "__main__":
    main()
