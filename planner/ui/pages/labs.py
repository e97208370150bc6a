"""Labs page: pick a lab, change its settings, run it and watch it learn; compare past runs.

The worker process is started through `planner.labs.runner` (torch never enters this process).
A 50 ms timer drains its events on the GUI thread: metrics go into the plots' buffers and to
the services' recorder (which writes them in batches), pictures to the visual panel, and each
curve is redrawn once per tick.
"""

from __future__ import annotations

import gc
import html
import time
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.core.errors import LodestarError
from planner.core.events import Failed, Finished, Log, Metric, Started, Visual
from planner.labs import LABS, LabRunner, LabStanding, lab_info, with_settings
from planner.labs.config import as_dict
from planner.labs.runner import probe_devices
from planner.services import Lodestar
from planner.services.labs import RunRecorder
from planner.ui.pages.lab_history import RunHistory
from planner.ui.widgets.live_plot import LivePlots
from planner.ui.widgets.settings_form import SettingsForm
from planner.ui.widgets.visuals import VisualPanel

SLUG = Qt.ItemDataRole.UserRole
PROGRESS_INTERVAL = 0.25  # seconds between progress updates (a human reads no faster)
STARTING_COLLECTION_MS = 100  # after Start, once "Starting…" is on screen


class LabsPage(QWidget):
    lab_completed = Signal(object)  # the LabRun that completed its lab for the profile, first
    topic_link = Signal(str)  # a topic the learner clicked in the header
    lessons_started = Signal(list)  # slugs the learner chose to start after a run (the offer's Yes)

    def __init__(self, lodestar: Lodestar, profile_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.lodestar = lodestar
        self.profile_id = profile_id
        self.info = LABS[0]
        self.standings: dict[str, LabStanding] = {}
        self._description = ("", "")  # (lab, its header text without the learner's standing)
        self.runner: LabRunner | None = None
        self.recorder: RunRecorder | None = None
        self.epochs = 1
        self.started_at = 0.0
        self._newest: Metric | None = None  # the newest metric not yet shown in the progress text
        self._progress_at = 0.0
        self._results = False  # this tick brought an epoch's results (a point of a sparse curve)
        self._picture_waited = False
        self.timer = QTimer(self, interval=50)
        self.timer.timeout.connect(self._drain)
        # Ended runs whose workers are still exiting (PyTorch takes a second or more to unload):
        # followed by a slow timer instead of blocking this thread until they go.
        self._exiting: list[LabRunner] = []
        self.start_offer: QMessageBox | None = None  # "Mark N lessons as in progress?" while open
        self._declined: set[tuple[int, str]] = set()  # (profile, lab) offers answered No: not again
        self._reaper = QTimer(self, interval=250)
        self._reaper.timeout.connect(self._reap)
        self._build()
        self.refresh()
        self.select_lab(LABS[0].slug)

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.labs = QListWidget(objectName="labList")
        self.labs.setFixedWidth(250)
        self.labs.setSpacing(3)
        self.labs.currentItemChanged.connect(self._on_lab_row)
        self.header = QLabel(objectName="labHeader", wordWrap=True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.linkActivated.connect(self._header_link)
        self.tabs = QTabWidget(objectName="labTabs")
        self.tabs.addTab(self._train_tab(), "Train")
        self.history = RunHistory(self.lodestar)
        self.tabs.addTab(self.history, "History")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.header)
        right_layout.addWidget(self.tabs, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.labs)
        layout.addWidget(right, 1)

    def _train_tab(self) -> QWidget:
        self.form_area = QScrollArea(widgetResizable=True)
        self.form: SettingsForm | None = None
        reset = QPushButton("Reset to defaults", objectName="labReset")
        reset.clicked.connect(lambda: self._make_form())
        self.device = QComboBox(objectName="labDevice")
        self.device.addItem("Best available (CUDA, then MPS, then CPU)", "auto")
        self.device.addItem("CPU", "cpu")
        self.device.addItem("CUDA GPU", "cuda")
        self.device.setToolTip("Where the worker trains; checking which devices PyTorch can use…")
        self._devices = probe_devices()
        self._device_check = QTimer(self, interval=200)
        self._device_check.timeout.connect(self._show_devices)
        self._device_check.start()
        self.start_button = QPushButton("Start", objectName="labStart")
        self.start_button.clicked.connect(self.start)
        self.pause_button = QPushButton("Pause", objectName="labPause", checkable=True, enabled=False)
        self.pause_button.toggled.connect(self._pause)
        self.stop_button = QPushButton("Stop", objectName="labStop", enabled=False)
        self.stop_button.setToolTip("Stop after the current step and save a checkpoint")
        self.stop_button.clicked.connect(self.stop)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        # The epoch, step and time left are the bar's own text: a label's new text re-lays out
        # its tab, and a QTabWidget repaints all of itself (both plots too) after a re-layout.
        self.progress = QProgressBar(objectName="labProgress", maximum=1000, value=0, format="")
        self.state = QLabel("Ready.", objectName="labState", wordWrap=True)
        self.log = QPlainTextEdit(objectName="labLog", readOnly=True, maximumBlockCount=2000)
        controls = QWidget()
        column = QVBoxLayout(controls)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.form_area, 3)
        column.addWidget(reset)
        column.addWidget(self.device)
        column.addLayout(buttons)
        column.addWidget(self.progress)
        column.addWidget(self.state)
        column.addWidget(self.log, 2)
        self.plots = LivePlots()
        self.visuals = VisualPanel()
        graphs = QSplitter(Qt.Orientation.Vertical)
        graphs.addWidget(self.plots)
        graphs.addWidget(self.visuals)
        graphs.setSizes([420, 320])
        split = QSplitter()
        split.addWidget(controls)
        split.addWidget(graphs)
        split.setSizes([330, 800])
        return split

    # --- data ---------------------------------------------------------------------------------
    def refresh(self, content: bool = True) -> None:
        """Rebuild the lab list with where the current profile stands with each lab; with
        `content` False (after a run), the lab's description is not read again."""
        if content:
            self._description = ("", "")
        current = self.info.slug
        self.standings = self.lodestar.lab_standings(self.profile_id)
        self.labs.blockSignals(True)
        self.labs.clear()
        for info in LABS:
            standing = self.standings[info.slug]
            done = standing.done_at is not None
            item = QListWidgetItem(f"{'✓ ' if done else ''}{info.title}\n{_list_note(standing)}",
                                   self.labs)
            item.setData(SLUG, info.slug)
            tips = [f"Completed {_day(standing.done_at)}."] if done else []
            tips += [f"Best: {best.describe()} (run {best.run.id})." for best in standing.best]
            item.setToolTip("\n".join([*tips, f"Target: {info.target}"]))
            if info.slug == current:
                self.labs.setCurrentItem(item)
        self.labs.blockSignals(False)
        self._show_header()

    def select_lab(self, slug: str) -> None:
        """Show a lab (a lesson's lab button lands here). Refused while another lab runs."""
        if self.runner is not None and slug != self.info.slug:
            self.state.setText("A lab is running: stop it before switching to another.")
            self._select_row(self.info.slug)
            return
        if slug != self.info.slug:
            # Each lab shows its own run: the last lab's curves, pictures and result go.
            self.plots.clear()
            self.visuals.clear_all()
            self.log.clear()
            self.state.setText("Ready.")
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.progress.setFormat("")
        self.info = lab_info(slug)
        self._select_row(slug)
        self._show_header()
        self._make_form()
        self.history.show_lab(slug)

    def _describe_lab(self) -> str:
        """The selected lab's description, data, target and topics (content: read on selection)."""
        slug = self.info.slug
        lab = next((x for x in self.lodestar.labs() if x.slug == slug), None)
        titles = self.lodestar.topic_titles()
        links = ", ".join(f'<a href="topic:{t}">{html.escape(titles.get(t, t))}</a>'
                          for t in (lab.topics if lab else ()))
        return (f"<h2>{html.escape(self.info.title)}</h2><p>{html.escape(lab.summary if lab else '')}</p>"
                f"<p><b>Data:</b> {html.escape(self.info.data)} · "
                f"<b>Target:</b> {html.escape(self.info.target)}"
                + (f"<br/><b>Teaches:</b> {links}" if links else ""))

    def _show_header(self) -> None:
        """The lab's description and the profile's standing with it (after each run)."""
        if self._description[0] != self.info.slug:
            self._description = (self.info.slug, self._describe_lab())
        standing = self.standings.get(self.info.slug)
        mine = []
        if standing is not None and standing.done_at is not None:
            mine.append(f"<b>✓ Completed</b> {_day(standing.done_at)}")
        if standing is not None and standing.best:
            mine.append("<b>Your best:</b> " + "; ".join(
                f"{html.escape(best.describe())} (run {best.run.id}, {_day(best.run.started_at)})"
                for best in standing.best))
        elif standing is not None and standing.last is None:
            mine.append("You have not run this lab yet.")
        self.header.setText(self._description[1] + (f"<br/>{' · '.join(mine)}" if mine else "") + "</p>")

    def _on_lab_row(self, item: QListWidgetItem | None, _previous) -> None:
        if item is not None:
            self.select_lab(item.data(SLUG))

    def _header_link(self, href: str) -> None:
        if href.startswith("topic:"):
            self.topic_link.emit(href.removeprefix("topic:"))

    def _select_row(self, slug: str) -> None:
        self.labs.blockSignals(True)
        for row in range(self.labs.count()):
            if self.labs.item(row).data(SLUG) == slug:
                self.labs.setCurrentRow(row)
        self.labs.blockSignals(False)

    def _show_devices(self) -> None:
        """Once the device probe has answered: list what this machine can train on, with the
        devices it lacks shown but disabled."""
        if not self._devices.done():
            return
        self._device_check.stop()
        error = self._devices.exception()
        if error is not None:
            self.device.setToolTip(f"Where the worker trains. Could not check which devices "
                                   f"PyTorch can use ({error}); the log shows the one used.")
            return
        found = self._devices.result()
        chosen = self.device.currentData()
        gpus = [label for device, label in found if device != "cpu"]
        self.device.blockSignals(True)
        self.device.clear()
        self.device.addItem(f"Best available: {gpus[0] if gpus else found[0][1]}", "auto")
        for device, label in found:
            self.device.addItem(label, device)
        model = self.device.model()
        for device, label in (("cuda", "CUDA GPU: none that PyTorch can use here"),):
            if not any(d.startswith(device) for d, _ in found):
                self.device.addItem(label, device)
                model.item(self.device.count() - 1).setEnabled(False)
        index = self.device.findData(chosen)
        usable = index >= 0 and model.item(index).isEnabled()
        self.device.setCurrentIndex(index if usable else 0)
        self.device.blockSignals(False)
        self.device.setToolTip("Where the worker trains. The device actually used is shown in the log.")

    def _make_form(self) -> None:
        self.form = SettingsForm(self.info.config)
        self.form_area.setWidget(self.form)

    # --- running ------------------------------------------------------------------------------
    def start(self) -> bool:
        """Validate the settings and start the worker; False (with the reason shown) if invalid."""
        try:
            config = with_settings(self.info.config(), self.form.values())
        except LodestarError as exc:
            self.form.show_error(getattr(exc, "field", ""), str(exc))
            self.state.setText(f"Not started: {exc}")
            return False
        self.form.show_error("", "")
        run = self.lodestar.start_lab_run(self.info.slug, as_dict(config), self.profile_id)
        self.recorder = RunRecorder(self.lodestar, run)
        self.runner = LabRunner(self.info.slug, config, device=self.device.currentData(),
                                checkpoint_dir=self.lodestar.checkpoint_dir(),
                                resources_dir=self.lodestar.resources)
        self.epochs = config.epochs
        self._newest, self._progress_at = None, 0.0
        self.progress.setFormat("")
        self.plots.clear()
        self.visuals.clear_all()
        self.log.setPlainText(f"Run {run.id}: starting the worker (it loads PyTorch, a few seconds)…")
        self.state.setText("Starting…")
        self.progress.setRange(0, 0)  # busy until the worker reports
        self._running(True)
        self.started_at = time.perf_counter()
        self.runner.start()
        # Everything made so far (this page, pyqtgraph) outlives the run: keep the collector off
        # it while the lab trains (a full collection walking it takes 70-120 ms of this thread).
        # The one full collection a run needs is made just after "Starting…" is painted, while
        # the worker has seconds of loading ahead: it frees the last run's pictures and curves.
        gc.freeze()
        QTimer.singleShot(STARTING_COLLECTION_MS, _collect_all)
        self.timer.start()
        return True

    def _pause(self, paused: bool) -> None:
        if self.runner is None:
            return
        (self.runner.pause if paused else self.runner.resume)()
        self.pause_button.setText("Resume" if paused else "Pause")
        self.state.setText("Paused." if paused else "Running…")

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.stop()
            self.stop_button.setEnabled(False)
            self.state.setText("Stopping after this step…")

    @property
    def running(self) -> bool:
        return self.runner is not None

    def stop_and_wait(self) -> None:
        """Stop a running lab, wait for its checkpoint and for every worker to exit (used when
        the window closes)."""
        if self.runner is not None:
            self.runner.stop()
            while self.runner is not None:
                self._drain(wait=0.1)
        for runner in self._exiting:
            runner.wait_exit()
        self._reap()

    def _reap(self) -> None:
        self._exiting = [runner for runner in self._exiting if not runner.exited()]
        if not self._exiting:
            self._reaper.stop()

    def _drain(self, wait: float = 0.0) -> None:
        if self.runner is None:
            return
        events = self.runner.poll(timeout=wait)
        if events:
            self.recorder.handle(events)
            for event in events:
                self._show(event)
            if self._newest is not None and time.perf_counter() - self._progress_at >= PROGRESS_INTERVAL:
                self._progress(self._newest)
        # At most one new curve or one new picture view a tick (each costs 5-30 ms to make),
        # and the pictures of an epoch a tick after its results: the two plots and the picture
        # repainted in one tick made the timer late by 15-20 ms three times a second.
        made = self.plots.redraw(new_curves=1)
        busy, self._results = made or self._results, False
        if self.visuals.pending and busy and not self._picture_waited:
            self._picture_waited = True
        elif self.visuals.pending:
            self.visuals.redraw(new_views=0 if made else 1)
            self._picture_waited = False
        if self.runner.ended:
            self._ended()

    def _show(self, event) -> None:
        if isinstance(event, Metric):
            self.plots.add(event.name, event.step, event.value)
            self._newest = event
            self._results = self._results or "train" not in event.name
        elif isinstance(event, Visual):
            self.visuals.show_visual(event)
        elif isinstance(event, Started):
            self.progress.setRange(0, 1000)
            self.started_at = time.perf_counter()
            self.state.setText("Running…")
            self.log.appendPlainText(f"Training on {event.device}; {event.params:,} parameters.")
        elif isinstance(event, Log):
            self.log.appendPlainText(event.text)
        elif isinstance(event, Finished):
            self._finished(event.summary)
        elif isinstance(event, Failed):
            self._newest = None
            self.progress.setFormat("")
            self.progress.setRange(0, 1000)
            self.state.setText(f"Failed: {event.error}")
            self.log.appendPlainText(f"The run failed: {event.error}")
            if event.traceback:
                self.log.appendPlainText(event.traceback)

    def _progress(self, metric: Metric) -> None:
        self._newest, self._progress_at = None, time.perf_counter()
        if metric.epoch < 1 or metric.epoch > self.epochs or self.progress.maximum() == 0:
            return
        if self.runner is not None and self.runner.paused:
            return  # points still in flight when Pause was pressed must not overwrite "Paused."
        train = "train" in metric.name
        done = (metric.epoch - 1 + (0.5 if train else 1.0)) / self.epochs
        self.progress.setValue(int(1000 * done))
        left = time_left(metric.epoch, self.epochs, train, time.perf_counter() - self.started_at)
        self.progress.setFormat(f"Epoch {metric.epoch} of {self.epochs} · step {metric.step} · {left}")

    def _finished(self, summary: dict) -> None:
        self._newest = None  # the final state stays on screen
        self.progress.setFormat("")
        self.progress.setValue(1000)
        state = "Stopped" if summary.get("stopped") else "Finished"
        reached = summary.get("target_reached")
        verdict = "" if reached is None else (" Target reached." if reached else " Target not reached.")
        self.state.setText(f"{state} in {_duration(summary.get('seconds', 0))}.{verdict}")
        lines = [f"{k} = {v:.4g}" for k, v in summary.get("metrics", {}).items()
                 if isinstance(v, int | float)]
        self.log.appendPlainText(f"{state}. " + "; ".join(lines))
        for path in summary.get("checkpoints", []):
            self.log.appendPlainText(f"Checkpoint: {path}")
        if self.info.after:  # the newer labs log their own, with the run's numbers in it
            self.log.appendPlainText(f"What just happened: {self.info.after}")

    def _ended(self) -> None:
        self.timer.stop()
        self.plots.redraw()
        self.visuals.redraw(new_views=None)
        self.recorder.flush()
        self.runner.close(wait=False)
        self._exiting.append(self.runner)
        self._reaper.start()
        self.runner = None
        gc.collect()  # what the run made and dropped (not the frozen heap: ~5 ms, not ~120)
        gc.freeze()
        self._running(False)
        before = self.standings.get(self.info.slug)
        self.refresh(content=False)
        self.history.show_lab(self.info.slug)
        run = self.recorder.run
        if run.completes_lab and (before is None or before.done_at is None):
            self.lab_completed.emit(run)  # a lab done before changes nothing in the plan
        if run.completes_lab:
            self.offer_lessons(run.lab)

    def offer_lessons(self, lab: str) -> QMessageBox | None:
        """Ask, without blocking the window, whether the not-started lessons that link `lab` are now
        in progress; they change only on Yes (starting one puts its cards in the review deck)."""
        if (self.profile_id, lab) in self._declined:
            return None
        lessons = self.lodestar.lessons_to_start_after_lab(self.profile_id, lab)
        if not lessons:
            return None
        if self.start_offer is not None:
            self.start_offer.close()
        count = len(lessons)
        noun = "lesson" if count == 1 else "lessons"
        box = QMessageBox(QMessageBox.Icon.Question, "Lab completed",
                          f"Mark {count} {noun} as in progress?\n\n"
                          + "\n".join(f"• {title}" for _slug, title in lessons)
                          + "\n\nTheir review cards join your deck.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("startLessonsOffer")
        box.setWindowModality(Qt.WindowModality.NonModal)
        slugs = [slug for slug, _title in lessons]
        box.finished.connect(lambda _result: self._offer_answered(box, lab, slugs))
        self.start_offer = box
        box.show()
        return box

    def _offer_answered(self, box: QMessageBox, lab: str, slugs: list[str]) -> None:
        if self.start_offer is box:
            self.start_offer = None
        box.deleteLater()
        if box.standardButton(box.clickedButton()) != QMessageBox.StandardButton.Yes:
            self._declined.add((self.profile_id, lab))  # asked once; the Curriculum still can
            return
        try:
            self.lodestar.start_lessons(self.profile_id, slugs)
        except LodestarError as exc:
            QMessageBox.warning(self, "Lessons", f"The lessons were not marked: {exc}")
            return
        self.lessons_started.emit(slugs)

    def _running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.form_area.setEnabled(not running)
        self.device.setEnabled(not running)
        self.pause_button.setChecked(False)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)


def _day(moment: datetime) -> str:
    """A date as the learner reads it, in the local zone: 3 Nov 2026."""
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y}"


def _list_note(standing: LabStanding) -> str:
    """The lab list's second line: the best result, else how the newest run ended."""
    if standing.best:
        return "best " + ", ".join(best.headline.format(best.value) for best in standing.best)
    if standing.last is None:
        return "not run yet"
    return f"last run {standing.last.status.value}"


def _collect_all() -> None:
    """A full garbage collection, frozen heap included, then freeze what is left."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


ESTIMATE_AFTER = 3.0  # seconds of training timed before the first estimate of the time left


def time_left(epoch: int, epochs: int, train: bool, elapsed: float) -> str:
    """The progress bar's time left, once a whole epoch and a few seconds have been timed.
    Before that "estimating…": a training point of epoch 1 says nothing about how far into the
    epoch the run is (counting it as half an epoch, after a slow first step, once promised a
    26 s run "about 4 min 24 s")."""
    completed = epoch - 1 if train else epoch   # whole epochs known to be done
    if completed < 1 or elapsed < ESTIMATE_AFTER:
        return "estimating time left…"
    done = min(1.0, (epoch - 1 + (0.5 if train else 1.0)) / epochs)
    return f"about {_duration(elapsed * (1 - done) / done)} left"


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"
