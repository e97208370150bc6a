"""The selected reading on the reading list page: its citation and link, and the learner's state
of it (status, stars, tags, notes) edited in place.

The panel owns no state: it shows an entry and says what the learner changed through `changed`;
the page writes it and shows the entry the services return. Notes are sent after a short pause
in typing and when the box loses focus, so nothing typed is lost when the learner moves on.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.core.readings import ReadingEntry, ReadingStatus
from planner.ui.links import route_links
from planner.ui.pages.reading_dialogs import StarRating

NOTES_IDLE_MS = 800  # save notes after this long without typing


def link_text(entry: ReadingEntry) -> str:
    """A link to the reading's page, named by where it leads."""
    url = entry.reading.link
    if not url:
        return ""
    shown = url.removeprefix("https://").removeprefix("http://").removeprefix("www.")
    if len(shown) > 48:
        shown = shown[:45] + "…"
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(shown)}</a> ↗'


class ReadingDetail(QWidget):
    """`changed(slug, {field: value})` when the learner edits the state; `open_topic(slug)` for a
    linked topic; `edit` for the learner's own readings."""

    changed = Signal(str, dict)
    open_topic = Signal(str)
    edit = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, objectName="readingDetail")
        self.entry: ReadingEntry | None = None
        self.title = QLabel(objectName="detailTitle", wordWrap=True)
        self.title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.citation = QLabel(objectName="detailCitation", wordWrap=True)
        self.citation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.link = route_links(QLabel(objectName="detailLink"))
        self.origin = QLabel(objectName="detailOrigin", wordWrap=True)
        self.origin.setProperty("role", "subtitle")
        self.status = QComboBox(objectName="detailStatus")
        for status in ReadingStatus:
            self.status.addItem(status.label.capitalize(), status)
        self.status.currentIndexChanged.connect(self._status_chosen)
        self.stars = StarRating()
        self.stars.changed.connect(lambda rating: self._send(rating=rating))
        self.finished = QLabel(objectName="detailFinished")
        self.finished.setProperty("role", "subtitle")
        self.tags = QLineEdit(objectName="detailTags", placeholderText="tags, separated by commas")
        self.tags.editingFinished.connect(self._tags_done)
        self.topics = QLabel(objectName="detailTopics", wordWrap=True)
        self.topics.linkActivated.connect(self.open_topic.emit)
        self.notes = QPlainTextEdit(objectName="detailNotes",
                                    placeholderText="Your notes: what it showed, what to try…")
        self.notes.textChanged.connect(self._notes_typed)
        self.notes.installEventFilter(self)
        self._notes_timer = QTimer(self, singleShot=True, interval=NOTES_IDLE_MS)
        self._notes_timer.timeout.connect(self.flush)
        self.edit_button = QPushButton("Edit…", objectName="editReading")
        self.edit_button.clicked.connect(self.edit.emit)
        self.placeholder = QLabel("Select a reading to see it here.", wordWrap=True)
        self.placeholder.setProperty("role", "subtitle")
        self._build()
        self.show_entry(None)

    def _build(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Status", self.status)
        form.addRow("Rating", self.stars)
        form.addRow("", self.finished)
        form.addRow("Tags", self.tags)
        form.addRow("Topics", self.topics)
        self.body = QWidget()
        column = QVBoxLayout(self.body)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.citation, self.link, self.origin):
            column.addWidget(widget)
        column.addLayout(form)
        column.addWidget(QLabel("Notes"))
        column.addWidget(self.notes, 1)
        column.addWidget(self.edit_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.body, 1)

    def show_entry(self, entry: ReadingEntry | None) -> None:
        """Show `entry` (None: nothing selected); a pending notes edit is sent first."""
        if self.entry is not None and (entry is None or entry.slug != self.entry.slug):
            self.flush()
        self.entry = entry
        self.placeholder.setVisible(entry is None)
        self.body.setVisible(entry is not None)
        if entry is None:
            return
        reading = entry.reading
        self.title.setText(reading.title)
        self.citation.setText(entry.citation)
        self.link.setText(link_text(entry))
        self.link.setVisible(bool(reading.link))
        self.origin.setText("Added by you." if entry.own else "From Lodestar's reading list.")
        self.edit_button.setVisible(entry.own)
        for widget in (self.status, self.notes, self.tags):
            widget.blockSignals(True)
        self.status.setCurrentIndex(self.status.findData(entry.status))
        if self.notes.toPlainText() != entry.notes:
            self.notes.setPlainText(entry.notes)
        self.tags.setText(", ".join(entry.tags))
        for widget in (self.status, self.notes, self.tags):
            widget.blockSignals(False)
        self.stars.set_rating(entry.rating)
        finished = entry.finished_at.astimezone() if entry.finished_at else None
        self.finished.setText(f"First finished {finished:%d %B %Y}." if finished else "")
        self.finished.setVisible(finished is not None)

    def set_topics(self, titles: dict[str, str]) -> None:
        """Show the entry's topics as links, named by `titles`."""
        if self.entry is None:
            return
        links = [f'<a href="{html.escape(slug, quote=True)}">{html.escape(titles.get(slug, slug))}</a>'
                 for slug in self.entry.topics]
        if links:
            self.topics.setText(", ".join(links))
        elif self.entry.own:
            self.topics.setText("None yet: Edit… links it to topics.")
        else:
            self.topics.setText("No lesson cites it.")

    def _send(self, **changes) -> None:
        if self.entry is not None:
            self.changed.emit(self.entry.slug, changes)

    def _status_chosen(self) -> None:
        self._send(status=self.status.currentData())

    def _tags_done(self) -> None:
        if self.entry is not None and self.tags.text() != ", ".join(self.entry.tags):
            self._send(tags=self.tags.text())

    def _notes_typed(self) -> None:
        self._notes_timer.start()

    def flush(self) -> None:
        """Send notes typed since the last save, if any."""
        self._notes_timer.stop()
        if self.entry is not None and self.notes.toPlainText() != self.entry.notes:
            self._send(notes=self.notes.toPlainText())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.notes and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)
