"""Reading list page: every shipped reading and the learner's own, filtered and sorted in a table,
the selected one's state edited beside it, BibTeX in and out.

Imports and exports run on the database thread (`TaskManager`); the page shows a busy state
meanwhile and the result when it returns.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.core.errors import LodestarError
from planner.core.models import Profile, ReadingKind
from planner.core.readings import ReadingEntry, ReadingImport, ReadingStatus
from planner.core.text import plural
from planner.services import Lodestar
from planner.ui.pages.reading_detail import ReadingDetail
from planner.ui.pages.reading_dialogs import ImportReportDialog, ReadingDialog
from planner.ui.pages.reading_table import ENTRY_ROLE, OWN, ReadingFilter, ReadingTableModel
from planner.ui.tasks import TaskManager

# Column widths in pixels; the topics take what is left, or a scroll bar appears.
WIDTHS = {0: 250, 1: 105, 2: 46, 3: 120, 4: 58, 5: 84, 6: 70, 7: 100, 8: 160}
EXPORTS = (("all", "All readings…"), ("shown", "Readings shown…"), ("selected", "Selected readings…"))
BIBTEX_FILTER = "BibTeX (*.bib *.bibtex);;All files (*)"


class ReadingsPage(QWidget):
    """The reading list of `profile`. `open_topic(slug)` asks the window for a lesson;
    `imported(ReadingImport)` and `exported(path, count)` say that background work finished."""

    open_topic = Signal(str)
    imported = Signal(object)
    exported = Signal(str, int)

    def __init__(self, lodestar: Lodestar, profile: Profile, parent: QWidget | None = None,
                 tasks: TaskManager | None = None):
        super().__init__(parent)
        self.lodestar, self.profile = lodestar, profile
        self.tasks = tasks or TaskManager(self)
        self.topics = []
        self.report: ImportReportDialog | None = None  # the last import's report, while open
        self.model = ReadingTableModel(self)
        self.proxy = ReadingFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(objectName="readingTable")
        self.detail = ReadingDetail()
        self.filter = QLineEdit(objectName="readingFilter", clearButtonEnabled=True,
                                placeholderText="Filter by title, author, venue, tag or year  (Ctrl+F)")
        self.status_filter = QComboBox(objectName="statusFilter")
        self.kind_filter = QComboBox(objectName="kindFilter")
        self.counts = QLabel(objectName="readingCounts")
        self.counts.setProperty("role", "subtitle")
        self.message = QLabel(objectName="readingMessage", wordWrap=True)
        self.busy = QProgressBar(objectName="readingBusy", maximum=0, textVisible=False)
        self.busy.setFixedWidth(120)
        self.busy.hide()
        self._busy = False
        self.buttons: dict[str, QPushButton] = {}
        self._build()
        self._connect()
        self.refresh()

    # --- building -------------------------------------------------------------------------

    def _build(self) -> None:
        heading = QLabel("Reading list")
        heading.setProperty("role", "title")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addWidget(self.counts, 1, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.busy)
        for key, text, tip, slot in (
                ("import", "Import BibTeX…", "Add the readings of a .bib file (Ctrl+I)",
                 lambda: self.import_bibtex()),
                ("add", "Add reading…", "Add a paper, book or article of your own",
                 self.add_reading),
                ("delete", "Delete", "Delete the selected readings of your own (Delete)",
                 lambda: self.delete_selected())):
            button = QPushButton(text, toolTip=tip, objectName=f"{key}Reading")
            button.clicked.connect(lambda _=False, s=slot: s())
            self.buttons[key] = button
        export = QPushButton("Export BibTeX", objectName="exportReadings",
                             toolTip="Write readings to a .bib file (Ctrl+E)")
        menu = QMenu(export)
        for which, text in EXPORTS:
            menu.addAction(text, lambda w=which: self.export_bibtex(which=w))
        export.setMenu(menu)
        self.buttons["export"] = export
        for key in ("import", "export", "add", "delete"):
            top.addWidget(self.buttons[key])
        filters = QHBoxLayout()
        filters.addWidget(self.filter, 1)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.kind_filter)
        self._build_table()
        scroll = QScrollArea(widgetResizable=True, frameShape=QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.detail)
        split = QSplitter(Qt.Orientation.Horizontal, childrenCollapsible=False)
        split.addWidget(self.table)
        split.addWidget(scroll)
        split.setStretchFactor(0, 1)
        split.setSizes([880, 300])
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)

    def _build_table(self) -> None:
        self.status_filter.addItem("Any status", None)
        for status in ReadingStatus:
            self.status_filter.addItem(status.label.capitalize(), status)
        self.kind_filter.addItem("Any kind", None)
        for kind in ReadingKind:
            self.kind_filter.addItem(kind.value.capitalize() + "s", kind)
        self.kind_filter.addItem("Your own", OWN)
        table = self.table
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setMinimumSectionSize(40)
        header.setStretchLastSection(True)
        for column, width in WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            table.setColumnWidth(column, width)

    def _connect(self) -> None:
        self.filter.textChanged.connect(self._filter_changed)
        self.status_filter.currentIndexChanged.connect(
            lambda: self._filter_changed(set_status=self.status_filter.currentData()))
        self.kind_filter.currentIndexChanged.connect(
            lambda: self._filter_changed(set_kind=self.kind_filter.currentData()))
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.detail.changed.connect(self._save_state)
        self.detail.open_topic.connect(self.open_topic.emit)
        self.detail.edit.connect(self.edit_reading)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in ((QKeySequence.StandardKey.Find, self._focus_filter),
                           (QKeySequence("Ctrl+I"), lambda: self.import_bibtex()),
                           (QKeySequence("Ctrl+E"), self.buttons["export"].showMenu)):
            QShortcut(keys, self, activated=slot, context=context)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=lambda: self.delete_selected(),
                  context=Qt.ShortcutContext.WidgetShortcut)

    # --- showing ----------------------------------------------------------------------------

    def set_profile(self, profile: Profile) -> None:
        self.detail.flush()  # notes typed belong to the profile they were typed for
        self.profile = profile
        self.refresh()

    def refresh(self) -> None:
        """Read the list again, keeping the selected reading selected."""
        current = self.current_entry()
        self.detail.show_entry(None)
        self.topics = self.lodestar.topics()
        titles = {t.slug: t.title for t in self.topics}
        self.model.set_entries(self.lodestar.reading_list(self.profile.id), titles)
        self._show_counts()
        if current is not None:
            self.select(current.slug)
        self._update_buttons()

    def _show_counts(self) -> None:
        entries = self.model.entries
        read = sum(e.status is ReadingStatus.READ for e in entries)
        reading = sum(e.status is ReadingStatus.READING for e in entries)
        own = sum(e.own for e in entries)
        shown = self.proxy.rowCount()
        text = f"{plural(len(entries), 'reading')}: {reading} in progress, {read} read, {own} of your own"
        self.counts.setText(text + (f" · {shown} shown" if shown != len(entries) else ""))

    def say(self, text: str, kind: str = "info") -> None:
        colour = {"info": "palette(window-text)", "error": "#d64545"}[kind]
        self.message.setStyleSheet(f"color: {colour};")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def select(self, slug: str) -> bool:
        """Select the reading `slug` if it is shown; True when it is."""
        row = self.model.row_of(slug)
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row is not None else None
        if index is None or not index.isValid():
            return False
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def show_reading(self, slug: str) -> bool:
        """Select a reading, clearing the filters first if they hide it (a search result)."""
        if self.select(slug):
            return True
        self.filter.clear()
        self.status_filter.setCurrentIndex(0)
        self.kind_filter.setCurrentIndex(0)
        return self.select(slug)

    def current_entry(self) -> ReadingEntry | None:
        index = self.table.currentIndex()
        return index.data(ENTRY_ROLE) if index.isValid() else None

    def selected_entries(self) -> list[ReadingEntry]:
        rows = self.table.selectionModel().selectedRows()
        return [index.data(ENTRY_ROLE) for index in sorted(rows, key=lambda i: i.row())]

    def _current_changed(self, current, _previous) -> None:
        self.detail.show_entry(current.data(ENTRY_ROLE) if current.isValid() else None)
        self.detail.set_topics(self.model.topic_titles)

    def _filter_changed(self, *_args, **choice) -> None:
        if "set_status" in choice:
            self.proxy.set_status(choice["set_status"])
        elif "set_kind" in choice:
            self.proxy.set_kind(choice["set_kind"])
        else:
            self.proxy.set_text(self.filter.text())
        self._show_counts()

    def _focus_filter(self) -> None:
        self.filter.setFocus()
        self.filter.selectAll()

    def _update_buttons(self, *_args) -> None:
        busy = self._busy
        own = any(e.own for e in self.selected_entries())
        self.buttons["delete"].setEnabled(own and not busy)
        for key in ("import", "export", "add"):
            self.buttons[key].setEnabled(not busy)

    # --- the learner's state ------------------------------------------------------------------

    def _save_state(self, slug: str, changes: dict) -> None:
        try:
            entry = self.lodestar.set_reading_state(self.profile.id, slug, **changes)
        except LodestarError as exc:
            self.say(str(exc), "error")
            return
        self.model.replace(entry)
        self._show_counts()
        if self.detail.entry is not None and self.detail.entry.slug == slug:
            self.detail.show_entry(entry)
            self.detail.set_topics(self.model.topic_titles)

    def set_status(self, status: ReadingStatus) -> None:
        """Set the selected reading's status, as choosing it in the panel does."""
        self.detail.status.setCurrentIndex(self.detail.status.findData(status))

    # --- own readings -----------------------------------------------------------------------

    def add_reading(self) -> ReadingDialog:
        """Open the form for a reading of one's own; the list shows it once saved."""
        return self._open_form(None)

    def edit_reading(self) -> ReadingDialog | None:
        entry = self.current_entry()
        return self._open_form(entry.reading) if entry is not None and entry.own else None

    def _open_form(self, reading) -> ReadingDialog:
        dialog = ReadingDialog(self.lodestar, self.topics, reading, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._reading_saved)
        dialog.open()
        return dialog

    def _reading_saved(self, reading) -> None:
        self.refresh()
        self.show_reading(reading.slug)
        self.say(f"Saved “{reading.title}”.")

    def delete_selected(self, confirm: bool = True) -> int:
        """Delete the selected readings of one's own after asking; returns how many went."""
        chosen = [e for e in self.selected_entries() if e.own]
        if not chosen:
            self.say("Only readings you added can be deleted; set Lodestar's own to "
                     "“not reading” to put them aside.")
            return 0
        what = f"“{chosen[0].reading.title}”" if len(chosen) == 1 else f"{len(chosen)} readings"
        if confirm:
            answer = QMessageBox.question(
                self, "Delete readings", f"Delete {what} and every profile's notes on it? "
                "This cannot be undone.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        try:
            self.lodestar.delete_readings([entry.slug for entry in chosen])
        except LodestarError as exc:
            self.say(f"Nothing was deleted: {exc}", "error")
            return 0
        self.detail.show_entry(None)
        self.refresh()
        self.say(f"Deleted {what}.")
        return len(chosen)

    # --- BibTeX -----------------------------------------------------------------------------

    def import_bibtex(self, path: Path | None = None) -> bool:
        """Import a .bib file on the database thread (asks which unless `path` is given); the
        list refreshes and a report lists what was skipped. False when nothing was started."""
        if self._busy:
            return False
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, "Import BibTeX", str(Path.home()),
                                                  BIBTEX_FILTER)
            if not name:
                return False
            path = Path(name)
        self._set_busy(f"Importing {path.name}…")
        profile_id = self.profile.id
        self.tasks.run(lambda: self.lodestar.import_bibtex(path, profile_id),
                       self._imported, self._failed)
        return True

    def _imported(self, result: ReadingImport) -> None:
        self._set_busy("")
        self.refresh()
        self.say(f"{Path(result.source).name}: {result.summary}.")
        self.report = ImportReportDialog(result, self)
        self.report.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.report.destroyed.connect(lambda: setattr(self, "report", None))
        self.report.open()  # not exec(): the page keeps working behind it
        self.imported.emit(result)

    def export_bibtex(self, target: Path | None = None, which: str = "all") -> bool:
        """Write all readings, those shown, or those selected to a .bib file with this
        profile's tags and notes, on the database thread. False when nothing was started."""
        if self._busy:
            return False
        slugs = None
        if which != "all":
            shown = self.proxy.entries() if which == "shown" else self.selected_entries()
            slugs = [e.slug for e in shown]
            if not slugs:
                self.say("Nothing to export: " + ("no reading is shown." if which == "shown"
                                                  else "select the readings to export first."))
                return False
        if target is None:
            name, _ = QFileDialog.getSaveFileName(self, "Export BibTeX",
                                                  str(Path.home() / "readings.bib"), BIBTEX_FILTER)
            if not name:
                return False
            target = Path(name)
        self._set_busy(f"Writing {target.name}…")
        profile_id = self.profile.id
        self.tasks.run(lambda: (target, self.lodestar.export_bibtex(target, profile_id, slugs)),
                       self._exported, self._failed)
        return True

    def _exported(self, result: tuple[Path, int]) -> None:
        target, count = result
        self._set_busy("")
        self.say(f"Wrote {count} reading{'s' if count != 1 else ''} to {target}.")
        self.exported.emit(str(target), count)

    def _failed(self, error: BaseException) -> None:
        self._set_busy("")
        text = str(error) if isinstance(error, LodestarError) else f"Something went wrong: {error!r}"
        self.say(text, "error")

    def _set_busy(self, text: str) -> None:
        self._busy = bool(text)
        self.busy.setVisible(self._busy)
        if text:
            self.say(text)
        self._update_buttons()
