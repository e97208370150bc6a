"""Conferences page: every series with its next deadline in the learner's time zone and a live
countdown; filters by field, rank, follows and text; a series' editions with all their deadlines;
following, an iCalendar export of the followed deadlines and importing a deadline file.

The countdowns tick on a 1 s timer that only rewrites text from what is already loaded (the
database is read again only on `refresh()`); the timer runs only while the page is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from planner.core.conferences import ConferenceImportResult, ConferenceView
from planner.core.models import Profile
from planner.services import Lodestar
from planner.services.progress import local_zone
from planner.ui.tasks import TaskManager
from planner.ui.widgets.conference_table import STAR, ConferenceTable
from planner.ui.widgets.deadlines import ConferenceDetail

RANKS = (("ccf", "CCF", ("A", "B", "C")), ("core", "CORE", ("A*", "A", "B", "C")))
PROBLEMS_SHOWN = 40


class ConferencesPage(QWidget):
    """All conference series for one learner. `follow_changed(slug, followed)` and
    `imported(result)` tell other pages (Today's deadlines) that something they show changed."""

    follow_changed = Signal(str, bool)
    imported = Signal(object)  # ConferenceImportResult

    def __init__(self, lodestar: Lodestar, profile: Profile, parent: QWidget | None = None,
                 tasks: TaskManager | None = None):
        super().__init__(parent)
        self.lodestar = lodestar
        self.profile = profile
        self.tasks = tasks or TaskManager(self)
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.views: dict[str, ConferenceView] = {}
        self.report_box: QMessageBox | None = None
        self.timer = QTimer(self, interval=1000)
        self.timer.timeout.connect(self.tick)
        self._widgets()
        self._build()
        self.refresh()

    def _widgets(self) -> None:
        self.heading = QLabel("Conferences", objectName="conferencesHeading")
        self.heading.setProperty("role", "title")
        self.field = QComboBox(objectName="fieldFilter", toolTip="Show one field")
        self.rank = QComboBox(objectName="rankFilter", toolTip="Show one CCF or CORE rank")
        self.rank.addItem("Any rank", None)
        for key, name, ranks in RANKS:
            for rank in ranks:
                self.rank.addItem(f"{name} {rank}", (key, rank))
        self.followed_only = QCheckBox("Followed only", objectName="followedOnly")
        self.text = QLineEdit(objectName="textFilter", clearButtonEnabled=True,
                              placeholderText="Filter by name…  (Ctrl+F)")
        for signal in (self.field.currentIndexChanged, self.rank.currentIndexChanged,
                       self.followed_only.toggled, self.text.textChanged):
            signal.connect(self.apply_filters)
        self.table = ConferenceTable()
        self.table.zone = local_zone()
        self.table.field_names = self.lodestar.conference_fields()
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.table.cellClicked.connect(self._clicked)
        self.detail = ConferenceDetail()
        self.detail.follow_clicked.connect(self.toggle_follow)
        self.import_button = QPushButton("Import deadlines file…", objectName="importButton")
        self.import_button.setToolTip("Add conferences from a ccfddl or aideadlin.es YAML file "
                                      "(Ctrl+O)")
        self.import_button.clicked.connect(self.choose_import)
        self.export_button = QPushButton("Export followed (.ics)…", objectName="exportButton")
        self.export_button.setToolTip("Save the deadlines of the conferences you follow as a "
                                      "calendar file, with alarms a week and a day before (Ctrl+E)")
        self.export_button.clicked.connect(self.choose_export)
        self.status = QLabel(objectName="conferenceStatus", wordWrap=True)
        for text, shortcut, slot in (("Find", "Ctrl+F", self._find),
                                     ("Follow or unfollow", "Ctrl+D", self.toggle_follow),
                                     ("Export followed deadlines", "Ctrl+E", self.choose_export),
                                     ("Import deadlines file", "Ctrl+O", self.choose_import)):
            action = QAction(text, self, shortcut=QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, s=slot: s())
            self.addAction(action)

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)
        filters = QHBoxLayout()
        filters.addWidget(self.field)
        filters.addWidget(self.rank)
        filters.addWidget(self.followed_only)
        filters.addWidget(self.text, 1)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([770, 430])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

    # --- showing ------------------------------------------------------------------------------

    @property
    def zone(self) -> tzinfo | None:
        """The time zone deadlines are shown in: the system's (tests set another)."""
        return self.table.zone

    @zone.setter
    def zone(self, zone: tzinfo | None) -> None:
        self.table.zone = zone

    def set_profile(self, profile: Profile) -> None:
        self.profile = profile
        self.refresh()

    def refresh(self) -> None:
        """Read the conferences again (after a sync, an import or a profile switch)."""
        selected = self.table.selected_slug()
        self.views = {v.slug: v for v in self.lodestar.conference_list(self.profile.id)}
        self._fill_fields()
        self.table.show_views(self.views, self.clock())
        self.apply_filters()
        self.select(selected or self.table.first_visible())

    def _fill_fields(self) -> None:
        chosen = self.field.currentData()
        counts: dict[str, int] = {}
        for view in self.views.values():
            counts[view.series.field] = counts.get(view.series.field, 0) + 1
        self.field.blockSignals(True)
        self.field.clear()
        self.field.addItem("All fields", None)
        for code, name in self.lodestar.conference_fields().items():
            self.field.addItem(f"{name} ({counts.get(code, 0)})", code)
        self.field.setCurrentIndex(max(0, self.field.findData(chosen)))
        self.field.blockSignals(False)

    def tick(self) -> None:
        """Rewrite the countdowns (only their text, and only those that changed)."""
        now = self.clock()
        self.table.tick(now)
        self.detail.tick(now)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.views:  # light ↔ dark
            self.table.recolour(self.clock())
            self._show_selected()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.tick()  # time passed while the page was hidden
        self.timer.start()

    def hideEvent(self, event) -> None:
        self.timer.stop()
        super().hideEvent(event)

    # --- filtering and choosing ---------------------------------------------------------------

    def apply_filters(self) -> None:
        field, rank = self.field.currentData(), self.rank.currentData()
        words = self.text.text().casefold().split()
        shown = 0
        for slug in self.table.slugs():
            view = self.views[slug]
            s = view.series
            haystack = f"{s.title} {s.slug} {s.description}".casefold()
            visible = ((field is None or s.field == field)
                       and (rank is None or getattr(s, f"{rank[0]}_rank") == rank[1])
                       and (view.followed or not self.followed_only.isChecked())
                       and all(word in haystack for word in words))
            self.table.setRowHidden(self.table.row_of(slug), not visible)
            shown += visible
        self._say_status(shown)
        chosen = self.table.row_of(self.selected_slug() or "")
        if chosen is None or self.table.isRowHidden(chosen):
            self.select(self.table.first_visible())

    def _say_status(self, shown: int) -> None:
        followed = sum(v.followed for v in self.views.values())
        zone = self.clock().astimezone(self.zone)
        offset = zone.strftime("%z")
        taken = self.lodestar.conference_data_date()
        fresh = (f" · shipped deadlines as of {taken:%d %b %Y}; Import… brings fresher ones"
                 if taken else "")
        self.status.setText(
            f"{shown} of {len(self.views)} conferences shown · {followed} followed · times in "
            f"your time zone ({zone.tzname()}, UTC{offset[:3]}:{offset[3:]}){fresh}")

    def selected_slug(self) -> str | None:
        return self.table.selected_slug()

    def show_conference(self, slug: str) -> None:
        """Select a conference, clearing the filters that hide it (a search result)."""
        row = self.table.row_of(slug)
        if row is not None and self.table.isRowHidden(row):
            for box in (self.field, self.rank):
                box.setCurrentIndex(0)
            self.followed_only.setChecked(False)
            self.text.clear()
        self.select(slug)

    def select(self, slug: str | None) -> None:
        self.table.select(slug)
        if self.table.selected_slug() is None:  # no selection change signal when none was
            self._show_selected()

    # --- following ----------------------------------------------------------------------------

    def _clicked(self, row: int, column: int) -> None:
        if column == STAR:
            self.toggle_follow()

    def toggle_follow(self) -> None:
        """Follow the chosen conference, or stop following it."""
        slug = self.selected_slug()
        view = self.views.get(slug or "")
        if view is None:
            return
        on = not view.followed
        self.lodestar.follow_conference(self.profile.id, view.slug, on)
        self.views[view.slug] = ConferenceView(view.series, on, view.imported,
                                               view.imported_editions)
        self.table.set_followed(self.views[view.slug])
        self.detail.set_followed(on)
        self.apply_filters()
        self.follow_changed.emit(view.slug, on)

    def _find(self) -> None:
        self.text.setFocus()
        self.text.selectAll()

    def _show_selected(self) -> None:
        view = self.views.get(self.selected_slug() or "")
        if view is None:
            self.detail.show_nothing(
                "Choose a conference to see its editions and deadlines." if self.views else
                "There are no conferences yet: import a deadlines file, or reload the content.")
            return
        name = self.lodestar.conference_fields().get(view.series.field, view.series.field)
        self.detail.show_series(view, name, self.clock(), self.zone)

    # --- importing and exporting ----------------------------------------------------------------

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import conference deadlines", str(Path.home()),
            "Deadline files (*.yml *.yaml);;All files (*)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Import `path` on the database thread; then refresh and show what was imported and
        what was skipped, line by line."""
        self.import_button.setEnabled(False)
        self.status.setText(f"Importing {path.name}…")
        self.tasks.run(lambda: self.lodestar.import_conferences(path),
                       on_done=self._imported, on_error=self._failed("import"))

    def _imported(self, result: ConferenceImportResult) -> None:
        self.import_button.setEnabled(True)
        self.refresh()
        lines = [str(p) for p in result.problems[:PROBLEMS_SHOWN]]
        if len(result.problems) > PROBLEMS_SHOWN:
            lines.append(f"… and {len(result.problems) - PROBLEMS_SHOWN} more")
        text = f"{result.source}: {result.summary}."
        if result.new_series:
            text += f"\n\nNew conferences: {', '.join(self._titles(result.new_series))}."
        if result.kept:
            text += ("\n\nEditions the shipped data already has keep the shipped deadlines.")
        self._report("Import finished" if result.imported else "Nothing imported", text,
                     "\n".join(lines), warn=not result.imported)
        self.imported.emit(result)

    def _titles(self, slugs: tuple[str, ...]) -> list[str]:
        return [self.views[s].title if s in self.views else s for s in slugs]

    def choose_export(self) -> None:
        if not any(v.followed for v in self.views.values()):
            self._report("Nothing to export", "Follow a conference first (select it and press "
                         "Follow, or Ctrl+D): the export holds the deadlines of those you follow.")
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export followed deadlines", str(Path.home() / "conference-deadlines.ics"),
            "iCalendar (*.ics)")
        if path:
            self.export_file(Path(path))

    def export_file(self, path: Path) -> None:
        """Write the followed deadlines to `path` on the database thread."""
        self.export_button.setEnabled(False)
        profile_id, now = self.profile.id, self.clock()
        self.tasks.run(lambda: self.lodestar.export_deadlines_ics(profile_id, path, now),
                       on_done=lambda n: self._exported(path, n), on_error=self._failed("export"))

    def _exported(self, path: Path, events: int) -> None:
        self.export_button.setEnabled(True)
        if events:
            self.status.setText(f"Wrote {events} deadline{'s' if events != 1 else ''} to {path}, "
                                "each with alarms a week and a day before.")
        else:
            self.status.setText(f"Wrote {path}: the conferences you follow have no announced "
                                "deadline ahead yet, so it holds no events.")

    def _failed(self, what: str) -> Callable[[BaseException], None]:
        def show(error: BaseException) -> None:
            self.import_button.setEnabled(True)
            self.export_button.setEnabled(True)
            self.status.setText(f"The {what} failed.")
            self._report(f"The {what} failed", str(error), warn=True)
        return show

    def _report(self, title: str, text: str, details: str = "", warn: bool = False) -> None:
        """A message that does not block (tests read `report_box`)."""
        box = QMessageBox(QMessageBox.Icon.Warning if warn else QMessageBox.Icon.Information,
                          title, text, parent=self)
        box.setObjectName("conferenceReport")
        if details:
            box.setDetailedText(details)
        self.report_box = box
        box.open()
