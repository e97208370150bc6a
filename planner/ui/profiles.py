"""Which profile the window shows, and the Profile menu: new, edit, switch, delete.

Several learners can share one database (a family, a class); the current one is remembered in
the window's settings. The switcher sits above the sidebar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QMenu, QMessageBox, QWidget

from planner.core.errors import NotFoundError
from planner.core.models import Profile
from planner.services import Lodestar

SETTING = "profile/current"


class ProfileControl(QObject):
    """Holds the current profile; `changed` fires when it is switched or edited."""

    changed = Signal(object)  # Profile
    edited = Signal(object)  # the current Profile, after its profile page was saved

    def __init__(self, lodestar: Lodestar, settings: QSettings, window: QWidget):
        super().__init__(window)
        self.lodestar = lodestar
        self.settings = settings
        self.window = window
        self.current = self._remembered()
        self.switcher = QComboBox(objectName="profileSwitcher")
        self.switcher.setToolTip("The learner whose plan and progress are shown")
        self.switcher.activated.connect(self._switched)
        self._fill()

    def _remembered(self) -> Profile:
        wanted = self.settings.value(SETTING)
        if wanted is not None:
            try:
                return self.lodestar.profile(int(wanted))
            except (NotFoundError, ValueError, TypeError):
                pass
        return self.lodestar.default_profile()

    def _fill(self) -> None:
        self.switcher.blockSignals(True)
        self.switcher.clear()
        for profile in self.lodestar.profiles():
            self.switcher.addItem(profile.name, profile.id)
        self.switcher.setCurrentIndex(self.switcher.findData(self.current.id))
        self.switcher.blockSignals(False)

    def add_menu(self, menu: QMenu) -> None:
        for text, shortcut, slot in (("&Edit profile…", "Ctrl+,", self.edit),
                                     ("&New profile…", "Ctrl+Shift+N", self.new),
                                     ("&Delete profile…", "", self.delete)):
            action = QAction(text, self.window, shortcut=QKeySequence(shortcut))
            action.triggered.connect(slot)
            menu.addAction(action)
            self.window.addAction(action)

    def set_current(self, profile: Profile) -> None:
        self.current = profile
        self.settings.setValue(SETTING, profile.id)
        self._fill()
        self.changed.emit(profile)

    def _switched(self, index: int) -> None:
        profile_id = self.switcher.itemData(index)
        if profile_id is not None and profile_id != self.current.id:
            self.set_current(self.lodestar.profile(profile_id))

    # --- dialogs ------------------------------------------------------------------------------

    def edit(self) -> QWidget:
        """The profile page for the current profile (the wizard when it was never set up)."""
        from planner.ui.pages.profile import ProfileDialog, ProfileWizard

        profile = self.lodestar.profile(self.current.id)
        kind = ProfileDialog if profile.target_role else ProfileWizard
        dialog = kind(self.lodestar, profile, self.window)
        dialog.saved.connect(self.set_current)
        dialog.saved.connect(self.edited)
        dialog.open()
        return dialog

    def new(self) -> QWidget:
        from planner.ui.pages.profile import ProfileWizard

        blank = Profile(0, "", datetime.now(UTC), start_date=date.today())
        wizard = ProfileWizard(self.lodestar, blank, self.window)
        wizard.saved.connect(self.set_current)
        wizard.open()
        return wizard

    def offer_setup(self) -> QWidget | None:
        """On first run (the profile has no target role yet), open the wizard."""
        return self.edit() if not self.current.target_role else None

    def delete(self) -> None:
        profiles = self.lodestar.profiles()
        if len(profiles) < 2:
            QMessageBox.information(self.window, "Delete profile",
                                    "This is the only profile; create another one first.")
            return
        answer = QMessageBox.warning(
            self.window, "Delete profile?",
            f"Delete the profile “{self.current.name}” with its plans, topic progress and skill "
            "ratings? Its lab runs are kept. This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.lodestar.delete_profile(self.current.id)
        self.set_current(next(p for p in profiles if p.id != self.current.id))
