"""The reading list as a table: a model over `ReadingEntry`s and the filter the page's search box,
status and kind choices drive. Sorting compares each column's natural value (years as numbers,
ratings by stars), not its text."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from planner.core.models import ReadingKind
from planner.core.readings import ReadingEntry, ReadingStatus
from planner.ui.pages.reading_dialogs import STAR_COLOUR

COLUMNS = ("Title", "Authors", "Year", "Venue", "Kind", "Status", "Rating", "Tags", "Topics")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 2
_STATUS_ORDER = {s: i for i, s in enumerate(ReadingStatus)}


def stars(rating: int | None) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else ""


class ReadingTableModel(QAbstractTableModel):
    """One row per reading; `topic_titles` turns linked topic slugs into their titles."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list[ReadingEntry] = []
        self.topic_titles: dict[str, str] = {}
        self._rows: dict[str, int] = {}
        # Each row's cell texts and sort keys, made once: sorting and drawing a thousand rows
        # then only look them up (the view asks for tens of thousands of cells).
        self._texts: list[tuple[str, ...]] = []
        self._keys: list[tuple] = []
        self.haystacks: list[str] = []  # what the filter searches, per row

    def set_entries(self, entries: list[ReadingEntry], topic_titles: dict[str, str]) -> None:
        self.beginResetModel()
        self.entries, self.topic_titles = list(entries), topic_titles
        self._rows = {e.slug: i for i, e in enumerate(self.entries)}
        self._texts, self._keys, self.haystacks = [], [], []
        for entry in self.entries:
            self._index(entry, None)
        self.endResetModel()

    def replace(self, entry: ReadingEntry) -> None:
        """Show a changed entry in place, keeping the view's selection and scroll position."""
        row = self._rows.get(entry.slug)
        if row is None:
            return
        self.entries[row] = entry
        self._index(entry, row)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _index(self, entry: ReadingEntry, row: int | None) -> None:
        texts = tuple(self._text(entry, column) for column in range(len(COLUMNS)))
        keys = tuple(self._sort_key(entry, column, texts[column]) for column in range(len(COLUMNS)))
        reading = entry.reading
        haystack = " ".join((reading.title, " ".join(reading.authors), reading.venue,
                             " ".join(entry.tags), texts[2])).casefold()
        if row is None:
            self._texts.append(texts)
            self._keys.append(keys)
            self.haystacks.append(haystack)
        else:
            self._texts[row], self._keys[row], self.haystacks[row] = texts, keys, haystack

    def row_of(self, slug: str) -> int | None:
        return self._rows.get(slug)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[row][column]
        if role == SORT_ROLE:
            return self._keys[row][column]
        entry = self.entries[row]
        if role == ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.ToolTipRole:
            origin = "Added by you" if entry.own else "From Lodestar's reading list"
            return f"{entry.citation}\n{origin}" if column < 5 else self._texts[row][column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if entry.status is ReadingStatus.NOT_READING:  # set aside: greyed
                return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
            return QColor(STAR_COLOUR) if column == 6 else None
        if role == Qt.ItemDataRole.FontRole and column == 0 and entry.status is ReadingStatus.READING:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _text(self, entry: ReadingEntry, column: int) -> str:
        reading = entry.reading
        match column:
            case 0:
                return reading.title
            case 1:
                return entry.short_authors
            case 2:
                return str(reading.year) if reading.year else ""
            case 3:
                return reading.venue
            case 4:
                return reading.kind.value
            case 5:
                return entry.status.label
            case 6:
                return stars(entry.rating)
            case 7:
                return ", ".join(entry.tags)
            case _:
                return ", ".join(self.topic_titles.get(t, t) for t in entry.topics)

    @staticmethod
    def _sort_key(entry: ReadingEntry, column: int, text: str):
        match column:
            case 2:
                return entry.reading.year or 0
            case 5:
                return _STATUS_ORDER[entry.status]
            case 6:
                return entry.rating or 0
            case _:
                return text.casefold()


OWN = "own"  # the kind filter's choice for the learner's own readings, of any kind


class ReadingFilter(QSortFilterProxyModel):
    """Rows whose title, authors, venue, tags or year hold every word typed, of the chosen
    status and kind (None: any; `OWN`: the learner's own readings)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.words: list[str] = []
        self.status: ReadingStatus | None = None
        self.kind: ReadingKind | str | None = None

    def set_text(self, text: str) -> None:
        self._refilter(words=text.casefold().split())

    def set_status(self, status: ReadingStatus | str | None) -> None:
        self._refilter(status=ReadingStatus(status) if status else None)

    def set_kind(self, kind: ReadingKind | str | None) -> None:
        self._refilter(kind=kind if kind in (None, OWN) else ReadingKind(kind))

    def _refilter(self, **choice) -> None:
        # Qt 6.9 replaced invalidateFilter() by this pair; 6.8 (which we allow) has only the old.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self.__dict__.update(choice)
            self.endFilterChange()
        else:
            self.__dict__.update(choice)
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent) -> bool:
        entry: ReadingEntry = self.sourceModel().entries[row]
        if self.status is not None and entry.status != self.status:
            return False
        if self.kind == OWN and not entry.own:
            return False
        if self.kind not in (None, OWN) and entry.reading.kind != self.kind:
            return False
        if not self.words:
            return True
        haystack = self.sourceModel().haystacks[row]
        return all(word in haystack for word in self.words)

    def entries(self) -> list[ReadingEntry]:
        """The entries shown, in the order shown."""
        return [self.data(self.index(row, 0), ENTRY_ROLE) for row in range(self.rowCount())]
