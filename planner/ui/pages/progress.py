"""Progress page: the streak, the year heatmap, hours planned against hours studied, skills over
time, this month's and all-time totals, the study timer, time logged by hand, and the report.

The timer lives in the database (`Lodestar.start_timer`), so it keeps running when the app is
closed; the page only shows it, ticking once a second while it runs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.core.errors import LodestarError
from planner.core.models import Profile
from planner.core.text import plural
from planner.core.tracking import LoggedSession, ProgressOverview, RunningTimer
from planner.services import Lodestar
from planner.services.progress import local_zone, session_start
from planner.ui.report import write_pdf
from planner.ui.widgets.heatmap import YearHeatmap, duration_text
from planner.ui.widgets.progress_charts import SkillHistoryChart, WeeklyHoursChart

SESSIONS_SHOWN = 50
LONG_TIMER_HOURS = 8  # a timer running longer was probably forgotten: ask before recording it
ID_ROLE = Qt.ItemDataRole.UserRole
TOTALS = (("Hours studied", lambda t: f"{t.hours:.1f}"), ("Study days", lambda t: str(t.study_days)),
          ("Topics done", lambda t: str(t.topics_done)), ("Labs finished", lambda t: str(t.labs_finished)),
          ("Readings finished", lambda t: str(t.readings_read)), ("Cards reviewed", lambda t: str(t.reviews)))


class LogTimeDialog(QDialog):
    """Time studied away from the timer: topic, day, minutes and a note. The services judge the
    entry; their message shows under the form and the dialog stays open."""

    def __init__(self, lodestar: Lodestar, profile: Profile, topics: dict[str, str],
                 parent: QWidget | None = None):
        super().__init__(parent, windowTitle="Log study time")
        self.lodestar, self.profile = lodestar, profile
        self.saved: LoggedSession | None = None
        self.topic = QComboBox(objectName="logTopic")
        self.topic.addItem("No particular topic", None)
        for slug, title in topics.items():
            self.topic.addItem(title, slug)
        # Python's clock, not Qt's: one clock for the whole app, which tests can set.
        today = QDate(date.today())
        self.day = QDateEdit(today, objectName="logDay", calendarPopup=True)
        self.day.setMaximumDate(today)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.minutes = QSpinBox(objectName="logMinutes", minimum=0, maximum=24 * 60, value=30,
                                suffix=" min", singleStep=5)
        self.note = QLineEdit(objectName="logNote", placeholderText="What you did (optional)")
        self.error = QLabel(objectName="logError", wordWrap=True)
        self.error.setStyleSheet("color: #d64545;")
        self.error.hide()
        form = QFormLayout(self)
        form.addRow("Topic", self.topic)
        form.addRow("Day", self.day)
        form.addRow("Time", self.minutes)
        form.addRow("Note", self.note)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def started(self) -> datetime:
        """Today: the time ends now. An earlier day: it starts at noon (inside that study day
        whatever the day boundary)."""
        return session_start(self.day.date().toPython(), self.minutes.value())

    def accept(self) -> None:
        try:
            self.saved = self.lodestar.log_study(
                self.profile.id, self.minutes.value(), topic=self.topic.currentData(),
                started=self.started(), note=self.note.text())
        except LodestarError as exc:
            self.error.setText(str(exc))
            self.error.show()
            self.adjustSize()  # room for the message's lines
            return
        super().accept()


class ProgressPage(QWidget):
    """How the learner is doing. `open_topic` asks the window for a lesson (a session's topic,
    double-clicked); `progress_changed` says time was logged or deleted (Today's streak)."""

    open_topic = Signal(str)
    progress_changed = Signal()

    def __init__(self, lodestar: Lodestar, profile: Profile, parent: QWidget | None = None):
        super().__init__(parent)
        self.lodestar, self.profile = lodestar, profile
        self.overview: ProgressOverview | None = None
        self.timer: RunningTimer | None = None
        self.heading = QLabel(objectName="progressHeading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.streak = QLabel(objectName="streak", textFormat=Qt.TextFormat.RichText)
        self.heatmap = YearHeatmap()
        self.heatmap_caption = QLabel(objectName="heatmapCaption")
        self.weekly = WeeklyHoursChart()
        self.skills = SkillHistoryChart()
        self.skill_legend = QLabel(objectName="skillLegend", wordWrap=True)
        self.skill_legend.setStyleSheet("font-size: 8pt;")
        self.totals: dict[tuple[str, str], QLabel] = {}
        self.topic = QComboBox(objectName="timerTopic")
        self.start_stop = QPushButton("Start", objectName="timerButton")
        self.start_stop.clicked.connect(self.start_or_stop)
        self.elapsed = QLabel(objectName="timerElapsed")
        self.today_text = QLabel(objectName="todayStudied", wordWrap=True)
        self.ticker = QTimer(self, interval=1000)
        self.ticker.timeout.connect(self._tick)
        self.sessions = QTreeWidget(objectName="sessions", rootIsDecorated=False,
                                    alternatingRowColors=True)
        self.sessions.setHeaderLabels(["When", "Topic", "Time", "Note"])
        self.sessions.itemDoubleClicked.connect(self._open_session)
        self.delete = QPushButton("Delete…", objectName="deleteSession", enabled=False)
        self.delete.clicked.connect(self.delete_selected)
        self.sessions.itemSelectionChanged.connect(
            lambda: self.delete.setEnabled(bool(self.sessions.selectedItems())))
        self._topics: dict[str, str] = {}  # slug -> title, in curriculum order
        self._build()
        self.refresh()

    # --- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.heading)
        bar.addSpacing(16)
        bar.addWidget(self.streak, 1)
        log = QPushButton("Log time…", objectName="logTime", toolTip="Add time studied away from the timer")
        log.clicked.connect(self.log_time)
        bar.addWidget(log)
        bar.addWidget(self._export_button())
        heat = QGroupBox("The last year")
        heat_column = QVBoxLayout(heat)
        heat_column.addWidget(self.heatmap)
        heat_column.addLayout(self._legend())
        charts = QHBoxLayout()
        for title, chart, key in (("Hours per week: planned (grey) and studied (blue)", self.weekly, None),
                                  ("Skill levels over time", self.skills, self.skill_legend)):
            box = QGroupBox(title)
            column = QVBoxLayout(box)
            column.addWidget(chart, 1)
            if key is not None:
                column.addWidget(key)
            charts.addWidget(box, 1)
        top = QHBoxLayout()
        top.addWidget(self._timer_box(), 2)
        top.addWidget(self._totals_box(), 2)
        top.addWidget(self._sessions_box(), 3)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(top)
        layout.addWidget(heat)
        layout.addLayout(charts, 1)

    def _export_button(self) -> QToolButton:
        button = QToolButton(text="Export report", objectName="exportReport",
                             popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        for period, label in (("month", "This month"), ("all", "All time")):
            for kind, suffix in (("PDF", ".pdf"), ("Markdown", ".md")):
                menu.addAction(f"{label} as {kind}…",
                               lambda p=period, s=suffix: self._ask_export(p, s))
        button.setMenu(menu)
        return button

    def _legend(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.heatmap_caption, 1)
        row.addWidget(QLabel("Less"))
        self.swatches = [QLabel(objectName=f"swatch{n}") for n in range(5)]
        for swatch in self.swatches:
            swatch.setFixedSize(12, 12)
            row.addWidget(swatch)
        row.addWidget(QLabel("More"))
        return row

    def _timer_box(self) -> QGroupBox:
        box = QGroupBox("Study timer")
        column = QVBoxLayout(box)
        column.addWidget(self.topic)
        row = QHBoxLayout()
        row.addWidget(self.start_stop)
        row.addWidget(self.elapsed, 1)
        column.addLayout(row)
        hint = QLabel("The timer keeps running if you close Lodestar.", wordWrap=True)
        hint.setProperty("role", "subtitle")
        column.addWidget(hint)
        column.addStretch(1)
        column.addWidget(self.today_text)
        return box

    def _totals_box(self) -> QGroupBox:
        box = QGroupBox("Totals")
        grid = QGridLayout(box)
        for column, title in ((1, "This month"), (2, "All time")):
            header = QLabel(f"<b>{title}</b>")
            grid.addWidget(header, 0, column, Qt.AlignmentFlag.AlignRight)
        for row, (name, _value) in enumerate(TOTALS, start=1):
            grid.addWidget(QLabel(name), row, 0)
            for column, period in ((1, "month"), (2, "all")):
                label = QLabel(objectName=f"total_{period}_{row}")
                grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignRight)
                self.totals[(period, name)] = label
        grid.setRowStretch(len(TOTALS) + 1, 1)
        return box

    def _sessions_box(self) -> QGroupBox:
        box = QGroupBox("Recent study sessions")
        column = QVBoxLayout(box)
        column.addWidget(self.sessions, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.delete)
        column.addLayout(row)
        return box

    # --- showing ------------------------------------------------------------------------------

    def set_profile(self, profile: Profile) -> None:
        self.profile = profile
        self.refresh()

    def refresh(self) -> None:
        """Read everything again (a profile switch, a sync, time logged elsewhere)."""
        self.heading.setText(f"Progress · {self.profile.name}")
        self._topics = self.lodestar.topic_titles()
        self.overview = overview = self.lodestar.progress_overview(self.profile.id)
        self._show_streak(overview)
        self.heatmap.set_days(overview.days, overview.thresholds)
        self._colour_swatches()
        active = sum(1 for d in overview.days if d.events)
        hours = sum(d.minutes for d in overview.days) / 60
        self.heatmap_caption.setText(
            f"{plural(active, 'study day')} and {plural(round(hours), 'hour')} in the last year")
        today = overview.days[-1] if overview.days else None
        week = overview.weeks[-1] if overview.weeks else None
        self.today_text.setText(
            f"Today: {duration_text(today.minutes) if today and today.minutes else 'no time logged yet'}"
            + (f" · this week {week.done:.1f} h of {week.planned:.1f} h planned"
               if week and week.planned else ""))
        self.weekly.set_weeks(overview.weeks)
        self.skills.set_history(overview.skills, overview.lines, overview.today,
                                self.profile.start_date)
        self.skill_legend.setText(self.skills.legend_html())
        for name, value in TOTALS:
            self.totals[("month", name)].setText(value(overview.month))
            self.totals[("all", name)].setText(value(overview.all_time))
        self._show_sessions()
        self._show_timer(self.lodestar.running_timer(self.profile.id))

    def _colour_swatches(self) -> None:
        """The legend under the heatmap, in its shades for this page's palette (a palette change
        reaches the page before its children)."""
        for swatch, shade in zip(self.swatches, self.heatmap.shades(self.palette()), strict=True):
            swatch.setStyleSheet(f"background: {shade.name()}; border-radius: 2px;")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "swatches"):
            self._colour_swatches()
        super().changeEvent(event)

    def _show_streak(self, overview: ProgressOverview) -> None:
        s = overview.streak
        if s.current:
            hint = "" if s.today_counts else " · study today to keep it"
            text = f"<b>{s.current}-day streak</b>{hint} · longest {plural(s.longest, 'day')}"
        elif s.longest:
            text = f"No streak right now · longest {plural(s.longest, 'day')}"
        else:
            text = "Study today to start a streak"
        self.streak.setText(text)

    def _show_sessions(self) -> None:
        titles = self._topics
        zone = local_zone()
        self.sessions.clear()
        for logged in self.lodestar.study_sessions(self.profile.id, limit=SESSIONS_SHOWN):
            when = logged.started.astimezone(zone)
            topic = titles.get(logged.topic or "", logged.topic or "—")
            item = QTreeWidgetItem(self.sessions, [f"{when:%a %d %b %H:%M}", topic,
                                                   duration_text(logged.minutes), logged.note])
            item.setData(0, ID_ROLE, logged.id)
            item.setData(1, ID_ROLE, logged.topic)
            how = "the timer" if logged.source.value == "timer" else "entered by hand"
            for column in range(4):
                item.setToolTip(column, f"{topic} · {duration_text(logged.minutes)} · {how}")
        for column in (0, 2):
            self.sessions.resizeColumnToContents(column)
        self.sessions.setColumnWidth(1, 190)
        self.delete.setEnabled(False)

    def _show_timer(self, timer: RunningTimer | None) -> None:
        self.timer = timer
        current = timer.topic if timer else self.topic.currentData()
        self.topic.clear()
        self.topic.addItem("No particular topic", None)
        for slug, title in self._topics.items():
            self.topic.addItem(title, slug)
        self.topic.setCurrentIndex(max(0, self.topic.findData(current)))
        self.topic.setEnabled(timer is None)
        self.start_stop.setText("Stop" if timer else "Start")
        if timer is None:
            self.ticker.stop()
            self.elapsed.setText("Not running")
        else:
            self.ticker.start()
            self._tick()

    def _tick(self) -> None:
        if self.timer is not None:
            seconds = int(self.timer.minutes(datetime.now(UTC)) * 60)
            hours, rest = divmod(seconds, 3600)
            self.elapsed.setText(f"<b>{hours:d}:{rest // 60:02d}:{rest % 60:02d}</b>")

    # --- actions ------------------------------------------------------------------------------

    def start_or_stop(self) -> None:
        """Start the timer on the chosen topic, or stop it and record the time."""
        try:
            if self.timer is None:
                self._show_timer(self.lodestar.start_timer(self.profile.id, self.topic.currentData()))
                return
            minutes = self.timer.minutes(datetime.now(UTC))
            if minutes > LONG_TIMER_HOURS * 60 and not self._confirm_long(minutes):
                return
            logged = self.lodestar.stop_timer(self.profile.id)
        except LodestarError as exc:
            QMessageBox.warning(self, "Study timer", str(exc))
            self._show_timer(self.lodestar.running_timer(self.profile.id))
            return
        if logged is None:
            self.elapsed.setText("Under a minute: not recorded")
        self._changed()

    def _confirm_long(self, minutes: float) -> bool:
        """Whether to record a timer that ran very long; discarding it is offered too."""
        answer = QMessageBox.question(
            self, "Record this time?",
            f"The timer has been running for {duration_text(minutes)}. Record it as study time "
            "(at most 24 hours)? Choose Discard if it was left running by mistake.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Discard:
            self.lodestar.discard_timer(self.profile.id)
            self._show_timer(None)
        return answer == QMessageBox.StandardButton.Save

    def log_time(self) -> LoggedSession | None:
        """Ask for time studied away from the timer and record it."""
        dialog = LogTimeDialog(self.lodestar, self.profile, self._topics, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._changed()
        return dialog.saved

    def delete_selected(self) -> bool:
        """Delete the selected session, after asking."""
        items = self.sessions.selectedItems()
        if not items:
            return False
        item = items[0]
        answer = QMessageBox.question(
            self, "Delete study session?",
            f"Delete {item.text(2)} on {item.text(1)} ({item.text(0)})? It no longer counts in "
            "your hours, streak or heatmap.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.lodestar.delete_study_session(item.data(0, ID_ROLE))
        self._changed()
        return True

    def _ask_export(self, period: str, suffix: str) -> None:
        kind = "PDF (*.pdf)" if suffix == ".pdf" else "Markdown (*.md)"
        name = f"progress-{'month' if period == 'month' else 'all-time'}-{date.today():%Y-%m}{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, "Export progress report", str(Path.home() / name), kind)
        if path:
            self.export_report(Path(path).with_suffix(suffix), period)

    def export_report(self, path: Path, period: str) -> Path | None:
        """Write the report for `period` ("month" or "all") as PDF or Markdown, by suffix."""
        try:
            if path.suffix.lower() == ".pdf":
                report = self.lodestar.progress_report(self.profile.id, period)
                return write_pdf(self.lodestar.report_html(report), path)
            return self.lodestar.export_report(self.profile.id, path, period)
        except LodestarError as exc:
            QMessageBox.warning(self, "Export report", str(exc))
            return None

    def _changed(self) -> None:
        self.refresh()
        self.progress_changed.emit()

    def _open_session(self, item: QTreeWidgetItem) -> None:
        topic = item.data(1, ID_ROLE)
        if topic:
            self.open_topic.emit(topic)

