"""BibTeX import and export: a real, messy bibliography; duplicates; identifiers; fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.content.bibtex import (
    KINDS,
    citation_key,
    dedupe_keys,
    merge_readings,
    normalise_arxiv,
    normalise_doi,
    normalise_isbn,
    normalise_title,
    parse_bibtex,
    readings_to_bibtex,
)
from planner.core.imports import ImportedReading, ImportResult
from planner.core.models import Reading, ReadingKind

MESSY = (Path(__file__).parent / "data" / "messy.bib").read_text(encoding="utf-8")
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def line_of(text: str, fragment: str) -> int:
    """The 1-based line on which `fragment` first appears, counted independently of the code."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.fixture(scope="module")
def messy() -> ImportResult:
    return parse_bibtex(MESSY, "messy.bib")


def by_key(result: ImportResult) -> dict[str, ImportedReading]:
    return {r.bibtex_key: r for r in result.items}


def assert_well_formed(result: ImportResult, text: str) -> None:
    assert isinstance(result, ImportResult)
    last = text.count("\n") + 1
    assert all(1 <= p.line <= last for p in result.problems), result.problems
    assert all(isinstance(r, ImportedReading) and r.title for r in result.items)


# --- the messy file ----------------------------------------------------------------------------


def test_broken_entries_are_reported_at_their_first_line_and_the_rest_imports(messy):
    lines = {p.line: p.message for p in messy.problems}
    comma = line_of(MESSY, "@article{srivastava2014dropout")
    brace = line_of(MESSY, "@inproceedings{simonyan2015very")
    untitled = line_of(MESSY, "@misc{bengio-to-find")
    first_adam, second_adam = [i for i, line in enumerate(MESSY.splitlines(), 1)
                               if "{kingma2014adam," in line]
    assert "comma is missing" in lines[comma] and "'title'" in lines[comma]
    assert "could not be read" in lines[brace]
    assert "has no title" in lines[untitled]
    assert f"duplicate citation key 'kingma2014adam' (first used on line {first_adam})" \
        in lines[second_adam]
    assert messy.skipped == 4
    keys = by_key(messy)
    assert "srivastava2014dropout" not in keys and "simonyan2015very" not in keys
    # Entries after each broken one still import, with their own lines.
    assert keys["goodfellow2016deep"].line == line_of(MESSY, "@book{goodfellow2016deep")
    assert keys["he2016deep"].line == line_of(MESSY, "@inproceedings{he2016deep")
    assert len(messy.items) == 16
    assert messy.summary == "16 imported, 4 skipped (5 problems)"


def test_latex_accents_become_unicode(messy):
    keys = by_key(messy)
    assert keys["scholkopf2002learning"].authors == ("Bernhard Schölkopf", "Alexander J. Smola")
    assert keys["hochreiter1997long"].authors[1] == "Jürgen Schmidhuber"
    assert keys["lecun1998efficient"].authors[1:] == ("Léon Bottou", "Genevieve B. Orr",
                                                      "Klaus-Robert Müller")
    assert keys["graves2006connectionist"].authors[1] == "Santiago Fernández"
    assert keys["vaswani2017attention"].authors[6] == "Łukasz Kaiser"
    assert keys["baydin2018automatic"].authors[0] == "Atılım Güneş Baydin"


def test_protective_braces_and_odd_spacing_are_removed(messy):
    keys = by_key(messy)
    bert = keys["devlin-etal-2019-bert"]
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    assert bert.authors == ("Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova")
    assert bert.venue.startswith("Proceedings of the 2019 Conference of the North American Chapter")
    assert keys["lecun1998efficient"].title == "Efficient BackProp"
    assert keys["olah2015understanding"].title == "Understanding LSTM Networks"


def test_identifiers_are_found_wherever_people_put_them(messy):
    keys = by_key(messy)
    assert keys["vaswani2017attention"].arxiv == "1706.03762"  # eprint with a version
    adam = keys["kingma2014adam"]  # Google Scholar: journal = {arXiv preprint arXiv:1412.6980}
    assert (adam.arxiv, adam.venue, adam.year) == ("1412.6980", "arXiv preprint", 2014)
    assert keys["resnet_arxiv"].arxiv == "1512.03385"  # from the URL
    assert keys["lecun1998efficient"].doi == "10.1007/3-540-49430-8_2"  # https://doi.org/ dropped
    assert keys["he2016deep"].doi == "10.1109/CVPR.2016.90"
    assert keys["goodfellow2016deep"].isbn == "9780262035613"
    assert keys["ruder2016overview"].arxiv == "1609.04747"
    assert keys["baydin2018automatic"].arxiv == "1502.05767"


def test_macros_months_and_entry_types(messy):
    keys = by_key(messy)
    assert keys["vaswani2017attention"].venue == "Advances in Neural Information Processing Systems"
    assert keys["devlin-etal-2019-bert"].month == 6
    assert keys["lecun2015deep"].month == 5
    assert keys["olah2015understanding"].kind is ReadingKind.ARTICLE  # @online
    assert keys["lecun1998efficient"].kind is ReadingKind.BOOK  # @incollection
    assert keys["goodfellow2016deep"].kind is ReadingKind.BOOK
    assert keys["goodfellow2016deep"].venue == "MIT Press"
    assert keys["ruder2016overview"].kind is ReadingKind.PAPER  # @misc
    unknown = keys["deng2009imagenet"]
    assert unknown.kind is ReadingKind.PAPER and unknown.entry_type == "inproceeding"
    problem = next(p for p in messy.problems if p.line == unknown.line)
    assert "unknown entry type @inproceeding" in str(problem)
    assert str(problem).startswith(f"line {unknown.line}: ")


def test_duplicates_in_one_file_are_merged_not_doubled(messy):
    plan = merge_readings([], messy.items)
    assert len(plan.new) == 14 and not plan.merges
    index = {r.bibtex_key: i for i, r in enumerate(messy.items)}
    groups = {n.reading.bibtex_key: n for n in plan.new}
    # Same title, other casing, no identifier: folded into the first, filling its URL.
    vaswani = groups["vaswani2017attention"]
    assert vaswani.incoming == (index["vaswani2017attention"], index["transformer_again"])
    assert vaswani.filled == {"url": "https://papers.nips.cc/paper/7181-attention-is-all-you-need"}
    # Same DOI written with a prefix and in lower case: the arXiv id joins the CVPR entry.
    resnet = groups["he2016deep"]
    assert resnet.incoming == (index["he2016deep"], index["resnet_arxiv"])
    assert resnet.reading.arxiv == "1512.03385" and resnet.reading.year == 2016
    assert resnet.reading.doi == "10.1109/CVPR.2016.90"
    # LeCun et al.'s review and Goodfellow et al.'s book share a title but not a work.
    assert "lecun2015deep" in groups and "goodfellow2016deep" in groups
    assert plan.summary == "14 new, 0 already in the library, 2 duplicates merged"


SHIPPED_READINGS = [
    Reading("vaswani2017-attention", ReadingKind.PAPER, "Attention Is All You Need",
            ("Ashish Vaswani", "Noam Shazeer"), 2017,
            "Advances in Neural Information Processing Systems 30 (NeurIPS 2017)", arxiv="1706.03762"),
    Reading("he2016-resnet", ReadingKind.PAPER, "Deep Residual Learning for Image Recognition",
            ("Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"), 2016,
            "IEEE Conference on Computer Vision and Pattern Recognition (CVPR 2016), 770-778",
            arxiv="1512.03385"),
    Reading("goodfellow2016-deep-learning", ReadingKind.BOOK, "Deep Learning",
            ("Ian Goodfellow", "Yoshua Bengio", "Aaron Courville"), 2016, "MIT Press",
            isbn="9780262035613", url="https://www.deeplearningbook.org/"),
    Reading("lecun2015-deep-learning", ReadingKind.ARTICLE, "Deep Learning",
            ("Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"), 2015, "Nature 521, 436-444",
            doi="10.1038/nature14539"),
]


def test_merging_into_a_library_fills_gaps_and_never_overwrites(messy):
    plan = merge_readings(SHIPPED_READINGS, messy.items)
    merges = {m.slug: m for m in plan.merges}
    assert set(merges) == set(r.slug for r in SHIPPED_READINGS)
    assert merges["vaswani2017-attention"].matched_by == "arxiv"
    assert merges["vaswani2017-attention"].filled == {
        "url": "https://papers.nips.cc/paper/7181-attention-is-all-you-need"}
    resnet = merges["he2016-resnet"]  # by title and first author, then by the arXiv id
    assert resnet.matched_by == "title" and len(resnet.incoming) == 2
    assert resnet.filled == {"doi": "10.1109/CVPR.2016.90",
                             "url": "https://arxiv.org/abs/1512.03385v1"}
    assert merges["goodfellow2016-deep-learning"].matched_by == "isbn"
    assert merges["goodfellow2016-deep-learning"].filled == {}  # it had everything the file has
    assert merges["lecun2015-deep-learning"].matched_by == "doi"
    assert all("venue" not in m.filled and "title" not in m.filled for m in plan.merges)
    assert len(plan.new) == 14 - 4
    assert merges["lecun2015-deep-learning"].existing == 3


def entry(title: str, **fields) -> ImportedReading:
    return ImportedReading(kind=fields.pop("kind", ReadingKind.PAPER), title=title, **fields)


def test_a_title_alone_does_not_merge_what_identifiers_or_authors_tell_apart():
    a = entry("Deep Learning", authors=("Yann LeCun",), doi="10.1038/nature14539")
    b = entry("deep learning", authors=("Ian Goodfellow",), year=2016)
    c = entry("Deep  Learning!", authors=("Yann LeCun",), doi="10.1000/other")
    d = entry("DEEP LEARNING", authors=("Y. LeCun",), year=2015)
    plan = merge_readings([], [a, b, c, d])
    assert [n.incoming for n in plan.new] == [(0, 3), (1,), (2,)]


def test_an_isbn_10_and_its_isbn_13_are_one_book():
    ten = entry("Learning with Kernels", kind=ReadingKind.BOOK, isbn="0-262-19475-9")
    thirteen = entry("Learning with kernels: SVMs", kind=ReadingKind.BOOK, isbn="9780262194754")
    assert normalise_isbn("0-262-19475-9") == "9780262194754"
    assert len(merge_readings([ten], [thirteen]).merges) == 1


@pytest.mark.parametrize(("given", "expected"), [
    ("1706.03762v5", "1706.03762"), ("arXiv:1706.03762", "1706.03762"),
    ("cs/0112017", "cs/0112017"), ("arXiv:cs/0112017v1", "cs/0112017"),
    ("https://arxiv.org/abs/1512.03385v1", "1512.03385"), ("cs.LG/0601001v2", "cs.lg/0601001"),
    ("arXiv preprint arXiv:1412.6980", "1412.6980"), ("1713.00001", None), ("", None),
])
def test_normalise_arxiv(given, expected):
    assert normalise_arxiv(given) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
    ("https://doi.org/10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
    ("http://dx.doi.org/10.1038/nature14539", "10.1038/nature14539"),
    ("doi:10.1007/3-540-49430-8\\_2", "10.1007/3-540-49430-8_2"),
    ("see the publisher", None),
])
def test_normalise_doi(given, expected):
    assert normalise_doi(given) == expected


def test_normalise_title_ignores_case_latex_accents_and_punctuation():
    assert normalise_title("{BERT}: Pre-training of Deep  Bidirectional\nTransformers") == \
        normalise_title("BERT — pre-training of deep bidirectional transformers")
    assert normalise_title('Sch{\\"o}lkopf') == normalise_title("Schölkopf") == "scholkopf"
    assert normalise_title("Stra{\\ss}e") == normalise_title("Straße") == "strasse"
    assert dedupe_keys(entry("A", doi="https://doi.org/10.1000/X", arxiv="1706.03762v2")) == {
        "doi": "10.1000/x", "arxiv": "1706.03762", "title": "a"}


# --- export ------------------------------------------------------------------------------------


def test_export_escapes_keeps_unicode_and_gives_stable_unique_keys():
    readings = [
        Reading("vaswani", ReadingKind.PAPER, "Attention Is All You Need", ("Ashish Vaswani",), 2017,
                "Advances in Neural Information Processing Systems 30 (NeurIPS 2017)",
                arxiv="1706.03762"),
        Reading("vaswani-again", ReadingKind.PAPER, "Attention is all you need", ("Ashish Vaswani",),
                2017, "arXiv preprint", arxiv="1706.03762"),
        Reading("scholkopf", ReadingKind.BOOK, "Learning with Kernels", ("Bernhard Schölkopf",),
                2002, "MIT Press", isbn="0262194759"),
        Reading("odd", ReadingKind.ARTICLE, "100% of R&D {is} #1 for C_1 {", ("Henry L. Roediger III",),
                2006, "Q&A", url="https://example.org/a_b%20c#x"),
    ]
    text = readings_to_bibtex(readings)
    assert "@inproceedings{vaswani2017attention," in text
    assert "@misc{vaswani2017attentionb," in text
    assert "@book{scholkopf2002learning," in text and "Bernhard Schölkopf" in text
    assert r"title = {100\% of {R\&D} \{is\} \#1 for C\_1 \textbraceleft{}}" in text
    assert "author = {Roediger, III, Henry L.}" in text
    assert "url = {https://example.org/a_b%20c#x}" in text
    assert text.count("{") == text.count("}")
    back = parse_bibtex(text)
    assert not back.problems
    odd = back.items[3]
    assert odd.title == "100% of R&D {is} #1 for C_1"  # a lone brace cannot survive BibTeX
    assert odd.authors == ("Henry L. Roediger III",) and odd.kind is ReadingKind.ARTICLE
    assert odd.url == "https://example.org/a_b%20c#x" and odd.venue == "Q&A"
    assert citation_key(readings[2]) == "scholkopf2002learning"


def test_export_keeps_a_citation_key_the_learner_already_uses(messy):
    text = readings_to_bibtex(messy.items)
    assert "@inproceedings{devlin-etal-2019-bert," in text
    assert r"title = {{BERT:} Pre-training" in text and "{BackProp}" in text
    assert "@article{kingma2014adam," in text and text.count("kingma2014adam") == 1


def test_messy_file_round_trips_through_export(messy):
    back = parse_bibtex(readings_to_bibtex(messy.items))
    assert not back.problems
    for before, after in zip(messy.items, back.items, strict=True):
        assert (after.title, after.authors, after.year, after.kind) == \
            (before.title, before.authors, before.year, before.kind)
        assert (after.arxiv, after.doi, after.isbn, after.url, after.month) == \
            (before.arxiv, before.doi, before.isbn, before.url, before.month)


def test_mathematics_in_a_title_survives_export():
    reading = entry("$\\alpha$-divergence for $k$ arms", authors=("Ada Lovelace",), year=1843)
    assert parse_bibtex(readings_to_bibtex([reading])).items[0].title == reading.title


# --- fuzzing -----------------------------------------------------------------------------------


@FUZZ
@given(st.text())
def test_arbitrary_text_never_crashes(text):
    assert_well_formed(parse_bibtex(text, "fuzz.bib"), text)


@FUZZ
@given(st.text(alphabet="@{}=,\"#%\\ \nabc0123title author year", max_size=300))
def test_bibtex_like_noise_never_crashes(text):
    assert_well_formed(parse_bibtex(text), text)


tricky = st.text(st.characters(codec="utf-8", categories=("Lu", "Ll", "Nd", "Zs", "Po", "Sm"),
                               include_characters='{}"\\$%&~#_@,=\n'), max_size=40)
bib_fields = st.lists(st.tuples(
    st.sampled_from(["title", "author", "editor", "year", "date", "month", "doi", "eprint",
                     "archiveprefix", "journal", "booktitle", "publisher", "url", "isbn",
                     "keywords", "note"]),
    tricky, st.sampled_from(["{%s}", '"%s"', "%s"])), max_size=8)
bib_entries = st.builds(
    lambda kind, key, fields: f"@{kind}{{{key},\n" + "".join(
        f"  {name} = {delimiter % value},\n" for name, value, delimiter in fields) + "}\n",
    st.sampled_from([*KINDS, "inproceeding", "string", "comment", "preamble", ""]),
    st.text("abc123-_:", max_size=6), bib_fields)


@FUZZ
@given(st.lists(bib_entries, max_size=6).map("\n".join))
def test_bibtex_shaped_random_entries_never_crash(text):
    result = parse_bibtex(text, "random.bib")
    assert_well_formed(result, text)
    assert len(result.items) + result.skipped <= text.count("@")


def mutations(text: str):
    """The text with random characters deleted or inserted, or its lines shuffled."""
    lines = text.splitlines(keepends=True)
    edit = st.tuples(st.integers(0, len(text)), st.integers(0, 40), st.text(max_size=5))
    deletes_and_inserts = st.lists(edit, max_size=8).map(lambda edits: _apply(text, edits))
    shuffled = st.permutations(lines).map("".join)
    dropped = st.lists(st.integers(0, len(lines) - 1), max_size=10).map(
        lambda drop: "".join(line for i, line in enumerate(lines) if i not in set(drop)))
    return st.one_of(deletes_and_inserts, shuffled, dropped)


def _apply(text: str, edits) -> str:
    for at, cut, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut:]
    return text


@settings(FUZZ, max_examples=150)  # each example parses the whole fixture
@given(mutations(MESSY))
def test_mutated_fixture_never_crashes(text):
    result = parse_bibtex(text, "messy.bib")
    assert_well_formed(result, text)
    assert len(result.items) <= text.count("@")


names = st.lists(st.text(st.characters(categories=("Lu", "Ll")), min_size=1, max_size=8),
                 min_size=1, max_size=3).map(" ".join)
title_text = st.text(st.characters(categories=("Lu", "Ll", "Nd"), include_characters=" &%#_.:,;()!?+=/*~\\"),
                     min_size=1, max_size=60).map(lambda t: " ".join(t.split())).filter(bool)
readings = st.builds(
    ImportedReading,
    kind=st.sampled_from(ReadingKind), title=title_text,
    authors=st.lists(names, max_size=4).map(tuple), year=st.none() | st.integers(1600, 2100),
    venue=st.just(""), arxiv=st.none() | st.from_regex(r"\A1[5-9](0[1-9]|1[0-2])\.\d{5}\Z"),
    doi=st.none() | st.from_regex(r"\A10\.\d{4,6}/[a-z0-9._-]{0,12}[a-z0-9]\Z"),
    isbn=st.none() | st.sampled_from(["9780262035613", "9780387310732", "0262194759"]),
    url=st.none() | st.from_regex(r"\Ahttps://example\.org/[a-z0-9_%#.-]{0,12}\Z"),
)


@FUZZ
@given(st.lists(readings, max_size=4))
def test_export_then_import_gives_back_the_same_readings(items):
    text = readings_to_bibtex(items)
    back = parse_bibtex(text)
    assert not back.problems, (text, back.problems)
    assert [(r.title, r.authors, r.year, r.kind) for r in back.items] == \
        [(r.title, r.authors, r.year, r.kind) for r in items]
    assert [(r.arxiv, r.doi, r.isbn, r.url) for r in back.items] == \
        [(r.arxiv, r.doi, r.isbn, r.url) for r in items]
    assert len({r.bibtex_key.casefold() for r in back.items}) == len(items)


# --- hostile files ---------------------------------------------------------------------------


def test_nul_and_control_characters_are_removed_from_titles_and_authors():
    text = "@article{nul,\n  title = {Atten\x00tion Is\x07 All You Need},\n" \
           "  author = {Vas\x00wani, Ashish and Shazeer,\x1b Noam},\n  year = {2017}\n}\n"
    result = parse_bibtex(text, "hostile.bib")
    (reading,) = result.items
    assert reading.title == "Attention Is All You Need"
    assert reading.authors == ("Ashish Vaswani", "Noam Shazeer")
    assert any("control characters" in p.message and p.line == 1 for p in result.problems)


def test_an_overlong_title_is_skipped_naming_the_entry_and_line():
    text = "@misc{ok, title = {Fine}}\n\n@misc{huge,\n  title = {" + "A" * 3_000_000 + "}\n}\n"
    result = parse_bibtex(text, "huge.bib")
    assert [r.title for r in result.items] == ["Fine"]
    assert result.skipped == 1
    (problem,) = result.problems
    assert problem.line == 3
    assert "entry 'huge': the 'title' field is 3,000,000 characters long (at most 2,000); skipped" \
        in problem.message


@pytest.mark.parametrize("field", ["978-0-262-03561-3 978-0-262-33737-3",
                                   "978-0-262-03561-3; 0262337371", "9780262035613, 9780262337373",
                                   "not-an-isbn 978-0-262-03561-3"])
def test_a_field_with_several_isbns_keeps_the_first_valid_one(field):
    result = parse_bibtex(f"@book{{dl, title = {{Deep Learning}}, isbn = {{{field}}}}}\n")
    (reading,) = result.items
    assert reading.isbn == "9780262035613"
    assert not result.problems
