"""Review page: the self-check cards of started lessons, one at a time, graded Again to Easy.

Keys: Space or Enter shows the answer, 1–4 grade it (only once it shows), Ctrl+Z takes the last
answer back. The buttons take no focus, so Space never presses whichever button last had it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QElapsedTimer, QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from planner.core.errors import LodestarError
from planner.core.models import Profile
from planner.core.progress import CardRef, ReviewGrade
from planner.core.review import ReviewCard, ReviewStats
from planner.services import Lodestar
from planner.services.progress import local_zone
from planner.ui import theme

# Answer times are capped, as Anki caps them at a minute: a card left on screen during a
# coffee break is not half an hour of study.
ANSWER_TIME_CAP_MS = 5 * 60_000
CARD_WIDTH = 860  # a line of about 90 characters: easy to read at a glance
KEYS_HINT = "Space or Enter shows the answer · 1–4 grade it · Ctrl+Z takes the last answer back"
GRADE_COLOURS = {  # (light theme, dark theme)
    ReviewGrade.AGAIN: ("#c0392b", "#ef6f61"),
    ReviewGrade.HARD: ("#c27c0e", "#f0b04a"),
    ReviewGrade.GOOD: ("#2e8b57", "#5cc98b"),
    ReviewGrade.EASY: ("#2456b8", "#8fb4ff"),
}


def interval_text(delta: timedelta) -> str:
    """A short "how long until it comes back": 1 min, 10 min, 3 h, 8 d, 2.5 mo, 1.2 y."""
    seconds = max(delta.total_seconds(), 0)
    if seconds < 3600:
        return f"{max(round(seconds / 60), 1)} min"
    if seconds < 86_400:
        return f"{round(seconds / 3600)} h"
    days = seconds / 86_400
    if days < 30:
        return f"{round(days)} d"
    if days < 365:
        return f"{days / 30.4:.1f}".removesuffix(".0") + " mo"
    return f"{days / 365.25:.1f}".removesuffix(".0") + " y"


def when_text(due: datetime, now: datetime) -> str:
    """When a card comes due, on the learner's clock: "now", "today at 18:05", "tomorrow at
    09:12", "on Friday at 07:30", "on Mon 7 Dec"."""
    zone = local_zone()
    local, today = due.astimezone(zone), now.astimezone(zone).date()
    if due <= now:
        return "now"
    days = (local.date() - today).days
    if days == 0:
        return f"today at {local:%H:%M}"
    if days == 1:
        return f"tomorrow at {local:%H:%M}"
    if days < 7:
        return f"on {local:%A} at {local:%H:%M}"
    return f"on {local:%a} {local.day} {local:%b}" + (f" {local.year}" if local.year != today.year else "")


class ReviewPage(QWidget):
    """One card at a time from the learner's due cards; the next when it is graded."""

    open_topic = Signal(str)  # a topic slug: show its lesson
    reviews_changed = Signal(int)  # cards still due today, after an answer or an undo
    profile_changed = Signal(object)  # Profile, after the desired retention was saved

    def __init__(self, lodestar: Lodestar, profile: Profile, parent: QWidget | None = None):
        super().__init__(parent)
        self.lodestar = lodestar
        self.profile = profile
        self.card: ReviewCard | None = None
        self.stats: ReviewStats | None = None
        self.revealed = False
        self._clock = QElapsedTimer()
        self._answered: list[CardRef] = []  # answers given on this page, to take back
        self._build()
        self._bind_keys()  # filled when shown (`showEvent`): reviews change while it is hidden

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        heading = QLabel("Review", objectName="reviewHeading")
        heading.setProperty("role", "title")
        self.counts = QLabel(objectName="reviewCounts")
        self.counts.setProperty("role", "subtitle")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.counts)
        self.stack = QStackedWidget(objectName="reviewStack")
        self.stack.addWidget(self._card_view())
        self.stack.addWidget(self._message_view())
        self.frame = QFrame(objectName="reviewCard")
        self.frame.setStyleSheet("#reviewCard { background: palette(base); border: 1px solid palette(mid);"
                                 " border-radius: 8px; }")
        QVBoxLayout(self.frame).addWidget(self.stack)
        body = QWidget(objectName="reviewBody")
        body.setMaximumWidth(CARD_WIDTH)
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.frame, 1)
        column.addLayout(self._answer_row())
        self.keys = QLabel(KEYS_HINT, objectName="reviewKeys", alignment=Qt.AlignmentFlag.AlignCenter)
        self.keys.setProperty("role", "subtitle")
        column.addWidget(self.keys)
        column.addWidget(self._settings_row())
        centred = QHBoxLayout(self)
        centred.setContentsMargins(24, 16, 24, 16)
        centred.addWidget(body)

    def _card_view(self) -> QWidget:
        view = QWidget()
        self.topic_label = QLabel(objectName="reviewTopic")
        self.topic_label.setProperty("role", "subtitle")
        self.open_lesson = QPushButton("Open lesson", objectName="openLesson", flat=True)
        self.open_lesson.setCursor(Qt.CursorShape.PointingHandCursor)
        self.open_lesson.setStyleSheet("QPushButton { color: palette(link); text-decoration: underline;"
                                       " border: none; padding: 2px 4px; }")
        self.open_lesson.clicked.connect(self._open_lesson)
        # Plain text: the cards hold LaTeX source such as $x^2$ and "<" signs, shown as written.
        self.question = QLabel(objectName="reviewQuestion", wordWrap=True,
                               textFormat=Qt.TextFormat.PlainText)
        self.question.setStyleSheet("font-size: 17pt;")
        self.divider = QFrame(frameShape=QFrame.Shape.HLine, objectName="reviewDivider")
        self.divider.setStyleSheet("color: palette(mid);")
        self.answer = QLabel(objectName="reviewAnswer", wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.answer.setStyleSheet("font-size: 14pt;")
        for label in (self.question, self.answer):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        title = QHBoxLayout()
        title.addWidget(self.topic_label, 1)
        title.addWidget(self.open_lesson)
        layout = QVBoxLayout(view)
        layout.setContentsMargins(24, 16, 24, 24)
        layout.setSpacing(14)
        layout.addLayout(title)
        layout.addWidget(self.question)
        layout.addWidget(self.divider)
        layout.addWidget(self.answer)
        layout.addStretch(1)
        return view

    def _message_view(self) -> QWidget:
        view = QWidget()
        self.message = QLabel(objectName="reviewMessage", wordWrap=True,
                              alignment=Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("font-size: 17pt; font-weight: 600;")
        self.detail = QLabel(objectName="reviewDetail", wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.detail.setStyleSheet("font-size: 12pt;")
        layout = QVBoxLayout(view)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.detail)
        layout.addStretch(2)
        return view

    def _answer_row(self) -> QHBoxLayout:
        self.show_answer = QPushButton("Show answer   (Space)", objectName="showAnswer")
        self.show_answer.clicked.connect(self.reveal)
        self.grades: dict[ReviewGrade, QPushButton] = {}
        row = QHBoxLayout()
        row.addWidget(self.show_answer, 1)
        for grade in ReviewGrade:
            button = QPushButton(grade.label, objectName=f"grade{grade.label}")
            button.setToolTip(f"Key {int(grade)}")
            button.clicked.connect(lambda _=False, g=grade: self.grade(g))
            self.grades[grade] = button
            row.addWidget(button, 1)
        for button in (self.show_answer, *self.grades.values()):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(44)
        self._colour_grades()
        return row

    def _colour_grades(self) -> None:
        # A coloured edge tells the buttons apart at a glance; shades readable on both themes.
        dark = theme.is_dark(self.palette())
        for grade, button in self.grades.items():
            colour = GRADE_COLOURS[grade][dark]
            button.setStyleSheet(
                f"QPushButton {{ background: palette(button); color: palette(button-text);"
                f" border: 1px solid palette(mid); border-bottom: 3px solid {colour};"
                f" border-radius: 5px; padding: 4px 8px; }}"
                f" QPushButton:hover {{ background: palette(alternate-base); }}"
                f" QPushButton:pressed {{ background: palette(mid); }}")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and getattr(self, "grades", None):
            self._colour_grades()  # the edge shades differ between the light and dark themes
        super().changeEvent(event)

    def _settings_row(self) -> QWidget:
        row = QWidget(objectName="reviewSettings")
        self.retention = QDoubleSpinBox(objectName="desiredRetention", decimals=2, singleStep=0.01,
                                        minimum=0.71, maximum=0.99, keyboardTracking=False)
        self.retention.setToolTip("How likely you should still remember a card when it comes back. "
                                  "Higher means shorter intervals and more reviews.")
        self.retention.valueChanged.connect(self._save_retention)
        self.new_cards = QSpinBox(objectName="newCardsPerDay", minimum=0, maximum=9999,
                                  keyboardTracking=False)
        self.new_cards.setToolTip("How many cards you have never answered are introduced each day, "
                                  "oldest lessons first. 0 brings back only cards you have seen.")
        self.new_cards.valueChanged.connect(self._save_new_cards)
        self.status = QLabel(objectName="reviewStatus", wordWrap=True)
        self.status.setProperty("role", "subtitle")
        self.undo = QPushButton("Undo last answer   (Ctrl+Z)", objectName="undoReview")
        self.undo.clicked.connect(self.undo_last)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(QLabel("Desired retention:"))
        layout.addWidget(self.retention)
        layout.addWidget(QLabel("New cards a day:"))
        layout.addWidget(self.new_cards)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.undo)
        return row

    def _bind_keys(self) -> None:
        for key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self, activated=self.reveal)
        for grade in ReviewGrade:
            QShortcut(QKeySequence(str(int(grade))), self, activated=lambda g=grade: self.grade(g))
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo_last)

    # --- showing ------------------------------------------------------------------------------

    def set_profile(self, profile: Profile) -> None:
        self.profile = profile
        self._answered.clear()
        self.refresh()

    def refresh(self, prefer: CardRef | None = None) -> None:
        """Show the first due card (keeping its answer shown if it was), or `prefer` if it is
        due, or that none is due."""
        self.retention.blockSignals(True)
        self.retention.setValue(self.profile.desired_retention)
        self.retention.blockSignals(False)
        self.new_cards.blockSignals(True)
        self.new_cards.setValue(self.profile.new_cards_per_day)
        self.new_cards.blockSignals(False)
        shown = self.card.ref if self.card is not None and self.revealed else None
        queue = self.lodestar.review_queue(self.profile.id, limit=200 if prefer else 1)
        queue = [c for c in queue if c.ref == prefer] or queue
        self.stats = stats = self.lodestar.review_stats(self.profile.id)
        self._show_counts(stats)
        self.undo.setEnabled(bool(self._answered))
        if not queue:
            self._show_done(stats)
            return
        self._show_card(queue[0], keep_answer=queue[0].ref == shown)

    def _show_counts(self, stats: ReviewStats) -> None:
        text = f"{stats.due_today} due today · {stats.reviewed_today} answered today"
        if stats.retention is not None:
            text += f" · {stats.retention:.0%} recalled over 30 days"
        self.counts.setText(text)

    def _show_card(self, card: ReviewCard, keep_answer: bool = False) -> None:
        self.card = card
        self.stack.setCurrentIndex(0)
        number = f"card {card.index + 1}" + (" · new" if card.is_new else "")
        self.topic_label.setText(f"{card.topic_title} · {number}")
        self.question.setText(card.question)
        self.answer.setText(card.answer)
        if not keep_answer:
            self._clock.start()
        self._set_revealed(keep_answer)

    def _show_done(self, stats: ReviewStats) -> None:
        self.card = None
        self.stack.setCurrentIndex(1)
        self._set_revealed(False)
        self.show_answer.hide()
        if stats.total_cards == 0:
            self.message.setText("No cards to review yet")
            self.detail.setText("A lesson's self-check cards join your reviews when you start it "
                                "or mark it done, so you are only asked about what you have seen.")
            return
        self.message.setText("All done for today")
        when = when_text(stats.next_due, datetime.now(UTC)) if stats.next_due else None
        count = stats.reviewed_today
        answered = f"You answered {count} card{'s' if count != 1 else ''} today."
        self.detail.setText(f"Next card due {when}. {answered}" if when else answered)

    def _set_revealed(self, revealed: bool) -> None:
        self.revealed = revealed and self.card is not None
        self.divider.setVisible(self.revealed)
        self.answer.setVisible(self.revealed)
        self.show_answer.setVisible(self.card is not None and not self.revealed)
        self.keys.setVisible(self.card is not None)
        for button in self.grades.values():
            button.setVisible(self.revealed)
        if self.revealed:
            self._label_grades()

    def _label_grades(self) -> None:
        try:
            preview = self.lodestar.review_preview(self.profile.id, self.card.topic, self.card.index)
        except LodestarError:  # the card left the deck meanwhile: labels without intervals
            preview = {}
        for grade, button in self.grades.items():
            after = preview.get(grade)
            button.setText(f"{grade.label} · {interval_text(after)}" if after is not None else grade.label)

    # --- acting -------------------------------------------------------------------------------

    def reveal(self) -> None:
        if self.isVisible() and self.card is not None and not self.revealed:
            self._set_revealed(True)

    def grade(self, grade: ReviewGrade) -> None:
        """Answer the shown card (once its answer shows), then show the next."""
        if not (self.isVisible() and self.card is not None and self.revealed):
            return
        grade = ReviewGrade(grade)
        taken = min(self._clock.elapsed(), ANSWER_TIME_CAP_MS) if self._clock.isValid() else None
        card = self.card
        answered = self.lodestar.grade_card(self.profile.id, card.topic, card.index, grade,
                                            duration_ms=taken)
        if answered is not None:
            self._answered.append(card.ref)
        self.card, self.revealed = None, False
        self.refresh()
        self.status.setText(f"{grade.label}: back {when_text(answered.due, datetime.now(UTC))}."
                            if answered else "That card is no longer in your reviews.")
        self.reviews_changed.emit(self.stats.due_today)

    def undo_last(self) -> None:
        if not self.isVisible():
            return
        # Only answers given here, as the button shows: the page never takes back more.
        if not self._answered or not self.lodestar.undo_last_review(self.profile.id):
            self._answered.clear()
            self.status.setText("Nothing to undo.")
            self.undo.setEnabled(False)
            return
        taken_back = self._answered.pop() if self._answered else None
        self.card, self.revealed = None, False
        self.refresh(prefer=taken_back)
        self.status.setText("Last answer taken back.")
        self.reviews_changed.emit(self.stats.due_today)

    def _open_lesson(self) -> None:
        if self.card is not None:
            self.open_topic.emit(self.card.topic)

    def _save_retention(self, value: float) -> None:
        value = round(value, 2)
        try:
            self.lodestar.set_desired_retention(self.profile.id, value)
        except LodestarError as exc:
            self.status.setText(str(exc))
            return
        self.profile = replace(self.profile, desired_retention=value)
        self.status.setText(f"Desired retention {value:.0%}: cards now come back so that you "
                            f"recall about {value:.0%} of them.")
        if self.revealed:
            self._label_grades()
        self.profile_changed.emit(self.profile)

    def _save_new_cards(self, value: int) -> None:
        try:
            self.lodestar.set_new_cards_per_day(self.profile.id, value)
        except LodestarError as exc:
            self.status.setText(str(exc))
            return
        self.profile = replace(self.profile, new_cards_per_day=value)
        self.refresh()
        self.status.setText(f"Up to {value} new cards a day." if value
                            else "No new cards: only cards you have answered come back.")
        self.profile_changed.emit(self.profile)
        self.reviews_changed.emit(self.stats.due_today)

    def showEvent(self, event) -> None:
        # Topics started on other pages bring new cards; the day may have turned meanwhile.
        super().showEvent(event)
        self.refresh()
