"""Conferences: following, importing the learner's deadline files (ccfddl and aideadlin.es) into
the shipped data, one transaction per import, and the iCalendar export of followed deadlines."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from planner.core.conferences import ConferenceImportResult
from planner.core.errors import LodestarError, NotFoundError
from planner.core.models import DeadlineKind

DATA = Path(__file__).parent / "data"
CCFDDL = DATA / "my_conferences_ccfddl.yml"
AIDEADLINES = DATA / "my_conferences_aideadlines.yml"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def line_of(path: Path, fragment: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if fragment in line)


def views(lodestar, profile_id: int | None = None) -> dict:
    profile_id = profile_id or lodestar.default_profile().id
    return {v.slug: v for v in lodestar.conference_list(profile_id)}


def editions(view) -> dict:
    return {e.slug: e for e in view.series.editions}


def snapshot(lodestar) -> list:
    """Everything the conference tables hold that a learner could see."""
    return [(v.series, v.imported, v.imported_editions) for v in views(lodestar).values()]


def test_following_is_per_profile_and_idempotent(synced):
    ada, bo = synced.create_profile("Ada"), synced.create_profile("Bo")
    synced.follow_conference(ada.id, "neurips")
    synced.follow_conference(ada.id, "neurips")  # twice is once
    synced.follow_conference(ada.id, "iclr")
    assert synced.followed(ada.id) == {"neurips", "iclr"}
    assert synced.followed(bo.id) == set()
    assert views(synced, ada.id)["neurips"].followed and not views(synced, bo.id)["neurips"].followed
    synced.follow_conference(ada.id, "iclr", follow=False)
    synced.follow_conference(ada.id, "iclr", follow=False)  # unfollowing twice is harmless
    assert synced.followed(ada.id) == {"neurips"}
    with pytest.raises(NotFoundError, match="nowhere"):
        synced.follow_conference(ada.id, "nowhere")


def test_ccfddl_file_adds_series_and_editions_but_keeps_shipped_ones(synced):
    before = views(synced)["neurips"]
    result = synced.import_conferences(CCFDDL)
    assert isinstance(result, ConferenceImportResult)
    # 5 editions read: AutoML 2027 and 2028 and TinyML 2027 are new, NeurIPS 2027 joins the
    # shipped series, NeurIPS 2025 is shipped already; TinyML's second edition and the
    # untitled series' edition cannot be read.
    assert (result.imported, result.skipped) == (5, 2)
    assert (result.added, result.updated, result.kept) == (4, 0, 1)
    assert result.new_series == ("automl-conf", "tinyml-research-symposium")
    assert result.summary == "5 imported (4 new, 1 already shipped), 2 skipped (7 problems)"
    lines = {p.line for p in result.problems}
    for fragment in ("timzone", "year: twenty-seven", "'2027-13-01", "title I forgot"):
        assert line_of(CCFDDL, fragment) in lines, fragment
    after = views(synced)
    automl = after["automl-conf"]
    assert automl.imported and automl.series.description.startswith("International Conference")
    assert editions(automl)["automl27"].place == "Vienna, Austria"  # a list read as text
    assert editions(automl)["automl28"].deadlines[0].due is None  # TBA
    neurips = after["neurips"]
    assert not neurips.imported and neurips.imported_editions == {"nips27"}
    paper = {d.kind: d.due for d in editions(neurips)["nips27"].deadlines}[DeadlineKind.PAPER]
    assert paper == utc(2027, 5, 12, 6, 59)  # 23:59 in Los Angeles, summer time
    assert editions(neurips)["nips25"] == editions(before)["nips25"]  # the shipped deadline


def test_aideadlines_file_with_tba_lists_and_unreadable_entries(synced):
    result = synced.import_conferences(AIDEADLINES)
    assert (result.imported, result.skipped) == (6, 2)
    assert (result.added, result.kept) == (5, 1)  # ICLR 2027 is shipped
    lines: dict[int, str] = {}
    for problem in result.problems:
        lines[problem.line] = lines.get(problem.line, "") + problem.message
    assert "April 5th" in lines[line_of(AIDEADLINES, "April 5th")]
    assert "Mars/Olympus_Mons" in lines[line_of(AIDEADLINES, "Mars/Olympus_Mons")]
    assert "'title'" in lines[line_of(AIDEADLINES, "- year: 2027")]
    assert "'year'" in lines[line_of(AIDEADLINES, "- title: MLHC")]
    after = views(synced)
    assert {"l4dc", "collas", "ecml-pkdd", "satml"} <= set(after)
    assert "mlhc" not in after
    assert [d.due for d in editions(after["l4dc"])["l4dc27"].deadlines] == [None]
    collas = editions(after["collas"])["collas27"]
    assert [(d.kind, d.due) for d in collas.deadlines] == [
        (DeadlineKind.ABSTRACT, utc(2027, 2, 13, 22, 59)), (DeadlineKind.PAPER, utc(2027, 2, 20, 22, 59)),
        (DeadlineKind.PAPER, utc(2027, 6, 1, 21, 59))]  # Paris: winter, then summer time
    assert after["collas"].series.field == "AI" and after["ecml-pkdd"].series.field == "DB"
    iclr = views(synced)["iclr"]
    assert not iclr.imported_editions
    assert editions(iclr)["iclr27"].deadlines[-1].due == utc(2026, 9, 26, 11, 59, 59)  # shipped


def test_importing_again_updates_the_learners_editions_without_doubling(synced):
    synced.import_conferences(CCFDDL)
    again = synced.import_conferences(CCFDDL)
    assert (again.added, again.updated, again.unchanged, again.kept) == (0, 0, 4, 1)
    assert again.new_series == ()
    # The aideadlin.es file's NeurIPS 2027 (another id, same year) updates the learner's edition.
    other = synced.import_conferences(AIDEADLINES)
    assert other.updated == 1
    neurips = views(synced)["neurips"]
    assert [e.year for e in neurips.series.editions].count(2027) == 1
    paper = [d.due for d in editions(neurips)["nips27"].deadlines if d.kind is DeadlineKind.PAPER]
    assert paper == [utc(2027, 5, 13, 13)]


def test_imported_conferences_and_follows_survive_a_forced_content_sync(synced):
    profile = synced.default_profile()
    synced.import_conferences(CCFDDL)
    synced.follow_conference(profile.id, "automl-conf")
    before = snapshot(synced)
    report = synced.sync_content(force=True)
    assert report.archived == 0
    assert snapshot(synced) == before
    assert synced.followed(profile.id) == {"automl-conf"}
    assert [h.slug for h in synced.search("AutoML")] == ["automl-conf"]


def test_a_failed_import_leaves_the_database_as_it_was(synced, monkeypatch):
    from planner.db import conferences

    before = snapshot(synced)

    def broken(session):
        raise RuntimeError("disk full")

    monkeypatch.setattr(conferences.search, "rebuild", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        synced.import_conferences(AIDEADLINES)
    assert snapshot(synced) == before


def test_unreadable_files_are_refused_by_name(lodestar, tmp_path):
    for path, why in ((tmp_path / "missing.yml", "Cannot read"), (tmp_path, "is a folder")):
        with pytest.raises(LodestarError, match=why) as error:
            lodestar.import_conferences(path)
        assert str(path) in str(error.value)
    latin = tmp_path / "latin1.yml"
    latin.write_bytes("- title: Montréal AI\n  year: 2027\n".encode("latin-1"))
    with pytest.raises(LodestarError, match=r"latin1\.yml is not UTF-8 text \(line 1"):
        lodestar.import_conferences(latin)


def test_a_file_that_is_neither_format_imports_nothing_and_says_why(synced, tmp_path):
    before = snapshot(synced)
    path = tmp_path / "notes.yml"
    path.write_text("shopping:\n  - milk\n  - eggs\n")
    result = synced.import_conferences(path)
    assert (result.imported, result.added) == (0, 0)
    assert "not a conference deadline file" in result.problems[0].message
    assert snapshot(synced) == before


def test_followed_deadlines_export_to_icalendar_with_two_alarms(synced, tmp_path):
    profile = synced.default_profile()
    synced.import_conferences(CCFDDL)
    for slug in ("automl-conf", "neurips", "tinyml-research-symposium"):
        synced.follow_conference(profile.id, slug)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "deadlines.ics"
    count = synced.export_deadlines_ics(profile.id, target, now=utc(2027, 1, 20))
    calendar = Calendar.from_ical(target.read_bytes())
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    # TinyML's deadline (15 Jan) has passed, AutoML 2028 is not announced, the shipped
    # NeurIPS editions are over: four deadlines remain.
    assert count == 4
    assert set(events) == {"AutoML Conf 2027 abstract deadline", "AutoML Conf 2027 paper deadline",
                           "NeurIPS 2027 abstract deadline", "NeurIPS 2027 paper deadline"}
    paper = events["NeurIPS 2027 paper deadline"]
    assert paper.decoded("DTSTART") == utc(2027, 5, 12, 6, 59)
    assert paper.decoded("DTSTART").utcoffset() == timedelta(0)
    assert str(paper["URL"]) == "https://neurips.cc/Conferences/2027"
    for one in events.values():
        alarms = one.walk("VALARM")
        assert sorted(a.decoded("TRIGGER") for a in alarms) == [timedelta(days=-7), timedelta(days=-1)]
        assert all(str(a["ACTION"]) == "DISPLAY" for a in alarms)
    assert len({str(e["UID"]) for e in events.values()}) == 4
    assert [p.name for p in out.iterdir()] == ["deadlines.ics"]  # no partial file left


def test_export_into_a_missing_folder_fails_cleanly(synced, tmp_path):
    profile = synced.default_profile()
    synced.follow_conference(profile.id, "iclr")
    with pytest.raises(LodestarError, match="nowhere"):
        synced.export_deadlines_ics(profile.id, tmp_path / "nowhere" / "x.ics", now=utc(2026, 1, 1))


# --- fuzzing ----------------------------------------------------------------------------------

KEYS = ("title", "name", "year", "id", "sub", "rank", "ccf", "core", "confs", "timeline",
        "deadline", "abstract_deadline", "timezone", "link", "place", "date", "comment",
        "start", "end", "description", "dblp", "note")
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 3000), st.floats(allow_nan=True),
    st.sampled_from(["TBA", "TBD", "AoE", "UTC+8", "UTC-99", "Europe/Paris", "../../etc/passwd",
                     "2027-05-13 13:00:00", "2027-02-30 25:61", "0001-01-01 00:00:00", "AI", "ML"]),
    st.text(max_size=20), st.dates(), st.datetimes())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
    max_leaves=25)
ENTRIES = st.lists(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8), max_size=4)
# Entries close to real ones, so that many examples get as far as writing.
DEADLINES = st.one_of(SCALARS, st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1)).map(str))
PLAUSIBLE = st.fixed_dictionaries(
    {"title": st.sampled_from(["NeurIPS", "ICLR", "Tiny Conf", "", "??"]),
     "year": st.one_of(st.integers(2024, 2029), SCALARS)},
    optional={"id": st.sampled_from(["nips26", "nips27", "tiny27", ""]), "deadline": DEADLINES,
              "abstract_deadline": DEADLINES, "timezone": SCALARS,
              "sub": st.one_of(SCALARS, st.lists(st.sampled_from(["ML", "CV", "XX"])))})
AIDEADLINES_LIKE = st.lists(PLAUSIBLE, min_size=1, max_size=4)
CCFDDL_LIKE = st.lists(st.fixed_dictionaries(
    {"title": st.sampled_from(["NeurIPS", "Tiny Conf"]), "sub": st.sampled_from(["AI", "ML"]),
     "confs": st.lists(st.fixed_dictionaries(
         {"year": st.integers(2025, 2028), "timeline": st.lists(st.fixed_dictionaries(
             {"deadline": DEADLINES}), max_size=2)},
         optional={"id": st.sampled_from(["nips26", "nips27", "tiny27"]),
                   "timezone": st.sampled_from(["AoE", "UTC+8", "Nowhere"])}), max_size=3)}),
    min_size=1, max_size=3)
TEXTS = st.one_of(st.text(max_size=300), st.text(string.printable, max_size=300),
                  st.one_of(ENTRIES, AIDEADLINES_LIKE, CCFDDL_LIKE).map(
                      lambda e: yaml.safe_dump(e, allow_unicode=True)))


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=st.one_of(TEXTS, st.binary(max_size=200)))
def test_any_file_imports_or_is_refused_and_nothing_else_changes(lodestar, pack, tmp_path, text):
    pack.write("conferences/AI/neurips.yml", SMALL_PACK_SERIES, dedent=False)
    lodestar.sync_content(pack.root)
    before = snapshot(lodestar)
    path = tmp_path / "fuzz.yml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    try:
        result = lodestar.import_conferences(path)
    except LodestarError:
        event("refused")
        assert snapshot(lodestar) == before
        return
    event("wrote" if result.added or result.updated else "changed nothing")
    if not (result.added or result.updated):
        assert snapshot(lodestar) == before
    # aideadlin.es entries listed twice count twice but make one edition
    assert result.added + result.updated + result.unchanged + result.kept <= (result.imported or 0)
    last = path.read_text(encoding="utf-8-sig").count("\n") + 1
    assert all(1 <= p.line <= last for p in result.problems)


SMALL_PACK_SERIES = """\
- title: NeurIPS
  description: Conference on Neural Information Processing Systems
  sub: AI
  rank:
    ccf: A
    core: A*
    thcpl: A
  dblp: nips
  confs:
    - year: 2026
      id: nips26
      link: https://neurips.cc/Conferences/2026
      timeline:
        - abstract_deadline: '2026-05-05 11:59:00'
          deadline: '2026-05-07 11:59:00'
      timezone: UTC+0
      date: December 6-12, 2026
      place: Sydney, Australia
"""
