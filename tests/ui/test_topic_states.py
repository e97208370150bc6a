"""A topic state set on one page shows on the others at once, and a lab offers its lessons."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from PySide6.QtWidgets import QMessageBox

from planner.core.models import LabRunStatus, TopicStatus
from planner.ui.pages.curriculum import SLUG_ROLE, STATUS_MARK


def mark_in_tree(page, slug: str) -> str:
    return next(item.text(2) for item in page._topic_items() if item.data(0, SLUG_ROLE) == slug)


def end_a_run(page, reached: bool = True):
    """Finish a recorded run of the selected lab as a worker's end leaves the page."""
    lodestar, me = page.lodestar, page.profile_id
    run = lodestar.start_lab_run(page.info.slug, {}, me)
    run = lodestar.finish_lab_run(run.id, LabRunStatus.FINISHED, summary={"target_reached": reached})
    page.recorder = SimpleNamespace(run=run, flush=lambda: None)
    page.runner = SimpleNamespace(close=lambda wait=True: None, exited=lambda: True,
                                  wait_exit=lambda: None)
    page._ended()
    return run


def lessons_of(lodestar, lab: str) -> list[str]:
    return [t.slug for t in lodestar.topics() if lab in lodestar.topic(t.slug).labs]


def test_a_completed_lab_offers_its_lessons_and_yes_starts_them_everywhere(qtbot, window):
    curriculum = window.page("curriculum")
    page = window.open_lab("cnn")
    me = window.profile.id
    end_a_run(page)
    box = page.start_offer
    assert box is not None and box.isVisible() and not box.isModal()
    lessons = lessons_of(window.lodestar, "cnn")
    assert f"Mark {len(lessons)} lesson" in box.text()
    assert all(window.lodestar.topic(slug).title in box.text() for slug in lessons)
    assert window.lodestar.topic_states(me) == {}  # asked, not yet done
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: page.start_offer is None)
    states = window.lodestar.topic_states(me)
    assert {slug: states.get(slug) for slug in lessons} == dict.fromkeys(lessons,
                                                                         TopicStatus.IN_PROGRESS)
    assert all(mark_in_tree(curriculum, slug) == STATUS_MARK[TopicStatus.IN_PROGRESS]
               for slug in lessons)


def test_no_leaves_every_lesson_as_it_was_and_a_failed_target_offers_nothing(qtbot, window):
    page = window.open_lab("cnn")
    me = window.profile.id
    end_a_run(page, reached=False)
    assert page.start_offer is None  # the lab was not completed
    end_a_run(page)
    box = page.start_offer
    box.button(QMessageBox.StandardButton.No).click()
    qtbot.waitUntil(lambda: page.start_offer is None)
    assert window.lodestar.topic_states(me) == {}
    end_a_run(page)
    assert page.start_offer is None  # asked once: the next run of the lab does not ask again


def test_a_state_set_on_the_study_plan_shows_in_the_curriculum_at_once(qtbot, window):
    curriculum = window.page("curriculum")
    curriculum.show_topic("linear-algebra")
    plan = window.page("plan")
    plan.mark("linear-algebra", TopicStatus.DONE)
    assert mark_in_tree(curriculum, "linear-algebra") == STATUS_MARK[TopicStatus.DONE]
    assert curriculum.status.currentData() == TopicStatus.DONE.value  # the open lesson's too


def test_a_state_set_in_the_curriculum_or_on_today_reaches_the_other_pages(qtbot, window):
    today = window.page("today")
    progress = window.page("progress")
    refreshed = []
    progress.refresh = lambda: refreshed.append("progress")  # the page reads states on refresh
    curriculum = window.page("curriculum")
    curriculum.show_topic("linear-algebra")
    index = curriculum.status.findData(TopicStatus.IN_PROGRESS.value)
    curriculum.status.setCurrentIndex(index)
    curriculum.status.activated.emit(index)
    assert refreshed == ["progress"]
    today.topic_marked.emit("linear-algebra", TopicStatus.DONE)  # Today's "Done" button
    assert window.lodestar.topic_states(window.profile.id)["linear-algebra"] is TopicStatus.DONE
    assert mark_in_tree(curriculum, "linear-algebra") == STATUS_MARK[TopicStatus.DONE]
    assert curriculum.status.currentData() == TopicStatus.DONE.value
    assert refreshed == ["progress", "progress"]


def test_a_lesson_finished_in_the_curriculum_leaves_the_study_plan_and_today(qtbot, window):
    from tests.ui.test_plan_page import set_up

    set_up(window)
    today = window.page("today")
    plan = window.page("plan")
    first = today._next
    assert first is not None and first.topic
    curriculum = window.page("curriculum")
    curriculum.show_topic(first.topic)
    index = curriculum.status.findData(TopicStatus.DONE.value)
    curriculum.status.setCurrentIndex(index)
    with qtbot.waitSignal(plan.plan_changed):
        curriculum.status.activated.emit(index)
    assert today._next != first
    assert first.topic not in [item.topic for week in plan.plan.weeks for item in week.items
                               if week.end >= date.today()]
