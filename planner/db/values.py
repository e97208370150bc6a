"""What each stored value may be, checked strictly on import and leniently on reading.

A backup is refused when a value is outside what the app can read (`problem` names it). A bad
value that reaches the database some other way (an old bug, a hand edit, a shared PostgreSQL
database) must not make a page or command fail: the readers here turn it into the default and
log a warning instead, so the learner still sees the rest of their data.

The profile limits match `StudyPlans.check_profile` (tests/services/test_bad_values.py holds them
equal).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from planner.core.models import DeadlineKind, LabRunStatus, ReadingKind, RoleLevel, TopicStatus
from planner.core.progress import ActivityKind, ReviewGrade, SessionSource
from planner.core.readings import ReadingStatus

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Enum)
N = TypeVar("N", int, float)

MOST_HOURS_PER_WEEK = 100.0
MOST_REVIEW_SHARE = 0.5
RETENTION = (0.7, 0.99)  # above the first, at most the second
NEW_CARDS_PER_DAY = (0, 9999)
SKILL_LEVELS = (0, 5)
RATINGS = (1, 5)  # stars; no rating is NULL
MOST_SESSION_MINUTES = 24 * 60
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200  # learners' records: outside, date sums overflow
PUBLICATION_YEARS = (1, 9999)
SLUG = re.compile(r"[a-z0-9][a-z0-9._-]{0,119}")
DAY_BOUNDARY = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
STUDY_DAYS = re.compile(r"[0-6](,[0-6]){0,6}")
RUNNING_TIMER = "running"  # a study session that is the running timer (planner.db.progress)
SOURCES = ("pack", "user")

Check = Callable[[Any], str | None]


# --- reading leniently -----------------------------------------------------------------------


def member(kind: type[E], value: Any, default: E, where: str) -> E:
    """`kind(value)`, or `default` (with a warning naming `where`) for a value it does not hold."""
    try:
        return kind(value)
    except (ValueError, TypeError):
        log.warning("%s: %r is not one of %s; read as %s.", where, _short(value), _choices(kind),
                    default.value)
        return default


def within(value: Any, low: N, high: N, default: N | None, where: str) -> N | None:
    """`value` when it is a number from `low` to `high`, else `default` (with a warning)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high:
        return value
    if value is not None or default is not None:
        log.warning("%s: %r is not from %g to %g; read as %r.", where, _short(value), low, high,
                    default)
    return default


def matching(pattern: re.Pattern, value: Any, default: str, where: str) -> str:
    """`value` when the whole of it matches `pattern`, else `default` (with a warning)."""
    if isinstance(value, str) and pattern.fullmatch(value):
        return value
    log.warning("%s: %r is not in the expected form; read as %r.", where, _short(value), default)
    return default


def texts(value: Any, where: str) -> tuple[str, ...]:
    """A stored list of text (authors, tags, topics), dropping anything that is not text."""
    if not isinstance(value, list | tuple):
        if value is not None:
            log.warning("%s: %r is not a list; read as empty.", where, _short(value))
        return ()
    kept = tuple(item for item in value if isinstance(item, str))
    if len(kept) != len(value):
        log.warning("%s: left out %d items that are not text.", where, len(value) - len(kept))
    return kept


# --- checking strictly, on import --------------------------------------------------------------


def one_of(kind: type[Enum] | tuple[str, ...], *extra: str) -> Check:
    allowed = tuple(m.value for m in kind) if isinstance(kind, type) else kind
    allowed = (*allowed, *extra)

    def check(value: Any) -> str | None:
        return None if value in allowed else f"is not one of {', '.join(map(str, allowed))}"
    return check


def between(low: float, high: float, *, above: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "is not a number"
        if (low < value if above else low <= value) and value <= high:
            return None
        return f"is not above {low:g} and at most {high:g}" if above else f"is not from {low:g} to {high:g}"
    return check


def form(pattern: re.Pattern, example: str) -> Check:
    def check(value: Any) -> str | None:
        return None if isinstance(value, str) and pattern.fullmatch(value) else f"is not like {example}"
    return check


def list_of_text(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return "is not a list of text"
    return None


def a_flag(value: Any) -> str | None:
    return None if isinstance(value, bool) or value in (0, 1) else "is not true or false"


def a_dict(value: Any) -> str | None:
    return None if isinstance(value, dict) else "is not an object ({...})"


def year_between(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        year = value.year if isinstance(value, date | datetime) else value
        return None if isinstance(year, int) and low <= year <= high else f"is not in the years {low}-{high}"
    return check


RECORD_YEARS = year_between(EARLIEST_YEAR, LATEST_YEAR)
NOT_NEGATIVE = between(0, 2 ** 62)
SLUG_FORM = form(SLUG, "a-slug")

# table -> column -> checks, applied to every value that is not NULL. Dates and times of every
# table are held to RECORD_YEARS as well (see `problem`).
RULES: dict[str, dict[str, tuple[Check, ...]]] = {
    "profiles": {
        "target_role": (SLUG_FORM,), "secondary_role": (SLUG_FORM,),
        "hours_per_week": (between(0, MOST_HOURS_PER_WEEK, above=True),),
        "study_days": (form(STUDY_DAYS, "0,1,2,3,4"),),
        "review_share": (between(0, MOST_REVIEW_SHARE),),
        "day_boundary": (form(DAY_BOUNDARY, "04:00"),),
        "desired_retention": (between(*RETENTION, above=True),),
        "role_level": (one_of(RoleLevel),),
        "use_pace": (a_flag,),
        "new_cards_per_day": (between(*NEW_CARDS_PER_DAY),),
    },
    "skill_assessments": {"skill_slug": (SLUG_FORM,), "level": (between(*SKILL_LEVELS),)},
    "topic_states": {"status": (one_of(TopicStatus),)},
    "study_plans": {"request": (a_dict,), "plan": (a_dict,)},
    "lab_runs": {"status": (one_of(LabRunStatus),), "config": (a_dict,), "summary": (a_dict,),
                 "seconds": (NOT_NEGATIVE,)},
    "lab_metrics": {"step": (NOT_NEGATIVE,), "epoch": (NOT_NEGATIVE,)},
    "activity_log": {"kind": (one_of(ActivityKind),), "minutes": (NOT_NEGATIVE,)},
    "study_sessions": {"source": (one_of(SessionSource, RUNNING_TIMER),),
                       "minutes": (between(0, MOST_SESSION_MINUTES),)},
    "cards": {"card_index": (NOT_NEGATIVE,), "state": (a_dict,)},
    "review_logs": {"grade": (one_of(tuple(g.value for g in ReviewGrade)),),
                    "card_index": (NOT_NEGATIVE,), "duration_ms": (NOT_NEGATIVE,)},
    "user_readings": {"kind": (one_of(ReadingKind),), "authors": (list_of_text,),
                      "topics": (list_of_text,), "year": (between(*PUBLICATION_YEARS),)},
    "reading_states": {"status": (one_of(ReadingStatus),), "rating": (between(*RATINGS),),
                       "tags": (list_of_text,)},
    "conference_series": {"source": (one_of(SOURCES),)},
    "conference_editions": {"source": (one_of(SOURCES),), "year": (between(*PUBLICATION_YEARS),)},
    "conference_deadlines": {"kind": (one_of(DeadlineKind),), "position": (NOT_NEGATIVE,)},
}


def problem(table: str, column: str, value: Any) -> str | None:
    """Why `value` cannot be stored in `table.column` for the app to read, or None if it can."""
    if value is None:
        return None
    if isinstance(value, date | datetime):
        return RECORD_YEARS(value)
    for check in RULES.get(table, {}).get(column, ()):
        found = check(value)
        if found:
            return found
    return None


def _choices(kind: type[Enum]) -> str:
    return ", ".join(str(m.value) for m in kind)


def _short(value: Any) -> Any:
    return value[:60] if isinstance(value, str) else value
