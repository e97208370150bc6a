"""Conference deadline files a learner imports, in either of the two formats people share.

- ccfddl (github.com/ccfddl/ccf-deadlines): a list of series, each with `confs` editions and a
  `timeline` of rounds — the format of the shipped pack, read here leniently.
- aideadlin.es (github.com/paperswithcode/ai-deadlines, `_data/conferences.yml`): a flat list,
  one entry per conference-year, grouped here into series by title.

Files as people write them: missing fields, TBA deadlines, a list where text is expected, typos
in keys, dates without a time, times without seconds, IANA time zones. Whatever cannot be read is
reported with its line and the rest is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, tzinfo
from typing import Literal

from planner.content import conferences as ccfddl
from planner.content.conferences import LENIENT, edition_zone, read_deadlines, series_slug
from planner.content.fields import LenientRecord, Problems, Record
from planner.content.yamlsource import LineDict, LineList, YamlSyntaxError, load_yaml
from planner.core.imports import ImportProblem, ImportResult
from planner.core.models import ConferenceEdition, ConferenceSeries, Deadline
from planner.core.urls import shorten

Format = Literal["ccfddl", "aideadlines"]

# aideadlin.es subject codes → the ccfddl field they belong to.
SUBJECT_FIELDS = {
    **dict.fromkeys(("ML", "CV", "NLP", "RO", "SP", "AP", "KR", "AI"), "AI"),
    "DM": "DB", "DB": "DB", "HCI": "HI", "HI": "HI", "CG": "CG", "GR": "CG", "SEC": "SC",
    **dict.fromkeys(("HEALTH", "BIO", "CHEM", "AI4SCIENCE", "AI4LIFESCIENCE", "MX"), "MX"),
}
# What aideadlin.es assumes for an entry without a time zone (its home page does the same).
AIDEADLINES_ZONE = "America/New_York"
_AIDEADLINES_KEYS = ("title", "name", "year", "id", "full_name", "link", "deadline",
                     "abstract_deadline", "timezone", "place", "date", "start", "end",
                     "paperslink", "pwclink", "hindex", "sub", "note")
_CCFDDL_MARKS = ("confs", "rank", "dblp", "description")
_AIDEADLINES_MARKS = ("deadline", "abstract_deadline", "id", "year", "timezone", "hindex", "link")
_AIDEADLINES_MODE = replace(LENIENT, default_zone=AIDEADLINES_ZONE)


def detect_format(text: str) -> Format | None:
    """'ccfddl' or 'aideadlines' by the keys the file's entries use; None when it is neither
    (or not YAML)."""
    try:
        return _detect(load_yaml(text))
    except YamlSyntaxError:
        return None


def _detect(data: object) -> Format | None:
    if not isinstance(data, list):
        return None
    entries = [item for item in data if isinstance(item, dict)]
    ccfddl = sum(any(k in e for k in _CCFDDL_MARKS) for e in entries)
    aideadlines = sum(any(k in e for k in _AIDEADLINES_MARKS) for e in entries)
    if not (ccfddl or aideadlines):
        return None
    return "ccfddl" if ccfddl >= aideadlines else "aideadlines"


def parse_conference_file(text: str, source: str = "") -> ImportResult:
    """Conference series (with their editions and deadlines, in UTC) from a ccfddl or an
    aideadlin.es file, whichever it is; never raises on bad input.

    `ImportResult.imported` and `skipped` count editions (conference-years); problems carry
    1-based lines within the file."""
    problems = Problems()
    try:
        data = load_yaml(text)
    except YamlSyntaxError as exc:
        return _result((), [ImportProblem(exc.line, str(exc))], source, text, 0, 0)
    kind = _detect(data)
    if kind is None:
        what = "empty" if data is None else "not a conference deadline file"
        message = (f"the file is {what}: expected a YAML list of conferences, either ccfddl "
                   "(title, sub, rank, confs) or aideadlin.es (title, year, id, deadline, timezone)")
        return _result((), [ImportProblem(getattr(data, "line", 1), message)], source, text, 0, 0)
    if kind == "ccfddl":
        series = ccfddl.parse_conference_file(data, source, problems, mode=LENIENT)
        offered = sum(len(item["confs"]) for item in data
                      if isinstance(item, dict) and isinstance(item.get("confs"), list))
        imported = sum(len(s.editions) for s in series)
    else:
        series, imported = _aideadlines(data, source, problems)
        offered = len(data)
    issues = [ImportProblem(p.line, p.message) for p in problems]
    return _result(tuple(series), issues, source, text, imported, max(0, offered - imported))


def _result(items: tuple, problems: list[ImportProblem], source: str, text: str,
            imported: int, skipped: int) -> ImportResult:
    last = text.count("\n") + 1
    inside = (replace(p, line=min(max(p.line, 1), last)) for p in problems)
    return ImportResult(items, tuple(sorted(set(inside))), source, skipped, imported)


# --- aideadlin.es ------------------------------------------------------------------------------


@dataclass
class _Series:
    title: str
    description: str = ""
    subject: str = ""
    editions: dict[str, ConferenceEdition] = field(default_factory=dict)


def _aideadlines(data: LineList, file: str,
                 problems: Problems) -> tuple[list[ConferenceSeries], int]:
    """Entries grouped into series by title, and how many entries were read. An edition listed
    twice gets both sets of deadlines (ai-deadlines lists some second rounds that way)."""
    groups: dict[str, _Series] = {}
    read_count = 0
    for index, item in enumerate(data):
        rec = LenientRecord(item, file, problems, f"entry {index + 1}", data.line_of(index))
        read = _entry(rec)
        if read is None:
            continue
        read_count += 1
        title, description, subject, edition = read
        group = groups.setdefault(edition.series, _Series(title))
        group.description = group.description or description
        group.subject = group.subject or subject
        earlier = group.editions.get(edition.slug)
        if earlier is not None:
            problems.add(file, rec.line, f"{rec.what}: {shorten(edition.slug)} is listed again; its "
                                         "deadlines were added to the first listing")
            edition = replace(earlier, deadlines=_union(earlier.deadlines, edition.deadlines))
        group.editions[edition.slug] = edition
    series = [ConferenceSeries(slug=slug, title=g.title, description=g.description,
                               field=g.subject or "AI", editions=tuple(g.editions.values()))
              for slug, g in groups.items()]
    return series, read_count


def _entry(rec: Record) -> tuple[str, str, str, ConferenceEdition] | None:
    """One conference-year: (title, full name, field, edition), or None when it lacks a title
    or a year (reported)."""
    title = rec.text("title", required="name" not in rec.data) or rec.text("name", required=False)
    slug = series_slug(title)
    if title and not slug:
        rec.error("title", f"title {shorten(title)} has no letters or digits to name it by")
    rec.what = title or rec.what
    year = int(rec.number("year", 1950, 2100, integer=True))
    rec.what = f"{rec.what} {year or ''}".strip()
    ident = series_slug(rec.text("id", required=False))
    tz_name, tz = edition_zone(rec, _AIDEADLINES_MODE)
    note = rec.text("note", required=False)
    deadlines = _rounds(rec, tz, note)
    link, place = rec.text("link", required=False), rec.text("place", required=False)
    dates = rec.text("date", required=False) or _span(rec)
    subject = _subject(rec)
    rec.unknown(_AIDEADLINES_KEYS)
    if not (slug and year):
        return None
    edition = ConferenceEdition(slug=ident or f"{slug}{year % 100:02d}", series=slug, year=year,
                                link=link, timezone=tz_name, dates=dates, place=place,
                                deadlines=tuple(deadlines))
    return title, rec.text("full_name", required=False), subject, edition


def _rounds(rec: Record, tz: tzinfo | None, note: str) -> list[Deadline]:
    """The entry's deadlines; a list of dates under `deadline` is one round per date, the
    first with the abstract deadline."""
    value = rec.data.get("deadline")
    if not isinstance(value, list):
        return read_deadlines(rec, tz, note, _AIDEADLINES_MODE)
    out: list[Deadline] = []
    for index, item in enumerate(value):
        line = value.line_of(index) if isinstance(value, LineList) else rec.line_of("deadline")
        round_data = LineDict(deadline=item)
        round_data.line, round_data.key_lines = line, {"deadline": line}
        if index == 0 and "abstract_deadline" in rec.data:
            round_data["abstract_deadline"] = rec.data["abstract_deadline"]
            round_data.key_lines["abstract_deadline"] = rec.line_of("abstract_deadline")
        round_ = LenientRecord(round_data, rec.file, rec.problems, rec.what, line)
        out += read_deadlines(round_, tz, note, _AIDEADLINES_MODE)
    return out


def _subject(rec: Record) -> str:
    """The ccfddl field of the first subject code that has one ('sub: [ML, CV]' → AI)."""
    value = rec.data.get("sub")
    codes = value if isinstance(value, list) else [value] if value is not None else []
    for code in codes:
        known = SUBJECT_FIELDS.get(str(code).strip().upper()) if isinstance(code, str) else None
        if known:
            return known
    if codes:
        rec.error("sub", f"no known subject in {shorten(value)} (expected ML, CV, NLP, RO, SP, DM, AP, "
                         "KR, HCI, …); filed under AI")
    return "AI"


def _span(rec: Record) -> str:
    """'2027-06-11 – 2027-06-15' from `start` and `end` when there is no `date` text."""
    start, end = rec.data.get("start"), rec.data.get("end")
    if isinstance(start, date) and isinstance(end, date):
        return f"{start.isoformat()} – {end.isoformat()}"
    return ""


def _union(first: tuple[Deadline, ...], second: tuple[Deadline, ...]) -> tuple[Deadline, ...]:
    return first + tuple(d for d in second if d not in first)
