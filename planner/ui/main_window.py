"""The main window: sidebar navigation over the pages, menus, and the status bar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from planner.core.errors import ContentError, LodestarError, PlanError
from planner.core.models import LabRun, Profile, SearchHit, SyncReport, TopicStatus
from planner.services import Lodestar
from planner.ui import dialogs, theme
from planner.ui.links import open_folder
from planner.ui.navigation import build_page
from planner.ui.profiles import ProfileControl
from planner.ui.tasks import TaskManager
from planner.ui.widgets.search import SearchPopup

if TYPE_CHECKING:
    from planner.ui.pages.labs import LabsPage


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    shortcut: str


# The sidebar's order; Ctrl+1 … Ctrl+9 follow it, so a page's shortcut is its place in the list.
SIDEBAR = [
    PageSpec(key, title, f"Ctrl+{number}") for number, (key, title) in enumerate([
        ("today", "Today"), ("review", "Review"), ("plan", "Study plan"), ("curriculum", "Curriculum"),
        ("labs", "Labs"), ("readings", "Reading list"), ("conferences", "Conferences"),
        ("careers", "Careers"), ("progress", "Progress")], start=1)
]


class MainWindow(QMainWindow):
    content_synced = Signal(object)  # SyncReport

    def __init__(self, lodestar: Lodestar, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.lodestar = lodestar
        self.settings = settings
        self.tasks = TaskManager(self)
        self.profiles = ProfileControl(lodestar, settings, self)
        self.profiles.changed.connect(self.set_profile)
        # The stored plan was made from the old hours, days, dates, roles or skills.
        self.profiles.edited.connect(lambda _profile: self.replan("profile edited"))
        self.setWindowTitle("Lodestar")
        self.setObjectName("mainWindow")
        self.pages: dict[str, QWidget] = {}
        self._search: SearchPopup | None = None
        self._setup_offered = False
        self._build()
        self._menus()
        self._restore()

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.sidebar = QListWidget(objectName="sidebar")
        self.sidebar.setFixedWidth(180)
        self.stack = QStackedWidget()
        # Pages are built the first time they are shown, so start-up pays for one page only.
        for spec in SIDEBAR:
            self.stack.addWidget(QWidget())
            item = QListWidgetItem(spec.title, self.sidebar)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(f"{spec.title}  ({spec.shortcut})")
        self.sidebar.currentRowChanged.connect(self._on_page_row)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        left = QVBoxLayout()
        left.setContentsMargins(6, 6, 0, 0)
        self.profiles.switcher.setFixedWidth(174)
        left.addWidget(self.profiles.switcher)
        left.addWidget(self.sidebar, 1)
        layout.addLayout(left)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.busy = QProgressBar(maximumWidth=160, maximum=0, textVisible=False)
        self.busy.hide()
        self.statusBar().addPermanentWidget(self.busy)

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        backup = QAction("&Back up database…", self, shortcut=QKeySequence("Ctrl+Shift+B"))
        backup.triggered.connect(self.back_up)
        backup.setEnabled(self.lodestar.database_file is not None)
        file_menu.addAction(backup)
        export = QAction("&Export my data (JSON)…", self)
        export.setToolTip("Everything you entered, to restore with `python -m planner import backup`")
        export.triggered.connect(self.export_data)
        file_menu.addAction(export)
        reload_ = QAction("&Reload content", self, shortcut=QKeySequence("F5"))
        reload_.setToolTip("Re-read the content pack and apply any changes")
        reload_.triggered.connect(lambda: self.sync_content(force=True))
        file_menu.addAction(reload_)
        file_menu.addSeparator()
        quit_ = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_.triggered.connect(self.close)
        file_menu.addAction(quit_)

        go_menu = self.menuBar().addMenu("&Go")
        search = QAction("&Search…", self, shortcut=QKeySequence("Ctrl+K"))
        search.setToolTip("Search lessons, readings and conferences")
        search.triggered.connect(self.open_search)
        go_menu.addAction(search)
        self.addAction(search)
        go_menu.addSeparator()
        for spec in SIDEBAR:
            action = QAction(spec.title, self, shortcut=QKeySequence(spec.shortcut))
            action.triggered.connect(lambda _=False, key=spec.key: self.show_page(key))
            go_menu.addAction(action)
            self.addAction(action)

        self.profiles.add_menu(self.menuBar().addMenu("&Profile"))
        self._theme_menu(self.menuBar().addMenu("&View").addMenu("&Theme"))

        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Lodestar", self)
        about.triggered.connect(lambda: dialogs.show_about(self, self.lodestar))
        help_menu.addAction(about)
        folder = QAction("Open &data folder", self)
        folder.triggered.connect(lambda: open_folder(self.lodestar.location.data_dir, self))
        help_menu.addAction(folder)

    def _theme_menu(self, menu) -> None:
        """System, Light or Dark; the choice is kept in the settings and applies at once."""
        group = QActionGroup(self)  # exclusive: one theme at a time
        current = self.settings.value("appearance/theme", theme.SYSTEM)
        for choice, label in theme.CHOICES.items():
            action = QAction(label, self, checkable=True, checked=choice == current)
            action.setObjectName(f"theme-{choice}")
            action.triggered.connect(lambda _=False, choice=choice: self.set_theme(choice))
            group.addAction(action)
            menu.addAction(action)

    def set_theme(self, choice: str) -> None:
        """Switch the palette (System follows the desktop's light or dark scheme)."""
        self.settings.setValue("appearance/theme", choice)
        theme.apply(QApplication.instance(), choice)

    def _on_page_row(self, row: int) -> None:
        if row < 0:
            return
        self.page(self.sidebar.item(row).data(Qt.ItemDataRole.UserRole))
        self.stack.setCurrentIndex(row)

    def page(self, key: str) -> QWidget:
        """The page for `key`, built on first use."""
        if key not in self.pages:
            row = next(r for r in range(self.sidebar.count())
                       if self.sidebar.item(r).data(Qt.ItemDataRole.UserRole) == key)
            page = build_page(self, key)
            page.setObjectName(f"page-{key}")
            placeholder = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.pages[key] = page
        return self.pages[key]

    def show_page(self, key: str) -> None:
        for row in range(self.sidebar.count()):
            if self.sidebar.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.sidebar.setCurrentRow(row)
                return

    def current_page(self) -> str:
        item = self.sidebar.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else ""

    @property
    def profile(self) -> Profile:
        return self.profiles.current








    def offer_setup(self) -> None:
        """First run: once the content is in, open the profile wizard if there is no role yet."""
        if not self._setup_offered and self.lodestar.roles():
            self._setup_offered = True
            self.profiles.offer_setup()

    def set_profile(self, profile: Profile) -> None:
        """Show `profile`'s plan and progress on every page built so far."""
        for page in self.pages.values():
            if hasattr(page, "set_profile"):
                page.set_profile(profile)
            elif hasattr(page, "profile_id"):
                page.profile_id = profile.id
                page.refresh()
        self.statusBar().showMessage(f"Profile: {profile.name}", 5000)

    def mark_topic(self, slug: str, status: TopicStatus) -> None:
        """Set a topic's state for the current profile (from the Today page) and show it."""
        self.lodestar.set_topic_state(self.profile.id, slug, status)
        self.topic_states_changed(f"{slug} marked {status.label.lower()}", "today")

    def topic_states_changed(self, reason: str, source: str = "") -> None:
        """Topic states were set on page `source` (Today, Curriculum, Study plan, Labs): re-plan
        and show the new states on the other pages built so far, at once.

        The Study plan re-plans itself when it is the source; a re-plan refreshes Today (through
        the plan page's `plan_changed`, or directly when that page is not built)."""
        if source != "plan":
            self.replan(reason)
        for key in ("curriculum", "progress"):
            page = self.pages.get(key)
            if page is not None and key != source:
                getattr(page, "refresh_states", page.refresh)()

    def replan(self, reason: str) -> None:
        """Re-plan from today after progress changed; the Study plan page shows what moved."""
        plan = self.pages.get("plan")
        if plan is not None:
            plan.replan_now(reason)  # refreshes Today through plan_changed
            return
        if self.profile.target_role:
            try:
                self.lodestar.replan(self.profile.id, reason)
            except PlanError as exc:
                self.statusBar().showMessage(f"No plan can be made: {exc}", 8000)
        self.refresh_page("today")

    def refresh_page(self, key: str) -> None:
        page = self.pages.get(key)
        if page is not None:
            page.refresh()


    def lessons_started(self, slugs: list[str]) -> None:
        """The learner accepted the Labs page's offer to start a lab's lessons."""
        self.statusBar().showMessage(f"{len(slugs)} lessons marked in progress.", 8000)
        self.topic_states_changed(f"started {len(slugs)} lessons of a lab", "labs")

    def lab_completed(self, run: LabRun) -> None:
        """A run completed its lab for the profile (the first to): re-plan without it."""
        self.statusBar().showMessage(f"Lab {run.lab} completed.", 8000)
        self.replan(f"lab {run.lab} completed")

    def open_lab(self, slug: str) -> LabsPage:
        """Go to the Labs page with `slug` selected (a lesson's lab button)."""
        self.show_page("labs")
        page = self.page("labs")
        page.select_lab(slug)
        return page

    def open_topic(self, slug: str) -> None:
        self.show_page("curriculum")
        self.page("curriculum").show_topic(slug)

    # --- search -------------------------------------------------------------------------------

    def open_search(self) -> SearchPopup:
        if self._search is None:
            self._search = SearchPopup(self.lodestar, self)
            self._search.chosen.connect(self.open_hit)
        self._search.open_over(self)
        return self._search

    def open_hit(self, hit: SearchHit) -> None:
        """Go to what a search result names."""
        if hit.kind == "topic" or (hit.kind == "reading" and hit.topic):
            self.show_page("curriculum")
            self.page("curriculum").show_topic(hit.topic if hit.kind == "reading" else hit.slug)
            if hit.kind == "reading":
                self.statusBar().showMessage(f"“{hit.title}” is a reading of this lesson.", 8000)
        elif hit.kind == "reading":  # one of the learner's own, or cited by no lesson
            self.show_page("readings")
            self.page("readings").show_reading(hit.slug)
        elif hit.kind == "conference":
            self.show_page("conferences")
            self.page("conferences").show_conference(hit.slug)

    # --- work ---------------------------------------------------------------------------------

    def sync_content(self, force: bool = False) -> None:
        """Apply the content pack in the background; pages refresh when it is done."""
        self._busy("Loading content…")
        self.tasks.run(lambda: self.lodestar.sync_content(force=force), self._synced,
                       self._sync_failed)

    def _synced(self, report: SyncReport) -> None:
        self._idle()
        if report.changed:
            for page in self.pages.values():  # pages not built yet will read fresh data anyway
                page.refresh()
        self.statusBar().showMessage(f"Content: {report}.", 8000)
        self.content_synced.emit(report)

    def _sync_failed(self, error: BaseException) -> None:
        self._idle()
        if isinstance(error, ContentError):
            box = QMessageBox(QMessageBox.Icon.Warning, "Content problems",
                              "The content pack has problems, so it was not loaded. Lodestar "
                              "keeps showing the content it had.", parent=self)
            box.setDetailedText("\n".join(str(p) for p in error.problems))
            box.setObjectName("contentProblems")
            box.open()
        else:
            QMessageBox.critical(self, "Content", f"Loading content failed: {error}")
        self.content_synced.emit(error)

    def back_up(self) -> None:
        default = Path.home() / f"lodestar-backup-{datetime.now():%Y-%m-%d}.sqlite3"
        target, _ = QFileDialog.getSaveFileName(self, "Back up database", str(default),
                                                "SQLite database (*.sqlite3);;All files (*)")
        if target:
            self.back_up_to(Path(target))

    def export_data(self) -> None:
        default = Path.home() / f"lodestar-data-{datetime.now():%Y-%m-%d}.json"
        target, _ = QFileDialog.getSaveFileName(self, "Export my data", str(default),
                                                "JSON (*.json);;All files (*)")
        if target:
            self.back_up_to(Path(target), as_json=True)

    def back_up_to(self, target: Path, as_json: bool = False) -> None:
        """Copy the database (or, `as_json`, export the learner's data) on the database thread."""
        self._busy("Backing up…")

        def done(result) -> None:
            self._idle()
            self.statusBar().showMessage(f"Backed up to {target}" if as_json
                                         else f"Backed up to {result}", 10000)

        def failed(error: BaseException) -> None:
            self._idle()
            message = str(error) if isinstance(error, LodestarError | OSError) else repr(error)
            QMessageBox.critical(self, "Backup failed", f"The backup was not made: {message}")

        work = (lambda: self.lodestar.export_backup(target)) if as_json else (
            lambda: self.lodestar.backup(target))
        self.tasks.run(work, done, failed)

    def _busy(self, text: str) -> None:
        self.statusBar().showMessage(text)
        self.busy.show()

    def _idle(self) -> None:
        if self.tasks.pending == 0:
            self.busy.hide()
        self.statusBar().clearMessage()

    # --- window state -------------------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        self.show_page(str(self.settings.value("window/page", "today")))
        if self.sidebar.currentRow() < 0:
            self.sidebar.setCurrentRow(0)

    def closeEvent(self, event: QCloseEvent) -> None:
        labs = self.pages.get("labs")
        if labs is not None and labs.running:
            answer = QMessageBox.question(
                self, "A lab is running", "Stop the running lab (its checkpoint is saved) and quit?")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        if labs is not None:
            labs.stop_and_wait()  # also waits for the workers of runs that have just ended
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/page", self.current_page())
        self.settings.sync()
        self.tasks.shutdown()
        super().closeEvent(event)
