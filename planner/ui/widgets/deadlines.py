"""One conference series in detail: ranks, where it came from, a Follow button, and every edition
with its abstract and paper deadlines in the learner's time zone and a countdown to each.

Past editions (nothing due any more) are drawn in the palette's placeholder colour, so they read
as greyed in the light and the dark theme alike.
"""

from __future__ import annotations

import html
from datetime import datetime, tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.core.conferences import ConferenceView
from planner.ui.links import open_external

NOT_ANNOUNCED = "not announced"
DUE = Qt.ItemDataRole.UserRole


def countdown(due: datetime, now: datetime) -> str:
    """'12 d 4 h 3 min'; under an hour with seconds ('3 min 12 s'); 'passed' once it is."""
    seconds = int((due - now).total_seconds())
    if seconds <= 0:
        return "passed"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h {minutes} min"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {secs} s"


def local_time(due: datetime, zone: tzinfo | None, zone_name: bool = True) -> str:
    """'Fri 14 May 2027 13:59 CEST' in `zone` (None: the system's zone, per instant)."""
    local = due.astimezone(zone)
    name = f" {local.tzname()}" if zone_name and local.tzname() else ""
    return f"{local:%a %d %b %Y %H:%M}{name}"


class ConferenceDetail(QWidget):
    """The chosen series. `follow_clicked` asks the page to follow or unfollow it."""

    follow_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, objectName="seriesDetail")
        self.title = QLabel(objectName="seriesTitle", wordWrap=True,
                            textFormat=Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.about = QLabel(objectName="seriesAbout", wordWrap=True)
        self.follow = QPushButton("Follow", objectName="followButton")
        self.follow.setToolTip("Follow this conference: its deadlines go into your calendar "
                               "export (Ctrl+D)")
        self.follow.clicked.connect(self.follow_clicked.emit)
        self.website = QPushButton("Website", objectName="websiteButton")
        self.website.clicked.connect(lambda: open_external(self.link, self))
        self.link = ""
        self.tree = QTreeWidget(objectName="deadlineTree")
        self.tree.setHeaderLabels(["Edition", "Your time", "Countdown", "Note"])
        self.tree.setRootIsDecorated(False)
        for column, width in enumerate((90, 185, 135)):
            self.tree.setColumnWidth(column, width)
        buttons = QHBoxLayout()
        buttons.addWidget(self.follow)
        buttons.addWidget(self.website)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.about)
        column.addLayout(buttons)
        column.addWidget(self.tree, 1)

    def show_nothing(self, why: str) -> None:
        self.tree.clear()
        self.title.setText("No conference chosen")
        self.about.setText(why)
        self.follow.setEnabled(False)
        self.website.setEnabled(False)

    def show_series(self, view: ConferenceView, field_name: str, now: datetime,
                    zone: tzinfo | None) -> None:
        s = view.series
        ranks = " · ".join(f"{name} {rank}" for name, rank in (
            ("CCF", s.ccf_rank), ("CORE", s.core_rank), ("THCPL", s.thcpl_rank)) if rank)
        origin = ("<i>Imported from your file.</i>" if view.imported else
                  f"<i>Editions imported from your file: {len(view.imported_editions)}.</i>"
                  if view.imported_editions else "")
        self.title.setText(s.title)
        parts = (html.escape(s.description), html.escape(field_name) + (f" · {ranks}" if ranks else ""),
                 origin)
        self.about.setText("<br>".join(p for p in parts if p))
        self.follow.setEnabled(True)
        self.set_followed(view.followed)
        links = [e.link for e in sorted(s.editions, key=lambda e: -e.year) if e.link]
        self.link = links[0] if links else ""
        self.website.setEnabled(bool(self.link))
        self.website.setToolTip(self.link or "No website given")
        self._fill(view, now, zone)

    def set_followed(self, followed: bool) -> None:
        self.follow.setText("Unfollow" if followed else "Follow")

    def _fill(self, view: ConferenceView, now: datetime, zone: tzinfo | None) -> None:
        self.tree.clear()
        grey = self.palette().color(QPalette.ColorRole.PlaceholderText)
        expected = view.expected_next(now)
        if expected is not None:
            item = QTreeWidgetItem(self.tree, [
                f"{view.title} {expected.year} · paper deadline expected {expected.when} "
                f"{expected.earliest.year} (an estimate {expected.basis}; not announced yet)"])
            item.setFirstColumnSpanned(True)
            item.setToolTip(0, "Past editions' paper deadlines moved to the next edition's year. "
                               "Import fresher deadline data (Import…) to see the real one.")
            font = item.font(0)
            font.setItalic(True)
            item.setFont(0, font)
        for edition in sorted(view.series.editions, key=lambda e: -e.year):
            where = " · ".join(x for x in (edition.place, edition.dates) if x)
            top = QTreeWidgetItem(self.tree, [f"{view.title} {edition.year}"
                                              + (f"  —  {where}" if where else "")])
            top.setFirstColumnSpanned(True)  # the place and dates need the width
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setToolTip(0, where)
            if view.imported or edition.slug in view.imported_editions:
                top.setToolTip(0, f"{where}\nImported from your file".strip())
            if not edition.deadlines:
                QTreeWidgetItem(top, ["  No deadlines listed"])
            for deadline in edition.deadlines:
                due = deadline.due
                item = QTreeWidgetItem(top, [
                    f"  {deadline.kind.value.capitalize()}",
                    local_time(due, zone) if due else NOT_ANNOUNCED,
                    countdown(due, now) if due else "", deadline.comment])
                item.setToolTip(3, deadline.comment)
                if due is not None:
                    item.setData(0, DUE, due)
                    item.setToolTip(1, f"{due:%Y-%m-%d %H:%M} UTC")
            if view.is_past(edition, now):
                for it in (top, *(top.child(i) for i in range(top.childCount()))):
                    for column in range(self.tree.columnCount()):
                        it.setForeground(column, grey)
        self.tree.expandAll()

    def tick(self, now: datetime) -> None:
        """Rewrite the countdowns that changed; nothing else."""
        for index in range(self.tree.topLevelItemCount()):
            edition = self.tree.topLevelItem(index)
            for child in range(edition.childCount()):
                item = edition.child(child)
                due = item.data(0, DUE)
                if due is not None and item.text(2) != (text := countdown(due, now)):
                    item.setText(2, text)
