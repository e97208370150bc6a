"""The Reading list page, driven offscreen as a learner would: filter, sort, edit the state of a
reading, import and export BibTeX in the background, add and delete readings of one's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from planner.content.bibtex import parse_bibtex
from planner.core.models import ReadingKind
from planner.core.readings import ReadingStatus
from planner.ui.pages.reading_table import COLUMNS, OWN
from planner.ui.pages.readings import ReadingsPage

MESSY = Path(__file__).parents[1] / "content" / "data" / "messy.bib"


@pytest.fixture
def page(qtbot, synced):
    profile = synced.create_profile("Ada")
    shown = ReadingsPage(synced, profile)
    qtbot.addWidget(shown)
    shown.resize(1200, 800)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.tasks.shutdown()


def shown_entries(page):
    return page.proxy.entries()


def click_header(qtbot, page, column: int) -> None:
    header = page.table.horizontalHeader()
    page.table.scrollTo(page.proxy.index(0, column))
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_typing_and_choosing_filters_narrow_the_list(qtbot, page):
    everything = len(shown_entries(page))
    assert everything == len(page.lodestar.readings())
    qtbot.keyClicks(page.filter, "vaswani ALL you NEED")
    titles = [e.reading.title for e in shown_entries(page)]
    assert titles == ["Attention Is All You Need"]
    assert "1 shown" in page.counts.text()
    page.filter.clear()
    page.lodestar.set_reading_state(page.profile.id, "he2016-resnet", status="read")
    page.refresh()
    page.status_filter.setCurrentIndex(page.status_filter.findData(ReadingStatus.READ))
    assert [e.slug for e in shown_entries(page)] == ["he2016-resnet"]
    page.status_filter.setCurrentIndex(0)
    page.kind_filter.setCurrentIndex(page.kind_filter.findData(ReadingKind.BOOK))
    books = shown_entries(page)
    assert books and len(books) < everything
    assert all(e.reading.kind is ReadingKind.BOOK for e in books)
    page.lodestar.add_reading("A paper of my own", year=2024)
    page.refresh()
    page.kind_filter.setCurrentIndex(page.kind_filter.findData(OWN))
    assert [e.reading.title for e in shown_entries(page)] == ["A paper of my own"]


def test_clicking_a_header_sorts_by_that_column(qtbot, page):
    click_header(qtbot, page, COLUMNS.index("Title"))
    titles = [e.reading.title.casefold() for e in shown_entries(page)]
    assert titles == sorted(titles)
    click_header(qtbot, page, COLUMNS.index("Title"))
    assert [e.reading.title.casefold() for e in shown_entries(page)] == sorted(titles, reverse=True)
    page.lodestar.set_reading_state(page.profile.id, "he2016-resnet", rating=2)
    page.lodestar.set_reading_state(page.profile.id, "vaswani2017-attention", rating=5)
    page.refresh()
    click_header(qtbot, page, COLUMNS.index("Rating"))
    ratings = [e.rating or 0 for e in shown_entries(page)]
    assert ratings == sorted(ratings) or ratings == sorted(ratings, reverse=True)
    assert {ratings[0], ratings[-1]} == {0, 5}
    click_header(qtbot, page, COLUMNS.index("Year"))
    years = [e.reading.year for e in shown_entries(page)]
    assert years == sorted(years) or years == sorted(years, reverse=True)


def test_the_panel_saves_status_stars_tags_and_notes(qtbot, page):
    assert page.select("vaswani2017-attention")
    detail = page.detail
    assert "arxiv.org/abs/1706.03762" in detail.link.text()
    page.set_status(ReadingStatus.READ)
    detail.stars.buttons[3].click()  # the fourth star
    detail.tags.setText("transformers, classic")
    detail.tags.editingFinished.emit()
    qtbot.keyClicks(detail.notes, "Read section 3 twice.")
    qtbot.waitUntil(lambda: page.lodestar.reading_entry(page.profile.id, "vaswani2017-attention")
                    .notes == "Read section 3 twice.", timeout=3000)  # saved after a pause
    saved = page.lodestar.reading_entry(page.profile.id, "vaswani2017-attention")
    assert (saved.status, saved.rating, saved.tags) == (ReadingStatus.READ, 4,
                                                        ("transformers", "classic"))
    assert saved.finished_at is not None and "First finished" in detail.finished.text()
    row = page.proxy.mapFromSource(page.model.index(page.model.row_of(saved.slug), 0)).row()
    cells = [page.proxy.index(row, c).data() for c in range(len(COLUMNS))]
    assert cells[COLUMNS.index("Status")] == "read"
    assert cells[COLUMNS.index("Rating")] == "★★★★☆"
    assert cells[COLUMNS.index("Tags")] == "transformers, classic"


def test_notes_typed_are_kept_when_moving_to_another_reading_at_once(qtbot, page):
    page.select("vaswani2017-attention")
    qtbot.keyClicks(page.detail.notes, "Half a thought")
    page.select("he2016-resnet")  # before the pause has passed
    assert page.lodestar.reading_entry(page.profile.id, "vaswani2017-attention").notes == \
        "Half a thought"
    assert page.detail.notes.toPlainText() == ""


def test_switching_profile_keeps_notes_with_the_profile_that_typed_them(qtbot, page):
    ada = page.profile
    grace = page.lodestar.create_profile("Grace")
    page.select("vaswani2017-attention")
    qtbot.keyClicks(page.detail.notes, "Ada's thought")
    page.set_profile(grace)
    assert page.lodestar.reading_entry(ada.id, "vaswani2017-attention").notes == "Ada's thought"
    assert page.current_entry().slug == "vaswani2017-attention"  # still selected
    assert page.current_entry().notes == "" and page.detail.notes.toPlainText() == ""


def test_a_linked_topic_asks_for_its_lesson(qtbot, page):
    page.select("vaswani2017-attention")
    entry = page.current_entry()
    assert entry.topics and 'href="' in page.detail.topics.text()
    with qtbot.waitSignal(page.open_topic) as opened:
        page.detail.topics.linkActivated.emit(entry.topics[0])
    assert opened.args == [entry.topics[0]]


def test_import_runs_in_the_background_and_lists_skipped_lines(qtbot, page):
    with qtbot.waitSignal(page.imported, timeout=10000) as done:
        assert page.import_bibtex(MESSY)
        assert page.busy.isVisible() and not page.buttons["import"].isEnabled()
    result = done.args[0]
    assert len(result.added) == 3 and result.skipped == 4
    assert not page.busy.isVisible() and page.buttons["import"].isEnabled()
    report = page.report
    assert report is not None and report.isVisible()
    problems = [report.problems.item(i).text() for i in range(report.problems.count())]
    assert any(p.startswith("line 52: ") and "comma is missing" in p for p in problems)
    assert len(problems) == 5
    assert {"scholkopf2002-learning", "olah2015-understanding", "deng2009-imagenet"} <= {
        e.slug for e in page.model.entries if e.own}
    assert "3 added" in page.message.text()
    report.close()


def test_a_file_that_cannot_be_read_is_named_and_nothing_changes(qtbot, page, tmp_path):
    before = len(page.model.entries)
    latin = tmp_path / "latin1.bib"
    latin.write_bytes("@book{k, title={Sch\u00f6lkopf}}".encode("latin-1"))
    assert page.import_bibtex(latin)
    qtbot.waitUntil(lambda: "not UTF-8" in page.message.text(), timeout=10000)
    assert str(latin) in page.message.text()
    assert len(page.model.entries) == before and page.buttons["import"].isEnabled()


def test_export_writes_the_selected_or_the_shown_readings(qtbot, page, tmp_path):
    page.select("vaswani2017-attention")
    page.lodestar.set_reading_state(page.profile.id, "vaswani2017-attention", tags=["classic"])
    with qtbot.waitSignal(page.exported, timeout=10000) as done:
        assert page.export_bibtex(tmp_path / "one.bib", "selected")
    assert done.args == [str(tmp_path / "one.bib"), 1]
    (only,) = parse_bibtex((tmp_path / "one.bib").read_text(encoding="utf-8")).items
    assert (only.title, only.arxiv, only.tags) == ("Attention Is All You Need", "1706.03762",
                                                   ("classic",))
    qtbot.keyClicks(page.filter, "learning")
    shown = len(shown_entries(page))
    with qtbot.waitSignal(page.exported, timeout=10000) as done:
        assert page.export_bibtex(tmp_path / "shown.bib", "shown")
    assert done.args[1] == shown
    assert len(parse_bibtex((tmp_path / "shown.bib").read_text(encoding="utf-8")).items) == shown


def test_own_readings_are_added_through_the_form_and_deleted_after_asking(qtbot, page,
                                                                          monkeypatch):
    dialog = page.add_reading()
    dialog.title.setText("Effective Approaches to Attention-based Neural Machine Translation")
    dialog.authors.setText("Minh-Thang Luong; Hieu Pham; Christopher D. Manning")
    dialog.year.setValue(2015)
    dialog.doi.setText("not a doi")
    dialog.accept()
    assert dialog.isVisible() and "not a valid DOI" in dialog.error.text()
    dialog.doi.setText("10.18653/v1/D15-1166")
    dialog.topic_filter.setText("translation")
    visible = [dialog.topics.item(i) for i in range(dialog.topics.count())
               if not dialog.topics.item(i).isHidden()]
    assert visible and all("translation" in item.text().lower() for item in visible)
    mt = next(i for i in visible if i.data(Qt.ItemDataRole.UserRole) == "machine-translation")
    mt.setCheckState(Qt.CheckState.Checked)
    dialog.accept()
    assert not dialog.isVisible()
    entry = page.current_entry()
    assert entry.own and entry.slug == "luong2015-effective"
    assert entry.reading.authors[2] == "Christopher D. Manning"
    assert entry.topics == ("machine-translation",)
    assert page.buttons["delete"].isEnabled()
    asked = []

    def answer(button):
        def question(*args, **kwargs):
            asked.append(args[2])
            return button
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert asked and "Effective Approaches" in asked[0]
    assert page.model.row_of("luong2015-effective") is not None  # kept
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.model.row_of("luong2015-effective") is None
    assert "luong2015-effective" not in {e.slug for e in page.lodestar.reading_list(page.profile.id)}


def test_shipped_readings_cannot_be_deleted(qtbot, page, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked"))
    page.select("vaswani2017-attention")
    assert not page.buttons["delete"].isEnabled()
    assert page.delete_selected() == 0
    assert "Only readings you added" in page.message.text()
    assert page.model.row_of("vaswani2017-attention") is not None
