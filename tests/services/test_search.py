"""Search over topics, lessons, readings and conferences (SQLite FTS5), ranked, as you type."""

from __future__ import annotations

from planner.services import Lodestar


def kinds_and_slugs(hits):
    return [(h.kind, h.slug) for h in hits]


def test_topic_title_match_comes_first(synced):
    hits = synced.search("back-propagation")
    assert hits[0].kind == "topic" and hits[0].slug == "backpropagation"


def test_last_word_matches_as_a_prefix_while_typing(synced):
    assert ("topic", "variational-autoencoders") in kinds_and_slugs(synced.search("variational auto"))
    assert ("topic", "variational-autoencoders") in kinds_and_slugs(synced.search("variati"))


def test_lesson_text_is_searched_not_only_titles(synced):
    hits = synced.search("reparameterisation trick")
    assert ("topic", "variational-autoencoders") in kinds_and_slugs(hits)
    assert "[" in hits[0].snippet  # the matched words are marked


def test_readings_and_conferences_are_found(synced):
    reading = next(h for h in synced.search("vaswani") if h.slug == "vaswani2017-attention")
    assert reading.kind == "reading" and reading.topic  # a lesson that cites it, to open
    assert ("conference", "neurips") in kinds_and_slugs(synced.search("neurips"))


def test_case_and_odd_input(synced):
    assert synced.search("NORMALISATION") == synced.search("normalisation") != []
    for query in ["", "   ", '"', "*", "AND OR NOT", "(", "ünïcödé", "a" * 500]:
        synced.search(query)  # never raises on what a user can type


def test_index_follows_a_content_sync(lodestar, pack):
    lodestar.sync_content(pack.root)
    assert kinds_and_slugs(lodestar.search("gamma")) == [("topic", "gamma")]
    pack.edit("topics/advanced/gamma.md", "title: Gamma", "title: Omega")
    lodestar.sync_content(pack.root)
    assert [h.title for h in lodestar.search("gamma")] == ["Omega"]  # its lesson still says Gamma
    assert kinds_and_slugs(lodestar.search("omega")) == [("topic", "gamma")]


def test_upgraded_database_rebuilds_the_index(location, pack):
    with Lodestar.open(location) as first:
        first.sync_content(pack.root)
        assert first.search("alpha")
    with Lodestar.open(location) as again:
        assert again.search("alpha")


def test_own_readings_are_found_as_they_are_added_edited_and_deleted(synced, tmp_path):
    own = synced.add_reading("Quokka networks for marsupial vision", authors=["Ada Lovelace"],
                             year=2031, venue="Imaginary Workshop")
    assert [(h.kind, h.slug, h.topic) for h in synced.search("quokka")] == [("reading", own.slug, None)]
    assert own.slug in [h.slug for h in synced.search("lovelace 2031")]  # authors, year, venue
    synced.update_reading(own.slug, title="Wombat networks for marsupial vision")
    assert synced.search("quokka") == [] and synced.search("wombat")[0].slug == own.slug
    synced.delete_reading(own.slug)
    assert synced.search("wombat") == []
    bib = tmp_path / "mine.bib"
    bib.write_text("@article{k1, title={Platypus embeddings}, author={Grace Hopper}, year={2030}}\n",
                   encoding="utf-8")
    synced.import_bibtex(bib)
    assert [h.title for h in synced.search("platypus")] == ["Platypus embeddings"]
    synced.sync_content(force=True)  # a content sync rebuilds the index and keeps them
    assert [h.title for h in synced.search("platypus")] == ["Platypus embeddings"]
