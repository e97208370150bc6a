"""Reader for conference series in the ccfddl YAML format (github.com/ccfddl/ccf-deadlines).

A file holds a list of series; each series has editions (`confs`), each edition a `timeline` of
rounds with an optional `abstract_deadline` and a `deadline` in the edition's `timezone`
(`AoE` is UTC-12, or `UTC`, `UTC+8`, `UTC-7`, ...). `TBD`/`TBA` deadlines are kept as unknown.

The shipped pack is read strictly: every field the ccfddl schema requires, offsets only. A file a
learner imports is read leniently (`mode=LENIENT`): only a title and a year are essential, time
zones may be IANA names, and lists, YAML dates and times without seconds are accepted.
"""

from __future__ import annotations

import importlib.util
import os
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.content.fields import LenientRecord, Problems, Record
from planner.content.files import read_bounded
from planner.content.yamlsource import LineList
from planner.core.models import ConferenceEdition, ConferenceSeries, Deadline, DeadlineKind
from planner.core.urls import shorten

FIELDS = {
    "DS": "Computer architecture and parallel computing",
    "NW": "Networks",
    "SC": "Security",
    "SE": "Software engineering",
    "DB": "Databases, data mining and information retrieval",
    "CT": "Theory",
    "CG": "Graphics and multimedia",
    "AI": "Artificial intelligence",
    "HI": "Human-computer interaction",
    "MX": "Interdisciplinary",
}
_RANKS = {"ccf": ("A", "B", "C", "N"), "core": ("A*", "A", "B", "C", "N"), "thcpl": ("A", "B", "N")}
_TZ = re.compile(r"^UTC(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$")
_UNANNOUNCED = {"TBD", "TBA", "TBC", "NONE", ""}
_ZONE_ALIASES = {"PT": "America/Los_Angeles"}  # allowed by the ccfddl schema
_IANA = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,2}$")


def parse_timezone(name: str) -> timezone | None:
    """`AoE` → UTC−12; `UTC`, `UTC+8`, `UTC-5:30` → that offset; anything else → None."""
    name = name.strip()
    if name.upper() == "AOE":
        return timezone(timedelta(hours=-12), "AoE")
    match = _TZ.match(name.upper())
    if not match:
        return None
    sign, hours, minutes = match.groups()
    if sign is None:
        return UTC
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


def find_timezone(name: str) -> tzinfo:
    """A deadline's time zone as people write it: AoE, UTC±N, GMT±N, PT, or an IANA name such
    as America/Los_Angeles or Etc/GMT+12. Raises ValueError saying why it is not usable."""
    name = name.strip()
    fixed = parse_timezone(re.sub(r"^GMT(?=[+-]|$)", "UTC", name, flags=re.IGNORECASE))
    if fixed is not None:
        return fixed
    name = _ZONE_ALIASES.get(name.upper(), name)
    unknown = ValueError(f"unknown time zone {shorten(name[:60])} (expected AoE, UTC, UTC+8, UTC-7, or a "
                         "name such as America/Los_Angeles)")
    if not _IANA.match(name):  # also keeps odd text away from the file system
        raise unknown
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        if has_zone_database():
            raise unknown from None
        raise ValueError(f"time zone {shorten(name)} cannot be looked up: this computer has no time zone "
                         "database (install the tzdata package, or write it as UTC±N)") from None
    except (ValueError, OSError):
        raise unknown from None


@cache
def has_zone_database() -> bool:
    """Whether IANA names can be looked up; Windows has none unless tzdata is installed."""
    system = any(os.path.isdir(path) for path in zoneinfo.TZPATH)
    return system or importlib.util.find_spec("tzdata") is not None


def _offset_only(name: str) -> tzinfo:
    zone = parse_timezone(name)
    if zone is None:
        raise ValueError(f"unknown time zone {shorten(name)} (expected AoE, UTC, UTC+8, UTC-7, ...)")
    return zone


@dataclass(frozen=True)
class Mode:
    """How strictly a file is read: the shipped pack, or a file a learner imports."""

    record: type[Record]
    zone: Callable[[str], tzinfo]  # raises ValueError for a name it cannot use
    descriptive: bool  # whether description, rank, link, date and place are required
    lenient_dates: bool  # times without seconds, ISO 'T', offsets, YAML dates
    default_field: str = ""  # the field of a series whose `sub` is missing or unknown
    default_zone: str = ""  # the zone of an edition that names none


STRICT = Mode(Record, _offset_only, descriptive=True, lenient_dates=False)
LENIENT = Mode(LenientRecord, find_timezone, descriptive=False, lenient_dates=True,
               default_field="AI", default_zone="AoE")


def series_slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def parse_conference_file(data: object, file: str, problems: Problems, *,
                          mode: Mode = STRICT) -> list[ConferenceSeries]:
    """All the series in one parsed ccfddl file; problems go to `problems`."""
    if not isinstance(data, list):
        problems.add(file, getattr(data, "line", 1), "a conference file must be a list of series")
        return []
    out = []
    for index, item in enumerate(data):
        line = data.line_of(index) if isinstance(data, LineList) else 1
        rec = mode.record(item, file, problems, f"conference series {index + 1}", line)
        series = _series(rec, mode)
        if series is not None:
            out.append(series)
    return out


def _series(rec: Record, mode: Mode) -> ConferenceSeries | None:
    title = rec.text("title")
    if title:
        rec.what = f"conference {title}"
    sub = rec.choice("sub", FIELDS, required=mode.descriptive) or mode.default_field
    ranks = {}
    rank = mode.record(rec.mapping("rank", required=mode.descriptive), rec.file, rec.problems,
                       rec.what + " rank", rec.line_of("rank"))
    for key, allowed in _RANKS.items():
        ranks[key] = rank.choice(key, allowed, required=key == "ccf" and mode.descriptive) or None
    rank.unknown(_RANKS)
    description = rec.text("description", required=mode.descriptive)
    dblp = rec.text("dblp", required=False) or None
    confs = rec.data.get("confs")
    editions = []
    if not isinstance(confs, list):
        rec.error("confs", "'confs' must be a list of editions")
        confs = []
    slug = series_slug(title) if title else ""
    for index, item in enumerate(confs):
        line = confs.line_of(index) if isinstance(confs, LineList) else rec.line
        edition = _edition(mode.record(item, rec.file, rec.problems,
                                       f"{title} edition {index + 1}", line), slug, mode)
        if edition is not None:
            editions.append(edition)
    rec.unknown(["title", "description", "sub", "rank", "dblp", "confs", "name_en"])
    if not (title and sub and slug):
        return None
    return ConferenceSeries(
        slug=slug, title=title, description=description, field=sub, ccf_rank=ranks["ccf"],
        core_rank=ranks["core"], thcpl_rank=ranks["thcpl"], dblp=dblp, editions=tuple(editions),
    )


def _edition(rec: Record, series: str, mode: Mode) -> ConferenceEdition | None:
    year = int(rec.number("year", 1950, 2100, integer=True))
    if year:
        rec.what = f"{rec.what.split(' edition')[0]} {year}"
    ident = rec.text("id", required=mode.descriptive)
    if not ident and year and not mode.descriptive:
        ident = f"{series}{year % 100:02d}"
    tz_name, tz = edition_zone(rec, mode)
    deadlines: list[Deadline] = []
    timeline = rec.data.get("timeline")
    if not isinstance(timeline, list):
        rec.error("timeline", "'timeline' must be a list of rounds")
        timeline = []
    for index, item in enumerate(timeline):
        line = timeline.line_of(index) if isinstance(timeline, LineList) else rec.line
        round_ = mode.record(item, rec.file, rec.problems, f"{rec.what} round {index + 1}", line)
        comment = round_.text("comment", required=False)
        deadlines += read_deadlines(round_, tz, comment, mode)
        round_.unknown(["abstract_deadline", "deadline", "comment"])
    link = rec.text("link", required=mode.descriptive)
    dates = rec.text("date", required=mode.descriptive)
    place = rec.text("place", required=mode.descriptive)
    rec.unknown(["year", "id", "link", "timeline", "timezone", "date", "place"])
    if not (year and ident and series):
        return None
    return ConferenceEdition(
        slug=series_slug(ident), series=series, year=year, link=link, timezone=tz_name,
        dates=dates, place=place, deadlines=tuple(deadlines),
    )


def edition_zone(rec: Record, mode: Mode, key: str = "timezone") -> tuple[str, tzinfo | None]:
    """The edition's time zone, by name and as a tzinfo (None, reported, when unusable)."""
    name = rec.text(key, required=mode.descriptive)
    if not name and mode.default_zone:
        if _has_dates(rec.data):
            rec.problems.add(rec.file, rec.line, f"{rec.what}: no time zone given; deadlines "
                                                 f"read as {mode.default_zone}")
        name = mode.default_zone
    if not name:
        return name, None
    try:
        return name, mode.zone(name)
    except ValueError as exc:
        rec.error(key, str(exc))
        return name, None


def _has_dates(data: object) -> bool:
    """Whether a mapping holds a deadline that is a date (not TBA), at any depth."""
    if isinstance(data, dict):
        return any(_has_dates(v) or (k in ("deadline", "abstract_deadline") and _is_date(v))
                   for k, v in data.items())
    return isinstance(data, list) and any(_has_dates(v) or _is_date(v) for v in data)


def _is_date(value: object) -> bool:
    return isinstance(value, datetime | date) or (isinstance(value, str) and value[:1].isdigit())


def read_deadlines(rec: Record, tz: tzinfo | None, comment: str, mode: Mode) -> list[Deadline]:
    """The abstract and paper deadlines of one round (the paper one required)."""
    out = []
    for key, kind in (("abstract_deadline", DeadlineKind.ABSTRACT),
                      ("deadline", DeadlineKind.PAPER)):
        raw = rec.text(key, required=kind is DeadlineKind.PAPER)
        if not raw and kind is DeadlineKind.ABSTRACT:
            continue
        due = _deadline(rec, key, raw, tz, mode)
        if due is not False:
            out.append(Deadline(kind=kind, due=due, comment=comment))
    return out


def _deadline(rec: Record, key: str, raw: str, tz: tzinfo | None,
              mode: Mode) -> datetime | bool | None:
    """The deadline in UTC; None when not announced; False (after reporting) when unreadable."""
    if raw.upper() in _UNANNOUNCED:
        return None
    local = _local_time(raw, mode.lenient_dates)
    if local is None:
        rec.error(key, f"'{key}' {shorten(raw)} is not a date (expected 'YYYY-MM-DD HH:MM:SS' or TBD)")
        return False
    if local.tzinfo is not None:  # an offset written with the time wins over the edition's zone
        return local.astimezone(UTC)
    if tz is None:
        return False
    try:
        return local.replace(tzinfo=tz).astimezone(UTC)
    except OverflowError:  # year 1 in UTC+8 falls before the calendar starts
        rec.error(key, f"'{key}' {shorten(raw)} is out of range")
        return False


def _local_time(raw: str, lenient: bool) -> datetime | None:
    """'YYYY-MM-DD HH:MM:SS' as written; a date alone is the end of that day (23:59:59)."""
    for pattern, end_of_day in (("%Y-%m-%d %H:%M:%S", False), ("%Y-%m-%d", True)):
        try:
            local = datetime.strptime(raw, pattern)
        except ValueError:
            continue
        return local.replace(hour=23, minute=59, second=59) if end_of_day else local
    if lenient:
        try:
            return datetime.fromisoformat(raw)  # '2026-11-14 23:59', '…T23:59:59+02:00'
        except ValueError:
            return None
    return None


def snapshot_date(root) -> date | None:
    """When the pack's conference data was taken: the last ISO date on the first line of
    `conferences/SOURCE` ('ccfddl/ccf-deadlines @ <commit> 2026-08-20'); None when it is missing
    or says no date."""
    try:
        raw = read_bounded(os.path.join(root, "conferences", "SOURCE"), 64 * 1024)
        line = raw.decode("utf-8").split("\n", 1)[0][:1000]
    except (OSError, UnicodeDecodeError):
        return None
    found = re.findall(r"\b(\d{4}-\d{2}-\d{2})\b", line)
    try:
        return date.fromisoformat(found[-1]) if found else None
    except ValueError:
        return None
