"""Reader for conference series in the ccfddl YAML format (github.com/ccfddl/ccf-deadlines).

A file holds a list of series; each series has editions (`confs`), each edition a `timeline` of
rounds with an optional `abstract_deadline` and a `deadline` in the edition's `timezone`
(`AoE` is UTC-12, or `UTC`, `UTC+8`, `UTC-7`, ...). `TBD`/`TBA` deadlines are kept as unknown.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from planner.content.fields import Problems, Record
from planner.content.yamlsource import LineList
from planner.core.models import ConferenceEdition, ConferenceSeries, Deadline, DeadlineKind

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


def series_slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def parse_conference_file(data: object, file: str, problems: Problems) -> list[ConferenceSeries]:
    """All the series in one parsed ccfddl file; problems go to `problems`."""
    if not isinstance(data, list):
        problems.add(file, getattr(data, "line", 1), "a conference file must be a list of series")
        return []
    out = []
    for index, item in enumerate(data):
        line = data.line_of(index) if isinstance(data, LineList) else 1
        series = _series(Record(item, file, problems, f"conference series {index + 1}", line))
        if series is not None:
            out.append(series)
    return out


def _series(rec: Record) -> ConferenceSeries | None:
    title = rec.text("title")
    if title:
        rec.what = f"conference {title}"
    sub = rec.choice("sub", FIELDS)
    ranks = {}
    rank = Record(rec.mapping("rank", required=True), rec.file, rec.problems, rec.what + " rank",
                  rec.line_of("rank"))
    for key, allowed in _RANKS.items():
        ranks[key] = rank.choice(key, allowed, required=key == "ccf") or None
    rank.unknown(_RANKS)
    description = rec.text("description")
    dblp = rec.text("dblp", required=False) or None
    confs = rec.data.get("confs")
    editions = []
    if not isinstance(confs, list):
        rec.error("confs", "'confs' must be a list of editions")
        confs = []
    slug = series_slug(title) if title else ""
    for index, item in enumerate(confs):
        line = confs.line_of(index) if isinstance(confs, LineList) else rec.line
        edition = _edition(Record(item, rec.file, rec.problems, f"{title} edition {index + 1}",
                                  line), slug)
        if edition is not None:
            editions.append(edition)
    rec.unknown(["title", "description", "sub", "rank", "dblp", "confs", "name_en"])
    if not (title and sub and slug):
        return None
    return ConferenceSeries(
        slug=slug, title=title, description=description, field=sub, ccf_rank=ranks["ccf"],
        core_rank=ranks["core"], thcpl_rank=ranks["thcpl"], dblp=dblp, editions=tuple(editions),
    )


def _edition(rec: Record, series: str) -> ConferenceEdition | None:
    year = int(rec.number("year", 1950, 2100, integer=True))
    if year:
        rec.what = f"{rec.what.split(' edition')[0]} {year}"
    ident = rec.text("id")
    tz_name = rec.text("timezone")
    tz = parse_timezone(tz_name) if tz_name else None
    if tz_name and tz is None:
        rec.error("timezone", f"unknown time zone {tz_name!r} (expected AoE, UTC, UTC+8, UTC-7, ...)")
    deadlines: list[Deadline] = []
    timeline = rec.data.get("timeline")
    if not isinstance(timeline, list):
        rec.error("timeline", "'timeline' must be a list of rounds")
        timeline = []
    for index, item in enumerate(timeline):
        line = timeline.line_of(index) if isinstance(timeline, LineList) else rec.line
        round_ = Record(item, rec.file, rec.problems, f"{rec.what} round {index + 1}", line)
        comment = round_.text("comment", required=False)
        for key, kind in (("abstract_deadline", DeadlineKind.ABSTRACT),
                          ("deadline", DeadlineKind.PAPER)):
            raw = round_.text(key, required=kind is DeadlineKind.PAPER)
            if not raw and kind is DeadlineKind.ABSTRACT:
                continue
            due = _deadline(round_, key, raw, tz)
            if due is not False:
                deadlines.append(Deadline(kind=kind, due=due, comment=comment))
        round_.unknown(["abstract_deadline", "deadline", "comment"])
    link = rec.text("link")
    dates = rec.text("date")
    place = rec.text("place")
    rec.unknown(["year", "id", "link", "timeline", "timezone", "date", "place"])
    if not (year and ident and series):
        return None
    return ConferenceEdition(
        slug=series_slug(ident), series=series, year=year, link=link, timezone=tz_name,
        dates=dates, place=place, deadlines=tuple(deadlines),
    )


def _deadline(rec: Record, key: str, raw: str, tz: timezone | None) -> datetime | bool | None:
    """The deadline in UTC; None when not announced; False (after reporting) when unreadable."""
    if raw.upper() in _UNANNOUNCED:
        return None
    try:
        local = datetime.strptime(raw, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        try:
            local = datetime.strptime(raw, "%Y-%m-%d").replace(hour=23, minute=59, second=59)
        except ValueError:
            rec.error(key, f"'{key}' {raw!r} is not a date (expected 'YYYY-MM-DD HH:MM:SS' or TBD)")
            return False
    if tz is None:
        return False
    return local.replace(tzinfo=tz).astimezone(UTC)
