"""The prerequisite graph: topics in layers left to right, each after everything it needs.

Layering is the longest path from a topic with no prerequisites; within a layer, nodes are
ordered by the mean position of their prerequisites (a few barycentre sweeps, as in Sugiyama's
method) so edges cross less. Drag to pan, wheel or +/- to zoom, 0 to fit; a click opens the lesson.
Labels too small to read at the current zoom (at Fit, on a large curriculum) are hidden, and the
topic under the mouse shows its title at a readable size instead.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontInfo,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from planner.core.models import TopicStatus, TopicSummary

NODE_W, NODE_H, GAP_X, GAP_Y = 190.0, 38.0, 80.0, 14.0
STATUS_FILL = {TopicStatus.DONE: "#2e9d5b", TopicStatus.IN_PROGRESS: "#d29a22",
               TopicStatus.SKIPPED: "#8b93a1"}
MIN_LABEL_PX = 8.0  # smallest on-screen label height (pixels) shown on the nodes
TRACK_HUES = [210, 150, 20, 280, 45, 330, 180, 100, 0, 250, 60, 300, 125, 230, 80]  # one per track


def layers(topics: list[TopicSummary]) -> list[list[str]]:
    """Topic slugs per layer, each layer ordered to reduce crossings. Input order breaks ties."""
    known = {t.slug: t for t in topics}
    depth: dict[str, int] = {}

    def layer_of(slug: str) -> int:  # topics arrive in learning order, so recursion stays shallow
        if slug not in depth:
            needs = [p for p in known[slug].prerequisites if p in known]
            depth[slug] = 1 + max((layer_of(p) for p in needs), default=-1)
        return depth[slug]

    count = 1 + max((layer_of(t.slug) for t in topics), default=-1)
    result: list[list[str]] = [[] for _ in range(count)]
    for t in topics:
        result[depth[t.slug]].append(t.slug)
    for _sweep in range(4):
        position = {slug: i for layer in result for i, slug in enumerate(layer)}
        for layer in result[1:]:
            def centre(slug: str, current: dict[str, int] = position) -> float:
                needs = [current[p] for p in known[slug].prerequisites if p in current]
                return sum(needs) / len(needs) if needs else current[slug]
            layer.sort(key=centre)
            position.update({slug: i for i, slug in enumerate(layer)})
    return result


class TopicNode(QGraphicsRectItem):
    def __init__(self, topic: TopicSummary, status: TopicStatus, track_colour: QColor, text_colour: QColor,
                 font: QFont):
        super().__init__(0, 0, NODE_W, NODE_H)
        self.slug = topic.slug
        fill = QColor(STATUS_FILL.get(status, "#00000000"))
        if status is TopicStatus.NOT_STARTED:
            fill = QColor(track_colour)
            fill.setAlpha(40)
        self.setBrush(QBrush(fill))
        self.setPen(QPen(track_colour, 2))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"{topic.title}\n{topic.summary}\n{status.label} · {topic.hours:g} h")
        self.setAcceptHoverEvents(True)
        self.title = topic.title
        self.label = label = QGraphicsSimpleTextItem(self)
        label.setFont(font)
        metrics = QFontMetrics(font)
        label.setText(metrics.elidedText(topic.title, Qt.TextElideMode.ElideRight, int(NODE_W - 14)))
        label.setBrush(text_colour if status is TopicStatus.NOT_STARTED else QColor("white"))
        label.setPos(7, (NODE_H - label.boundingRect().height()) / 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.pen())
        painter.setBrush(self.brush())
        painter.drawRoundedRect(self.rect(), 7, 7)


class PrerequisiteGraph(QGraphicsView):
    """Receives topics, statuses and track order; emits the slug of a clicked topic."""

    topic_clicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("prerequisiteGraph")
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.nodes: dict[str, TopicNode] = {}
        self.track_colours: dict[str, QColor] = {}  # track slug → its nodes' border colour
        self.labels_shown = True
        self.callout: QGraphicsRectItem | None = None  # the hovered topic's title when labels are hidden
        self._label_px = float(QFontInfo(self.font()).pixelSize())
        self._press: QPointF | None = None

    def show_topics(self, topics: list[TopicSummary], statuses: dict[str, TopicStatus],
                    tracks: list[str]) -> None:
        scene = self.scene()
        scene.clear()
        self.nodes = {}
        self.callout = None
        palette = self.palette()
        text = palette.color(palette.ColorRole.Text)
        dark = palette.color(palette.ColorRole.Base).lightness() < 128
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.95)
        self._label_px = float(QFontInfo(font).pixelSize())
        self.track_colours = {track: QColor.fromHsl(TRACK_HUES[i % len(TRACK_HUES)], 150, 150 if dark else 95)
                              for i, track in enumerate(tracks)}
        by_slug = {t.slug: t for t in topics}
        for column, layer in enumerate(layers(topics)):
            for row, slug in enumerate(layer):
                topic = by_slug[slug]
                colour = self.track_colours.get(topic.track, QColor.fromHsl(0, 150, 150 if dark else 95))
                node = TopicNode(topic, statuses.get(slug, TopicStatus.NOT_STARTED), colour, text, font)
                node.setPos(column * (NODE_W + GAP_X), row * (NODE_H + GAP_Y))
                node.setZValue(1)
                scene.addItem(node)
                self.nodes[slug] = node
        edge_pen = QPen(QColor(text.red(), text.green(), text.blue(), 90), 1.2)
        for topic in topics:
            for need in topic.prerequisites:
                if need in self.nodes and topic.slug in self.nodes:
                    scene.addItem(self._edge(self.nodes[need], self.nodes[topic.slug], edge_pen))
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-40, -40, 40, 40))
        self._update_labels()

    def _update_labels(self) -> None:
        """Show the nodes' labels only where they are readable at the current zoom."""
        shown = self._label_px * self.transform().m11() >= MIN_LABEL_PX
        for node in self.nodes.values():
            node.label.setVisible(shown)
        self.labels_shown = shown
        if shown and self.callout is not None:
            self.callout.hide()

    def show_callout(self, node: TopicNode | None) -> None:
        """The title of the topic under the mouse, at a readable size, while labels are hidden."""
        if node is None or self.labels_shown:
            if self.callout is not None:
                self.callout.hide()
            return
        if self.callout is None:
            self.callout = QGraphicsRectItem()
            self.callout.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            self.callout.setZValue(10)
            palette = self.palette()
            self.callout.setBrush(palette.color(palette.ColorRole.ToolTipBase))
            self.callout.setPen(QPen(palette.color(palette.ColorRole.ToolTipText), 1))
            text = QGraphicsSimpleTextItem(self.callout)
            text.setBrush(palette.color(palette.ColorRole.ToolTipText))
            text.setPos(6, 3)
            self.scene().addItem(self.callout)
        text = self.callout.childItems()[0]
        text.setText(node.title)
        box = text.boundingRect()
        self.callout.setRect(0, 0, box.width() + 12, box.height() + 6)
        self.callout.setPos(node.sceneBoundingRect().bottomLeft())
        self.callout.show()

    def callout_text(self) -> str:
        """The title the callout shows, '' when hidden (for tests)."""
        if self.callout is None or not self.callout.isVisible():
            return ""
        return self.callout.childItems()[0].text()

    @staticmethod
    def _edge(start: TopicNode, end: TopicNode, pen: QPen) -> QGraphicsPathItem:
        a = start.pos() + QPointF(NODE_W, NODE_H / 2)
        b = end.pos() + QPointF(0, NODE_H / 2)
        path = QPainterPath(a)
        bend = max(40.0, (b.x() - a.x()) / 2)
        path.cubicTo(a + QPointF(bend, 0), b - QPointF(bend, 0), b)
        item = QGraphicsPathItem(path)
        item.setPen(pen)
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        return item

    def focus_topic(self, slug: str) -> None:
        """Centre the view on a topic and mark it."""
        node = self.nodes.get(slug)
        if node is None:
            return
        for other in self.nodes.values():
            if other.pen().width() != 2:
                pen = QPen(other.pen())
                pen.setWidth(2)
                other.setPen(pen)
        pen = QPen(node.pen())
        pen.setWidth(4)
        node.setPen(pen)
        self.centerOn(node)

    def fit(self) -> None:
        self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self._update_labels()

    def zoom(self, factor: float) -> None:
        scale = self.transform().m11() * factor  # Fit may go below 0.1: zooming in still works there
        if (factor > 1 and scale <= 4.0) or (factor < 1 and scale >= 0.1):
            self.scale(factor, factor)
            self._update_labels()

    def node_at(self, point) -> TopicNode | None:
        item = self.itemAt(point)
        while item is not None and not isinstance(item, TopicNode):
            item = item.parentItem()
        return item

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        if not self.labels_shown:
            self.show_callout(self.node_at(event.position().toPoint()))

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom(0.8)
        elif key == Qt.Key.Key_0:
            self.fit()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:
        self._press = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        moved = self._press is not None and (event.position() - self._press).manhattanLength() > 4
        if event.button() == Qt.MouseButton.LeftButton and not moved:
            item = self.node_at(event.position().toPoint())
            if item is not None:
                self.topic_clicked.emit(item.slug)
        self._press = None

    def node_rect(self, slug: str) -> QRectF:
        """Where a node is on screen (for tests and tours)."""
        node = self.nodes[slug]
        return self.mapFromScene(node.sceneBoundingRect()).boundingRect()
