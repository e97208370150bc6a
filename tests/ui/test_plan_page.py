"""Profiles, the Study plan page and the Today page, driven offscreen as a learner would."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from planner.core.models import PlanItemKind, Profile, RoleLevel, Shortfall, TopicStatus
from planner.ui.pages.profile import ProfileDialog, ProfileWizard


def set_up(window, **changes) -> Profile:
    """Give the window's profile a role and hours, as the wizard would, and show it."""
    profile = replace(window.profile, name="Ada", target_role="researcher", hours_per_week=8,
                      study_days=(0, 1, 2, 3, 4), start_date=date.today(), **changes)
    saved = window.lodestar.save_profile(profile)
    window.profiles.set_current(saved)
    return saved


def new_wizard(qtbot, window) -> ProfileWizard:
    """The first-run wizard on a blank profile, as a new learner meets it."""
    wizard = ProfileWizard(window.lodestar, Profile(0, "", datetime.now(UTC), start_date=date.today()),
                           window)
    qtbot.addWidget(wizard)
    return wizard


def test_wizard_refuses_zero_hours_beside_the_field_then_saves(qtbot, window):
    wizard = new_wizard(qtbot, window)
    form = wizard.form
    form.name.setText("Grace")
    form.role.setCurrentIndex(form.role.findData("engineer"))
    form.sliders["python"].setValue(3)
    assert "3:" in form.meanings["python"].text()  # what the level means, under the slider
    form.hours.setValue(0)
    wizard.show()
    for _ in range(2):
        wizard.next()
    with qtbot.assertNotEmitted(wizard.saved):
        wizard.accept()
    assert form.errors["hours_per_week"].isVisible()
    assert "more than 0" in form.errors["hours_per_week"].text()
    assert [p.name for p in window.lodestar.profiles()] == ["Me"]  # nothing saved
    form.hours.setValue(6)
    with qtbot.waitSignal(wizard.saved) as saved:
        wizard.accept()
    grace = saved.args[0]
    assert (grace.name, grace.target_role, grace.hours_per_week, grace.skills) == (
        "Grace", "engineer", 6, {"python": 3})


def test_the_role_step_refuses_an_empty_role_there_and_a_fix_clears_it(qtbot, window):
    wizard = new_wizard(qtbot, window)
    form = wizard.form
    form.name.setText("Grace")
    wizard.show()
    wizard.next()
    assert wizard.currentId() == 0  # not on to the skills with no role
    assert form.errors["target_role"].isVisible()
    assert "role" in form.errors["target_role"].text()
    form.role.setCurrentIndex(form.role.findData("product-manager"))
    assert not form.errors["target_role"].isVisible()  # corrected: the message goes at once
    wizard.next()
    assert wizard.currentId() == 1


def test_the_time_step_shows_the_finish_date_and_the_hours_a_target_date_needs(qtbot, window):
    wizard = new_wizard(qtbot, window)
    form = wizard.form
    form.name.setText("Grace")
    form.role.setCurrentIndex(form.role.findData("product-manager"))
    form.hours.setValue(4)
    form.update_feasibility()  # what the typing pause would do
    text = form.feasibility.text()
    assert "At 4 h a week you would finish on" in text and "lessons" in text
    later = form.feasibility.text()
    form.hours.setValue(8)
    form.update_feasibility()
    assert form.feasibility.text() != later  # more hours, an earlier finish
    form.has_target.setChecked(True)
    form.target.setDate(date.today() + timedelta(days=21))
    form.update_feasibility()
    assert "To finish by" in form.feasibility.text() and "h a week" in form.feasibility.text()
    form.target.setDate(date.today() + timedelta(days=700))
    form.update_feasibility()
    assert "before your target date" in form.feasibility.text()
    with qtbot.waitSignal(form._feasible_timer.timeout, timeout=2000):
        form.hours.setValue(9)  # typing starts the timer; it fires once typing pauses


def test_a_target_date_in_the_past_is_named_on_the_time_tab(qtbot, window):
    profile = set_up(window)
    dialog = ProfileDialog(window.lodestar, profile, window)
    qtbot.addWidget(dialog)
    dialog.form.has_target.setChecked(True)
    yesterday = date.today() - timedelta(days=1)
    dialog.form.target.setDate(yesterday)
    dialog.accept()
    assert dialog.tabs.currentIndex() == 2
    assert "in the past" in dialog.form.errors["target_date"].text()
    assert window.lodestar.profile(profile.id).target_date is None


def test_plan_page_shows_this_week_and_opens_a_lesson(qtbot, window):
    set_up(window)
    window.show_page("plan")
    page = window.page("plan")
    assert page.plan is not None and page.plan.weeks
    week = page.timeline.current_week
    assert week is not None and week.isExpanded() and "This week" in week.text(0)
    lesson = week.child(0)
    kind, slug = lesson.data(0, Qt.ItemDataRole.UserRole)
    assert kind == "topic"
    page.timeline.setCurrentItem(lesson)
    assert "Why:" in page.why.text()
    page.timeline.itemActivated.emit(lesson, 0)
    assert window.current_page() == "curriculum"
    qtbot.waitUntil(lambda: window.page("curriculum").current is not None)
    assert window.page("curriculum").current.slug == slug


def test_marking_done_replans_and_shows_what_moved(qtbot, window):
    profile = set_up(window)
    window.show_page("plan")
    page = window.page("plan")
    first = page.plan.topics[0]
    lessons = window.page("curriculum")  # built before, showing the topic as not started
    lessons.show_topic(first)
    qtbot.wait(50)  # its first, deferred render
    assert lessons.status.currentData() == TopicStatus.NOT_STARTED.value
    page.timeline.setCurrentItem(page.timeline.current_week.child(0))
    with qtbot.waitSignal(page.plan_changed) as changed:
        page.actions_["done"].trigger()
    update = changed.args[0]
    assert first not in update.plan.topics
    assert window.lodestar.topic_states(profile.id)[first] is TopicStatus.DONE
    assert page.banner.isVisible() and "moved" in page.banner.text.text()
    assert page.progress.value() > 0
    qtbot.waitUntil(lambda: lessons.status.currentData() == TopicStatus.DONE.value)  # the lesson follows


def test_unmeetable_date_offers_more_hours_and_applies_them(qtbot, window):
    set_up(window, target_date=date.today() + timedelta(days=70))
    window.show_page("plan")
    page = window.page("plan")
    assert page.plan.shortfall is not None
    text = page.banner.text.text()
    assert "cannot be met" in text and "h missing" in text
    needed = page.plan.shortfall.hours_per_week_needed
    assert page.banner.first.text() == f"Study {needed:g} h a week"
    page.banner.first.click()
    assert window.lodestar.profile(page.profile.id).hours_per_week == needed
    assert page.plan.shortfall is None


def test_dropping_optional_topics_asks_first(qtbot, window, monkeypatch):
    set_up(window, target_date=date.today() + timedelta(days=200), role_level=RoleLevel.SENIOR)
    window.show_page("plan")
    page = window.page("plan")
    drop = page.plan.shortfall.droppable
    assert drop and page.banner.second.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    page.banner.second.click()
    assert not any(s is TopicStatus.SKIPPED for s in window.lodestar.topic_states(page.profile.id).values())
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.banner.second.click()
    states = window.lodestar.topic_states(page.profile.id)
    assert {t for t, s in states.items() if s is TopicStatus.SKIPPED} == set(drop)
    assert page.plan.shortfall is None


def test_profile_without_a_role_is_asked_to_set_up(qtbot, window):
    window.show_page("plan")
    page = window.page("plan")
    assert page.plan is None
    assert "Set up your profile" in page.banner.text.text()
    today = window.page("today")
    assert today.setup.isVisibleTo(today) and today.setup.text() == "Set up profile…"


def test_today_shows_the_next_item_and_marking_it_done_moves_on(qtbot, window):
    set_up(window)
    window.show_page("today")
    today = window.page("today")
    first = today._next
    assert first is not None and first.kind is PlanItemKind.LESSON
    assert first.title in today.next_label.text()
    today.done_next.click()
    assert window.lodestar.topic_states(window.profile.id)[first.topic] is TopicStatus.DONE
    assert today._next != first
    with qtbot.waitSignal(window.page("curriculum").lesson.textChanged, timeout=5000, raising=False):
        today.open_next.click()
    assert window.current_page() in ("curriculum", "labs")


def test_today_offers_resume_only_for_unfinished_work(qtbot, window):
    ada = set_up(window)
    window.show_page("today")
    today = window.page("today")
    window.lodestar.log_study(ada.id, 20, topic="linear-algebra")
    window.lodestar.set_topic_state(ada.id, "linear-algebra", TopicStatus.IN_PROGRESS)
    today.refresh()
    assert today.resume.isVisibleTo(today) and "Linear algebra" in today.resume.text()
    window.lodestar.log_study(ada.id, 15, topic="probability-statistics")
    window.lodestar.set_topic_state(ada.id, "probability-statistics", TopicStatus.DONE)
    today.refresh()  # the latest topic is finished: resume the one before it
    assert today.resume.isVisibleTo(today) and "Linear algebra" in today.resume.text()
    window.lodestar.set_topic_state(ada.id, "linear-algebra", TopicStatus.DONE)
    today.refresh()
    assert not today.resume.isVisibleTo(today)  # nothing left to resume


def test_switching_profile_switches_the_plan(qtbot, window):
    ada = set_up(window)
    grace = window.lodestar.save_profile(replace(ada, id=0, name="Grace", target_role="product-manager"))
    window.profiles.set_current(grace)  # as the New profile wizard does
    window.show_page("plan")
    page = window.page("plan")
    assert "Grace" in page.heading.text() and "product manager" in page.heading.text()
    switcher = window.profiles.switcher
    assert [switcher.itemText(i) for i in range(switcher.count())] == ["Ada", "Grace"]
    switcher.setCurrentIndex(0)
    switcher.activated.emit(0)
    assert window.profile.id == ada.id
    assert "Ada" in page.heading.text() and "AI researcher" in page.heading.text()
    assert int(window.settings.value("profile/current")) == ada.id


def test_the_day_boundary_is_set_on_the_time_tab(qtbot, window):
    from PySide6.QtCore import QTime

    profile = set_up(window)
    dialog = ProfileDialog(window.lodestar, profile, window)
    qtbot.addWidget(dialog)
    assert dialog.form.day_end.time().toString("HH:mm") == "04:00"
    dialog.form.day_end.setTime(QTime(5, 30))
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    assert window.lodestar.profile(profile.id).day_boundary == "05:30"


def test_saving_the_profile_page_remakes_the_plan_and_says_why(qtbot, window):
    set_up(window)
    window.show_page("plan")
    page = window.page("plan")
    weeks_before = len(page.plan.weeks)
    dialog = window.profiles.edit()
    qtbot.addWidget(dialog)
    dialog.form.hours.setValue(20)
    dialog.accept()
    assert len(page.plan.weeks) < weeks_before  # more hours a week: fewer weeks
    history = window.lodestar.plan_history(window.profile.id)
    assert history[0][2] == "profile edited"


def test_a_date_no_pace_can_meet_offers_no_pace(qtbot, window):
    set_up(window, target_date=date.today() + timedelta(days=60))
    window.show_page("plan")
    page = window.page("plan")
    hopeless = replace(page.plan, shortfall=Shortfall(500, 40, math.inf))
    page._shortfall(hopeless)
    assert "No pace up to 100 h a week would meet it" in page.banner.text.text()
    assert page.banner.first.isHidden() and page.banner.second.isHidden()  # no button offers one


def test_today_fills_the_deadline_list_with_estimates_when_the_data_has_aged(qtbot, window, clock):
    clock.move_to(datetime(2026, 12, 6, 9, tzinfo=UTC))  # months after the data was taken
    window.lodestar.follow_conference(window.profile.id, "neurips")
    window.show_page("today")
    today = window.page("today")
    today.refresh()
    lines = [today.deadlines.item(i).text() for i in range(today.deadlines.count())]
    assert lines == ["NeurIPS 2027 · paper deadline\nexpected early-to-late May 2027 (estimate)"]
    assert today.deadlines.item(0).font().italic()


def test_the_plan_says_the_learners_pace_and_can_leave_it_out(qtbot, window):
    profile = set_up(window)
    window.show_page("plan")
    page = window.page("plan")
    assert "not measured yet" in page.pace_label.text() and page.use_pace.isChecked()
    started = datetime.now(UTC) - timedelta(days=1)
    for slug in ("linear-algebra", "probability-statistics", "learning-from-data"):
        window.lodestar.log_study(profile.id, 600, topic=slug, started=started)
        window.lodestar.set_topic_state(profile.id, slug, TopicStatus.DONE)
    page.replan_now()
    assert "from 3 finished topics (used in the plan)" in page.pace_label.text()
    page.use_pace.setChecked(False)
    assert not window.lodestar.profile(profile.id).use_pace
    assert "not used" in page.pace_label.text()
