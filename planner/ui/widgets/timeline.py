"""The study plan as a timeline: one row per week, its lessons, labs and review under it.

Past weeks show what the plan of the time asked and what got done; this week is bold and
expanded (or, before the plan starts, its first week); later weeks are collapsed. Each item row
carries what it opens (a topic or a lab).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from planner.core.models import (
    PastWeek,
    PlanItem,
    PlanItemKind,
    PlanProgress,
    PlanWeek,
    StudyPlan,
    TopicStatus,
)
from planner.core.text import hours

TARGET_ROLE = Qt.ItemDataRole.UserRole  # ("topic" | "lab", slug) or None
REVIEW_TEXT = "Review · self-check cards of topics studied"
STATUS_MARK = {TopicStatus.DONE: "✓ done", TopicStatus.IN_PROGRESS: "in progress",
               TopicStatus.SKIPPED: "skipped", TopicStatus.NOT_STARTED: ""}


def week_title(index: int, start: date, today: date) -> str:
    end = start.toordinal() + 6
    span = f"{start:%d %b} – {date.fromordinal(end):%d %b %Y}"
    if start <= today <= date.fromordinal(end):
        return f"This week · Week {index + 1} · {span}"
    return f"Week {index + 1} · {span}"


def item_text(item: PlanItem) -> str:
    if item.kind is PlanItemKind.REVIEW:
        return REVIEW_TEXT
    return f"{item.kind.label} · {item.label}"


def progress_text(progress: PlanProgress) -> str:
    text = (f"{progress.fraction:.0%} · {hours(progress.done_hours)} h done, "
            f"{hours(progress.remaining_hours)} h to go")
    if progress.finish:
        text += f" · finishes {progress.finish:%a %d %b %Y}"
    if progress.target_date:
        text += f" · target {progress.target_date:%d %b %Y}" + ("" if progress.on_track else " (late)")
    return text


class PlanTimeline(QTreeWidget):
    """Weeks and their items. `open_item(kind, slug)` fires on double-click or Enter."""

    open_item = Signal(str, str)  # "topic" | "lab", slug

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("planTimeline")
        self.setColumnCount(3)
        self.setHeaderLabels(["Week and item", "Hours", "Status"])
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setStretchLastSection(False)
        self.setColumnWidth(1, 90)
        self.setColumnWidth(2, 110)
        self.setUniformRowHeights(True)
        self.itemActivated.connect(self._activated)
        self.current_week: QTreeWidgetItem | None = None

    def show_plan(self, plan: StudyPlan | None, past: list[PastWeek],
                  states: dict[str, TopicStatus], titles: dict[str, str], today: date) -> None:
        """Lay out `past` weeks then the plan's weeks; `states` marks what is done."""
        self.clear()
        self.current_week = None
        muted = QBrush(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        for week in past:
            self._past_week(week, titles, today, muted)
        for week in plan.weeks if plan else ():
            self._plan_week(week, states, today, plan.target_date)
            if self.current_week is None and week.start > today:
                self.current_week = self.topLevelItem(self.topLevelItemCount() - 1)  # the next week
        if self.current_week is not None:
            self.current_week.setExpanded(True)
            self.scrollToItem(self.current_week, QTreeWidget.ScrollHint.PositionAtTop)

    def _past_week(self, week: PastWeek, titles: dict[str, str], today: date, muted: QBrush) -> None:
        done = set(week.done)
        planned_done = sum(i.hours for i in week.planned
                           if i.kind is PlanItemKind.LESSON and i.topic in done)
        row = QTreeWidgetItem(self, [week_title(week.index, week.start, today),
                                     f"{hours(planned_done)} / {hours(week.planned_hours)} h",
                                     f"{len(done)} done"])
        row.setToolTip(1, "hours of planned lessons done / hours planned that week")
        for column in range(3):
            row.setForeground(column, muted)
        for item in week.planned:
            if item.kind is PlanItemKind.REVIEW:
                continue
            finished = item.lab in week.labs_done if item.kind is PlanItemKind.LAB else item.topic in done
            mark = "✓ done" if finished else "not done"
            self._item_row(row, item, mark)
        for slug in sorted(done - {i.topic for i in week.planned}):
            child = QTreeWidgetItem(row, [f"Lesson · {titles.get(slug, slug)} (unplanned)", "", "✓ done"])
            child.setData(0, TARGET_ROLE, ("topic", slug))

    def _plan_week(self, week: PlanWeek, states: dict[str, TopicStatus], today: date,
                   target: date | None) -> None:
        row = QTreeWidgetItem(self, [week_title(week.index, week.start, today),
                                     f"{hours(week.study_hours)} / {hours(week.capacity)} h", ""])
        row.setToolTip(1, "hours planned / hours available (reviews not counted)")
        if target is not None and week.start <= target <= week.end:
            row.setText(2, "◎ target date")
            row.setToolTip(2, f"Your target date, {target:%a %d %b %Y}, falls in this week")
        elif target is not None and week.start > target:
            row.setForeground(2, QBrush(QColor("#c98a12")))
            row.setText(2, "after target")
        if week.start <= today <= week.end:
            font = QFont(row.font(0))
            font.setBold(True)
            for column in range(3):
                row.setFont(column, font)
            self.current_week = row
        for item in week.items:
            status = states.get(item.topic or "", TopicStatus.NOT_STARTED)
            self._item_row(row, item, STATUS_MARK[status] if item.kind is PlanItemKind.LESSON else "")

    @staticmethod
    def _item_row(parent: QTreeWidgetItem, item: PlanItem, status: str) -> QTreeWidgetItem:
        child = QTreeWidgetItem(parent, [item_text(item), f"{hours(item.hours)} h", status])
        if item.kind is PlanItemKind.LESSON:
            child.setData(0, TARGET_ROLE, ("topic", item.topic))
        elif item.kind is PlanItemKind.LAB:
            child.setData(0, TARGET_ROLE, ("lab", item.lab))
        child.setToolTip(0, "Double-click or Enter to open" if item.kind is not PlanItemKind.REVIEW
                         else "Time kept for reviewing your cards")
        return child

    def selected_target(self) -> tuple[str, str] | None:
        item = self.currentItem()
        return item.data(0, TARGET_ROLE) if item is not None else None

    def selected_topic(self) -> str | None:
        target = self.selected_target()
        return target[1] if target and target[0] == "topic" else None

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        target = item.data(0, TARGET_ROLE)
        if target:
            self.open_item.emit(*target)
