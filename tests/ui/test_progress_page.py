"""The Progress page, driven offscreen as a learner would: the timer, logging and deleting time,
the heatmap and charts, and the report."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox

from planner.ui import theme
from planner.ui.pages.progress import LogTimeDialog, ProgressPage
from planner.ui.widgets.heatmap import DARK_SHADES, LIGHT_SHADES, day_text


@pytest.fixture
def ada(synced):
    return synced.create_profile("Ada", target_role="engineer", hours_per_week=6,
                                 start_date=date.today() - timedelta(days=120))


@pytest.fixture
def page(qtbot, synced, ada):
    def make():
        made = ProgressPage(synced, synced.profile(ada.id))
        qtbot.addWidget(made)
        made.resize(1200, 800)
        made.show()
        return made
    return make


def test_logged_time_shows_in_the_streak_heatmap_totals_and_list(synced, ada, page):
    topic = synced.topics()[0]
    yesterday = datetime.now(UTC) - timedelta(days=1)
    synced.log_study(ada.id, 45, topic=topic.slug, started=yesterday, note="proofs")
    synced.log_study(ada.id, 30)
    view = page()
    assert "2-day streak" in view.streak.text()
    assert len(view.heatmap.days) == 365
    today = view.heatmap.days[-1]
    assert today.minutes == 30 and day_text(today).endswith("· 30 min")
    centre = view.heatmap.cell_rect(today.day).center()
    assert view.heatmap.day_at(centre) == today
    assert view.totals[("all", "Hours studied")].text() == "1.2"
    assert view.sessions.topLevelItemCount() == 2
    first = view.sessions.topLevelItem(1)
    assert (first.text(1), first.text(2), first.text(3)) == (topic.title, "45 min", "proofs")
    assert len(view.weekly.weeks) == 13 and view.weekly.weeks[-1].planned > 0
    assert "this week" in view.today_text.text()
    assert all(line.name in view.skill_legend.text().replace("&nbsp;", " ")
               for line in view.overview.lines)


def test_the_timer_runs_across_a_new_page_and_records_on_stop(qtbot, synced, ada, page):
    view = page()
    topic = synced.topics()[2]
    view.topic.setCurrentIndex(view.topic.findData(topic.slug))
    qtbot.mouseClick(view.start_stop, Qt.MouseButton.LeftButton)
    assert view.start_stop.text() == "Stop" and not view.topic.isEnabled()
    assert view.elapsed.text().startswith("<b>0:00:0")
    reopened = page()  # as after a restart: the timer is in the database
    assert reopened.timer is not None and reopened.topic.currentData() == topic.slug
    synced.discard_timer(ada.id)
    synced.start_timer(ada.id, topic.slug, now=datetime.now(UTC) - timedelta(minutes=25))
    reopened.refresh()
    with qtbot.waitSignal(reopened.progress_changed):
        qtbot.mouseClick(reopened.start_stop, Qt.MouseButton.LeftButton)
    assert reopened.start_stop.text() == "Start" and reopened.topic.isEnabled()
    assert reopened.sessions.topLevelItemCount() == 1
    assert reopened.sessions.topLevelItem(0).text(2) == "25 min"


def test_a_timer_left_running_overnight_can_be_discarded(synced, ada, page, monkeypatch):
    synced.start_timer(ada.id, now=datetime.now(UTC) - timedelta(hours=14))
    view = page()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: asked.append(args[2])
                        or QMessageBox.StandardButton.Discard)
    view.start_or_stop()
    assert "14 h" in asked[0]
    assert synced.running_timer(ada.id) is None and synced.study_sessions(ada.id) == []
    assert view.start_stop.text() == "Start"


def test_the_log_time_dialog_names_what_is_wrong_and_saves(qtbot, synced, ada):
    topics = synced.topic_titles()
    dialog = LogTimeDialog(synced, synced.profile(ada.id), topics)
    qtbot.addWidget(dialog)
    assert dialog.day.maximumDate() == QDate(date.today())  # no days in the future
    dialog.minutes.setValue(0)
    dialog.accept()
    assert dialog.error.isVisibleTo(dialog) and "more than 0 minutes" in dialog.error.text()
    assert dialog.saved is None and synced.study_sessions(ada.id) == []
    slug = next(iter(topics))
    dialog.topic.setCurrentIndex(dialog.topic.findData(slug))
    dialog.day.setDate(QDate(date.today()).addDays(-3))
    dialog.minutes.setValue(50)
    dialog.note.setText("exercises")
    dialog.accept()
    saved = dialog.saved
    assert saved is not None and (saved.topic, saved.minutes, saved.note) == (slug, 50, "exercises")
    assert saved.started.astimezone().date() == date.today() - timedelta(days=3)


def test_deleting_a_session_asks_first(synced, ada, page, monkeypatch):
    synced.log_study(ada.id, 20)
    view = page()
    view.sessions.setCurrentItem(view.sessions.topLevelItem(0))
    assert view.delete.isEnabled()
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: next(answers))
    assert not view.delete_selected()
    assert len(synced.study_sessions(ada.id)) == 1
    assert view.delete_selected()
    assert synced.study_sessions(ada.id) == [] and view.sessions.topLevelItemCount() == 0
    assert "Study today to start a streak" in view.streak.text()


def test_double_clicking_a_session_opens_its_topic(qtbot, synced, ada, page):
    slug = synced.topics()[1].slug
    synced.log_study(ada.id, 15, topic=slug)
    view = page()
    with qtbot.waitSignal(view.open_topic) as opened:
        view.sessions.itemDoubleClicked.emit(view.sessions.topLevelItem(0), 0)
    assert opened.args == [slug]


def test_export_report_as_pdf_and_markdown(synced, ada, page, tmp_path):
    synced.log_study(ada.id, 90)
    view = page()
    pdf = view.export_report(tmp_path / "report.pdf", "month")
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")
    markdown = view.export_report(tmp_path / "report.md", "all")
    assert "| Hours studied | 1.5 |" in markdown.read_text(encoding="utf-8")


def test_the_page_follows_a_dark_palette(synced, ada, page, monkeypatch):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    view = page()
    assert view.heatmap.shades()[0].name() == LIGHT_SHADES[0]
    monkeypatch.setenv("LODESTAR_THEME", "dark")  # as the app does when the system scheme changes
    theme.apply(app)
    try:
        QApplication.processEvents()
        assert view.heatmap.shades()[0].name() == DARK_SHADES[0]
        assert DARK_SHADES[0] in view.swatches[0].styleSheet()  # the legend follows too
    finally:
        monkeypatch.setenv("LODESTAR_THEME", "light")
        theme.apply(app)


def test_switching_profile_shows_the_other_learner(synced, ada, page):
    synced.log_study(ada.id, 30)
    view = page()
    grace = synced.create_profile("Grace")
    view.set_profile(grace)
    assert view.heading.text() == "Progress · Grace"
    assert view.sessions.topLevelItemCount() == 0 and view.overview.all_time.hours == 0


def test_write_pdf_works_headless_in_a_process_without_qt(tmp_path):
    """The command line prints a report without a window or a display."""
    import os
    import subprocess
    import sys

    target = tmp_path / "report.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY",
                                                               "WAYLAND_DISPLAY")}
    code = ("import sys; from pathlib import Path; from planner.ui.report import write_pdf; "
            "write_pdf('<h1>Progress</h1><p>1.5 hours</p>', Path(sys.argv[1]))")
    subprocess.run([sys.executable, "-c", code, str(target)], env=env, check=True, timeout=60)
    assert target.read_bytes().startswith(b"%PDF") and target.stat().st_size > 1000
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]  # no partial file left
