"""Ctrl+K search: results as you type, keyboard navigation, and opening what was found."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_ctrl_k_searches_as_you_type_and_enter_opens_the_lesson(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    popup = window._search
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClicks(popup.box, "reparameteri")
    assert popup.results.count() >= 1
    titles = [popup.results.item(i).data(Qt.ItemDataRole.UserRole).title
              for i in range(popup.results.count())]
    assert "Variational auto-encoders" in titles
    while popup.results.currentItem().data(Qt.ItemDataRole.UserRole).title != "Variational auto-encoders":
        qtbot.keyClick(popup.box, Qt.Key.Key_Down)
    qtbot.keyClick(popup.box, Qt.Key.Key_Return)
    assert not popup.isVisible()
    page = window.page("curriculum")
    assert window.current_page() == "curriculum"
    qtbot.waitUntil(lambda: page.current is not None and page.current.slug == "variational-autoencoders")


def test_reading_opens_a_lesson_that_cites_it(qtbot, window):
    popup = window.open_search()
    hits = popup.run_query("Attention Is All You Need")
    reading = next(h for h in hits if h.kind == "reading")
    window.open_hit(reading)
    page = window.page("curriculum")
    assert reading.slug in page.lodestar.topic(reading.topic).readings
    assert page.current.slug == reading.topic


def test_conference_opens_on_the_conferences_page_even_when_filtered_out(qtbot, window):
    window.show_page("conferences")
    conferences = window.page("conferences")
    conferences.text.setText("no such conference")
    popup = window.open_search()
    hit = next(h for h in popup.run_query("neurips") if h.kind == "conference")
    window.open_hit(hit)
    assert window.current_page() == "conferences"
    assert conferences.selected_slug() == hit.slug and conferences.text.text() == ""
    assert not conferences.table.isRowHidden(conferences.table.row_of(hit.slug))


def test_no_matches_says_so(qtbot, window):
    popup = window.open_search()
    assert popup.run_query("zzqxj") == []
    assert popup.results.item(0).text() == "No matches"


def test_own_reading_opens_in_the_reading_list_even_when_filtered_out(qtbot, window):
    own = window.lodestar.add_reading("Quokka networks", authors=["Ada Lovelace"], year=2031)
    window.show_page("readings")
    readings = window.page("readings")
    readings.refresh()
    readings.filter.setText("no such reading")
    hit = next(h for h in window.open_search().run_query("quokka") if h.slug == own.slug)
    window.open_hit(hit)
    assert window.current_page() == "readings"
    assert readings.current_entry().slug == own.slug and readings.filter.text() == ""
