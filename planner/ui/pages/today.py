"""Today page: what to do now from this week's plan, how far along the plan is, and the next
conference deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.core.errors import PlanError
from planner.core.models import PlanItem, PlanItemKind, Profile, StudyPlan, TopicStatus
from planner.core.text import hours, plural
from planner.services import Lodestar
from planner.ui.widgets.deadlines import countdown
from planner.ui.widgets.timeline import item_text, progress_text

TARGET_ROLE = Qt.ItemDataRole.UserRole
DEADLINES_SHOWN = 5


class TodayPage(QWidget):
    """This week's unfinished items, the next one first; progress; deadlines."""

    open_topic = Signal(str)
    open_lab = Signal(str)
    edit_profile = Signal()
    open_review = Signal()
    topic_marked = Signal(str, object)  # slug, TopicStatus

    def __init__(self, lodestar: Lodestar, profile: Profile, parent: QWidget | None = None):
        super().__init__(parent)
        self.lodestar = lodestar
        self.profile = profile
        self.heading = QLabel(objectName="todayHeading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.next_label = QLabel(objectName="nextUp", wordWrap=True)
        self.next_label.setStyleSheet("font-size: 12pt;")
        self.open_next = QPushButton("Open", objectName="openNext")
        self.open_next.setShortcut("Ctrl+Return")
        self.open_next.setToolTip("Open the next item (Ctrl+Enter)")
        self.open_next.clicked.connect(self._open_next)
        self.done_next = QPushButton("Mark done", objectName="doneNext")
        self.done_next.clicked.connect(self._done_next)
        self.setup = QPushButton("Set up profile…", objectName="setupProfile")
        self.setup.clicked.connect(self.edit_profile.emit)
        self.week = QListWidget(objectName="weekItems")
        self.week.itemActivated.connect(self._activated)
        self.progress = QProgressBar(objectName="todayProgress", maximum=1000, textVisible=False)
        self.progress_label = QLabel(objectName="todayProgressText", wordWrap=True)
        self.deadlines = QListWidget(objectName="deadlines", wordWrap=True)
        self.deadlines.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.deadlines.setSpacing(4)
        self.streak = QLabel(objectName="streak", wordWrap=True)
        self.streak.setStyleSheet("font-size: 12pt;")
        self.reviews = QLabel(objectName="dueReviews")
        self.review_button = QPushButton("Review now", objectName="reviewNow")
        self.review_button.clicked.connect(self.open_review.emit)
        self.resume = QPushButton(objectName="resume")
        self.resume.clicked.connect(self._resume)
        self._resume_target: tuple[str, str] | None = None
        self._next: PlanItem | None = None
        self._expected: tuple[tuple | None, list] = (None, [])  # (key, estimates), see _show_expected
        self._build()
        self.refresh()

    def _build(self) -> None:
        now_box = QGroupBox("Next up")
        row = QHBoxLayout()
        row.addWidget(self.next_label, 1)
        row.addWidget(self.open_next)
        row.addWidget(self.done_next)
        row.addWidget(self.setup)
        column = QVBoxLayout(now_box)
        column.addLayout(row)
        column.addWidget(self.resume, alignment=Qt.AlignmentFlag.AlignLeft)
        self.week_label = QLabel("Still to do this week (double-click to open):")
        column.addWidget(self.week_label)
        column.addWidget(self.week, 1)
        column.addStretch()
        progress_box = QGroupBox("Progress toward your target")
        pcol = QVBoxLayout(progress_box)
        pcol.addWidget(self.streak)
        pcol.addWidget(self.progress)
        pcol.addWidget(self.progress_label)
        review_box = QGroupBox("Reviews")
        rrow = QHBoxLayout(review_box)
        rrow.addWidget(self.reviews, 1)
        rrow.addWidget(self.review_button)
        deadline_box = QGroupBox("Next conference deadlines")
        QVBoxLayout(deadline_box).addWidget(self.deadlines)
        side = QVBoxLayout()
        side.addWidget(progress_box)
        side.addWidget(review_box)
        side.addWidget(deadline_box, 1)
        columns = QHBoxLayout()
        columns.addWidget(now_box, 3)
        columns.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(columns, 1)

    def set_profile(self, profile: Profile) -> None:
        self.profile = profile
        self.refresh()

    def refresh(self, today: date | None = None) -> None:
        today = today or date.today()
        self.heading.setText(f"Today · {today:%A %d %B %Y} · {self.profile.name}")
        plan = None
        if self.profile.target_role:
            try:
                plan = self.lodestar.current_plan(self.profile.id, today)
            except PlanError as exc:
                self._show_message(f"No plan can be made: {exc}", "Edit profile…")
        else:
            self._show_message("Set up your profile to get a study plan: your target role, "
                               "your skills and the hours you have.", "Set up profile…")
        if plan is not None:
            self._show_week(plan, today)
        self._show_daily_loop()
        self._show_deadlines()

    def _show_message(self, text: str, button: str) -> None:
        self._next = None
        self.next_label.setText(text)
        self.setup.setText(button)
        self.setup.show()
        self.open_next.hide()
        self.done_next.hide()
        self.week.clear()
        self.week.hide()
        self.week_label.hide()
        self.progress.setValue(0)
        self.progress_label.setText("")

    def _show_week(self, plan: StudyPlan, today: date) -> None:
        self.setup.hide()
        states = self.lodestar.topic_states(self.profile.id)
        week = next((w for w in plan.weeks if w.start <= today <= w.end), None)
        items = [i for i in (week.items if week else ())
                 if i.kind is not PlanItemKind.REVIEW and states.get(i.topic or "") is not TopicStatus.DONE]
        self.week.clear()
        self.week.setVisible(bool(items))
        self.week_label.setVisible(bool(items))
        for item in items:
            entry = QListWidgetItem(f"{item_text(item)}  ·  {hours(item.hours)} h", self.week)
            entry.setData(TARGET_ROLE, item)
        self._next = items[0] if items else None
        if self._next is not None:
            self.next_label.setText(f"<b>{item_text(self._next)}</b> · {hours(self._next.hours)} h")
        elif plan.weeks:
            first = plan.weeks[0] if not week else None
            self.next_label.setText(
                "This week's plan is done. " + (f"The next starts {first.start:%a %d %b}." if first
                                                else "Review your cards or read ahead."))
        else:
            self.next_label.setText("You meet every skill target of your role.")
        self.open_next.setVisible(self._next is not None)
        self.done_next.setVisible(self._next is not None and self._next.kind is PlanItemKind.LESSON)
        progress = self.lodestar.plan_progress(self.profile.id, plan)
        self.progress.setValue(round(progress.fraction * 1000))
        self.progress_label.setText(progress_text(progress))

    def _show_daily_loop(self) -> None:
        """Streak, cards due today and where to pick up."""
        streak = self.lodestar.streak_now(self.profile.id)
        longest = f"(longest {plural(streak.longest, 'day')})"
        if streak.current:
            keep = "" if streak.today_counts else " — study today to keep it"
            self.streak.setText(f"{streak.current}-day study streak{keep} {longest}")
        else:
            self.streak.setText(f"No streak yet — study today to start one {longest}")
        due = self.lodestar.due_reviews(self.profile.id)
        self.reviews.setText(f"{plural(due, 'card')} due today" if due
                             else "No cards due today")
        self.review_button.setEnabled(due > 0)
        last = self.lodestar.last_activity(self.profile.id)
        self._resume_target = None
        if last is not None:
            kind, subject = last
            target = ("lab", subject) if kind == "lab" else ("topic", subject) if subject else None
            if target is not None:
                self._resume_target = target
                name = self._titles().get(subject, subject) if target[0] == "topic" else subject
                self.resume.setText(f"Resume: {'lab ' if target[0] == 'lab' else ''}{name}")
        self.resume.setVisible(self._resume_target is not None)

    def _titles(self) -> dict[str, str]:
        return self.lodestar.topic_titles()

    def _resume(self) -> None:
        if self._resume_target is not None:
            kind, slug = self._resume_target
            (self.open_lab if kind == "lab" else self.open_topic).emit(slug)

    def _show_deadlines(self) -> None:
        self.deadlines.clear()
        now = datetime.now(UTC)
        followed = self.lodestar.followed(self.profile.id)
        upcoming = self.lodestar.upcoming_deadlines(200 if followed else DEADLINES_SHOWN, now)
        if followed:  # the conferences the learner follows, when there are any
            upcoming = [d for d in upcoming if d.series in followed][:DEADLINES_SHOWN]
        for d in upcoming:
            local = d.due.astimezone()
            # Two short lines rather than one long one: the side column is narrow.
            QListWidgetItem(f"{d.series_title} {d.year} · {d.kind.value} deadline\n"
                            f"{local:%a %d %b %H:%M} ({countdown(d.due, now)} left)", self.deadlines)
        if len(upcoming) < DEADLINES_SHOWN:  # the shipped data ages: say what past years suggest
            self._show_expected(followed, now, DEADLINES_SHOWN - len(upcoming))
        if not self.deadlines.count():
            QListWidgetItem("No deadlines ahead for the conferences you follow." if followed
                            else "No deadlines ahead in the conference data.", self.deadlines)

    def _show_expected(self, followed: set[str], now: datetime, room: int) -> None:
        # Reading every series costs ~50 ms: once a day per profile and follows, not per refresh.
        key = (self.profile.id, frozenset(followed), now.date())
        if self._expected[0] != key:
            views = [v for v in self.lodestar.conference_list(self.profile.id)
                     if not followed or v.slug in followed]
            self._expected = (key, sorted(((e.earliest, v.title, e) for v in views
                                           if (e := v.expected_next(now)) is not None),
                                          key=lambda t: t[:2]))
        for _start, title, e in self._expected[1][:room]:
            item = QListWidgetItem(f"{title} {e.year} · paper deadline\n"
                                   f"expected {e.when} {e.earliest.year} (estimate)", self.deadlines)
            item.setToolTip(f"Not announced yet: an estimate {e.basis}. Import fresher deadline "
                            "data on the Conferences page to see the real one.")
            font = item.font()
            font.setItalic(True)
            item.setFont(font)

    def _open(self, item: PlanItem | None) -> None:
        if item is None:
            return
        if item.kind is PlanItemKind.LAB and item.lab:
            self.open_lab.emit(item.lab)
        elif item.topic:
            self.open_topic.emit(item.topic)

    def _open_next(self) -> None:
        self._open(self._next)

    def _done_next(self) -> None:
        if self._next is not None and self._next.topic:
            self.topic_marked.emit(self._next.topic, TopicStatus.DONE)

    def _activated(self, entry: QListWidgetItem) -> None:
        self._open(entry.data(TARGET_ROLE))
