"""The reading list through the façade: states, own readings, BibTeX import (merging, skipping,
all or nothing) and export, fuzzed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner.db.readings
from planner.content.bibtex import parse_bibtex
from planner.core.errors import LodestarError, NotFoundError
from planner.core.models import ReadingKind
from planner.core.readings import OwnReading, ReadingStatus
from planner.db.activity import activities

DATA = Path(__file__).parents[1] / "content" / "data"
MESSY = DATA / "messy.bib"
MESSY_TEXT = MESSY.read_text(encoding="utf-8")


def line_of(fragment: str) -> int:
    return next(i for i, line in enumerate(MESSY_TEXT.splitlines(), 1) if fragment in line)


@pytest.fixture
def ada(synced):
    return synced.create_profile("Ada")


def entries(lodestar, profile_id):
    return {e.slug: e for e in lodestar.reading_list(profile_id)}


def snapshot(lodestar, profile_id):
    """Everything the reading list holds for a profile, comparable with ==."""
    return [(e.reading, e.status, e.rating, e.notes, e.tags, e.topics, e.finished_at)
            for e in lodestar.reading_list(profile_id)]


def reading_activities(lodestar, profile_id):
    with lodestar._session() as session:
        return [a for a in activities(session, profile_id) if a[1] == "reading"]


# --- states ---------------------------------------------------------------------------------


def test_untouched_readings_are_to_read_with_the_topics_citing_them(synced, ada):
    listed = entries(synced, ada.id)
    assert len(listed) == len(synced.readings())
    attention = listed["vaswani2017-attention"]
    assert (attention.status, attention.rating, attention.notes, attention.tags) == (
        ReadingStatus.TO_READ, None, "", ())
    assert not attention.own and attention.topics  # cited by lessons
    assert all(slug in {t.slug for t in synced.topics()} for slug in attention.topics)


def test_a_profiles_state_round_trips_and_stays_its_own(synced, ada):
    grace = synced.create_profile("Grace")
    changed = synced.set_reading_state(ada.id, "vaswani2017-attention", status="reading",
                                       rating=4, notes="Read section 3 twice.",
                                       tags="transformers, Attention , TRANSFORMERS")
    assert (changed.status, changed.rating, changed.notes, changed.tags) == (
        ReadingStatus.READING, 4, "Read section 3 twice.", ("transformers", "Attention"))
    again = entries(synced, ada.id)["vaswani2017-attention"]
    assert again == changed
    synced.set_reading_state(ada.id, "vaswani2017-attention", rating=0)  # 0 clears the stars
    cleared = synced.reading_entry(ada.id, "vaswani2017-attention")
    assert cleared.rating is None and cleared.notes == "Read section 3 twice."  # rest kept
    assert entries(synced, grace.id)["vaswani2017-attention"].status is ReadingStatus.TO_READ


def test_marking_read_keeps_when_and_logs_one_activity(synced, ada):
    slug = "vaswani2017-attention"
    first = synced.set_reading_state(ada.id, slug, status=ReadingStatus.READ)
    assert first.finished_at is not None
    synced.set_reading_state(ada.id, slug, status=ReadingStatus.READING)
    again = synced.set_reading_state(ada.id, slug, status=ReadingStatus.READ)
    assert again.finished_at == first.finished_at
    logged = reading_activities(synced, ada.id)
    assert [(kind, subject) for _at, kind, _m, subject in logged] == [("reading", slug)]


@pytest.mark.parametrize(("changes", "error", "words"), [
    ({"rating": 6}, LodestarError, "1 to 5"),
    ({"status": "skimmed"}, LodestarError, "No reading status 'skimmed'"),
])
def test_bad_states_are_refused_and_nothing_changes(synced, ada, changes, error, words):
    before = snapshot(synced, ada.id)
    with pytest.raises(error, match=words):
        synced.set_reading_state(ada.id, "vaswani2017-attention", **changes)
    with pytest.raises(NotFoundError, match="No reading 'nope'"):
        synced.set_reading_state(ada.id, "nope", status="read")
    assert snapshot(synced, ada.id) == before


# --- own readings ---------------------------------------------------------------------------


def test_own_readings_are_added_checked_linked_and_deleted(synced, ada):
    own = synced.add_reading("  Effective Approaches to   Attention-based Neural Machine "
                             "Translation", authors=["Minh-Thang Luong", " Hieu  Pham", ""],
                             year=2015, arxiv="arXiv:1508.04025v5", topics=["machine-translation"])
    assert own.slug == "luong2015-effective" and own.arxiv == "1508.04025"
    assert own.authors == ("Minh-Thang Luong", "Hieu Pham")
    listed = entries(synced, ada.id)[own.slug]
    assert listed.own and listed.topics == ("machine-translation",)
    with pytest.raises(LodestarError, match=r"already in the list.*vaswani2017-attention"):
        synced.add_reading("Attention is all you need", arxiv="1706.03762")
    with pytest.raises(LodestarError, match="not a valid DOI"):
        synced.add_reading("Something", doi="not-a-doi")
    with pytest.raises(NotFoundError, match="No topic 'astrology'"):
        synced.link_reading_topics(own.slug, ["astrology"])
    linked = synced.link_reading_topics(own.slug, ["attention-mechanisms", "machine-translation"])
    assert linked.topics == ("attention-mechanisms", "machine-translation")
    assert entries(synced, ada.id)[own.slug].topics == linked.topics
    updated = synced.update_reading(own.slug, venue="EMNLP 2015", doi="https://doi.org/10.18653/v1/D15-1166")
    assert (updated.venue, updated.doi, updated.title) == ("EMNLP 2015", "10.18653/v1/D15-1166", own.title)
    synced.set_reading_state(ada.id, own.slug, notes="Additive attention.")
    synced.delete_reading(own.slug)
    assert own.slug not in entries(synced, ada.id)
    again = synced.add_reading(own.title, authors=own.authors, year=2015)
    assert again.slug == own.slug  # the slug is free again, and the old notes went with it
    assert synced.reading_entry(ada.id, again.slug).notes == ""


def test_shipped_readings_cannot_be_changed_or_deleted(synced, ada):
    for action in (lambda: synced.delete_reading("vaswani2017-attention"),
                   lambda: synced.update_reading("vaswani2017-attention", title="Mine now"),
                   lambda: synced.link_reading_topics("vaswani2017-attention", [])):
        with pytest.raises(LodestarError, match="cannot be changed or deleted"):
            action()
    assert entries(synced, ada.id)["vaswani2017-attention"].reading.title == \
        "Attention Is All You Need"


# --- BibTeX import --------------------------------------------------------------------------


def test_messy_bibliography_imports_merging_duplicates_and_skipping_broken_entries(synced, ada):
    shipped_before = {r.slug: r for r in synced.readings()}
    result = synced.import_bibtex(MESSY, ada.id)
    assert (len(result.items), result.skipped) == (16, 4)
    assert set(result.added) == {"scholkopf2002-learning", "olah2015-understanding",
                                 "deng2009-imagenet"}
    # The rest are the same works as shipped readings, matched by arXiv id, DOI, ISBN or title.
    assert {"vaswani2017-attention", "he2016-resnet", "lecun2015-deep-learning",
            "goodfellow2016-deep-learning", "kingma2015-adam"} <= set(result.merged)
    listed = entries(synced, ada.id)
    assert len(listed) == len(shipped_before) + 3  # nothing doubled
    assert {r.slug: r for r in synced.readings()} == shipped_before  # shipped untouched
    assert listed["scholkopf2002-learning"].reading.authors == ("Bernhard Schölkopf",
                                                                "Alexander J. Smola")
    assert listed["olah2015-understanding"].reading.kind is ReadingKind.ARTICLE
    second_adam = [i for i, line in enumerate(MESSY_TEXT.splitlines(), 1)
                   if "{kingma2014adam," in line][1]
    skipped_at = [line_of("{srivastava2014dropout"), line_of("{simonyan2015very"),
                  line_of("{bengio-to-find"), second_adam]
    unknown_type = line_of("@inproceeding{deng2009imagenet")  # imported, with a problem
    assert sorted({p.line for p in result.problems}) == sorted([*skipped_at, unknown_type])
    lines = ", ".join(map(str, sorted([*skipped_at, unknown_type])))
    assert result.summary == ("3 added, 13 merged into readings already in the list, "
                              f"4 skipped (problems on lines {lines})")
    # The note of the Goodfellow entry became the profile's notes on the shipped book.
    assert listed["goodfellow2016-deep-learning"].notes == "http://www.deeplearningbook.org"


def test_importing_the_same_file_again_adds_nothing(synced, ada):
    synced.import_bibtex(MESSY, ada.id)
    before = snapshot(synced, ada.id)
    again = synced.import_bibtex(MESSY, ada.id)
    assert again.added == () and len(again.merged) == 14
    assert snapshot(synced, ada.id) == before


def test_duplicates_fill_only_empty_fields_of_own_readings(lodestar, tmp_path):
    first = lodestar.import_bibtex(MESSY)
    assert len(first.added) == 14  # 16 entries, two of them the same works as others
    ada = lodestar.create_profile("Ada")
    mine = {r.slug: r for r in lodestar.reading_list(ada.id)}
    resnet = mine["he2016-deep"].reading  # the CVPR entry, given its arXiv id by the misc one
    assert (resnet.doi, resnet.arxiv, resnet.venue.startswith("Proceedings of the IEEE")) == (
        "10.1109/CVPR.2016.90", "1512.03385", True)
    later = tmp_path / "later.bib"
    later.write_text("@article{x, title={Deep residual learning for image recognition},\n"
                     " author={He, Kaiming}, journal={Somewhere else}, year={2016},\n"
                     " isbn={978-0-262-03561-3}, doi={10.1109/CVPR.2016.90}}\n", encoding="utf-8")
    result = lodestar.import_bibtex(later)
    assert (result.added, result.merged) == ((), ("he2016-deep",))
    after = lodestar.reading_entry(ada.id, "he2016-deep").reading
    assert after.isbn == "9780262035613" and after.venue == resnet.venue  # filled, not replaced


def test_keywords_become_the_profiles_tags(synced, ada, tmp_path):
    bib = tmp_path / "tags.bib"
    bib.write_text("@misc{a, title={Attention Is All You Need}, eprint={1706.03762},\n"
                   "  keywords={transformers; attention}}\n"
                   "@misc{b, title={Something new}, year={2024}, keywords={to-review}}\n",
                   encoding="utf-8")
    synced.set_reading_state(ada.id, "vaswani2017-attention", tags=["classic"])
    result = synced.import_bibtex(bib, ada.id)
    listed = entries(synced, ada.id)
    assert listed["vaswani2017-attention"].tags == ("classic", "transformers", "attention")
    assert listed[result.added[0]].tags == ("to-review",)
    grace = synced.create_profile("Grace")
    assert entries(synced, grace.id)["vaswani2017-attention"].tags == ()


def test_a_failing_import_leaves_the_database_as_it_was(synced, ada, monkeypatch):
    synced.set_reading_state(ada.id, "vaswani2017-attention", tags=["classic"])
    before = snapshot(synced, ada.id)
    real, calls = planner.db.readings.add_own, []

    def add_then_fail(session, reading):
        calls.append(reading.slug)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real(session, reading)

    monkeypatch.setattr(planner.db.readings, "add_own", add_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        synced.import_bibtex(MESSY, ada.id)
    assert len(calls) == 2
    assert snapshot(synced, ada.id) == before


def test_files_that_cannot_be_read_are_named(synced, tmp_path):
    missing = tmp_path / "nowhere.bib"
    with pytest.raises(LodestarError, match=f"{missing}: no such file"):
        synced.import_bibtex(missing)
    latin = tmp_path / "latin1.bib"
    latin.write_bytes("@book{k, title={Sch\u00f6lkopf}}".encode("latin-1"))
    with pytest.raises(LodestarError, match=f"{latin} is not UTF-8"):
        synced.import_bibtex(latin)


# --- export ---------------------------------------------------------------------------------


def test_export_parses_back_to_the_same_readings(synced, ada, tmp_path):
    synced.import_bibtex(MESSY, ada.id)
    synced.set_reading_state(ada.id, "deng2009-imagenet", tags=["vision", "data sets"],
                             notes="The 50% & #1 data set")
    chosen = ["deng2009-imagenet", "scholkopf2002-learning", "vaswani2017-attention"]
    target = tmp_path / "export" / "out.bib"
    target.parent.mkdir()
    assert synced.export_bibtex(target, ada.id, chosen) == 3
    back = {r.title: r for r in parse_bibtex(target.read_text(encoding="utf-8")).items}
    listed = entries(synced, ada.id)
    for slug in chosen:
        reading = listed[slug].reading
        again = back[reading.title]
        assert (again.authors, again.year, again.doi, again.arxiv, again.isbn, again.kind) == (
            reading.authors, reading.year, reading.doi, reading.arxiv, reading.isbn, reading.kind)
    imagenet = back[listed["deng2009-imagenet"].reading.title]
    assert imagenet.bibtex_key == "deng2009imagenet"  # the learner's own key kept
    assert (imagenet.tags, imagenet.notes) == (("vision", "data sets"), "The 50% & #1 data set")
    assert [p.name for p in target.parent.iterdir()] == ["out.bib"]  # no temporary file left


def test_export_of_everything_and_refusals(synced, tmp_path):
    count = synced.export_bibtex(tmp_path / "all.bib")
    assert count == len(synced.readings())
    assert len(parse_bibtex((tmp_path / "all.bib").read_text(encoding="utf-8")).items) == count
    with pytest.raises(NotFoundError, match="No reading 'nope'"):
        synced.export_bibtex(tmp_path / "x.bib", slugs=["nope"])
    with pytest.raises(LodestarError, match="Could not write"):
        synced.export_bibtex(tmp_path / "no" / "such" / "folder.bib")
    assert not (tmp_path / "x.bib").exists()


# --- fuzzing --------------------------------------------------------------------------------

_PIECES = [line + "\n" for line in MESSY_TEXT.splitlines()] + [
    "@", "{", "}", ",", "=", '"', "\\", "@misc{", "title = {", "author = ", " and ", "@string{",
    "doi = {10.1/x}", "eprint={1706.03762}", "{\\\"o}", "\\url{", "%", "\x00", "ü"]
_TEXTS = st.one_of(st.text(max_size=300),
                   st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=20)),
                            max_size=40).map("".join))


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=_TEXTS, as_profile=st.booleans())
def test_importing_any_text_never_crashes_and_keeps_the_list_consistent(lodestar, tmp_path, text,
                                                                        as_profile):
    profile = lodestar.profiles()[0] if lodestar.profiles() else lodestar.create_profile("Ada")
    bib = tmp_path / "fuzz.bib"
    bib.write_text(text, encoding="utf-8")
    before = {e.slug: e for e in lodestar.reading_list(profile.id)}
    try:
        result = lodestar.import_bibtex(bib, profile.id if as_profile else None)
    except LodestarError:
        assert {e.slug: e for e in lodestar.reading_list(profile.id)} == before
        return
    after = {e.slug: e for e in lodestar.reading_list(profile.id)}
    assert set(after) == set(before) | set(result.added)
    assert len(after) == len(before) + len(result.added)
    assert set(result.merged) <= set(before) | set(result.added)
    assert all(isinstance(after[s].reading, OwnReading) and after[s].reading.title
               for s in result.added)
    assert len(result.items) >= len(result.added)  # each new reading came from an entry


def test_deleting_several_readings_is_all_or_nothing(lodestar):
    from planner.core.errors import LodestarError as Refused

    first = lodestar.add_reading("Quokka networks", authors=["Ada Lovelace"], year=2031)
    second = lodestar.add_reading("Wombat networks", authors=["Ada Lovelace"], year=2032)
    with pytest.raises(Refused):
        lodestar.delete_readings([first.slug, "no-such-reading", second.slug])
    assert {first.slug, second.slug} <= {e.slug for e in lodestar.reading_list(None)}
    lodestar.delete_readings([first.slug, second.slug])
    assert not {first.slug, second.slug} & {e.slug for e in lodestar.reading_list(None)}


# --- hostile input -----------------------------------------------------------------------------


def test_a_bibtex_file_over_the_size_limit_is_refused_unread(synced, tmp_path):
    from planner.services.readings import MAX_BIBTEX_BYTES

    path = tmp_path / "huge.bib"
    with path.open("wb") as file:
        file.truncate(MAX_BIBTEX_BYTES + 1)  # sparse: nothing is written, nothing is read
    before = len(synced.reading_list(None))
    with pytest.raises(LodestarError, match=r"huge\.bib: 32 MB is far too large for a BibTeX file"):
        synced.import_bibtex(path)
    assert len(synced.reading_list(None)) == before


def test_an_imported_nul_is_not_stored(synced, tmp_path):
    path = tmp_path / "nul.bib"
    path.write_text("@article{n, title = {Null\x00 Hypothesis}, author = {Fisher\x00, R. A.}}\n",
                    encoding="utf-8")
    result = synced.import_bibtex(path)
    (slug,) = result.added
    stored = next(e.reading for e in synced.reading_list(None) if e.reading.slug == slug)
    assert (stored.title, stored.authors) == ("Null Hypothesis", ("R. A. Fisher",))


@pytest.mark.parametrize(("fields", "words"), [
    ({"title": "Bad\x00Title"}, r"The title holds a control character \(U\+0000\)"),
    ({"title": "Fine", "authors": ["A. \x1bPerson"]}, r"The authors holds a control character \(U\+001B\)"),
    ({"title": "T" * 2_001}, "The title is 2,001 characters long; at most 2,000"),
])
def test_own_readings_refuse_control_characters_and_overlong_text(synced, fields, words):
    before = len(synced.reading_list(None))
    with pytest.raises(LodestarError, match=words):
        synced.add_reading(**fields)
    assert len(synced.reading_list(None)) == before

def test_own_readings_take_only_web_addresses(synced):
    for url in ("file:///etc/passwd", "ftp://example.org/paper.pdf", "javascript:alert(1)",
                "https://" + "x" * 3000):
        with pytest.raises(LodestarError, match="is not a web address"):
            synced.add_reading("Something", doi="10.1038/nature14539", url=url)
    own = synced.add_reading("Something else", doi="10.9999/lodestar.test", url="https://example.org/p")
    assert own.url == "https://example.org/p"
