"""Shared builders for the progress tests: moments on a learner's wall clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from planner.core.progress import Activity, ActivityKind, StudySession

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(day: date, hour: int, minute: int = 0, tz: ZoneInfo = LONDON) -> datetime:
    """The moment (in UTC, as stored) when the learner's wall clock shows `day` `hour:minute`."""
    return datetime.combine(day, time(hour, minute), tz).astimezone(UTC)


def did(day: date, hour: int = 12, minute: int = 0, kind: ActivityKind = ActivityKind.STUDY,
        minutes: float = 30.0, subject: str = "", tz: ZoneInfo = LONDON) -> Activity:
    return Activity(when=local(day, hour, minute, tz), kind=kind, minutes=minutes, subject=subject)


def studied(day: date, hour: int, minutes: float, minute: int = 0, tz: ZoneInfo = LONDON) -> StudySession:
    return StudySession(topic="backprop", started=local(day, hour, minute, tz), minutes=minutes)
