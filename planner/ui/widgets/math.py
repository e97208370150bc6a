"""Typeset formulas for QTextBrowser lessons: LaTeX → SVG (ziamath, through the services, off the
GUI thread) → QImage registered as a document resource under `math:<key>`."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QByteArray, QObject, QRectF, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QPainter, QTextDocument
from PySide6.QtSvg import QSvgRenderer

from planner.core.models import LessonPage


class MathImages(QObject):
    """Keeps typeset formula images per colour; typesets missing ones on its own thread."""

    _typeset = Signal(object)  # a future of (token, colour, ratio, {key: QImage})

    def __init__(self, typeset: Callable[[str, bool, str, float], str], parent: QObject | None = None):
        super().__init__(parent)
        self._typeset_one = typeset   # services' typeset_formula: thread-safe, cached on disk
        self._images: dict[tuple[str, str, float], QImage] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lodestar-math")
        self._typeset.connect(self._arrived, Qt.ConnectionType.QueuedConnection)
        self._waiting: dict[int, Callable[[], None]] = {}
        self._token = 0

    def missing(self, page: LessonPage, color: str, ratio: float) -> dict[str, tuple[str, bool]]:
        return {k: f for k, f in page.formulas.items() if (k, color, ratio) not in self._images}

    def install(self, document: QTextDocument, page: LessonPage, color: str, ratio: float) -> None:
        """Register every formula image of `page` the document needs (all must be ready)."""
        for key in page.formulas:
            image = self._images.get((key, color, ratio))
            if image is not None:
                document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"math:{key}"), image)

    def prepare(self, page: LessonPage, color: str, ratio: float, size: float,
                when_ready: Callable[[], None]) -> bool:
        """True if every formula is ready now; otherwise typeset the rest in the background and
        call `when_ready()` on the GUI thread (only for the latest request)."""
        todo = self.missing(page, color, ratio)
        if not todo:
            return True
        self._token += 1
        token = self._token
        self._waiting = {token: when_ready}
        typeset = self._typeset_one

        def work():  # drawing into a QImage is safe off the GUI thread, and takes it no time
            return token, color, ratio, {k: svg_image(typeset(latex, display, color, size), ratio)
                                         for k, (latex, display) in todo.items()}

        future = self._pool.submit(work)
        future.add_done_callback(lambda f: self._typeset.emit(f))
        return False

    def _arrived(self, future) -> None:
        if future.exception() is not None:
            return  # the lesson keeps showing LaTeX source; content check reports bad formulas
        token, color, ratio, images = future.result()
        for key, image in images.items():
            self._images[(key, color, ratio)] = image
        callback = self._waiting.pop(token, None)
        if callback is not None:
            callback()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def svg_image(svg: str, ratio: float) -> QImage:
    """Draw SVG text into a transparent image at the screen's device pixel ratio."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    size = renderer.defaultSize()
    image = QImage(max(1, round(size.width() * ratio)), max(1, round(size.height() * ratio)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    image.setDevicePixelRatio(ratio)
    return image
