"""Building each page of the main window and connecting its signals to the window.

Pages are built the first time they are shown, so start-up pays for one page; those that draw
charts (pyqtgraph) are imported only then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from planner.ui.pages.careers import CareersPage
from planner.ui.pages.curriculum import CurriculumPage
from planner.ui.pages.today import TodayPage

if TYPE_CHECKING:
    from planner.ui.main_window import MainWindow


def build_page(window: MainWindow, key: str) -> QWidget:
    """The page for sidebar `key`, wired to `window`."""
    return BUILDERS[key](window)


def today_page(window: MainWindow) -> QWidget:
    page = TodayPage(window.lodestar, window.profile)
    page.open_topic.connect(window.open_topic)
    page.open_lab.connect(window.open_lab)
    page.edit_profile.connect(window.profiles.edit)
    page.topic_marked.connect(window.mark_topic)
    page.open_review.connect(lambda: window.show_page("review"))
    return page


def plan_page(window: MainWindow) -> QWidget:
    from planner.ui.pages.plan import StudyPlanPage  # pyqtgraph (the skill gap chart)

    page = StudyPlanPage(window.lodestar, window.profile)
    page.open_topic.connect(window.open_topic)
    page.open_lab.connect(window.open_lab)
    page.edit_profile.connect(window.profiles.edit)
    page.plan_changed.connect(lambda _update: window.refresh_page("today"))
    page.topic_marked.connect(lambda slug, status: window.topic_states_changed(
        f"{slug} marked {status.label.lower()}", "plan"))
    return page


def review_page(window: MainWindow) -> QWidget:
    from planner.ui.pages.review import ReviewPage

    page = ReviewPage(window.lodestar, window.profile)
    page.open_topic.connect(window.open_topic)
    page.reviews_changed.connect(lambda _due: window.refresh_page("today"))
    page.profile_changed.connect(window.profiles.set_current)
    return page


def progress_page(window: MainWindow) -> QWidget:
    from planner.ui.pages.progress import ProgressPage  # pyqtgraph charts

    page = ProgressPage(window.lodestar, window.profile)
    page.open_topic.connect(window.open_topic)
    page.progress_changed.connect(lambda: window.refresh_page("today"))
    return page


def conferences_page(window: MainWindow) -> QWidget:
    from planner.ui.pages.conferences import ConferencesPage

    page = ConferencesPage(window.lodestar, window.profile, tasks=window.tasks)
    page.follow_changed.connect(lambda _slug, _on: window.refresh_page("today"))
    page.imported.connect(lambda _result: window.refresh_page("today"))
    return page


def readings_page(window: MainWindow) -> QWidget:
    from planner.ui.pages.readings import ReadingsPage

    page = ReadingsPage(window.lodestar, window.profile, tasks=window.tasks)
    page.open_topic.connect(window.open_topic)
    return page


def curriculum_page(window: MainWindow) -> QWidget:
    page = CurriculumPage(window.lodestar, window.profile.id)
    page.open_lab.connect(window.open_lab)
    page.status_changed.connect(lambda slug, status: window.topic_states_changed(
        f"{slug} marked {status.label.lower()}", "curriculum"))
    return page


def labs_page(window: MainWindow) -> QWidget:
    from planner.ui.pages.labs import LabsPage  # pyqtgraph loads when the page is first shown

    page = LabsPage(window.lodestar, window.profile.id)
    page.topic_link.connect(window.open_topic)
    page.lab_completed.connect(window.lab_completed)
    page.lessons_started.connect(window.lessons_started)
    return page


def careers_page(window: MainWindow) -> QWidget:
    return CareersPage(window.lodestar, window.profile)


BUILDERS = {
    "today": today_page, "review": review_page, "plan": plan_page,
    "curriculum": curriculum_page, "labs": labs_page, "readings": readings_page,
    "conferences": conferences_page, "careers": careers_page, "progress": progress_page,
}
