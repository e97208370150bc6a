"""Shared fixtures: temporary data folders, an open Lodestar, and small content packs."""

from __future__ import annotations

import os
import shutil
import textwrap
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LODESTAR_THEME", "light")

from planner.services import Lodestar, resolve

REPO = Path(__file__).resolve().parents[1]
SHIPPED = Path(os.environ.get("LODESTAR_RESOURCES") or REPO / "resources")  # authors may point elsewhere


# Every test runs on one clock, never the wall clock's date, hour or zone: by default a Wednesday
# afternoon in London. `LODESTAR_TEST_CLOCK="2026-03-29T00:30 Pacific/Kiritimati"` replays the
# suite at another instant and zone (docs/development.md lists the ones worth trying).
TEST_CLOCK = os.environ.get("LODESTAR_TEST_CLOCK", "2026-03-11T14:30 Europe/London")


def clock_start() -> datetime:
    """The instant the test clock starts at, in its zone (the process's local zone too)."""
    stamp, _, zone = TEST_CLOCK.partition(" ")
    return datetime.fromisoformat(stamp).replace(tzinfo=ZoneInfo(zone or "Europe/London"))


@pytest.fixture(scope="session", autouse=True)
def _session_clock():
    """The clock for session-wide fixtures (the shipped database is synced on it)."""
    with time_machine.travel(clock_start(), tick=True):
        yield


@pytest.fixture(autouse=True)
def clock(_session_clock):
    """Each test starts at the same instant, and time runs on from there; `clock.shift(...)` or
    `clock.move_to(...)` moves it. The zone is set for the whole process (TZ), so local time,
    `date.today()` and `datetime.now()` agree with it."""
    with time_machine.travel(clock_start(), tick=True) as traveller:
        yield traveller


@pytest.fixture
def location(tmp_path: Path):
    return resolve(data_dir=tmp_path / "data")


@pytest.fixture
def lodestar(location):
    with Lodestar.open(location) as opened:
        yield opened


@pytest.fixture(scope="session")
def shipped_db(tmp_path_factory) -> Path:
    """A data folder synced once with the shipped pack; copy it rather than write to it."""
    folder = tmp_path_factory.mktemp("shipped") / "data"
    with Lodestar.open(resolve(data_dir=folder)) as opened:
        opened.sync_content()
    return folder


@pytest.fixture
def synced(tmp_path: Path, shipped_db: Path):
    """An open Lodestar holding the shipped content, in a folder of this test's own."""
    folder = tmp_path / "data"
    shutil.copytree(shipped_db, folder, ignore=shutil.ignore_patterns("*.lock"))
    with Lodestar.open(resolve(data_dir=folder)) as opened:
        yield opened


TOPIC = """\
---
id: {id}
title: {title}
track: {track}
summary: A topic for tests.
hours: {hours}
difficulty: beginner
prerequisites: {prereqs}
skills: {{maths: 2}}
labs: {labs}
readings: {readings}
cards:
  - {{q: Question one?, a: Answer one.}}
  - {{q: Question two?, a: Answer two.}}
  - {{q: Question three?, a: Answer three.}}
---

# {title}

Some lesson text with a formula $a_i^2$.
"""


class PackWriter:
    """Writes a small valid pack; tests then break one thing in it."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.write("tracks.yaml", """\
            - id: basics
              title: Basics
              description: The first track.
            - id: advanced
              title: Advanced
            """)
        levels = "\n".join(f"    {i}: Level {i}." for i in range(1, 6))
        self.write("skills.yaml", f"""\
- id: maths
  name: Mathematics
  description: Numbers.
  levels:
{levels}
- id: coding
  name: Coding
  description: Programs.
  levels:
{levels}
""", dedent=False)
        self.write("roles.yaml", """\
            - id: engineer
              name: Engineer
              description: Builds things.
              daily_work: [Writes code.]
              advice: [Ship small projects.]
              skills:
                maths: {target: 3, weight: 0.5}
                coding: {target: 5, weight: 1.0}
            """)
        self.write("readings.yaml", """\
            - id: lecun2015-deep
              kind: paper
              title: Deep learning
              authors: [Yann LeCun, Yoshua Bengio, Geoffrey Hinton]
              year: 2015
              venue: Nature 521
              doi: 10.1038/nature14539
            """)
        self.write("labs.yaml", """\
            - id: mlp
              title: An MLP
              summary: Trains a small network.
              after: [gamma]
            """)
        self.topic("alpha", "basics")
        self.topic("beta", "basics", prereqs=["alpha"], readings=["lecun2015-deep"])
        self.topic("gamma", "advanced", prereqs=["beta"], labs=["mlp"])

    def write(self, rel: str, text: str, dedent: bool = True) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if dedent else text, encoding="utf-8")
        return path

    def topic(self, slug: str, track: str, prereqs=(), labs=(), readings=(), hours=2,
              title: str | None = None) -> Path:
        return self.write(f"topics/{track}/{slug}.md", TOPIC.format(
            id=slug, title=title or slug.title(), track=track, hours=hours,
            prereqs="[" + ", ".join(prereqs) + "]", labs="[" + ", ".join(labs) + "]",
            readings="[" + ", ".join(readings) + "]"), dedent=False)

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def pack(tmp_path: Path) -> PackWriter:
    return PackWriter(tmp_path / "pack")
