"""The prerequisite graph: every topic after what it needs; click opens the lesson; zoom."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from planner.core.models import Difficulty, TopicSummary
from planner.ui.widgets.graph import MIN_LABEL_PX, TRACK_HUES, layers


def summary(slug: str, needs=()) -> TopicSummary:
    return TopicSummary(slug, slug.title(), "t", "", 1.0, Difficulty.BEGINNER, tuple(needs))


@st.composite
def dags(draw):
    n = draw(st.integers(1, 25))
    topics = []
    for i in range(n):
        needs = draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set()
        topics.append(summary(f"t{i}", [f"t{j}" for j in sorted(needs)]))
    return topics


@settings(max_examples=60, deadline=None)
@given(dags())
def test_every_topic_sits_right_of_all_its_prerequisites(topics):
    found = layers(topics)
    column = {slug: c for c, layer in enumerate(found) for slug in layer}
    assert sorted(column) == sorted(t.slug for t in topics)  # each topic exactly once
    for t in topics:
        for need in t.prerequisites:
            assert column[need] < column[t.slug]
        if t.prerequisites:  # as far left as it can go
            assert column[t.slug] == 1 + max(column[p] for p in t.prerequisites)
        else:
            assert column[t.slug] == 0


def test_graph_shows_every_topic_and_a_click_opens_its_lesson(qtbot, window):
    window.show_page("curriculum")
    page = window.page("curriculum")
    qtbot.keyClick(page, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert page.views.currentIndex() == 1
    assert len(page.graph.nodes) == len(window.lodestar.topics())
    page.graph.centerOn(page.graph.nodes["lstm"])
    target = page.graph.node_rect("lstm").center()
    qtbot.mouseClick(page.graph.viewport(), Qt.MouseButton.LeftButton, pos=target)
    assert page.views.currentIndex() == 0
    qtbot.waitUntil(lambda: page.current is not None and page.current.slug == "lstm")


def test_zoom_keys_and_fit(qtbot, window):
    window.show_page("curriculum")
    page = window.page("curriculum")
    page.show_view(1)
    before = page.graph.transform().m11()
    qtbot.keyClick(page.graph, Qt.Key.Key_Plus)
    assert page.graph.transform().m11() > before
    qtbot.keyClick(page.graph, Qt.Key.Key_0)
    whole = page.graph.mapFromScene(page.graph.sceneRect()).boundingRect()
    assert whole.width() <= page.graph.viewport().width() + 2


def test_status_colours_follow_progress(qtbot, window):
    from planner.core.models import TopicStatus

    page = window.page("curriculum")
    window.lodestar.set_topic_state(window.profile.id, "linear-algebra", TopicStatus.DONE)
    page.show_view(1)
    assert page.graph.nodes["linear-algebra"].brush().color().name() == "#2e9d5b"


def test_the_legend_names_every_track_in_its_colour(qtbot, window):
    window.show_page("curriculum")
    page = window.page("curriculum")
    page.show_view(1)
    assert page.track_legend.isVisible()
    legend = page.track_legend.text()
    tracks = window.lodestar.tracks()
    assert tracks
    for track in tracks:
        assert html.escape(track.title) in legend
        assert page.graph.track_colours[track.slug].name() in legend
    colours = {page.graph.track_colours[t.slug].name() for t in tracks}
    assert len(colours) == min(len(tracks), len(TRACK_HUES))
    for topic in window.lodestar.topics():
        assert page.graph.nodes[topic.slug].pen().color() == page.graph.track_colours[topic.track]
    page.show_view(0)
    assert not page.track_legend.isVisible()


def test_labels_too_small_at_fit_are_hidden_and_shown_on_hover(qtbot, window):
    window.show_page("curriculum")
    page = window.page("curriculum")
    page.show_view(1)
    graph = page.graph
    graph.resize(400, 300)
    graph.fit()
    assert graph.transform().m11() * graph._label_px < MIN_LABEL_PX  # a large curriculum
    assert not graph.labels_shown
    assert not any(node.label.isVisible() for node in graph.nodes.values())
    target = graph.node_rect("lstm").center()
    move = QMouseEvent(QEvent.Type.MouseMove, QPointF(target), QPointF(graph.viewport().mapToGlobal(target)),
                       Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(graph.viewport(), move)
    assert graph.callout_text() == graph.nodes["lstm"].title
    callout = graph.callout.childItems()[0]
    assert callout.font().pointSizeF() == graph.font().pointSizeF()  # drawn unscaled
    for _ in range(20):
        qtbot.keyClick(graph, Qt.Key.Key_Plus)
    assert graph.labels_shown and graph.callout_text() == ""
    assert all(node.label.isVisible() for node in graph.nodes.values())
