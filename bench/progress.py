"""Progress at scale: the Today and Progress pages over three years of daily activity.

    python bench/progress.py [--runs 7] [--keep DIR]

Builds a database (the shipped content, one profile aiming at a role, 50,000 activities over
three years with a study session behind every study activity, 5,000 cards with a review log
each, 1,000 finished lab runs, the shipped readings read, 30 stored plans) with bulk inserts
through the db layer, then times building each page and painting it once, offscreen, a fresh
page each run. Prints one JSON line per figure: the median and the least milliseconds of
`--runs` runs (after one untimed run, which pays for imports) and the load average. Target:
each page in 300 ms or less.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from planner.core.models import Profile, TopicStatus
from planner.db.models import (
    ActivityRow,
    CardRow,
    LabRunRow,
    ReadingStateRow,
    ReviewLogRow,
    StudySessionRow,
)
from planner.progress import new_card
from planner.services import Lodestar, resolve

DAYS = 3 * 365
EVENTS, REVIEWS, LABS, READINGS, PLANS = 50_000, 5_000, 1_000, 700, 30


def build(folder: Path, seed: int = 11) -> tuple[Lodestar, int]:
    """The database described above; returns it open, with the profile's id."""
    lodestar = Lodestar.open(resolve(data_dir=folder))
    lodestar.sync_content()
    profile = lodestar.save_profile(Profile(
        0, "Ada", datetime.now(UTC), target_role="engineer", hours_per_week=8,
        start_date=date.today() - timedelta(days=DAYS)))
    topics = lodestar.topics()
    for topic in topics[:5]:  # more done topics hit the planner's "no topic teaches" error
        lodestar.set_topic_state(profile.id, topic.slug, TopicStatus.DONE)
    for topic in topics[5:10]:
        lodestar.set_topic_state(profile.id, topic.slug, TopicStatus.IN_PROGRESS)
    for _ in range(PLANS):  # every change of a topic's state re-plans and stores the plan
        lodestar.replan(profile.id, "topic marked")
    readings = [r.slug for r in lodestar.readings()][:READINGS]
    tables = _rows(profile.id, [t.slug for t in topics], readings, random.Random(seed))
    with lodestar._session() as session:  # bulk: one executemany per table
        for model, rows in tables.items():
            if rows:
                session.execute(insert(model), rows)
    return lodestar, profile.id


def _rows(profile_id: int, slugs: list[str], readings: list[str], rng: random.Random) -> dict:
    """Every table's rows, in the order the app would have written them as time went by: the
    rows then lie in the order of their (profile, moment) indexes, as in a learner's database."""
    now = datetime.now(UTC).replace(microsecond=0)

    def moment() -> datetime:
        return now - timedelta(seconds=rng.randrange(DAYS * 86_400))

    runs = [dict(profile_id=profile_id, lab_slug=rng.choice(["cnn", "mlp", "vae"]), config={},
                 device="cpu", status="finished", started_at=(when := moment()),
                 finished_at=when + timedelta(minutes=3), seconds=180.0,
                 summary={"metrics": {"test/accuracy": rng.uniform(0.9, 0.99)},
                          "target_reached": True}) for _ in range(LABS)]
    states = [dict(profile_id=profile_id, reading_slug=slug, status="read", rating=None, notes="",
                   tags=[], updated_at=(when := moment()), finished_at=when) for slug in readings]
    cards, logs = _cards(profile_id, slugs, rng, moment, now)
    sessions = [dict(profile_id=profile_id, topic_slug=rng.choice(slugs), started_at=moment(),
                     minutes=float(rng.randrange(5, 90)), source="timer", note="")
                for _ in range(EVENTS - LABS - len(states) - len(logs))]
    activity = (
        [dict(profile_id=profile_id, at=s["started_at"], kind="study", minutes=s["minutes"],
              subject=s["topic_slug"]) for s in sessions]
        + [dict(profile_id=profile_id, at=r["finished_at"], kind="lab", minutes=3.0,
                subject=r["lab_slug"]) for r in runs]
        + [dict(profile_id=profile_id, at=s["finished_at"], kind="reading", minutes=0.0,
                subject=s["reading_slug"]) for s in states]
        + [dict(profile_id=profile_id, at=log["reviewed_at"], kind="review", minutes=0.2,
                subject=log["topic_slug"]) for log in logs])
    for rows, key in ((sessions, "started_at"), (activity, "at"), (runs, "started_at"),
                      (logs, "reviewed_at")):
        rows.sort(key=lambda row, key=key: row[key])
    return {StudySessionRow: sessions, ActivityRow: activity, LabRunRow: runs,
            ReadingStateRow: states, CardRow: cards, ReviewLogRow: logs}


def _cards(profile_id: int, slugs: list[str], rng: random.Random, moment: Callable[[], datetime],
           now: datetime) -> tuple[list[dict], list[dict]]:
    per_topic = -(-REVIEWS // len(slugs))
    cards, logs = [], []
    for n in range(REVIEWS):
        topic, index = slugs[n // per_topic], n % per_topic
        state = new_card(topic, index, now)
        due = now + timedelta(hours=rng.randrange(-720, 1440))
        cards.append(dict(profile_id=profile_id, topic_slug=topic, card_index=index,
                          state=state.fsrs, due_at=due))
        logs.append(dict(profile_id=profile_id, topic_slug=topic, card_index=index,
                         grade=rng.randrange(1, 5), reviewed_at=moment(), duration_ms=12_000))
    return cards, logs


def time_page(make: Callable[[], object], app, runs: int) -> tuple[float, list[float]]:
    """(first, the other `runs`) milliseconds to build a page in a 1200×800 window and paint it."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QMainWindow

    times = []
    for _ in range(runs + 1):
        began = time.perf_counter()
        window = QMainWindow()
        window.resize(1200, 800)
        window.setCentralWidget(make())
        window.show()
        app.processEvents()
        window.grab()  # the first paint
        times.append((time.perf_counter() - began) * 1000)
        window.close()
        window.deleteLater()  # each run starts with the last page gone and its garbage freed
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
    return times[0], times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the database in DIR and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp()) / "data"
    began = time.perf_counter()
    lodestar, profile_id = build(folder)
    lodestar.close()  # the pages are timed on the database as the app opens it another day
    print(json.dumps({"figure": "build", "seconds": round(time.perf_counter() - began, 1),
                      "activities": EVENTS, "cards": REVIEWS}))
    lodestar = Lodestar.open(resolve(data_dir=folder))
    from PySide6.QtWidgets import QApplication

    from planner.ui import theme
    from planner.ui.pages.progress import ProgressPage
    from planner.ui.pages.today import TodayPage

    app = QApplication.instance() or QApplication([])
    theme.apply(app)
    gc.freeze()  # as the app does once started (planner.ui.app): start-up objects leave the GC
    profile = lodestar.profile(profile_id)
    for name, make in (("today_page", lambda: TodayPage(lodestar, profile)),
                       ("progress_page", lambda: ProgressPage(lodestar, profile))):
        first, times = time_page(make, app, args.runs)
        print(json.dumps({"figure": name, "median_ms": round(statistics.median(times), 1),
                          "min_ms": round(min(times), 1), "first_ms": round(first, 1),
                          "runs": args.runs, "target_ms": 300, "load": os.getloadavg()[0]}))
    for name, call in (("progress_overview", lambda: lodestar.progress_overview(profile_id)),
                       ("streak_now", lambda: lodestar.streak_now(profile_id)),
                       ("progress_report_all", lambda: lodestar.progress_report(profile_id, "all"))):
        times = []
        for _ in range(args.runs):
            began = time.perf_counter()
            call()
            times.append((time.perf_counter() - began) * 1000)
        print(json.dumps({"figure": name, "median_ms": round(statistics.median(times), 1),
                          "min_ms": round(min(times), 1), "runs": args.runs}))
    lodestar.close()


if __name__ == "__main__":
    main()
