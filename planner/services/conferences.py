"""Conferences: following, deadlines in the learner's zone, iCalendar export, importing deadline files.

Mixed into `Lodestar`, which provides `_session()` (one transaction per use case).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from planner.content.conference_import import parse_conference_file
from planner.content.conferences import FIELDS, snapshot_date
from planner.core.conferences import ConferenceImportResult, ConferenceView
from planner.db import conferences as store
from planner.services.files import read_text, write_atomically

if TYPE_CHECKING:  # icalendar loads on the first export, not at start-up (~30 ms)
    from icalendar import Alarm, Calendar

# A deadline file is a few hundred kilobytes at most (all of aideadlin.es is ~150 kB); anything
# far larger is not one, and reading it whole would stall the import.
MAX_IMPORT_BYTES = 4 * 1024 * 1024  # ai-deadlines' whole list is ~100 kB
ALARMS = (timedelta(days=7), timedelta(days=1))


def conference_fields() -> dict[str, str]:
    """Field codes of the conference data and their names ('AI' → 'Artificial intelligence')."""
    return dict(FIELDS)


class Conferences:
    """The use cases of this area."""

    _session: Callable[[], contextlib.AbstractContextManager]
    resources: Path

    def conference_data_date(self) -> date | None:
        """When the shipped conference data was taken, so pages can say how fresh it is."""
        return snapshot_date(self.resources)

    conference_fields = staticmethod(conference_fields)

    def conference_list(self, profile_id: int) -> list[ConferenceView]:
        """Every conference series by title, shipped and imported, with editions, deadlines
        (UTC) and whether the profile follows it."""
        with self._session() as session:
            return store.conference_views(session, profile_id)

    def follow_conference(self, profile_id: int, slug: str, follow: bool = True) -> None:
        """Follow (or, with `follow=False`, stop following) a series. Raises `NotFoundError`
        for a series that does not exist."""
        with self._session() as session:
            store.follow(session, profile_id, slug, follow)

    def followed(self, profile_id: int) -> set[str]:
        """Slugs of the series the profile follows."""
        with self._session() as session:
            return store.followed(session, profile_id)

    def import_conferences(self, path: Path) -> ConferenceImportResult:
        """Import a ccfddl or aideadlin.es deadline file (the format is detected) as the
        learner's own conference data, in one transaction.

        Whatever cannot be read is listed in the result's problems with its line, and the rest
        is imported; editions the shipped data has keep the shipped deadlines. Raises
        `LodestarError` naming the file when it cannot be read as text at all."""
        path = Path(path)
        text = read_text(path, "a deadline file", MAX_IMPORT_BYTES)
        result = parse_conference_file(text, path.name)
        with self._session() as session:
            return store.import_series(session, result)

    def export_deadlines_ics(self, profile_id: int, path: Path,
                             now: datetime | None = None) -> int:
        """Write the announced deadlines still ahead of the followed series (abstract and
        paper) as an iCalendar file, each with alarms a week and a day before; written to a
        temporary file and renamed. Returns the number of events."""
        now = now or datetime.now(UTC)
        views = [v for v in self.conference_list(profile_id) if v.followed]
        calendar = deadline_calendar(views, now)
        write_atomically(Path(path), calendar.to_ical())
        return len(calendar.walk("VEVENT"))


def deadline_calendar(views: list[ConferenceView], now: datetime) -> Calendar:
    """One VEVENT per announced deadline after `now`, at the deadline in UTC. No DTEND: an event
    with a DTSTART alone takes no time (RFC 5545, 3.6.1), which is what a deadline is."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Lodestar//Conference deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Conference deadlines (Lodestar)")
    for view in views:
        for ahead in view.upcoming(now):
            edition, deadline = ahead.edition, ahead.deadline
            summary = f"{view.title} {ahead.label}"
            event = Event()
            event.add("uid", f"{view.slug}-{edition.slug}-{deadline.kind.value}-"
                             f"{deadline.due:%Y%m%dT%H%M%SZ}@lodestar")
            event.add("dtstamp", now.astimezone(UTC))
            event.add("dtstart", deadline.due.astimezone(UTC))
            event.add("summary", summary)
            if edition.link:
                event.add("url", edition.link)
            details = [d for d in (deadline.comment, edition.place, edition.dates) if d]
            if details:
                event.add("description", "\n".join(details))
            for before in ALARMS:
                event.add_component(_alarm(summary, before))
            calendar.add_component(event)
    return calendar


def _alarm(summary: str, before: timedelta) -> Alarm:
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -before)
    alarm.add("description", f"{summary} in {before.days} day{'s' if before.days != 1 else ''}")
    return alarm
