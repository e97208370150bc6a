"""The table of conference series: follow star, title, field, ranks, the next deadline in the
learner's time zone and a countdown to it.

Rows sort by the next deadline (then "not announced", then the deadlines past editions suggest,
marked as expected and in italics, then those with nothing due, greyed).
`tick(now)` rewrites only countdown text from what is loaded; a row whose deadline has just passed
moves on to its next one.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from planner.core.conferences import ConferenceView
from planner.ui.widgets.deadlines import NOT_ANNOUNCED, countdown, local_time

SLUG = Qt.ItemDataRole.UserRole
SORT = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("★", "Conference", "Field", "CCF", "CORE", "Next deadline (your time)", "Countdown")
STAR, TITLE, FIELD, CCF, CORE, NEXT, LEFT = range(len(COLUMNS))
WAITING, EXPECTED, NOTHING = 1e12, 2e12, 3e12  # after every timestamp: not announced, estimates, none
RANK_ORDER = {"A*": 0, "A": 1, "B": 2, "C": 3}


class SortItem(QTableWidgetItem):
    """A cell that sorts by the value under `SORT` (a timestamp, a rank) rather than its text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT), other.data(SORT)
        if mine is None or theirs is None:  # (QTableWidgetItem.__lt__ would recurse into this)
            return self.text().casefold() < other.text().casefold()
        return mine < theirs


class ConferenceTable(QTableWidget):
    """One row per series. Rows are found by slug (`row_of`), whatever the sort order."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, len(COLUMNS), parent, objectName="conferenceTable")
        self.zone: tzinfo | None = None
        self.field_names: dict[str, str] = {}
        self.views: dict[str, ConferenceView] = {}
        self._next_due: dict[str, datetime | None] = {}  # to notice a deadline passing
        self._stars: dict[str, QTableWidgetItem] = {}  # each row's first cell
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((STAR, 28), (FIELD, 130), (CCF, 44), (CORE, 50), (NEXT, 220),
                              (LEFT, 135)):
            self.setColumnWidth(column, width)

    def show_views(self, views: dict[str, ConferenceView], now: datetime) -> None:
        self.views = dict(views)
        self.setSortingEnabled(False)
        self.setRowCount(0)
        self._stars.clear()
        self.setRowCount(len(views))
        for row, view in enumerate(views.values()):
            self._fill(row, view, now)
        self.setSortingEnabled(True)
        self.sortItems(NEXT, Qt.SortOrder.AscendingOrder)

    def _fill(self, row: int, view: ConferenceView, now: datetime) -> None:
        s = view.series
        field = self.field_names.get(s.field, s.field)
        cells = {STAR: SortItem("★" if view.followed else ""), TITLE: SortItem(s.title),
                 FIELD: SortItem(field), CCF: SortItem(s.ccf_rank or ""),
                 CORE: SortItem(s.core_rank or ""), NEXT: SortItem(), LEFT: SortItem()}
        cells[STAR].setData(SLUG, view.slug)
        cells[STAR].setToolTip("Click to follow or unfollow (Ctrl+D)")
        for column, rank in ((CCF, s.ccf_rank), (CORE, s.core_rank)):
            cells[column].setData(SORT, (RANK_ORDER.get(rank or "", len(RANK_ORDER)),
                                         s.title.casefold()))
        cells[TITLE].setToolTip(s.description + ("\nImported from your file" if view.imported else ""))
        cells[FIELD].setToolTip(f"{s.field}: {field}")
        if view.imported:  # the learner's own series read in italics
            font = QFont(cells[TITLE].font())
            font.setItalic(True)
            cells[TITLE].setFont(font)
        for column, item in cells.items():
            self.setItem(row, column, item)
        self._stars[view.slug] = cells[STAR]
        self.show_next(view.slug, now)

    def show_next(self, slug: str, now: datetime) -> None:
        """The series' next deadline and its countdown; grey when nothing is due any more."""
        view, row = self.views[slug], self._stars[slug].row()
        ahead = view.next_deadline(now)
        next_item, left_item = self.item(row, NEXT), self.item(row, LEFT)
        waiting = ahead is None and view.awaits_dates(now)
        if ahead is not None:
            due = ahead.deadline.due
            next_item.setText(f"{ahead.deadline.kind.value} · "
                              f"{local_time(due, self.zone, zone_name=False)}")
            next_item.setToolTip(f"{view.title} {ahead.label}")
            left_item.setText(countdown(due, now))
            sort_key = due.timestamp()
        else:
            due = None
            expected = None if waiting else view.expected_next(now)
            if expected is not None:
                next_item.setText(f"expected {expected.short}")
                next_item.setToolTip(
                    f"{view.title} {expected.year}: expected {expected.when} {expected.earliest.year}, "
                    f"not announced yet. An estimate from the "
                    f"{expected.basis.removeprefix('from ')} editions' paper deadlines; import "
                    "fresher deadline data to see the real one.")
                sort_key = EXPECTED + expected.earliest.toordinal()
            else:
                next_item.setText(NOT_ANNOUNCED if waiting else "—")
                next_item.setToolTip("The organisers have not announced the dates yet" if waiting
                                     else "No deadline ahead")
                sort_key = WAITING if waiting else NOTHING
            left_item.setText("")
            font = QFont(next_item.font())
            font.setItalic(expected is not None)  # an estimate reads differently from a date
            next_item.setFont(font)
        self._next_due[slug] = due
        colour = self.palette().color(QPalette.ColorRole.Text if ahead or waiting or sort_key < NOTHING
                                      else QPalette.ColorRole.PlaceholderText)
        for column in range(len(COLUMNS)):
            self.item(row, column).setForeground(colour)
        # The sort keys go last: when sorted by them, a changed key moves the row.
        next_item.setData(SORT, (sort_key, view.title.casefold()))
        left_item.setData(SORT, (sort_key, view.title.casefold()))

    def tick(self, now: datetime) -> None:
        """Rewrite the visible countdowns that changed; nothing else."""
        for slug, star in list(self._stars.items()):
            row, due = star.row(), self._next_due.get(slug)
            if due is None or self.isRowHidden(row):
                continue
            if due < now:  # the next deadline just passed: show the one after it
                self.show_next(slug, now)
                continue
            text = countdown(due, now)
            if self.item(row, LEFT).text() != text:
                self.item(row, LEFT).setText(text)

    def recolour(self, now: datetime) -> None:
        for slug in list(self._stars):
            self.show_next(slug, now)

    def set_followed(self, view: ConferenceView) -> None:
        self.views[view.slug] = view
        self._stars[view.slug].setText("★" if view.followed else "")

    # --- rows by slug -------------------------------------------------------------------------

    def row_of(self, slug: str) -> int | None:
        star = self._stars.get(slug)
        return star.row() if star is not None else None

    def slugs(self) -> list[str]:
        return list(self._stars)

    def selected_slug(self) -> str | None:
        items = self.selectedItems()
        return self.item(items[0].row(), STAR).data(SLUG) if items else None

    def first_visible(self) -> str | None:
        for row in range(self.rowCount()):
            if not self.isRowHidden(row):
                return self.item(row, STAR).data(SLUG)
        return None

    def select(self, slug: str | None) -> None:
        """Select the series' row, or nothing when it is not shown."""
        row = self.row_of(slug or "")
        if row is None or self.isRowHidden(row):
            self.clearSelection()
            return
        self.selectRow(row)
        self.scrollToItem(self.item(row, TITLE))
