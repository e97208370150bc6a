"""The main window as a learner uses it: pages, shortcuts, lessons, roles, backup, state."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox

from planner.core.models import TopicStatus
from planner.services import Lodestar, resolve
from planner.ui import dialogs, theme
from planner.ui.main_window import SIDEBAR, MainWindow


def test_every_page_opens_and_torch_stays_out(qtbot, window):
    # In-process lab tests may have loaded torch already; then this only checks the pages open
    # (tests/cli/test_lab_cli.py checks the app's imports in a fresh interpreter).
    torch_before = "torch" in sys.modules
    shown = []
    for row in range(window.sidebar.count()):
        window.sidebar.setCurrentRow(row)
        page = window.stack.currentWidget()
        assert page.isVisible()
        shown.append(window.current_page())
    assert shown == ["today", "review", "plan", "curriculum", "labs", "readings", "conferences",
                     "careers", "progress"]
    assert torch_before or "torch" not in sys.modules


def test_the_sidebar_lists_every_page_in_order(window):
    titles = [window.sidebar.item(r).text() for r in range(window.sidebar.count())]
    assert titles == ["Today", "Review", "Study plan", "Curriculum", "Labs", "Reading list",
                      "Conferences", "Careers", "Progress"]
    assert titles == [s.title for s in SIDEBAR]


def test_lesson_shows_text_links_and_readings(window):
    page = window.page("curriculum")
    page.show_topic("backpropagation")
    assert page.title.text() == "Back-propagation"
    html = page.lesson.toHtml()
    text = page.lesson.toPlainText()
    assert "Before this:" in text and "Further reading" in text
    assert "topic:calculus-optimisation" in html
    assert "Rumelhart" in text
    assert "$$" not in text  # formulas are marked up, not left as raw dollars


def test_link_opens_the_prerequisite(window):
    from PySide6.QtCore import QUrl

    page = window.page("curriculum")
    page.show_topic("backpropagation")
    page.lesson.anchorClicked.emit(QUrl("topic:loss-functions"))
    assert page.current.slug == "loss-functions"
    assert page.tree.currentItem().data(0, Qt.ItemDataRole.UserRole) == "loss-functions"


def test_status_change_is_saved(window, synced):
    page = window.page("curriculum")
    page.show_topic("linear-algebra")
    index = page.status.findData(TopicStatus.DONE.value)
    page.status.setCurrentIndex(index)
    page.status.activated.emit(index)
    profile = synced.default_profile()
    assert synced.topic_states(profile.id)["linear-algebra"] is TopicStatus.DONE
    assert page.tree.currentItem().text(2) == "✔"


def test_filter_hides_other_topics(window):
    page = window.page("curriculum")
    page.filter.setText("back-prop")
    shown = [i for i in page._topic_items() if not i.isHidden()]
    assert "Back-propagation" in [i.text(0) for i in shown]
    assert all("back-prop" in (i.text(0) + i.toolTip(0)).lower() for i in shown)
    assert len(shown) < len(list(page._topic_items())) / 4
    page.filter.clear()
    assert all(not i.isHidden() for i in page._topic_items())


def test_careers_page_shows_roles_and_targets(window):
    window.show_page("careers")
    page = window.page("careers")
    assert page.roles.count() == 6
    page.roles.setCurrentRow(5)
    text = page.detail.toPlainText()
    assert "A day in the role" in text and "Skills it asks for" in text and "Advice" in text


def test_about_names_versions_and_paths(window, synced):
    html = dialogs.about_html(synced)
    assert str(synced.location.data_dir) in html
    assert "Qt" in html and "SQLite" in html and "Lodestar" in html


def test_back_up_database(qtbot, window, tmp_path):
    target = tmp_path / "backup" / "copy.sqlite3"
    window.back_up_to(target)
    qtbot.waitUntil(lambda: target.exists() and window.tasks.pending == 0, timeout=10000)
    assert "Backed up to" in window.statusBar().currentMessage()
    with Lodestar.open(resolve(f"sqlite:///{target}", tmp_path / "o"), lock=False) as copy:
        assert copy.content_counts().roles == 6


def test_export_my_data_as_json(qtbot, window, tmp_path):
    import json

    target = tmp_path / "mine.json"
    window.back_up_to(target, as_json=True)
    qtbot.waitUntil(lambda: target.exists() and window.tasks.pending == 0, timeout=10000)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert "profiles" in json.dumps(data)
    assert "Backed up to" in window.statusBar().currentMessage()


def test_geometry_and_page_are_remembered(qtbot, synced, settings):
    first = MainWindow(synced, settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(760, 560)
    first.show_page("careers")
    first.close()
    second = MainWindow(synced, settings)
    qtbot.addWidget(second)
    second.show()
    assert second.current_page() == "careers"
    assert (second.width(), second.height()) == (760, 560)
    second.close()


def test_background_sync_fills_an_empty_database(qtbot, lodestar, pack, settings):
    lodestar.resources = pack.root
    win = MainWindow(lodestar, settings)
    qtbot.addWidget(win)
    page = win.page("curriculum")
    assert page.title.text() == "No topics yet"
    with qtbot.waitSignal(win.content_synced, timeout=20000):
        win.sync_content()
    assert [i.data(0, Qt.ItemDataRole.UserRole) for i in page._topic_items()] == [
        "alpha", "beta", "gamma"]
    win.close()


def test_invalid_content_is_reported_and_nothing_lost(qtbot, synced, pack, settings):
    pack.edit("topics/basics/beta.md", "prerequisites: [alpha]", "prerequisites: [ghost]")
    synced.resources = pack.root
    before = synced.content_counts()
    win = MainWindow(synced, settings)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.content_synced, timeout=20000):
        win.sync_content()
    box = win.findChild(QMessageBox, "contentProblems")
    assert box is not None and "ghost" in box.detailedText()
    assert "beta.md:8" in box.detailedText()
    assert synced.content_counts() == before
    box.close()
    win.close()


def test_dark_palette_follows_the_scheme(qtbot, window, monkeypatch):
    app = QApplication.instance()
    monkeypatch.setenv("LODESTAR_THEME", "dark")
    theme.apply(app)
    try:
        assert theme.is_dark(app.palette())
        page = window.page("curriculum")
        page.show_topic("linear-algebra")
        assert page.lesson.toPlainText()
        careers = window.page("careers")
        careers.roles.setCurrentRow(0)
        assert "#5b8def" in careers.role_html(careers._roles["researcher"])  # dark bar colour
        monkeypatch.setenv("LODESTAR_THEME", "light")
        theme.apply(app)
        QApplication.processEvents()
        assert "#3b6fd8" in careers.detail.toHtml().lower()  # re-rendered for the light palette
    finally:
        monkeypatch.setenv("LODESTAR_THEME", "light")
        theme.apply(app)
    assert not theme.is_dark(app.palette())


def test_view_theme_menu_switches_and_remembers_the_palette(qtbot, window, settings, monkeypatch):
    app = QApplication.instance()
    monkeypatch.delenv("LODESTAR_THEME")  # the learner's choice, not the tests' override
    dark = window.findChild(QAction, "theme-dark")
    assert dark is not None and window.findChild(QAction, "theme-system").isChecked()
    try:
        dark.trigger()
        assert theme.is_dark(app.palette()) and dark.isChecked()
        assert settings.value("appearance/theme") == "dark"
        window.findChild(QAction, "theme-light").trigger()
        assert not theme.is_dark(app.palette())
        assert settings.value("appearance/theme") == "light"
    finally:
        theme.apply(app, theme.SYSTEM)
        monkeypatch.setenv("LODESTAR_THEME", "light")
        theme.apply(app)


def test_each_pages_shortcut_is_its_place_in_the_sidebar(qtbot, window):
    window.activateWindow()
    for number in range(1, 10):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier)
        assert window.sidebar.currentRow() == number - 1
    assert window.current_page() == "progress"


def test_careers_opens_on_the_learners_role(qtbot, synced, settings):
    synced.create_profile("Ada", target_role="product-manager")
    win = MainWindow(synced, settings)
    qtbot.addWidget(win)
    win.show_page("careers")
    page = win.page("careers")
    assert page.roles.currentItem().data(Qt.ItemDataRole.UserRole) == "product-manager"
    win.tasks.shutdown()
