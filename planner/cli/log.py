"""`python -m planner log TOPIC --minutes N`: time studied away from the app, logged headless
through the same service as the Progress page's "Log time…" dialog."""

from __future__ import annotations

import argparse
import difflib
import math
import sys
from datetime import date

from planner.core.errors import LodestarError
from planner.core.text import plural
from planner.services import Lodestar
from planner.services.progress import session_start

BAD_INPUT = 2  # argparse's exit status for a command line it cannot use
MOST_MINUTES = 16 * 60  # one sitting; the rest of a day is not study


class BadInput(LodestarError):
    """A value on the command line that cannot be logged; its message is one sentence."""


def add_parser(sub) -> None:
    log = sub.add_parser("log", help="log time studied on a topic (as Progress › Log time…)")
    log.add_argument("topic", help="the topic's slug, as `python -m planner topics` lists them")
    log.add_argument("--minutes", required=True, metavar="N", help="minutes studied (1 to 960)")
    log.add_argument("--profile", help="profile name (default: the first profile)")
    log.add_argument("--date", metavar="YYYY-MM-DD", help="the day studied (default: today)")
    log.add_argument("--note", default="", help="a few words on what was done")
    log.add_argument("--today", type=date.fromisoformat, help=argparse.SUPPRESS)  # for tests


def main(lodestar: Lodestar, args: argparse.Namespace) -> int:
    """Log the session; a bad value prints one sentence and returns 2, logging nothing."""
    try:
        minutes = _minutes(args.minutes)
        day = _day(args.date, args.today or date.today())
        lodestar.sync_content()
        profile = (lodestar.profile_named(args.profile) if args.profile
                   else _first_profile(lodestar))
        topic = _topic(lodestar, args.topic)
        logged = lodestar.log_study(profile.id, minutes, topic=topic,
                                    started=session_start(day, minutes), note=args.note)
    except LodestarError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_INPUT
    title = lodestar.topic(topic).title
    print(f"Logged {plural(round(logged.minutes), 'minute')} on {title} for {profile.name} "
          f"on {day:%a %d %b %Y}.")
    return 0


def _minutes(text: str) -> float:
    try:
        minutes = float(text)
    except ValueError:
        raise BadInput(f"--minutes takes a number of minutes, not {text!r}.") from None
    if not math.isfinite(minutes) or minutes <= 0:
        raise BadInput(f"A study session lasts more than 0 minutes, not {text}.")
    if minutes > MOST_MINUTES:
        raise BadInput(f"{text} minutes is more than 16 hours ({MOST_MINUTES} minutes) in one "
                       "sitting: log each sitting on its own.")
    return minutes


def _day(text: str | None, today: date) -> date:
    if text is None:
        return today
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"--date takes a day as YYYY-MM-DD, not {text!r}.") from None
    if day > today:
        raise BadInput(f"{day:%d %b %Y} is in the future: log time once it is studied.")
    return day


def _topic(lodestar: Lodestar, text: str) -> str:
    topics = {t.slug: t.title for t in lodestar.topics()}
    if text in topics:
        return text
    lowered = {slug.lower(): slug for slug in topics} | {
        title.lower(): slug for slug, title in topics.items()}
    if text.strip().lower() in lowered:
        return lowered[text.strip().lower()]
    close = difflib.get_close_matches(text.lower(), list(topics), n=3, cutoff=0.5)
    close += [s for s in topics if text.lower() in s and s not in close][:3 - len(close)]
    hint = (f"did you mean {' or '.join(close)}?" if close
            else "`python -m planner topics` lists them.")
    raise BadInput(f"There is no topic {text!r}; {hint}")


def _first_profile(lodestar: Lodestar):
    found = lodestar.profiles()
    if not found:
        raise BadInput("There is no profile yet: create one with `python -m planner profile "
                       "create NAME --role ROLE`.")
    return found[0]
