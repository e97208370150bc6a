"""Curriculum page: the tracks and their topics, and the lesson of the selected topic."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFont, QFontInfo, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.core.models import Topic, TopicStatus
from planner.services import Lodestar
from planner.ui import theme
from planner.ui.links import open_external
from planner.ui.widgets.graph import PrerequisiteGraph
from planner.ui.widgets.math import MathImages
from planner.ui.widgets.safe_browser import SafeTextBrowser

CHECK_SCHEME = "check"  # "Show answer" links of the self-check cards, answered by this page
SLUG_ROLE = Qt.ItemDataRole.UserRole
STATUS_MARK = {TopicStatus.NOT_STARTED: "", TopicStatus.IN_PROGRESS: "◐",
               TopicStatus.DONE: "✔", TopicStatus.SKIPPED: "–"}


class CurriculumPage(QWidget):
    """Receives the façade and the current profile id; owns no persistent state of its own."""

    status_changed = Signal(str, object)  # topic slug, TopicStatus
    open_lab = Signal(str)  # lab slug

    def __init__(self, lodestar: Lodestar, profile_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.lodestar = lodestar
        self.profile_id = profile_id
        self.current: Topic | None = None
        self._answers_shown: set[int] = set()  # self-check cards of the open lesson shown answered
        self._history: list[str] = []  # slugs of the lessons opened, oldest first
        self._history_at = -1  # the open lesson's place in it
        self._travelling = False  # opening a lesson from the history: keep the history as it is
        self._stale = False  # formulas arrived while hidden: render the lesson when shown
        self._renders = 0  # lessons rendered so far (a deferred render skips one made since)
        self.math = MathImages(lodestar.typeset_formula, self)
        self._build()
        self.refresh()

    def _build(self) -> None:
        self.filter = QLineEdit(placeholderText="Filter topics  (Ctrl+F)")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.filter.setFocus)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self._open_first_lab)

        self.tree = QTreeWidget()
        self.tree.setObjectName("topicTree")
        self.tree.setHeaderLabels(["Topic", "Hours", ""])
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setUniformRowHeights(True)
        self.tree.currentItemChanged.connect(self._on_select)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.tree)

        self.title = QLabel(objectName="lessonTitle")
        self.title.setProperty("role", "title")
        self.title.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setProperty("role", "subtitle")
        self.status = QComboBox(objectName="topicStatus")
        for status in TopicStatus:
            self.status.addItem(status.label, status.value)
        self.status.setToolTip("Your status for this topic")
        self.status.activated.connect(self._on_status)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.status)

        self.lesson = SafeTextBrowser(self.lodestar.pack_image, objectName="lessonView")
        self.lesson.anchorClicked.connect(self._on_link)
        self.lesson.back_requested.connect(self.go_back)
        self.lesson.forward_requested.connect(self.go_forward)
        for keys, slot in (("Alt+Left", self.go_back), ("Alt+Right", self.go_forward)):
            QShortcut(QKeySequence(keys), self, activated=slot,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.lesson.document().setDocumentMargin(18)
        font = QFont(self.lesson.font())
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.lesson.setFont(font)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addLayout(head)
        right_layout.addWidget(self.meta)
        self.lab_bar = QHBoxLayout()
        self.lab_bar.setContentsMargins(0, 4, 0, 4)
        right_layout.addLayout(self.lab_bar)
        right_layout.addWidget(self.lesson, 1)

        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([380, 820])

        self.graph = PrerequisiteGraph()
        self.graph.topic_clicked.connect(self._open_from_graph)
        self.views = QStackedWidget()
        self.views.addWidget(self.splitter)
        self.views.addWidget(self.graph)
        self.list_button = QPushButton("Lessons", checkable=True, checked=True, objectName="listView")
        self.graph_button = QPushButton("Prerequisite graph", checkable=True, objectName="graphView")
        self.graph_button.setToolTip("Topics in the order they build on each other (Ctrl+G). "
                                     "Drag to pan, wheel or +/- to zoom, 0 to fit, click to open.")
        group = QButtonGroup(self)
        group.addButton(self.list_button, 0)
        group.addButton(self.graph_button, 1)
        group.idClicked.connect(self.show_view)
        QShortcut(QKeySequence("Ctrl+G"), self,
                  activated=lambda: self.show_view(1 - self.views.currentIndex()))
        self.legend = QLabel("Fill: green done · amber in progress · grey skipped · tint not started; "
                             "border colour: track")
        self.legend.setProperty("role", "subtitle")
        bar = QHBoxLayout()
        bar.addWidget(self.list_button)
        bar.addWidget(self.graph_button)
        bar.addSpacing(12)
        self.fit_button = QPushButton("Fit", objectName="graphFit", toolTip="Show the whole graph (0)")
        self.fit_button.clicked.connect(self.graph.fit)
        bar.addWidget(self.fit_button)
        bar.addWidget(self.legend)
        bar.addStretch(1)
        self.track_legend = QLabel(objectName="trackLegend")
        self.track_legend.setWordWrap(True)
        self.track_legend.setToolTip("Each node's border colour is its track's")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.track_legend)
        layout.addWidget(self.views, 1)
        self.legend.hide()
        self.track_legend.hide()
        self.fit_button.hide()

    # --- data ---------------------------------------------------------------------------------

    def show_view(self, index: int) -> None:
        """0: the topic list and lesson; 1: the prerequisite graph."""
        self.views.setCurrentIndex(index)
        (self.graph_button if index else self.list_button).setChecked(True)
        self.legend.setVisible(index == 1)
        self.track_legend.setVisible(index == 1)
        self.fit_button.setVisible(index == 1)
        if index == 1:
            self._draw_graph()
            if self.current is not None:
                self.graph.focus_topic(self.current.slug)
            self.graph.setFocus()

    def _draw_graph(self) -> None:
        tracks = self.lodestar.tracks()
        self.graph.show_topics(self.lodestar.topics(), self.lodestar.topic_states(self.profile_id),
                               [t.slug for t in tracks])
        entries = [f'<span style="color: {self.graph.track_colours[t.slug].name()};">■</span>&nbsp;'
                   f"{html.escape(t.title)}" for t in tracks if t.slug in self.graph.track_colours]
        self.track_legend.setText("Tracks: " + " &nbsp; ".join(entries))

    def _open_from_graph(self, slug: str) -> None:
        self.show_view(0)
        self.show_topic(slug)

    def refresh(self) -> None:
        """Reload tracks, topics and statuses (after a content sync or a profile change)."""
        selected = self.current.slug if self.current else None
        states = self.lodestar.topic_states(self.profile_id)
        tracks = {t.slug: t for t in self.lodestar.tracks()}
        if self.views.currentIndex() == 1:
            self._draw_graph()
        self.tree.clear()
        parents: dict[str, QTreeWidgetItem] = {}
        first = None
        for topic in self.lodestar.topics():
            parent = parents.get(topic.track)
            if parent is None:
                track = tracks.get(topic.track)
                parent = QTreeWidgetItem(self.tree, [track.title if track else topic.track])
                font = parent.font(0)
                font.setBold(True)
                parent.setFont(0, font)
                parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                parent.setExpanded(True)
                parents[topic.track] = parent
            status = states.get(topic.slug, TopicStatus.NOT_STARTED)
            item = QTreeWidgetItem(parent, [topic.title, f"{topic.hours:g}", STATUS_MARK[status]])
            item.setData(0, SLUG_ROLE, topic.slug)
            item.setToolTip(0, topic.summary)
            item.setToolTip(2, status.label)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            first = first or item
            if topic.slug == selected:
                first = item
        if first is not None:
            self.tree.blockSignals(True)  # the lesson is rendered once the window is up
            self.tree.setCurrentItem(first)
            self.tree.blockSignals(False)
            renders = self._renders
            QTimer.singleShot(0, lambda: self._show_selected_once(renders))
        else:
            self._show_empty()

    def refresh_states(self) -> None:
        """Show the profile's topic states again (set on another page), without re-rendering the
        open lesson."""
        states = self.lodestar.topic_states(self.profile_id)
        for item in self._topic_items():
            status = states.get(item.data(0, SLUG_ROLE), TopicStatus.NOT_STARTED)
            item.setText(2, STATUS_MARK[status])
            item.setToolTip(2, status.label)
        if self.current is not None:
            status = states.get(self.current.slug, TopicStatus.NOT_STARTED)
            self.status.setCurrentIndex(self.status.findData(status.value))
        if self.views.currentIndex() == 1:
            self._draw_graph()

    def _show_selected_once(self, renders: int) -> None:
        """The render `refresh` deferred, unless the selected lesson was rendered since it
        (`show_topic` right after the page was built rendered it already)."""
        item = self.tree.currentItem()
        slug = item.data(0, SLUG_ROLE) if item is not None else None
        if self._renders == renders or self.current is None or self.current.slug != slug:
            self._on_select(item, None)

    def show_topic(self, slug: str) -> None:
        """Select and open a topic's lesson (used by links and other pages)."""
        for item in self._topic_items():
            if item.data(0, SLUG_ROLE) == slug:
                self.filter.clear()
                if self.tree.currentItem() is item:  # selected quietly by refresh(): open it now
                    if self.current is None or self.current.slug != slug:
                        self._on_select(item, None)
                else:
                    self.tree.setCurrentItem(item)
                return

    def go_back(self) -> None:
        """Open the lesson read before this one (Alt+Left, the mouse's back button)."""
        self._travel(-1)

    def go_forward(self) -> None:
        """Open the lesson left by going back (Alt+Right, the mouse's forward button)."""
        self._travel(1)

    def _travel(self, step: int) -> None:
        at = self._history_at + step
        if not 0 <= at < len(self._history):
            return
        self._history_at = at
        self._travelling = True
        try:
            self.show_topic(self._history[at])
        finally:
            self._travelling = False

    def _topic_items(self):
        for i in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(i)
            for j in range(parent.childCount()):
                yield parent.child(j)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(i)
            visible = 0
            for j in range(parent.childCount()):
                child = parent.child(j)
                hit = not needle or needle in child.text(0).lower() or needle in (
                    child.toolTip(0).lower())
                child.setHidden(not hit)
                visible += hit
            parent.setHidden(visible == 0)

    def _on_select(self, item: QTreeWidgetItem | None, _previous) -> None:
        slug = item.data(0, SLUG_ROLE) if item is not None else None
        if slug:
            self._show(self.lodestar.topic(slug))

    def _show_empty(self) -> None:
        self.current = None
        self.title.setText("No topics yet")
        self.meta.setText("")
        self.status.setEnabled(False)
        self.lesson.setHtml("<p>There are no topics in the database yet. If none appear once "
                            "content has loaded, run <code>python -m planner content check</code> "
                            "to see why.</p>")

    def _show(self, topic: Topic, keep_scroll: bool = False) -> None:
        if self.current is None or self.current.slug != topic.slug:
            self._answers_shown = set()
            if not self._travelling:
                del self._history[self._history_at + 1:]
                self._history.append(topic.slug)
                self._history_at = len(self._history) - 1
        self.current = topic
        self._renders += 1
        track = next((t.title for t in self.lodestar.tracks() if t.slug == topic.track), "")
        self.title.setText(topic.title)
        self.meta.setText(f"{track}  ·  {topic.hours:g} hours  ·  {topic.difficulty.value}")
        state = self.lodestar.topic_states(self.profile_id).get(topic.slug, TopicStatus.NOT_STARTED)
        self.status.setEnabled(True)
        self.status.setCurrentIndex(self.status.findData(state.value))
        self._fill_lab_bar(topic)
        dark = theme.is_dark(self.palette())
        page = self.lodestar.lesson_page(topic.slug, dark=dark)
        color = self.palette().color(QPalette.ColorRole.Text).name()
        ratio = self.devicePixelRatioF()
        size = QFontInfo(self.lesson.font()).pixelSize() * 1.05
        slug = topic.slug
        ready = self.math.prepare(page, color, ratio, size, lambda: self._formulas_ready(slug))
        body = page.html if ready else self.lodestar.lesson_html(topic.slug, dark=dark)
        if ready:
            self.math.install(self.lesson.document(), page, color, ratio)
        scroll = self.lesson.verticalScrollBar().value()
        self.lesson.setHtml(_STYLE + self._context_html(topic) + self._body_html(topic, body))
        if keep_scroll:
            self.lesson.verticalScrollBar().setValue(scroll)

    def _context_html(self, topic: Topic) -> str:
        titles = self.lodestar.topic_titles()
        parts = [f"<p><i>{html.escape(topic.summary)}</i></p>"]
        if topic.prerequisites:
            links = ", ".join(f'<a href="topic:{p}">{html.escape(titles.get(p, p))}</a>'
                              for p in topic.prerequisites)
            parts.append(f"<p><b>Before this:</b> {links}</p>")
        unlocks = self.lodestar.unlocked_by(topic.slug)
        if unlocks:
            links = ", ".join(f'<a href="topic:{t.slug}">{html.escape(t.title)}</a>'
                              for t in unlocks)
            parts.append(f"<p><b>Leads to:</b> {links}</p>")
        return "".join(parts) + "<hr/>"

    def _fill_lab_bar(self, topic: Topic) -> None:
        while self.lab_bar.count():
            widget = self.lab_bar.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        labs = {lab.slug: lab for lab in self.lodestar.labs()}
        for index, slug in enumerate(topic.labs):
            lab = labs.get(slug)
            if lab is None:
                continue
            button = QPushButton(f"▶  Lab: {lab.title}", objectName=f"labButton-{slug}")
            button.setToolTip(lab.summary + ("  (Ctrl+L)" if index == 0 else ""))
            button.clicked.connect(lambda _=False, s=slug: self.open_lab.emit(s))
            self.lab_bar.addWidget(button)
        self.lab_bar.addStretch(1)

    def _body_html(self, topic: Topic, body: str) -> str:
        """The lesson, its reading list and its self-check cards. A lesson that ends with its own
        "Further reading" section gets the reading list under that heading, not a second one."""
        body = _code_blocks(_drop_leading_title(body))
        readings = self._readings_html(topic)
        if readings:
            if _ends_with_further_reading(body):
                body += readings
            else:
                body += "<hr/><h2>Further reading</h2>" + readings
        return body + self._cards_html(topic)

    def _readings_html(self, topic: Topic) -> str:
        readings = self.lodestar.readings(list(topic.readings))
        if not readings:
            return ""
        items = []
        for r in readings:
            cite = html.escape(r.citation)
            link = f' <a href="{html.escape(r.link)}">link</a>' if r.link else ""
            items.append(f"<li>{cite}{link}</li>")
        return "<ul>" + "".join(items) + "</ul>"

    def _cards_html(self, topic: Topic) -> str:
        """The lesson's self-check cards: each question, and its answer once asked for (a
        `check:<n>` link, which this page answers itself)."""
        if not topic.cards:
            return ""
        items = []
        for index, card in enumerate(topic.cards):
            question = f"<p><b>{index + 1}.</b> {html.escape(card.question)}</p>"
            if index in self._answers_shown:
                answer = (f'<p style="margin-left: 18px;">{html.escape(card.answer)} '
                          f'<a href="{CHECK_SCHEME}:hide-{index}">Hide answer</a></p>')
            else:
                answer = (f'<p style="margin-left: 18px;">'
                          f'<a href="{CHECK_SCHEME}:{index}">Show answer</a></p>')
            items.append(question + answer)
        return '<hr/><h2 id="check-yourself">Check yourself</h2>' + "".join(items)

    def toggle_answer(self, index: int, shown: bool = True) -> None:
        """Show (or hide) the answer of the open lesson's self-check card `index`."""
        if self.current is None or not 0 <= index < len(self.current.cards):
            return
        (self._answers_shown.add if shown else self._answers_shown.discard)(index)
        self._show(self.current, keep_scroll=True)

    def _formulas_ready(self, slug: str) -> None:
        """The lesson's formulas are typeset: show them now, or when the page is next shown (a
        lesson's lab button hides this page at once, and laying out a long lesson that nobody
        sees took the GUI thread up to a second while the lab was starting)."""
        if self.current is None or self.current.slug != slug:
            return
        if self.isVisible():
            self._show(self.current, keep_scroll=True)
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and self.current is not None:
            self._stale = False
            self._show(self.current, keep_scroll=True)

    def changeEvent(self, event: QEvent) -> None:
        # Code colours and link colours are baked into the lesson HTML: redo it for a new palette.
        if event.type() == QEvent.Type.PaletteChange and self.current is not None:
            self._show(self.current)
        super().changeEvent(event)

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == CHECK_SCHEME:
            path = url.path()
            hide = path.startswith("hide-")
            number = path.removeprefix("hide-")
            if number.isdigit():
                self.toggle_answer(int(number), shown=not hide)
        elif url.scheme() == "topic":
            self.show_topic(url.path())
        elif url.scheme() == "lab":
            self.open_lab.emit(url.path())
        elif url.scheme() == "reading":
            found = self.lodestar.readings([url.path()])
            if found and found[0].link:
                open_external(found[0].link, self)
        elif url.scheme() == "" and url.hasFragment():
            self.lesson.scrollToAnchor(url.fragment())
        else:
            open_external(url, self)

    def _open_first_lab(self) -> None:
        if self.current is not None and self.current.labs:
            self.open_lab.emit(self.current.labs[0])

    def _on_status(self, index: int) -> None:
        if self.current is None:
            return
        status = TopicStatus(self.status.itemData(index))
        self.lodestar.set_topic_state(self.profile_id, self.current.slug, status)
        item = self.tree.currentItem()
        if item is not None:
            item.setText(2, STATUS_MARK[status])
            item.setToolTip(2, status.label)
        self.status_changed.emit(self.current.slug, status)


def _drop_leading_title(body: str) -> str:
    """The page header already shows the title; a lesson's own first `# Title` would repeat it."""
    if body.startswith("<h1"):
        end = body.find("</h1>")
        return body[end + 5:] if end >= 0 else body
    return body


_FURTHER_READING = re.compile(r"<h2[^>]*>\s*Further reading\s*</h2>", re.I)
_CODEHILITE = re.compile(
    r'<div class="codehilite" style="background: ([^";]*)"><pre[^>]*>(.*?)\n?</code></pre></div>', re.S)


def _ends_with_further_reading(body: str) -> bool:
    """Whether the lesson's last `##` section is its own "Further reading"."""
    found = list(_FURTHER_READING.finditer(body))
    return bool(found) and "<h2" not in body[found[-1].end():]


def _code_blocks(body: str) -> str:
    """Highlighted code as one `pre` with the background on it and long lines wrapped. Qt draws
    Pygments' `div` background and proportional line height as a stripe per line, and a `pre`
    line never wraps, so a long one ran past the view."""
    def repl(match: re.Match) -> str:
        return (f'<pre style="background-color: {match.group(1)}; white-space: pre-wrap;">'
                f"{match.group(2)}</code></pre>")
    return _CODEHILITE.sub(repl, body)


_STYLE = """<style>
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 18px; } h3 { font-size: 15px; }
pre { padding: 8px; } code.math { font-style: italic; }
td, th { padding: 3px 8px; } table { border-collapse: collapse; }
</style>"""
