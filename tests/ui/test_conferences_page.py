"""The Conferences page, driven offscreen: filters, following, live countdowns on a patched clock,
past editions greyed, importing a deadline file off the GUI thread and exporting followed
deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from planner.ui.pages.conferences import ConferencesPage
from planner.ui.widgets.conference_table import LEFT, NEXT, STAR, TITLE

DATA = Path(__file__).parents[1] / "services" / "data"
CCFDDL = DATA / "my_conferences_ccfddl.yml"
AIDEADLINES = DATA / "my_conferences_aideadlines.yml"
NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def page_clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def page(qtbot, synced, page_clock):
    synced.import_conferences(CCFDDL)  # AutoML Conf, NeurIPS 2027 and TinyML, all the learner's
    page = ConferencesPage(synced, synced.default_profile())
    qtbot.addWidget(page)
    page.clock, page.zone = page_clock, UTC
    page.resize(1200, 800)
    page.refresh()
    yield page
    page.tasks.shutdown()


def shown(page) -> list[str]:
    table = page.table
    return [s for s in table.slugs() if not table.isRowHidden(table.row_of(s))]


def cell(page, slug: str, column: int) -> str:
    return page.table.item(page.table.row_of(slug), column).text()


def edition(page, title: str):
    tree = page.detail.tree
    return next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).text(0).startswith(title))


def test_filters_by_field_rank_follows_and_text(page, synced):
    everything = shown(page)
    assert {"neurips", "automl-conf", "sigkdd"} <= set(everything)
    page.field.setCurrentIndex(page.field.findData("DB"))
    assert page.field.currentText().startswith("Databases, data mining")
    assert "sigkdd" in shown(page)
    assert {page.views[s].series.field for s in shown(page)} == {"DB"}
    page.field.setCurrentIndex(0)
    page.rank.setCurrentIndex(page.rank.findText("CORE A*"))
    assert "neurips" in shown(page) and "automl-conf" not in shown(page)
    assert {page.views[s].series.core_rank for s in shown(page)} == {"A*"}
    page.rank.setCurrentIndex(0)
    page.text.setText("processing systems")  # matches the description too
    assert shown(page) == ["neurips"]
    assert page.status.text().startswith(f"1 of {len(everything)} conferences shown")
    assert page.selected_slug() == "neurips"  # the only one left is chosen
    page.text.clear()
    synced.follow_conference(page.profile.id, "iclr")
    page.refresh()
    page.followed_only.setChecked(True)
    assert shown(page) == ["iclr"]
    page.followed_only.setChecked(False)
    assert shown(page) == everything


def test_follow_with_the_button_the_star_and_the_shortcut(qtbot, page, synced):
    with qtbot.waitActive(page):  # shortcuts need an active window
        page.show()
        page.activateWindow()
    page.select("neurips")
    with qtbot.waitSignal(page.follow_changed) as followed:
        qtbot.mouseClick(page.detail.follow, Qt.MouseButton.LeftButton)
    assert followed.args == ["neurips", True]
    assert synced.followed(page.profile.id) == {"neurips"}
    assert cell(page, "neurips", STAR) == "★" and page.detail.follow.text() == "Unfollow"
    star = page.table.item(page.table.row_of("neurips"), STAR)
    with qtbot.waitSignal(page.follow_changed) as unfollowed:
        qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton,
                         pos=page.table.visualItemRect(star).center())
    assert unfollowed.args == ["neurips", False]
    assert synced.followed(page.profile.id) == set() and cell(page, "neurips", STAR) == ""
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert synced.followed(page.profile.id) == {"neurips"}
    other = synced.create_profile("Bo")
    page.set_profile(other)  # follows belong to a profile
    assert cell(page, "neurips", STAR) == "" and page.detail.follow.text() == "Follow"


def test_countdowns_tick_with_the_clock_and_move_on_when_a_deadline_passes(qtbot, page, page_clock):
    # AutoML Conf 2027: abstract 26 Feb, paper 5 Mar, both 23:59:59 AoE; 2028 not announced.
    page.select("automl-conf")
    assert cell(page, "automl-conf", NEXT) == "abstract · Sat 27 Feb 2027 11:59"
    assert cell(page, "automl-conf", LEFT) == "47 d 23 h 59 min"
    abstract = edition(page, "AutoML Conf 2027").child(0)
    assert (abstract.text(1), abstract.text(2)) == ("Sat 27 Feb 2027 11:59 UTC", "47 d 23 h 59 min")
    page_clock.now += timedelta(minutes=1, seconds=1)
    page.timer.timeout.emit()
    assert cell(page, "automl-conf", LEFT) == "47 d 23 h 58 min"
    assert abstract.text(2) == "47 d 23 h 58 min"
    page_clock.now = datetime(2027, 2, 27, 11, 30, tzinfo=UTC)
    page.tick()
    assert cell(page, "automl-conf", LEFT) == "29 min 59 s"  # seconds in the last hour
    page_clock.now = datetime(2027, 2, 27, 12, 0, tzinfo=UTC)
    page.tick()
    assert cell(page, "automl-conf", NEXT) == "paper · Sat 06 Mar 2027 11:59"
    assert cell(page, "automl-conf", LEFT) == "6 d 23 h 59 min"
    assert abstract.text(2) == "passed"
    page_clock.now = datetime(2027, 3, 7, tzinfo=UTC)
    page.tick()
    assert cell(page, "automl-conf", NEXT) == "not announced"  # only 2028's TBA is left
    assert edition(page, "AutoML Conf 2028").child(0).text(1) == "not announced"


def test_the_timer_runs_only_while_the_page_is_shown(qtbot, page, page_clock):
    assert not page.timer.isActive()
    page.show()
    qtbot.waitExposed(page)
    assert page.timer.isActive() and 1000 <= page.timer.interval() <= 30_000
    before = cell(page, "automl-conf", LEFT)
    page_clock.now += timedelta(hours=1)
    qtbot.waitUntil(lambda: cell(page, "automl-conf", LEFT) != before, timeout=3000)
    assert cell(page, "automl-conf", LEFT) == "47 d 22 h 59 min"
    page.hide()
    assert not page.timer.isActive()


def test_past_editions_and_series_with_nothing_due_are_greyed(page, page_clock):
    grey = page.palette().color(QPalette.ColorRole.PlaceholderText)
    text = page.palette().color(QPalette.ColorRole.Text)
    page.select("neurips")
    assert edition(page, "NeurIPS 2025").foreground(0).color() == grey
    assert edition(page, "NeurIPS 2027").foreground(0).color() != grey
    row = page.table.row_of("neurips")
    assert page.table.item(row, TITLE).foreground().color() == text
    page_clock.now = datetime(2027, 6, 1, tzinfo=UTC)  # NeurIPS 2027's deadlines are over
    page.refresh()
    row = page.table.row_of("neurips")
    # Nothing announced ahead: the row shows, in italics, what past editions suggest.
    assert cell(page, "neurips", NEXT).startswith("expected") and "2028" in cell(page, "neurips", NEXT)
    assert page.table.item(row, NEXT).font().italic()
    assert edition(page, "NeurIPS 2027").foreground(0).color() == grey
    estimate = page.detail.tree.topLevelItem(0)
    assert estimate.text(0).startswith("NeurIPS 2028 · paper deadline expected")
    assert "estimate" in estimate.text(0) and estimate.font(0).italic()
    assert "Import" in page.status.text() and "20 Aug 2026" in page.status.text()


def test_import_runs_off_the_gui_thread_and_reports_skipped_lines(qtbot, page):
    rows = page.table.rowCount()
    with qtbot.waitSignal(page.imported, timeout=10_000) as done:
        page.import_file(AIDEADLINES)
        assert not page.import_button.isEnabled()  # busy until the result is back
    result = done.args[0]
    assert page.import_button.isEnabled()
    assert result.summary in page.report_box.text()
    assert "New conferences: L4DC, CoLLAs, ECML PKDD, SaTML" in page.report_box.text()
    bad = next(i for i, line in enumerate(AIDEADLINES.read_text().splitlines(), 1)
               if "April 5th" in line)
    assert f"line {bad}: ECML PKDD 2027: 'deadline' 'April 5th'" in page.report_box.detailedText()
    assert page.table.rowCount() == rows + 4
    assert cell(page, "l4dc", NEXT) == "not announced"
    assert page.table.item(page.table.row_of("collas"), TITLE).font().italic()  # the learner's own


def test_an_unreadable_file_is_reported_and_changes_nothing(qtbot, page, tmp_path):
    rows = page.table.rowCount()
    page.import_file(tmp_path / "missing.yml")
    qtbot.waitUntil(lambda: page.report_box is not None, timeout=10_000)
    assert page.report_box.windowTitle() == "The import failed"
    assert "missing.yml" in page.report_box.text()
    assert page.table.rowCount() == rows and page.import_button.isEnabled()


def test_export_writes_the_followed_deadlines(qtbot, page, synced, tmp_path):
    page.choose_export()  # nothing followed: says so instead of asking for a file
    assert page.report_box.windowTitle() == "Nothing to export"
    for slug in ("automl-conf", "neurips"):
        synced.follow_conference(page.profile.id, slug)
    page.refresh()
    target = tmp_path / "deadlines.ics"
    page.export_file(target)
    qtbot.waitUntil(lambda: page.export_button.isEnabled(), timeout=10_000)
    assert page.status.text().startswith(f"Wrote 4 deadlines to {target}")
    calendar = Calendar.from_ical(target.read_bytes())
    assert sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT")) == [
        "AutoML Conf 2027 abstract deadline", "AutoML Conf 2027 paper deadline",
        "NeurIPS 2027 abstract deadline", "NeurIPS 2027 paper deadline"]
