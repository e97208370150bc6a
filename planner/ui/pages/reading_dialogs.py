"""The reading list's smaller pieces: star rating, the form to add or edit an own reading, and
the report of a BibTeX import."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.core.errors import LodestarError
from planner.core.models import ReadingKind, TopicSummary
from planner.core.readings import OwnReading, ReadingImport
from planner.services import Lodestar

STAR_COLOUR = "#e0a526"


class StarRating(QWidget):
    """Five stars; clicking one sets the rating, clicking the current one clears it (0)."""

    changed = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, objectName="starRating")
        self.rating = 0
        self.buttons = []
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        for value in range(1, 6):
            button = QToolButton(autoRaise=True, toolTip=f"{value} star{'s' if value > 1 else ''}")
            button.clicked.connect(lambda _=False, v=value: self._clicked(v))
            row.addWidget(button)
            self.buttons.append(button)
        row.addStretch(1)
        self.set_rating(None)

    def set_rating(self, rating: int | None) -> None:
        self.rating = rating or 0
        for value, button in enumerate(self.buttons, start=1):
            lit = value <= self.rating
            button.setText("★" if lit else "☆")
            # Amber reads as "stars" on both the light and the dark palette.
            colour = f"color: {STAR_COLOUR};" if lit else ""
            button.setStyleSheet(f"font-size: 15pt; padding: 0 1px; {colour}")

    def _clicked(self, value: int) -> None:
        self.set_rating(0 if value == self.rating else value)
        self.changed.emit(self.rating)


def split_authors(text: str) -> list[str]:
    """'Ashish Vaswani; Noam Shazeer' (or one per line, or joined by ' and ') → names."""
    for separator in ("\n", " and "):
        text = text.replace(separator, ";")
    return [name.strip() for name in text.split(";") if name.strip()]


class ReadingDialog(QDialog):
    """Add a reading of one's own, or edit one (`reading`). The service checks every field; its
    message shows under the form and the dialog stays open until the reading is saved."""

    saved = Signal(object)  # OwnReading

    def __init__(self, lodestar: Lodestar, topics: list[TopicSummary],
                 reading: OwnReading | None = None, parent: QWidget | None = None):
        super().__init__(parent, objectName="readingDialog")
        self.lodestar, self.reading = lodestar, reading
        self.setWindowTitle("Edit reading" if reading else "Add a reading")
        self.title = QLineEdit(objectName="readingTitle")
        self.authors = QLineEdit(placeholderText="Ashish Vaswani; Noam Shazeer; …")
        self.year = QSpinBox(minimum=0, maximum=2200, specialValueText="—")
        self.venue = QLineEdit(placeholderText="NeurIPS 2017, MIT Press, a blog…")
        self.kind = QComboBox()
        for kind in ReadingKind:
            self.kind.addItem(kind.value, kind)
        self.arxiv = QLineEdit(placeholderText="1706.03762")
        self.doi = QLineEdit(placeholderText="10.1038/nature14539")
        self.isbn = QLineEdit(placeholderText="978-0-262-03561-3")
        self.url = QLineEdit(placeholderText="https://…")
        self.topic_filter = QLineEdit(placeholderText="Filter topics", clearButtonEnabled=True)
        self.topics = QListWidget(objectName="readingTopics")
        # Fusion draws check boxes in a shade the dark palette hides; these show in both.
        self.topics.setStyleSheet(
            "QListWidget::indicator { width: 12px; height: 12px; border-radius: 2px;"
            " border: 1px solid palette(placeholder-text); background: palette(base); }"
            "QListWidget::indicator:checked { background: palette(highlight);"
            " border-color: palette(highlight); }")
        self.topics.itemChanged.connect(self._count_topics)
        self.topic_count = QLabel(objectName="topicCount")
        self.topic_count.setProperty("role", "subtitle")
        self.error = QLabel(objectName="readingError", wordWrap=True)
        self.error.setStyleSheet("color: #d64545;")
        self.error.hide()
        self._fill(topics)
        self._build()

    def _fill(self, topics: list[TopicSummary]) -> None:
        chosen = set(self.reading.topics) if self.reading else set()
        for topic in topics:
            item = QListWidgetItem(topic.title)
            item.setData(Qt.ItemDataRole.UserRole, topic.slug)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if topic.slug in chosen
                               else Qt.CheckState.Unchecked)
            self.topics.addItem(item)
        self.topic_filter.textChanged.connect(self._filter_topics)
        self._count_topics()
        if self.reading is None:
            return
        r = self.reading
        self.title.setText(r.title)
        self.title.setCursorPosition(0)  # show the title's start, not its end
        self.authors.setText("; ".join(r.authors))
        self.year.setValue(r.year or 0)
        self.venue.setText(r.venue)
        self.kind.setCurrentIndex(self.kind.findData(r.kind))
        for box, value in ((self.arxiv, r.arxiv), (self.doi, r.doi), (self.isbn, r.isbn),
                           (self.url, r.url)):
            box.setText(value or "")

    def _build(self) -> None:
        form = QFormLayout()
        for label, widget in (("&Title", self.title), ("&Authors", self.authors),
                              ("&Year", self.year), ("&Venue", self.venue), ("&Kind", self.kind),
                              ("ar&Xiv id", self.arxiv), ("&DOI", self.doi), ("&ISBN", self.isbn),
                              ("&Link", self.url)):
            form.addRow(label, widget)
        topics = QVBoxLayout()
        topics.addWidget(self.topic_filter)
        topics.addWidget(self.topics)
        topics.addWidget(self.topic_count)
        label = QLabel("T&opics")
        label.setBuddy(self.topic_filter)
        form.addRow(label, topics)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 620)

    def _filter_topics(self, text: str) -> None:
        words = text.casefold().split()
        for row in range(self.topics.count()):
            item = self.topics.item(row)
            item.setHidden(not all(w in item.text().casefold() for w in words))

    def _count_topics(self, *_args) -> None:
        count = len(self.chosen_topics())
        self.topic_count.setText(f"{count} topic{'s' if count != 1 else ''} chosen"
                                 if count else "Tick the topics this reading belongs to.")

    def chosen_topics(self) -> list[str]:
        return [self.topics.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.topics.count())
                if self.topics.item(i).checkState() == Qt.CheckState.Checked]

    def fields(self) -> dict:
        return dict(title=self.title.text(), kind=self.kind.currentData(),
                    authors=split_authors(self.authors.text()), year=self.year.value() or None,
                    venue=self.venue.text(), arxiv=self.arxiv.text(), doi=self.doi.text(),
                    isbn=self.isbn.text(), url=self.url.text(), topics=self.chosen_topics())

    def accept(self) -> None:
        fields = self.fields()
        try:
            if self.reading is None:
                saved = self.lodestar.add_reading(fields.pop("title"), **fields)
            else:
                saved = self.lodestar.update_reading(self.reading.slug, **fields)
        except LodestarError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.saved.emit(saved)
        super().accept()


class ImportReportDialog(QDialog):
    """What a BibTeX import did: the summary, then each problem with its line."""

    def __init__(self, result: ReadingImport, parent: QWidget | None = None):
        super().__init__(parent, objectName="importReport")
        self.setWindowTitle("BibTeX import")
        self.summary = QLabel(f"<b>{html.escape(result.source)}</b><br>{html.escape(result.summary)}",
                              wordWrap=True, objectName="importSummary")
        self.problems = QListWidget(objectName="importProblems")
        self.problems.setWordWrap(True)
        for problem in result.problems:
            self.problems.addItem(str(problem))
        note = QLabel("Fix these lines in the file and import it again: what was imported "
                      "already is recognised and not added twice." if result.problems
                      else "Every entry was read.", wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        if result.problems:
            layout.addWidget(self.problems, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(640, 420 if result.problems else 160)
