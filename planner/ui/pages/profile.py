"""The profile form, as a first-run wizard (three steps) and as an edit dialog (three tabs).

Both validate through `Lodestar.check_profile`: a field that cannot make a plan (no role, zero
hours, no study day, a target date in the past) gets its message beside it, and the step or tab
holding it comes forward. Nothing is saved until every field is right.
"""

from __future__ import annotations

import html
import math
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSlider,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from planner.core.errors import LodestarError, PlanError
from planner.core.models import WEEKDAYS, Profile, Role, RoleLevel, Skill
from planner.services import Lodestar
from planner.services.study import MAX_HOURS_PER_WEEK, MAX_REVIEW_SHARE

NO_LEVEL = "Not met yet"
SECTIONS = ("About you", "Your skills", "Your time")
FIELD_SECTION = {"name": 0, "target_role": 0, "role_level": 0, "secondary_role": 0, "skills": 1,
                 "hours_per_week": 2, "study_days": 2, "start_date": 2, "target_date": 2,
                 "review_share": 2, "day_boundary": 2}


def _error_label() -> QLabel:
    label = QLabel(objectName="fieldError", wordWrap=True)
    label.setStyleSheet("color: #d64545;")
    label.hide()
    return label


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class ProfileForm(QWidget):
    """Every profile field in three sections (`sections`), filled from `profile`."""

    def __init__(self, lodestar: Lodestar, profile: Profile, parent: QWidget | None = None):
        super().__init__(parent)
        self.lodestar = lodestar
        self.profile = profile
        self.roles: list[Role] = lodestar.roles()
        self.skills: list[Skill] = lodestar.skills()
        self.errors: dict[str, QLabel] = {}
        self.sections = [self._about(), self._skills_section(), self._time()]
        self._fill(profile)
        self._watch()
        self.update_feasibility()

    # --- building ---------------------------------------------------------------------------

    def _row(self, form: QFormLayout, label: str, field: str, widget: QWidget) -> None:
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(widget)
        self.errors[field] = _error_label()
        box.addWidget(self.errors[field])
        title = QLabel(label)
        title.setBuddy(widget)  # Alt+letter focuses the field
        form.addRow(title, box)

    def _about(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.name = QLineEdit(objectName="profileName", maxLength=120)
        self.name.setPlaceholderText("e.g. Ada")
        self._row(form, "&Name", "name", self.name)
        self.role = QComboBox(objectName="targetRole")
        self.second = QComboBox(objectName="secondaryRole")
        self.role.addItem("Choose a role…", None)
        self.second.addItem("None", None)
        for role in self.roles:
            self.role.addItem(role.name, role.slug)
            self.second.addItem(role.name, role.slug)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._row(form, "&Target role", "target_role", self.role)
        self.level = QComboBox(objectName="roleLevel")
        for level in RoleLevel:
            self.level.addItem(level.label, level.value)
        self.level.setToolTip("Entry: what a first job in the role asks. Mid-level: a few years in. "
                              "Senior: what the role asks of someone who leads it.")
        self.level.currentIndexChanged.connect(self._role_changed)
        self._row(form, "&Level", "role_level", self.level)
        self._row(form, "&Second role", "secondary_role", self.second)
        self.role_text = QLabel(wordWrap=True, objectName="roleDescription")
        form.addRow("", self.role_text)
        return page

    def _skills_section(self) -> QWidget:
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setColumnStretch(2, 1)
        self.sliders: dict[str, QSlider] = {}
        self.meanings: dict[str, QLabel] = {}
        self.needs: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        for row, skill in enumerate(self.skills, start=1):
            slider = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=5, pageStep=1,
                             objectName=f"skill-{skill.slug}")
            slider.setTickPosition(QSlider.TickPosition.TicksBelow)
            slider.setFixedWidth(140)
            meaning = QLabel(NO_LEVEL, wordWrap=True)
            slider.valueChanged.connect(lambda v, s=skill, m=meaning: m.setText(self._meaning(s, v)))
            name = self.labels[skill.slug] = QLabel(skill.name, toolTip=skill.description)
            self.needs[skill.slug] = QLabel("", objectName="skillNeed")
            self.sliders[skill.slug], self.meanings[skill.slug] = slider, meaning
            grid.addWidget(name, 2 * row - 1, 0)
            grid.addWidget(slider, 2 * row - 1, 1)
            grid.addWidget(self.needs[skill.slug], 2 * row - 1, 2)
            grid.addWidget(meaning, 2 * row, 0, 1, 3)
        self._skill_grid = grid
        self.errors["skills"] = _error_label()
        grid.addWidget(self.errors["skills"], 2 * len(self.skills) + 1, 0, 1, 3)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(inner)
        section = QWidget()
        column = QVBoxLayout(section)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel("Rate yourself 0–5 on each skill; the line under it says what the "
                                "level means. Skills your role needs come first.", wordWrap=True))
        column.addWidget(scroll, 1)
        return section

    @staticmethod
    def _meaning(skill: Skill, level: int) -> str:
        return f"{level}: {skill.levels.get(level, '')}" if level else NO_LEVEL

    def _time(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.hours = QDoubleSpinBox(objectName="hoursPerWeek", minimum=0, maximum=MAX_HOURS_PER_WEEK,
                                    singleStep=0.5, decimals=1, suffix=" h a week")
        self._row(form, "&Hours per week", "hours_per_week", self.hours)
        days = QWidget()
        row = QHBoxLayout(days)
        row.setContentsMargins(0, 0, 0, 0)
        self.days = [QCheckBox(name, objectName=f"day-{i}") for i, name in enumerate(WEEKDAYS)]
        for box in self.days:
            row.addWidget(box)
        row.addStretch()
        self._row(form, "Study &days", "study_days", days)
        self.start = QDateEdit(objectName="startDate", calendarPopup=True, displayFormat="d MMM yyyy")
        self._row(form, "&Start", "start_date", self.start)
        target = QWidget()
        trow = QHBoxLayout(target)
        trow.setContentsMargins(0, 0, 0, 0)
        self.has_target = QCheckBox("Aim for a date:", objectName="hasTarget")
        self.target = QDateEdit(objectName="targetDate", calendarPopup=True, displayFormat="d MMM yyyy")
        self.has_target.toggled.connect(self.target.setEnabled)
        trow.addWidget(self.has_target)
        trow.addWidget(self.target, 1)
        self._row(form, "&Target date", "target_date", target)
        self.review = QSpinBox(objectName="reviewShare", minimum=0,
                               maximum=round(100 * MAX_REVIEW_SHARE), suffix=" %")
        self.review.setToolTip("Share of each week kept for reviewing what you learnt")
        self._row(form, "&Reviews", "review_share", self.review)
        self.day_end = QTimeEdit(objectName="dayBoundary", displayFormat="HH:mm")
        self.day_end.setToolTip("When your study day ends: study after midnight but before this "
                                "time counts for the day before (streaks, cards due today)")
        self._row(form, "Day &ends at", "day_boundary", self.day_end)
        self.feasibility = QLabel(wordWrap=True, objectName="feasibility")
        self.feasibility.setTextFormat(Qt.TextFormat.RichText)
        form.addRow("", self.feasibility)
        return page

    def _watch(self) -> None:
        """A corrected field clears its message at once; the finish date follows every change
        (after a pause in typing, so a plan is not made per keystroke)."""
        self._feasible_timer = QTimer(self, singleShot=True, interval=250)
        self._feasible_timer.timeout.connect(self.update_feasibility)
        changes = {
            "name": self.name.textChanged, "target_role": self.role.currentIndexChanged,
            "role_level": self.level.currentIndexChanged,
            "secondary_role": self.second.currentIndexChanged,
            "hours_per_week": self.hours.valueChanged, "start_date": self.start.dateChanged,
            "target_date": self.target.dateChanged, "review_share": self.review.valueChanged,
            "day_boundary": self.day_end.timeChanged}
        for field, signal in changes.items():
            signal.connect(lambda *_, f=field: self._changed(f))
        self.has_target.toggled.connect(lambda *_: self._changed("target_date"))
        for box in self.days:
            box.toggled.connect(lambda *_: self._changed("study_days"))
        for slider in self.sliders.values():
            slider.valueChanged.connect(lambda *_: self._changed("skills"))

    def _changed(self, field: str) -> None:
        self.errors[field].hide()
        self._feasible_timer.start()

    def update_feasibility(self) -> None:
        """The finish date at the hours typed, and with a target date the hours a week it needs."""
        draft = self.draft()
        if not draft.target_role:
            self.feasibility.setText("")
            return
        try:
            plan = self.lodestar.draft_plan(draft)
        except PlanError as exc:
            self.feasibility.setText(f"<i>No plan yet: {html.escape(str(exc))}</i>")
            return
        if not plan.weeks:
            self.feasibility.setText("You already meet every target of this role at this level.")
            return
        lessons = len(plan.topics)
        text = (f"At {draft.hours_per_week:g} h a week you would finish on "
                f"<b>{plan.finish:%a %d %b %Y}</b> ({lessons} lesson{'s' if lessons != 1 else ''}, "
                f"{plan.study_hours:.0f} h of study).")
        short = plan.shortfall
        if draft.target_date is not None and short is not None:
            need = ("more than any week can hold" if math.isinf(short.hours_per_week_needed)
                    else f"about <b>{short.hours_per_week_needed:g} h a week</b>")
            text += f" To finish by {draft.target_date:%d %b %Y} you need {need}."
        elif draft.target_date is not None:
            text += f" That is before your target date, {draft.target_date:%d %b %Y}."
        self.feasibility.setText(text)

    # --- values -----------------------------------------------------------------------------

    def _fill(self, p: Profile) -> None:
        self.name.setText(p.name)
        self.role.setCurrentIndex(max(0, self.role.findData(p.target_role)))
        self.second.setCurrentIndex(max(0, self.second.findData(p.secondary_role)))
        self.level.setCurrentIndex(max(0, self.level.findData(RoleLevel(p.role_level).value)))
        for slug, slider in self.sliders.items():
            slider.setValue(p.skills.get(slug, 0))
        self.hours.setValue(p.hours_per_week)
        for i, box in enumerate(self.days):
            box.setChecked(i in p.study_days)
        self.start.setDate(_qdate(p.start_date or date.today()))
        self.has_target.setChecked(p.target_date is not None)
        self.target.setEnabled(p.target_date is not None)
        self.target.setDate(_qdate(p.target_date or date.today().replace(year=date.today().year + 1)))
        self.review.setValue(round(p.review_share * 100))
        self.day_end.setTime(QTime.fromString(p.day_boundary, "HH:mm"))
        self._role_changed()

    def draft(self) -> Profile:
        """The profile as the form now says it (not checked, not saved)."""
        return replace(
            self.profile, name=self.name.text().strip(), target_role=self.role.currentData(),
            secondary_role=self.second.currentData(),
            role_level=RoleLevel(self.level.currentData() or RoleLevel.ENTRY),
            skills={s: w.value() for s, w in self.sliders.items() if w.value()},
            hours_per_week=self.hours.value(),
            study_days=tuple(i for i, box in enumerate(self.days) if box.isChecked()),
            start_date=self.start.date().toPython(),
            target_date=self.target.date().toPython() if self.has_target.isChecked() else None,
            review_share=self.review.value() / 100,
            day_boundary=self.day_end.time().toString("HH:mm"))

    def _role_changed(self) -> None:
        slug = self.role.currentData()
        role = next((r for r in self.roles if r.slug == slug), None)
        self.role_text.setText(role.description if role else "")
        level = RoleLevel(self.level.currentData() or RoleLevel.ENTRY)
        wanted = {s.skill: s.level(level) for s in role.skills if s.level(level)} if role else {}
        for skill in self.skills:
            need = wanted.get(skill.slug)
            self.needs[skill.slug].setText(f"role needs {need}" if need else "")
        # The role's skills first, then the rest, each group in catalogue order.
        order = sorted(self.skills, key=lambda s: (s.slug not in wanted, self.skills.index(s)))
        for row, skill in enumerate(order, start=1):
            self._place(skill, row)

    def _place(self, skill: Skill, row: int) -> None:
        slider = self.sliders[skill.slug]
        for widget, r, c, span in ((self.labels[skill.slug], 2 * row - 1, 0, 1),
                                   (slider, 2 * row - 1, 1, 1),
                                   (self.needs[skill.slug], 2 * row - 1, 2, 1),
                                   (self.meanings[skill.slug], 2 * row, 0, 3)):
            self._skill_grid.removeWidget(widget)
            self._skill_grid.addWidget(widget, r, c, 1, span)

    def check(self, up_to: int | None = None) -> Profile | None:
        """The draft if it can make a plan; otherwise show why beside the field and return None.
        With `up_to`, only problems in the sections up to that one count (a wizard step)."""
        for label in self.errors.values():
            label.hide()
        draft = self.draft()
        try:
            self.lodestar.check_profile(draft)
        except PlanError as exc:
            field = exc.field or "name"
            if up_to is not None and FIELD_SECTION.get(field, 0) > up_to:
                return draft
            self.show_error(field, str(exc))
            return None
        return draft

    def show_error(self, field: str, message: str) -> int:
        """Show `message` under `field`; returns the section that holds it."""
        label = self.errors.get(field, self.errors["name"])
        label.setText(message)
        label.show()
        return FIELD_SECTION.get(field, 0)


class _Step(QWizardPage):
    def __init__(self, title: str, subtitle: str, body: QWidget, form: ProfileForm, section: int):
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.form, self.section = form, section
        layout = QVBoxLayout(self)
        layout.addWidget(body)

    def validatePage(self) -> bool:
        """Refuse to go on while a field of this step (or an earlier one) cannot make a plan."""
        return self.form.check(up_to=self.section) is not None


class ProfileWizard(QWizard):
    """First run: who you are and what you aim for, your skills, your time. Emits `saved`."""

    saved = Signal(object)  # Profile

    def __init__(self, lodestar: Lodestar, profile: Profile, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("profileWizard")
        self.setWindowTitle("Set up your study plan")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.resize(720, 620)
        self.lodestar = lodestar
        self.form = ProfileForm(lodestar, profile, self)
        subtitles = ("Your name and the role you are working toward.",
                     "Where you are now; the plan starts from here.",
                     "How much time you have; the plan fits into it.")
        for n, (title, subtitle, body) in enumerate(
                zip(SECTIONS, subtitles, self.form.sections, strict=True)):
            self.addPage(_Step(title, subtitle, body, self.form, n))

    def accept(self) -> None:
        draft = self.form.check()
        if draft is None:
            self._go_to_error()
            return
        try:
            saved = self.lodestar.save_profile(draft)
        except LodestarError as exc:
            self.form.show_error("name", str(exc))
            self._go_to_error()
            return
        super().accept()
        self.saved.emit(saved)

    def _go_to_error(self) -> None:
        shown = [f for f, label in self.form.errors.items() if not label.isHidden()]
        target = FIELD_SECTION.get(shown[0], 0) if shown else 0
        while self.currentId() > target:
            self.back()


class ProfileDialog(QDialog):
    """The profile page: every field on three tabs; OK saves after the same checks."""

    saved = Signal(object)  # Profile

    def __init__(self, lodestar: Lodestar, profile: Profile, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("profileDialog")
        self.setWindowTitle(f"Profile — {profile.name}" if profile.id else "New profile")
        self.resize(720, 620)
        self.lodestar = lodestar
        self.form = ProfileForm(lodestar, profile, self)
        self.tabs = QTabWidget()
        for title, body in zip(SECTIONS, self.form.sections, strict=True):
            self.tabs.addTab(body, title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def accept(self) -> None:
        draft = self.form.check()
        if draft is not None:
            try:
                saved = self.lodestar.save_profile(draft)
            except LodestarError as exc:
                self.tabs.setCurrentIndex(self.form.show_error("name", str(exc)))
                return
            super().accept()
            self.saved.emit(saved)
            return
        shown = [f for f, label in self.form.errors.items() if not label.isHidden()]
        self.tabs.setCurrentIndex(FIELD_SECTION.get(shown[0], 0) if shown else 0)
