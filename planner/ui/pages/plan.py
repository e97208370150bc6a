"""Study plan page: the weeks toward the target role, progress toward the target date, the skill
gap, and re-planning as topics get done, skipped or started.

Every change re-plans from today (past weeks stay as they happened) and the banner says what
moved. When the date cannot be met, the banner says by how much and offers the two ways out.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.core.errors import LodestarError, PlanError
from planner.core.models import (
    PlanChange,
    PlanUpdate,
    Profile,
    RoleLevel,
    StudyPlan,
    TopicStatus,
)
from planner.core.text import hours
from planner.services import Lodestar
from planner.services.study import MAX_HOURS_PER_WEEK
from planner.ui.widgets.skill_gap import LEGEND, SkillGapChart
from planner.ui.widgets.timeline import PlanTimeline, progress_text

MOVES_SHOWN = 6
DROPS_SHOWN = 8


def changes_text(changes: tuple[PlanChange, ...]) -> str:
    lines = []
    for change in changes[:MOVES_SHOWN]:
        if change.old_week is None:
            lines.append(f"{change.title}: added in week {change.new_week + 1}")
        elif change.new_week is None:
            lines.append(f"{change.title}: no longer planned")
        else:
            lines.append(f"{change.title}: week {change.old_week + 1} → {change.new_week + 1}")
    more = len(changes) - MOVES_SHOWN
    return "; ".join(lines) + (f"; and {more} more" if more > 0 else "")


class Banner(QFrame):
    """One message at a time above the timeline, with up to two actions and a close button."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, objectName="planBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel(wordWrap=True, objectName="bannerText")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.first = QPushButton(objectName="bannerFirst")
        self.second = QPushButton(objectName="bannerSecond")
        close = QToolButton(text="✕", autoRaise=True, toolTip="Dismiss")
        close.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.first)
        row.addWidget(self.second)
        row.addWidget(close, alignment=Qt.AlignmentFlag.AlignTop)
        self.hide()

    def say(self, text: str, kind: str = "info", actions: tuple = ()) -> None:
        colours = {"info": "#3b6fd8", "warn": "#c98a12", "error": "#d64545"}
        self.setStyleSheet(f"#planBanner {{ border: 1px solid {colours[kind]}; border-radius: 4px; }}")
        self.text.setText(text)
        for button, action in zip((self.first, self.second), (*actions, None, None), strict=False):
            if button.receivers("2clicked()") or button.receivers("2clicked(bool)"):
                button.clicked.disconnect()
            button.setVisible(action is not None)
            if action is not None:
                button.setText(action[0])
                button.clicked.connect(action[1])
        self.show()


class StudyPlanPage(QWidget):
    """The profile's plan. `open_topic`/`open_lab` ask the window to show a lesson or a lab;
    `edit_profile` asks for the profile dialog; `plan_changed` tells other pages."""

    open_topic = Signal(str)
    open_lab = Signal(str)
    edit_profile = Signal()
    plan_changed = Signal(object)  # PlanUpdate
    topic_marked = Signal(str, object)  # topic slug, TopicStatus (set here, from the timeline)

    def __init__(self, lodestar: Lodestar, profile: Profile, parent: QWidget | None = None):
        super().__init__(parent)
        self.lodestar = lodestar
        self.profile = profile
        self.plan: StudyPlan | None = None
        self.heading = QLabel(objectName="planHeading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.progress = QProgressBar(objectName="planProgress", maximum=1000)
        self.progress.setFormat("")
        self.progress_label = QLabel(objectName="planProgressText")
        self.pace_label = QLabel(objectName="planPace", wordWrap=True)
        self.use_pace = QCheckBox("Plan with my pace", objectName="usePace")
        self.use_pace.setToolTip("Scale the remaining lessons' hours by how long your finished "
                                 "lessons took you, from the study time you logged")
        self.use_pace.toggled.connect(self._pace_toggled)
        self.banner = Banner()
        self.timeline = PlanTimeline()
        self.timeline.open_item.connect(self._open)
        self.timeline.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.timeline.customContextMenuRequested.connect(self._menu)
        self.gap = SkillGapChart()
        self.why = QLabel(wordWrap=True, objectName="planWhy")
        self.timeline.currentItemChanged.connect(self._explain)
        self._build()
        self.refresh()

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.heading, 1)
        for text, tip, slot, name in (
                ("Edit profile…", "Change role, skills, hours or dates", self.edit_profile.emit,
                 "editProfile"),
                ("Re-plan", "Make the plan again from today", self.replan_now, "replan")):
            button = QPushButton(text, toolTip=tip, objectName=name)
            button.clicked.connect(lambda _=False, s=slot: s())
            bar.addWidget(button)
        export = QToolButton(text="Export", objectName="exportPlan",
                             popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(export)
        menu.addAction("As iCalendar (.ics)…", lambda: self.export("ics"))
        menu.addAction("As Markdown (.md)…", lambda: self.export("markdown"))
        export.setMenu(menu)
        bar.addWidget(export)
        self.actions_ = {}
        for key, text, shortcut, status in (
                ("done", "Mark &done", "Ctrl+D", TopicStatus.DONE),
                ("progress", "Mark &in progress", "Ctrl+I", TopicStatus.IN_PROGRESS),
                ("skip", "&Skip topic", "Ctrl+Shift+K", TopicStatus.SKIPPED),
                ("reset", "Mark &not started", "", TopicStatus.NOT_STARTED)):
            action = QAction(text, self, shortcut=QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, s=status: self.mark_selected(s))
            self.addAction(action)
            self.actions_[key] = action
        side = QWidget()
        column = QVBoxLayout(side)
        column.addWidget(QLabel("<b>Skill gap</b> — you against the role"))
        column.addWidget(self.gap, 1)
        column.addWidget(QLabel(LEGEND, wordWrap=True))
        self.beyond = QLabel(wordWrap=True, objectName="planBeyond")
        column.addWidget(self.beyond)
        column.addWidget(self.why)
        split = QSplitter()
        split.addWidget(self.timeline)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([640, 420])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)
        pace_row = QHBoxLayout()
        pace_row.addWidget(self.pace_label, 1)
        pace_row.addWidget(self.use_pace)
        layout.addLayout(pace_row)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)

    # --- showing ------------------------------------------------------------------------------

    def set_profile(self, profile: Profile) -> None:
        self.profile = profile
        self.banner.hide()
        self.refresh()

    def refresh(self, today: date | None = None) -> None:
        """Show the current plan (re-made if this week has none yet), or why there is none."""
        today = today or date.today()
        p = self.profile
        roles = {r.slug: r.name for r in self.lodestar.roles()}
        role = roles.get(p.target_role or "", "")
        second = f" + {roles.get(p.secondary_role, '')}" if p.secondary_role else ""
        level = f" ({RoleLevel(p.role_level).short})" if role else ""
        self.heading.setText(f"{p.name} · {role}{level}{second}" if role
                             else f"{p.name} · no target role yet")
        if not p.target_role:
            self._no_plan("Set up your profile — target role, skills and weekly hours — to get "
                          "a dated study plan.", "Set up profile…")
            return
        try:
            plan = self.lodestar.current_plan(p.id, today)
        except PlanError as exc:
            self._no_plan(f"No plan can be made: {exc}", "Edit profile…")
            return
        self._show(plan, today)

    def _no_plan(self, message: str, button: str) -> None:
        self.plan = None
        self.timeline.show_plan(None, [], {}, {}, date.today())
        self.progress.setValue(0)
        self.progress_label.setText("")
        self.banner.say(message, "error", ((button, self.edit_profile.emit),))
        self._show_gap()

    def _show(self, plan: StudyPlan, today: date) -> None:
        self.plan = plan
        titles = self.lodestar.topic_titles()
        states = self.lodestar.topic_states(self.profile.id)
        self.timeline.show_plan(plan, self.lodestar.past_weeks(self.profile.id, today),
                                states, titles, today)
        progress = self.lodestar.plan_progress(self.profile.id, plan)
        self.progress.setValue(round(progress.fraction * 1000))
        self.progress_label.setText(progress_text(progress))
        pace = self.lodestar.pace(self.profile.id)
        self.pace_label.setText(pace.sentence())
        with QSignalBlocker(self.use_pace):
            self.use_pace.setChecked(pace.used)
        if not plan.weeks:
            self.banner.say("You already meet every skill target of your role. Raise a target by "
                            "choosing another role, or keep reviewing.", "info")
        elif plan.shortfall:
            self._shortfall(plan)
        self._show_gap()

    def _show_gap(self) -> None:
        names = {s.slug: s.name for s in self.lodestar.skills()}
        beyond = self.plan.beyond if self.plan is not None else ()
        self.beyond.setText("Beyond the lessons: " + "; ".join(
            f"{names.get(skill, skill)} (lessons reach level {top})" for skill, top in beyond)
            + ". The rest of the way comes from projects and practice." if beyond else "")
        if not self.profile.target_role:
            self.gap.set_gap((), {})
            return
        if self.plan is not None:
            gaps = self.plan.gap  # the plan was made from this gap
        else:
            try:
                gaps = self.lodestar.skill_gap(self.profile.id)
            except LodestarError:
                gaps = ()
        self.gap.set_gap(gaps, names)

    def _shortfall(self, plan: StudyPlan) -> None:
        s = plan.shortfall
        text = (f"The target date {plan.target_date:%d %b %Y} cannot be met: the plan needs "
                f"{hours(s.needed_hours)} h but {hours(s.available_hours)} h fit before it "
                f"({hours(s.missing_hours)} h missing). ")
        actions = []
        if math.isfinite(s.hours_per_week_needed):
            text += f"{s.hours_per_week_needed:g} h a week would meet it"
            actions.append((f"Study {s.hours_per_week_needed:g} h a week", self._raise_hours))
        else:
            text += f"No pace up to {MAX_HOURS_PER_WEEK:g} h a week would meet it"
        if s.droppable:
            titles = self.lodestar.topic_titles()
            names = [titles.get(t, t) for t in s.droppable]
            more = f" and {len(names) - DROPS_SHOWN} more" if len(names) > DROPS_SHOWN else ""
            text += (f", or dropping {len(names)} optional topic{'s' if len(names) > 1 else ''}: "
                     f"{', '.join(names[:DROPS_SHOWN])}{more}.")
            actions.append((f"Drop {len(s.droppable)} topic{'s' if len(s.droppable) > 1 else ''}",
                            self._drop_optional))
        else:
            text += "."
        self.banner.say(text, "warn", tuple(actions))

    def _explain(self, item, _previous) -> None:
        target = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if target and target[0] == "topic" and self.plan is not None:
            self.why.setText(f"<b>Why:</b> {self.plan.reasons.get(target[1], 'done or re-planned since')}")
        else:
            self.why.setText("")

    # --- changing -----------------------------------------------------------------------------

    def _pace_toggled(self, on: bool) -> None:
        """Plan with or without the learner's pace from now on, and re-plan at once."""
        self.profile = self.lodestar.save_profile(replace(self.profile, use_pace=on))
        self.replan_now("planned with your pace" if on else "planned with the lessons' estimates")

    def replan_now(self, reason: str = "re-planned by hand") -> PlanUpdate | None:
        """Re-plan from today, show the new plan and what moved."""
        try:
            update = self.lodestar.replan(self.profile.id, reason)
        except PlanError as exc:
            self._no_plan(f"No plan can be made: {exc}", "Edit profile…")
            return None
        self._show(update.plan, date.today())
        if update.changes and not update.plan.shortfall:
            self.banner.say(f"Re-planned. What moved: {changes_text(update.changes)}.", "info")
        elif not update.changes and update.plan.weeks and not update.plan.shortfall:
            self.banner.say("Re-planned; nothing moved.", "info")
        self.plan_changed.emit(update)
        return update

    def mark_selected(self, status: TopicStatus) -> None:
        topic = self.timeline.selected_topic()
        if topic is not None:
            self.mark(topic, status)

    def mark(self, topic: str, status: TopicStatus) -> PlanUpdate | None:
        """Set a topic's state and re-plan."""
        self.lodestar.set_topic_state(self.profile.id, topic, status)
        self.topic_marked.emit(topic, status)
        return self.replan_now(f"{topic} marked {status.label.lower()}")

    def _raise_hours(self) -> None:
        if self.plan is None or self.plan.shortfall is None:
            return
        needed = self.plan.shortfall.hours_per_week_needed
        try:
            self.profile = self.lodestar.save_profile(replace(self.profile, hours_per_week=needed))
        except PlanError as exc:
            self.banner.say(f"The hours were not changed: {exc}", "warn")
            return
        self.replan_now(f"hours per week raised to {needed:g}")

    def _drop_optional(self) -> None:
        if self.plan is None or self.plan.shortfall is None:
            return
        drop = self.plan.shortfall.droppable
        titles = self.lodestar.topic_titles()
        answer = QMessageBox.question(
            self, "Drop optional topics?",
            "Mark these topics skipped so the plan meets the target date?\n\n"
            + "\n".join(f"• {titles.get(t, t)}" for t in drop)
            + "\n\nYou can bring one back with “Mark not started”.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        for topic in drop:
            self.lodestar.set_topic_state(self.profile.id, topic, TopicStatus.SKIPPED)
            self.topic_marked.emit(topic, TopicStatus.SKIPPED)
        self.replan_now(f"dropped {len(drop)} optional topics")

    def _menu(self, pos) -> None:
        topic = self.timeline.selected_topic()
        if topic is None:
            return
        menu = QMenu(self)
        menu.addAction("Open lesson", lambda: self.open_topic.emit(topic))
        menu.addSeparator()
        for key in ("done", "progress", "skip", "reset"):
            menu.addAction(self.actions_[key])
        menu.exec(self.timeline.viewport().mapToGlobal(pos))

    def _open(self, kind: str, slug: str) -> None:
        (self.open_topic if kind == "topic" else self.open_lab).emit(slug)

    def export(self, kind: str, target: Path | None = None) -> Path | None:
        """Write the plan as iCalendar or Markdown; asks where unless `target` is given."""
        suffix = ".ics" if kind == "ics" else ".md"
        if target is None:
            name, _ = QFileDialog.getSaveFileName(
                self, "Export study plan", str(Path.home() / f"lodestar-plan{suffix}"),
                "iCalendar (*.ics)" if kind == "ics" else "Markdown (*.md)")
            if not name:
                return None
            target = Path(name)
        try:
            path = self.lodestar.export_plan(self.profile.id, target, kind)
        except (LodestarError, OSError) as exc:
            QMessageBox.warning(self, "Export failed", f"Could not write {target}: {exc}")
            return None
        self.banner.say(f"Exported the plan to {path}.", "info")
        return path
