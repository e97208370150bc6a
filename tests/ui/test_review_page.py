"""The Review page driven offscreen by keyboard, as a learner reviews: reveal, grade, undo,
and the end of the day's cards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from planner.core.models import TopicStatus
from planner.core.progress import ReviewGrade
from planner.ui.pages.review import ReviewPage, interval_text

TOPIC = "calculus-optimisation"


@pytest.fixture
def ada(synced):
    """A learner who started a lesson ten days ago and learnt its cards then: all due again."""
    profile = synced.create_profile("Ada")
    synced.set_topic_state(profile.id, TOPIC, TopicStatus.IN_PROGRESS)
    then = datetime.now(UTC) - timedelta(days=10)
    for card in synced.review_queue(profile.id, then):
        synced.grade_card(profile.id, card.topic, card.index, ReviewGrade.GOOD, then)
        synced.grade_card(profile.id, card.topic, card.index, ReviewGrade.GOOD, then + timedelta(minutes=10))
    return profile


@pytest.fixture
def page(qtbot, synced, ada):
    shown = ReviewPage(synced, ada)
    qtbot.addWidget(shown)
    shown.resize(1000, 700)
    shown.show()
    qtbot.waitExposed(shown)
    shown.activateWindow()
    qtbot.waitActive(shown)
    return shown


def due(page) -> int:
    return page.lodestar.due_reviews(page.profile.id)


def test_space_reveals_and_three_grades_good(qtbot, page, synced):
    cards = len(synced.topic(TOPIC).cards)
    assert due(page) == cards
    assert page.counts.text().startswith(f"{cards} due today · 0 answered today")
    first = page.card
    assert page.question.text() == first.question and page.question.isVisible()
    assert first.topic_title in page.topic_label.text()
    assert not page.answer.isVisible()
    qtbot.keyClick(page, Qt.Key.Key_3)  # no grading before the answer shows
    assert due(page) == cards and page.card == first
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert page.answer.isVisible() and page.answer.text() == first.answer
    assert not page.show_answer.isVisible()
    preview = synced.review_preview(page.profile.id, first.topic, first.index)
    assert [page.grades[g].text() for g in ReviewGrade] == [
        f"{g.label} · {interval_text(preview[g])}" for g in ReviewGrade]  # e.g. "Good · 9 d"
    with qtbot.waitSignal(page.reviews_changed) as changed:
        qtbot.keyClick(page, Qt.Key.Key_3)
    assert changed.args == [cards - 1]
    assert due(page) == cards - 1
    assert page.counts.text().startswith(f"{cards - 1} due today · 1 answered today")
    assert page.card != first and not page.answer.isVisible()  # the next card, question side
    assert page.status.text().startswith("Good: back ")


def test_ctrl_z_takes_the_answer_back_and_shows_that_card_again(qtbot, page, synced):
    cards = due(page)
    first = page.card
    qtbot.keyClick(page, Qt.Key.Key_Enter)
    qtbot.keyClick(page, Qt.Key.Key_1)
    assert synced.review_stats(page.profile.id).reviewed_today == 1
    qtbot.keyClick(page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert synced.review_stats(page.profile.id).reviewed_today == 0
    assert due(page) == cards
    assert page.card == first and not page.revealed
    assert page.status.text() == "Last answer taken back."
    qtbot.keyClick(page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.status.text() == "Nothing to undo." and not page.undo.isEnabled()


def test_after_the_last_card_all_is_done_for_today(qtbot, page):
    cards = due(page)
    for _ in range(cards):
        qtbot.keyClick(page, Qt.Key.Key_Space)
        qtbot.keyClick(page, Qt.Key.Key_4)
    assert due(page) == 0 and page.card is None
    assert page.message.text() == "All done for today"
    assert "Next card due " in page.detail.text()
    assert f"You answered {cards} cards today." in page.detail.text()
    assert not any(button.isVisible() for button in (page.show_answer, *page.grades.values()))
    qtbot.keyClick(page, Qt.Key.Key_Space)  # nothing to reveal, nothing breaks
    assert page.card is None


def test_open_lesson_and_the_retention_setting(qtbot, page, synced):
    with qtbot.waitSignal(page.open_topic) as opened:
        page.open_lesson.click()
    assert opened.args == [TOPIC]
    qtbot.keyClick(page, Qt.Key.Key_Space)
    easy = page.grades[ReviewGrade.EASY].text()
    with qtbot.waitSignal(page.profile_changed) as changed:
        page.retention.setValue(0.75)
    assert changed.args[0].desired_retention == 0.75
    assert synced.profile(page.profile.id).desired_retention == 0.75
    assert page.grades[ReviewGrade.EASY].text() != easy  # longer intervals at a lower retention
    assert (page.retention.minimum(), page.retention.maximum()) == (0.71, 0.99)


def test_a_learner_with_no_started_lesson_is_told_how_cards_arrive(qtbot, synced):
    page = ReviewPage(synced, synced.create_profile("Grace"))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert page.message.text() == "No cards to review yet"
    assert "start it" in page.detail.text()
    assert not page.show_answer.isVisible()


def test_grade_buttons_take_the_dark_shades_when_the_theme_changes(page, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from planner.ui import theme
    from planner.ui.pages.review import GRADE_COLOURS

    app = QApplication.instance()
    again = page.grades[ReviewGrade.AGAIN]
    assert GRADE_COLOURS[ReviewGrade.AGAIN][False] in again.styleSheet()
    monkeypatch.setenv("LODESTAR_THEME", "dark")
    theme.apply(app)
    try:
        QApplication.processEvents()
        assert GRADE_COLOURS[ReviewGrade.AGAIN][True] in again.styleSheet()
    finally:
        monkeypatch.setenv("LODESTAR_THEME", "light")
        theme.apply(app)


def test_new_cards_a_day_sits_beside_retention_and_holds_new_cards_back(qtbot, page, synced):
    old = due(page)  # answered ten days ago: due again
    other = next(t.slug for t in synced.topics() if t.slug != TOPIC and synced.topic(t.slug).cards)
    synced.set_topic_state(page.profile.id, other, TopicStatus.IN_PROGRESS)  # new cards
    page.refresh()
    assert page.new_cards.value() == 20
    assert due(page) == old + len(synced.topic(other).cards)
    with qtbot.waitSignal(page.reviews_changed) as changed:
        page.new_cards.setValue(0)
    assert changed.args == [old]  # reviews of answered cards are unaffected
    assert synced.profile(page.profile.id).new_cards_per_day == 0
    assert page.card is not None and page.card.topic == TOPIC
    assert (page.new_cards.minimum(), page.new_cards.maximum()) == (0, 9999)
