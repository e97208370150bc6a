"""The lesson view: formulas typeset as images (no raw LaTeX left), lab buttons, lab links."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QPushButton


def typeset(qtbot, page, slug: str, window=None):
    if window is not None:
        window.show_page("curriculum")
    page.show_topic(slug)
    qtbot.waitUntil(lambda: page.current is not None and page.current.slug == slug)
    lesson = page.lodestar.lesson_page(slug)
    document = page.lesson.document()
    qtbot.waitUntil(lambda: _all_images(document, lesson), timeout=20_000)
    return lesson, document


def _all_images(document, lesson) -> bool:
    return all(isinstance(document.resource(QTextDocument.ResourceType.ImageResource,
                                            QUrl(f"math:{key}")), QImage)
               for key in lesson.formulas)


def test_formulas_are_typeset_and_no_latex_is_left(qtbot, window):
    page = window.page("curriculum")
    lesson, document = typeset(qtbot, page, "information-theory", window)
    assert len(lesson.formulas) > 20
    for key in lesson.formulas:
        image = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(f"math:{key}"))
        assert not image.isNull() and image.width() > 2
    text = page.lesson.toPlainText()
    assert "\\frac" not in text and "\\log" not in text and "$" not in text


def test_typeset_formulas_are_cached_on_disk(qtbot, window):
    page = window.page("curriculum")
    typeset(qtbot, page, "linear-algebra", window)
    cache = window.lodestar.location.data_dir / "cache" / "math"
    assert len(list(cache.glob("*.svg"))) > 10


def test_formulas_arriving_while_the_page_is_hidden_are_drawn_when_it_is_shown(qtbot, window):
    page = window.page("curriculum")  # built, never shown
    arrived = []
    real = page._formulas_ready
    page._formulas_ready = lambda slug: (arrived.append(slug), real(slug))
    page.show_topic("information-theory")
    qtbot.waitUntil(lambda: arrived == ["information-theory"], timeout=20_000)
    lesson = page.lodestar.lesson_page("information-theory")
    assert page._stale and not _all_images(page.lesson.document(), lesson)  # nothing laid out
    window.show_page("curriculum")
    assert not page._stale and _all_images(page.lesson.document(), lesson)
    assert "\\frac" not in page.lesson.toPlainText()


def test_lab_buttons_open_the_topics_labs(qtbot, window):
    page = window.page("curriculum")
    page.show_topic("convolution")
    qtbot.waitUntil(lambda: page.current is not None and page.current.slug == "convolution")
    buttons = page.findChildren(QPushButton)
    button = next(b for b in buttons if b.objectName() == "labButton-cnn")
    assert "Convolutional network" in button.text()
    with qtbot.waitSignal(page.open_lab) as signal:
        button.click()
    assert signal.args == ["cnn"]
    page.show_topic("information-theory")
    qtbot.waitUntil(lambda: page.current.slug == "information-theory")
    assert not [b for b in page.findChildren(QPushButton) if b.objectName().startswith("labButton-")
                and b.isVisible()]


def test_a_lesson_opened_from_another_page_is_rendered_once(qtbot, window):
    page = window.page("curriculum")  # built now: its own first render is deferred
    rendered = []
    real = page._show
    page._show = lambda topic, **kw: (rendered.append(topic.slug), real(topic, **kw))
    page.show_topic("convolution")
    qtbot.wait(100)
    assert rendered == ["convolution"]
