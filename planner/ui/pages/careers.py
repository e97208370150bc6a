"""Careers page: the six roles, what a day in each looks like, and the skills each needs."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from planner.core.models import Profile, Role, RoleLevel, Skill
from planner.services import Lodestar
from planner.ui import theme
from planner.ui.links import open_external
from planner.ui.widgets.safe_browser import SafeTextBrowser

SLUG_ROLE = Qt.ItemDataRole.UserRole


class CareersPage(QWidget):
    def __init__(self, lodestar: Lodestar, profile: Profile, parent: QWidget | None = None):
        super().__init__(parent)
        self.lodestar = lodestar
        self.profile = profile
        self.roles = QListWidget(objectName="roleList")
        self.roles.currentItemChanged.connect(self._on_select)
        self.detail = SafeTextBrowser(objectName="roleDetail")
        self.detail.anchorClicked.connect(lambda url: open_external(url, self))
        self.detail.document().setDocumentMargin(18)
        from planner.ui.widgets.skill_gap import LEGEND, SkillGapChart  # pyqtgraph, with this page

        self.gap_title = QLabel(objectName="careerGapTitle", wordWrap=True)
        self.gap = SkillGapChart()
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.detail, 3)
        column.addWidget(self.gap_title)
        column.addWidget(self.gap, 2)
        column.addWidget(QLabel(LEGEND, wordWrap=True))
        self.splitter = QSplitter()
        self.splitter.addWidget(self.roles)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 860])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self._skills: dict[str, Skill] = {}
        self.refresh()

    def refresh(self) -> None:
        current = self.roles.currentItem()
        # First time: open on the learner's own role; afterwards keep the one they chose.
        keep = current.data(SLUG_ROLE) if current else self.profile.target_role
        self._skills = {s.slug: s for s in self.lodestar.skills()}
        self._roles = {r.slug: r for r in self.lodestar.roles()}
        self.roles.clear()
        for role in self._roles.values():
            item = QListWidgetItem(role.name, self.roles)
            item.setData(SLUG_ROLE, role.slug)
            if role.slug == keep:
                self.roles.setCurrentItem(item)
        if self.roles.currentItem() is None and self.roles.count():
            self.roles.setCurrentRow(0)
        if not self._roles:
            self.detail.setHtml("<p>No career roles in the content pack.</p>")

    def set_profile(self, profile: Profile) -> None:
        self.profile = profile
        own = self.roles.findItems(self._roles[profile.target_role].name, Qt.MatchFlag.MatchExactly) \
            if profile.target_role in self._roles else []
        if own:
            self.roles.setCurrentItem(own[0])  # another learner: their role
        self._on_select(self.roles.currentItem(), None)

    def _on_select(self, item: QListWidgetItem | None, _previous) -> None:
        if item is not None:
            role = self._roles[item.data(SLUG_ROLE)]
            self.detail.setHtml(self.role_html(role))
            self.gap_title.setText(f"<b>{self.profile.name} against {role.name}</b> — your levels "
                                   "(self-assessed, raised by topics done) and the role's targets")
            self.gap.set_gap(self.lodestar.skill_gap(self.profile.id, role.slug),
                             {s.slug: s.name for s in self._skills.values()})

    def changeEvent(self, event: QEvent) -> None:
        # The skill bars' colours are baked into the HTML: redo it for a new palette.
        if event.type() == QEvent.Type.PaletteChange and self.roles.currentItem() is not None:
            self._on_select(self.roles.currentItem(), None)
        super().changeEvent(event)

    def role_html(self, role: Role) -> str:
        """The role page: description, a day in the role, skill targets, advice."""
        dark = theme.is_dark(self.palette())
        filled, empty = ("#5b8def", "#3a3f49") if dark else ("#3b6fd8", "#dde2ea")
        rows = []
        level = self.profile.role_level if self.profile is not None else RoleLevel.ENTRY
        for need in sorted(role.skills, key=lambda s: (-s.weight, -s.level(level), -s.target)):
            skill = self._skills.get(need.skill)
            target = need.level(level)
            cells = "".join(
                f'<td width="18" bgcolor="{filled if i < target else empty}">&nbsp;</td>'
                for i in range(5))
            meaning = html.escape(skill.levels.get(target, "")) if skill and target else "not asked yet"
            stages = " · ".join(f"{stage.value} {need.level(stage)}" for stage in RoleLevel)
            rows.append(
                f"<tr><td><b>{html.escape(need.skill_name)}</b><br><small>{stages}</small></td>"
                f'<td><table cellspacing="2"><tr>{cells}</tr></table></td>'
                f"<td align='right'>{need.weight:.0%}</td><td>{meaning}</td></tr>")
        day = "".join(f"<li>{html.escape(x)}</li>" for x in role.daily_work)
        advice = "".join(f"<li>{html.escape(x)}</li>" for x in role.advice)
        return (
            f"<h1>{html.escape(role.name)}</h1><p>{html.escape(role.description)}</p>"
            f"<h2>A day in the role</h2><ul>{day}</ul>"
            "<h2>Skills it asks for</h2>"
            f"<p>Target level out of 5 at {html.escape(level.short)} (your plan's "
            "level; change it in your profile), the targets at each stage, and how much each "
            "skill weighs in this role.</p>"
            '<table cellpadding="4"><tr><th align="left">Skill</th><th align="left">Target</th>'
            '<th align="right">Weight</th><th align="left">At that level you…</th></tr>'
            + "".join(rows) + "</table>"
            + (f"<h2>Advice</h2><ul>{advice}</ul>" if advice else "")
        )
