"""The lesson view's extras: self-check cards, one "Further reading", code blocks that fit the
view, and back/forward through the lessons visited."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

from PySide6.QtCore import Qt, QUrl

from planner.content.lesson import render_lesson
from planner.ui.pages import curriculum
from planner.ui.pages.curriculum import CurriculumPage


def open_lesson(qtbot, window, slug: str) -> CurriculumPage:
    window.show_page("curriculum")
    page = window.page("curriculum")
    page.show_topic(slug)
    qtbot.waitUntil(lambda: page.current is not None and page.current.slug == slug)
    return page


def test_check_yourself_lists_the_cards_with_answers_hidden_until_asked(qtbot, window):
    page = open_lesson(qtbot, window, "gradient-descent")
    cards = page.current.cards
    assert len(cards) >= 2
    text = page.lesson.toPlainText()
    assert "Check yourself" in text
    assert text.rindex("Check yourself") > text.rindex("Further reading")  # at the end
    for card in cards:
        assert card.question in text and card.answer not in text
    assert text.count("Show answer") == len(cards)
    page.lesson.anchorClicked.emit(QUrl("check:1"))
    text = page.lesson.toPlainText()
    assert cards[1].answer in text and cards[0].answer not in text
    assert text.count("Show answer") == len(cards) - 1 and "Hide answer" in text
    page.lesson.anchorClicked.emit(QUrl("check:hide-1"))
    assert cards[1].answer not in page.lesson.toPlainText()
    page.lesson.anchorClicked.emit(QUrl("check:99"))  # no such card: nothing happens
    page.show_topic("backpropagation")  # another lesson starts with every answer hidden
    qtbot.waitUntil(lambda: page.current.slug == "backpropagation")
    page.lesson.anchorClicked.emit(QUrl("check:0"))
    page.show_topic("gradient-descent")
    qtbot.waitUntil(lambda: page.current.slug == "gradient-descent")
    assert "Hide answer" not in page.lesson.toPlainText()


def test_a_check_link_never_leaves_the_app(qtbot, window, monkeypatch):
    opened = []
    monkeypatch.setattr(curriculum, "open_external", lambda url, parent=None: opened.append(url))
    page = open_lesson(qtbot, window, "gradient-descent")
    page.lesson.anchorClicked.emit(QUrl("check:0"))
    page.lesson.anchorClicked.emit(QUrl("check:nonsense"))
    assert opened == []


def test_further_reading_appears_once(qtbot, window):
    page = open_lesson(qtbot, window, "gradient-descent")  # its Markdown ends with the section
    assert "## Further reading" in page.current.body
    text = page.lesson.toPlainText()
    assert text.count("Further reading") == 1
    lines = text.splitlines()
    heading = lines.index("Further reading")
    after = "\n".join(lines[heading:])
    assert "Kingma and Ba" in after  # the lesson's own paragraph, then the page's list
    assert "Kingma" in after[after.index("Polyak's 1964"):]


def test_a_lesson_without_its_own_section_gets_one_further_reading(qtbot, window):
    slug = next(t.slug for t in window.lodestar.topics()
                if t.slug and window.lodestar.topic(t.slug).readings
                and "## Further reading" not in window.lodestar.topic(t.slug).body)
    page = open_lesson(qtbot, window, slug)
    assert page.lesson.toPlainText().count("Further reading") == 1


def test_code_blocks_have_one_background_and_long_lines_wrap():
    line = "x = '" + "a" * 300 + "'"
    body = curriculum._code_blocks(
        render_lesson(f"Text\n\n```python\nfor i in range(3):\n    print(i)\n{line}\n```\n"))
    assert "codehilite" not in body and "line-height" not in body and "pre-wrap" in body


def test_a_long_code_line_does_not_widen_the_lesson(qtbot, window, monkeypatch):
    page = window.page("curriculum")
    topic = window.lodestar.topic("gradient-descent")
    long = "x = '" + "a" * 300 + "'"
    body = f"Intro\n\n```python\nfor i in range(3):\n    print(i)\n{long}\n```\n\nAfter\n"
    fake = dataclasses.replace(topic, body=body)
    monkeypatch.setattr(window.lodestar, "topic", lambda slug: fake)
    monkeypatch.setattr(window.lodestar, "lesson_page",
                        lambda slug, dark=False: SimpleNamespace(html=render_lesson(body), formulas={}))
    window.show_page("curriculum")
    page._show(fake)
    document = page.lesson.document()
    document.setTextWidth(page.lesson.viewport().width())
    assert document.idealWidth() <= page.lesson.viewport().width()
    found = document.find("print(i)")
    assert not found.isNull()
    block = found.block()
    backgrounds = set()
    while block.isValid() and "After" not in block.text():
        backgrounds.add(block.blockFormat().background().color().name())
        assert not block.blockFormat().nonBreakableLines()
        block = block.next()
    assert len(backgrounds) == 1 and block.isValid()
    wrapped = [b for b in _blocks(document) if long[:20] in b.text()]
    assert wrapped and wrapped[0].layout().lineCount() > 1


def _blocks(document):
    block = document.begin()
    while block.isValid():
        yield block
        block = block.next()


def test_back_and_forward_go_through_the_lessons_visited(qtbot, window):
    page = open_lesson(qtbot, window, "gradient-descent")
    page.lesson.anchorClicked.emit(QUrl("topic:backpropagation"))
    qtbot.waitUntil(lambda: page.current.slug == "backpropagation")
    page.lesson.setFocus()
    qtbot.keyClick(page.lesson, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert page.current.slug == "gradient-descent"
    qtbot.keyClick(page.lesson, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert page.current.slug == "backpropagation"
    qtbot.mouseClick(page.lesson.viewport(), Qt.MouseButton.BackButton)
    assert page.current.slug == "gradient-descent"
    qtbot.mouseClick(page.lesson.viewport(), Qt.MouseButton.ForwardButton)
    assert page.current.slug == "backpropagation"
    qtbot.mouseClick(page.lesson.viewport(), Qt.MouseButton.ForwardButton)  # nothing ahead
    assert page.current.slug == "backpropagation"
    qtbot.mouseClick(page.lesson.viewport(), Qt.MouseButton.BackButton)
    page.show_topic("convolution")  # a new lesson drops what lay ahead
    qtbot.waitUntil(lambda: page.current.slug == "convolution")
    qtbot.keyClick(page.lesson, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert page.current.slug == "convolution"
    qtbot.keyClick(page.lesson, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert page.current.slug == "gradient-descent"
