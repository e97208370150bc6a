"""Conference deadline files a learner imports: ccfddl and aideadlin.es, as people write them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfoNotFoundError

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.content import conferences
from planner.content.conference_import import detect_format, parse_conference_file
from planner.core.imports import ImportResult
from planner.core.models import ConferenceSeries, DeadlineKind
from tests.conftest import SHIPPED

DATA = Path(__file__).parent / "data"
AIDEADLINES = (DATA / "aideadlines.yml").read_text(encoding="utf-8")
CCFDDL = (DATA / "ccfddl_user.yml").read_text(encoding="utf-8")
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def line_of(text: str, fragment: str, nth: int = 0) -> int:
    return [i for i, line in enumerate(text.splitlines(), 1) if fragment in line][nth]


def editions(result: ImportResult) -> dict:
    return {e.slug: e for s in result.items for e in s.editions}


def deadlines(edition) -> dict:
    return {d.kind: d.due for d in edition.deadlines}


def assert_well_formed(result: ImportResult, text: str) -> None:
    assert isinstance(result, ImportResult)
    last = text.count("\n") + 1
    assert all(1 <= p.line <= last for p in result.problems), result.problems
    assert all(isinstance(s, ConferenceSeries) and s.slug for s in result.items)
    assert all(d.due is None or d.due.tzinfo is UTC
               for s in result.items for e in s.editions for d in e.deadlines)


@pytest.fixture(scope="module")
def aideadlines() -> ImportResult:
    return parse_conference_file(AIDEADLINES, "conferences.yml")


@pytest.fixture(scope="module")
def ccfddl() -> ImportResult:
    return parse_conference_file(CCFDDL, "mine.yml")


def test_detect_format():
    assert detect_format(AIDEADLINES) == "aideadlines"
    assert detect_format(CCFDDL) == "ccfddl"
    assert detect_format((SHIPPED / "conferences" / "AI" / "iclr.yml").read_text()) == "ccfddl"
    assert detect_format("- title: CVPR\n  year: 2027\n  deadline: TBA\n") == "aideadlines"
    for neither in ("", "just some words", "- 1\n- 2\n", "title: CVPR\n", "- a: 1\n", "- [\n"):
        assert detect_format(neither) is None


def test_aideadlines_entries_are_grouped_into_series(aideadlines):
    series = {s.slug: s for s in aideadlines.items}
    assert list(series) == ["cvpr", "iclr", "neurips", "acl", "kdd", "iros", "emnlp", "interspeech"]
    assert [e.slug for e in series["neurips"].editions] == ["neurips25", "neurips26"]
    assert series["cvpr"].description == "IEEE/CVF Conference on Computer Vision and Pattern Recognition"
    # aideadlin.es subjects map onto ccfddl fields: CV, ML, NLP, RO and SP are AI; DM is DB.
    assert {s.slug: s.field for s in aideadlines.items} == {
        "cvpr": "AI", "iclr": "AI", "neurips": "AI", "acl": "AI", "kdd": "DB", "iros": "AI",
        "emnlp": "AI", "interspeech": "AI"}
    cvpr = editions(aideadlines)["cvpr25"]
    assert (cvpr.year, cvpr.place, cvpr.dates) == (2025, "Nashville, Tennessee, USA", "June 10-17, 2025")
    assert aideadlines.summary == "9 imported, 1 skipped (4 problems)"


def test_iana_time_zones_convert_to_utc_with_daylight_saving(aideadlines):
    cvpr = deadlines(editions(aideadlines)["cvpr25"])  # November: Pacific Standard Time, UTC−8
    assert cvpr[DeadlineKind.ABSTRACT] == utc(2024, 11, 8, 7, 59)
    assert cvpr[DeadlineKind.PAPER] == utc(2024, 11, 15, 7, 59)
    summer = parse_conference_file("- title: ICRA\n  year: 2026\n  deadline: '2025-07-15 13:00:00'\n"
                                   "  timezone: America/Los_Angeles\n  sub: RO\n", "x.yml")
    assert deadlines(editions(summer)["icra26"])[DeadlineKind.PAPER] == utc(2025, 7, 15, 20, 0)
    assert not summer.problems


def test_aoe_is_utc_minus_twelve_however_it_is_written(aideadlines):
    found = editions(aideadlines)
    iclr = deadlines(found["iclr26"])  # timezone: AoE
    assert iclr[DeadlineKind.PAPER] == utc(2025, 9, 25, 11, 59, 59)
    neurips = deadlines(found["neurips25"])  # timezone: Etc/GMT+12 (POSIX signs are reversed)
    assert neurips[DeadlineKind.PAPER] == utc(2025, 5, 16, 11, 59)
    acl = deadlines(found["acl25"])  # timezone: UTC-12
    assert acl[DeadlineKind.PAPER] == utc(2025, 2, 16, 11, 59, 59)


def test_dates_yaml_reads_as_dates_and_dates_without_a_time(aideadlines):
    iclr = deadlines(editions(aideadlines)["iclr26"])
    # `deadline: 2025-09-24 23:59:59` unquoted is a datetime to YAML, `2025-09-19` a date;
    # a date alone means the end of that day.
    assert iclr[DeadlineKind.ABSTRACT] == utc(2025, 9, 20, 11, 59, 59)
    neurips = deadlines(editions(aideadlines)["neurips25"])  # '2025-05-11 23:59' has no seconds
    assert neurips[DeadlineKind.ABSTRACT] == utc(2025, 5, 12, 11, 59)


def test_tba_deadlines_are_kept_as_unknown(aideadlines, ccfddl):
    neurips26 = editions(aideadlines)["neurips26"]
    assert [(d.kind, d.due, d.comment) for d in neurips26.deadlines] == [
        (DeadlineKind.PAPER, None, "Not announced yet.")]
    assert [d.due for d in editions(ccfddl)["icml27"].deadlines] == [None]  # 'tba'


def test_a_list_where_text_is_expected_is_read(aideadlines, ccfddl):
    iclr = editions(aideadlines)["iclr26"]
    assert iclr.place == "Rio de Janeiro, Brazil"  # place: [Rio de Janeiro, Brazil]
    assert editions(ccfddl)["icml25"].place == "Vancouver Convention Center, Vancouver, Canada"
    kdd = editions(aideadlines)["kdd25"]  # deadline: [round 1, round 2]
    assert [(d.kind, d.due) for d in kdd.deadlines] == [
        (DeadlineKind.ABSTRACT, utc(2024, 8, 2, 11, 59, 59)),
        (DeadlineKind.PAPER, utc(2024, 8, 9, 11, 59, 59)),
        (DeadlineKind.PAPER, utc(2025, 2, 11, 11, 59, 59))]


def test_a_typo_in_a_key_is_reported_with_its_line_and_the_entry_kept(aideadlines, ccfddl):
    typo = line_of(AIDEADLINES, "dealine:")
    [problem] = [p for p in aideadlines.problems if p.line == typo]
    assert "unknown field 'dealine'" in problem.message and problem.message.startswith("ACL 2025")
    assert deadlines(editions(aideadlines)["acl25"])[DeadlineKind.PAPER] is not None
    plcae = line_of(CCFDDL, "plcae:")
    assert any(p.line == plcae and "unknown field 'plcae'" in p.message for p in ccfddl.problems)
    assert "icml26" in editions(ccfddl)


def test_what_cannot_be_read_is_reported_with_its_line(aideadlines):
    problems = {p.line: p.message for p in aideadlines.problems}
    no_year = line_of(AIDEADLINES, "- title: ICML")
    assert "missing field 'year'" in problems[no_year]
    assert "icml26" not in editions(aideadlines)
    bad_date = line_of(AIDEADLINES, "deadline: 1 March 2025")
    assert "'1 March 2025' is not a date" in problems[bad_date]
    assert editions(aideadlines)["iros25"].deadlines == ()  # the edition is kept
    no_zone = line_of(AIDEADLINES, "- title: EMNLP")
    assert "no time zone given; deadlines read as America/New_York" in problems[no_zone]
    # As aideadlin.es shows it: New York, on summer time (UTC−4) in May.
    assert deadlines(editions(aideadlines)["emnlp25"])[DeadlineKind.PAPER] == utc(2025, 5, 20, 3, 59, 59)


def test_ccfddl_files_are_read_leniently(ccfddl):
    found = editions(ccfddl)
    assert set(found) == {"icml25", "icml26", "icml27", "sigkdd25"}
    icml25 = deadlines(found["icml25"])  # YAML datetimes, AoE
    assert icml25[DeadlineKind.PAPER] == utc(2025, 1, 31, 11, 59, 59)
    assert deadlines(found["icml26"])[DeadlineKind.ABSTRACT] == utc(2026, 1, 24, 11, 59)
    rounds = found["sigkdd25"].deadlines
    assert [d.comment for d in rounds] == ["1st round of 2 total rounds"] * 2 + \
        ["2nd round of 2 total rounds"] * 2
    assert rounds[-1].due == utc(2025, 2, 11, 11, 59, 59)  # '2025-02-10': the end of that day
    sigkdd = next(s for s in ccfddl.items if s.slug == "sigkdd")
    assert (sigkdd.field, sigkdd.ccf_rank) == ("DB", None)  # no rank: fine for a learner's file
    no_year = line_of(CCFDDL, "- id: sigkdd26")
    assert [p.line for p in ccfddl.problems] == [line_of(CCFDDL, "plcae:"), no_year]
    assert ccfddl.summary == "4 imported, 1 skipped (2 problems)"


def test_the_shipped_ccfddl_files_import_without_problems():
    for path in sorted((SHIPPED / "conferences" / "AI").glob("*.yml"))[:10]:
        result = parse_conference_file(path.read_text(encoding="utf-8"), path.name)
        assert result.items and not result.problems, (path, result.problems)


def test_ccfddl_lenient_mode_accepts_iana_zones_and_defaults_a_field():
    text = ("- title: CVPR\n  confs:\n    - year: 2025\n      timeline:\n"
            "        - deadline: '2024-11-14 23:59:00'\n      timezone: America/Los_Angeles\n")
    result = parse_conference_file(text, "cvpr.yml")
    [series] = result.items
    assert (series.field, series.editions[0].slug) == ("AI", "cvpr25")
    assert series.editions[0].deadlines[0].due == utc(2024, 11, 15, 7, 59)
    assert not result.problems


def test_subjects_map_to_fields():
    text = "".join(f"- title: C{i}\n  year: 2026\n  deadline: TBA\n  sub: {sub}\n"
                   for i, sub in enumerate(["HCI", "[DM, ML]", "[XYZ, CV]", "NOPE", "CG"]))
    result = parse_conference_file(text, "subs.yml")
    assert [s.field for s in result.items] == ["HI", "DB", "AI", "AI", "CG"]
    [problem] = result.problems
    assert problem.line == line_of(text, "sub: NOPE") and "filed under AI" in problem.message


def test_yaml_syntax_errors_are_reported_with_their_line():
    text = "- title: CVPR\n  year: 2027\n  deadline: '2026-11-14\n  timezone: UTC\n- title: [\n"
    result = parse_conference_file(text, "bad.yml")
    assert result.items == ()
    [problem] = result.problems
    assert problem.message == ("invalid YAML: found unexpected end of stream (while scanning a "
                               "quoted scalar that starts on line 3)")
    assert problem.line == text.count("\n") + 1  # where PyYAML noticed: the end of the file


def test_a_file_that_is_not_a_deadline_list_says_so():
    result = parse_conference_file("name: my reading list\nbooks: []\n", "notes.yml")
    [problem] = result.problems
    assert problem.line == 1 and "not a conference deadline file" in problem.message
    assert "empty" in parse_conference_file("", "empty.yml").problems[0].message


def test_an_iana_zone_without_a_time_zone_database_is_a_problem_not_a_crash(monkeypatch):
    def missing(name):
        raise ZoneInfoNotFoundError(name)

    monkeypatch.setattr(conferences, "ZoneInfo", missing)
    monkeypatch.setattr(conferences, "has_zone_database", lambda: False)
    result = parse_conference_file(AIDEADLINES, "conferences.yml")
    cvpr_zone = line_of(AIDEADLINES, "timezone: America/Los_Angeles")
    assert any(p.line == cvpr_zone and "install the tzdata package" in p.message
               for p in result.problems)
    assert deadlines(editions(result)["iclr26"])[DeadlineKind.PAPER] == utc(2025, 9, 25, 11, 59, 59)
    assert editions(result)["cvpr25"].deadlines == ()


def test_an_offset_written_with_the_time_wins_over_the_zone():
    text = "- title: X\n  year: 2026\n  deadline: 2025-06-01 12:00:00+02:00\n  timezone: UTC-12\n"
    [series] = parse_conference_file(text, "x.yml").items
    assert series.editions[0].deadlines[0].due == utc(2025, 6, 1, 10, 0)


# --- fuzzing -----------------------------------------------------------------------------------


@FUZZ
@given(st.text())
def test_arbitrary_text_never_crashes(text):
    assert_well_formed(parse_conference_file(text, "fuzz.yml"), text)


def mutations(text: str):
    lines = text.splitlines(keepends=True)
    edit = st.tuples(st.integers(0, len(text)), st.integers(0, 30), st.text(max_size=5))
    edited = st.lists(edit, max_size=6).map(lambda edits: _apply(text, edits))
    dropped = st.lists(st.integers(0, len(lines) - 1), max_size=10).map(
        lambda drop: "".join(line for i, line in enumerate(lines) if i not in set(drop)))
    return st.one_of(edited, st.permutations(lines).map("".join), dropped)


def _apply(text: str, edits) -> str:
    for at, cut, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut:]
    return text


@FUZZ
@given(st.one_of(mutations(AIDEADLINES), mutations(CCFDDL)))
def test_mutated_fixtures_never_crash(text):
    assert_well_formed(parse_conference_file(text, "mutated.yml"), text)


KEYS = ["title", "name", "year", "id", "link", "deadline", "abstract_deadline", "timezone",
        "place", "date", "start", "end", "sub", "note", "full_name", "description", "rank", "ccf",
        "confs", "timeline", "comment", "dblp", "hindex", "typo"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=20), st.sampled_from(["TBA", "tbd", "AoE", "UTC+8", "Etc/GMT+12", "Mars/Base",
                                           "America/Los_Angeles", "2026-11-14", "2026-11-14 23:59",
                                           "2026-11-14 23:59:59", "ML", "CV", "AI", "DB", "A*"]),
    st.dates(), st.datetimes(), st.integers(1950, 2100),
)
trees = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=6)),
    max_leaves=30)


@FUZZ
@given(trees)
def test_structurally_random_yaml_never_crashes(tree):
    text = yaml.safe_dump(tree, allow_unicode=True)
    assert_well_formed(parse_conference_file(text, "random.yml"), text)


small_trees = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=3), st.dictionaries(st.sampled_from(KEYS), children, max_size=3)),
    max_leaves=6)
entries = st.dictionaries(st.sampled_from(KEYS), small_trees, max_size=8)


@FUZZ
@given(st.lists(entries, max_size=4), st.booleans())
def test_random_entries_of_either_format_never_crash(items, nest):
    data = [{"title": "T", "confs": [item]} for item in items] if nest else items
    text = yaml.safe_dump(data, allow_unicode=True)
    assert_well_formed(parse_conference_file(text, "random.yml"), text)


def test_unannounced_markers_are_case_insensitive():
    text = "".join(f"- title: C{i}\n  year: 2026\n  deadline: {m}\n  timezone: UTC\n"
                   for i, m in enumerate(["TBA", "tba", "TBD", "tbc"]))
    result = parse_conference_file(text, "tba.yml")
    assert not result.problems
    assert [e.deadlines[0].due for s in result.items for e in s.editions] == [None] * 4


def test_an_edition_listed_twice_keeps_both_rounds():
    listing = "- title: KDD\n  year: 2025\n  id: kdd25\n  deadline: '{}'\n  timezone: AoE\n  sub: DM\n"
    text = listing.format("2024-08-08 23:59:59") + listing.format("2025-02-10 23:59:59")
    result = parse_conference_file(text, "kdd.yml")
    [kdd] = result.items
    assert [d.due for d in kdd.editions[0].deadlines] == [utc(2024, 8, 9, 11, 59, 59),
                                                         utc(2025, 2, 11, 11, 59, 59)]
    [problem] = result.problems
    assert problem.line == 7 and "'kdd25' is listed again" in problem.message
    assert result.summary == "2 imported, 0 skipped (1 problem)"
