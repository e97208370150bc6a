"""A QTextBrowser for HTML made from content files: it loads nothing the content names.

QTextBrowser fetches every `<img src>` (and style sheet) it is given, from any `file:` path,
which read a learner's files into the view and, for `file:///dev/zero`, ran the app out of
memory. This browser serves only images the document was given (`addResource`, as typeset
formulas are) and `pack:` images that the `images` callable reads from the content pack; every
other resource is an empty one (a 1×1 transparent image). It never follows links itself:
clicks reach `anchorClicked`.

Nor does it keep a history: the page that shows content in it does. Alt+Left / Alt+Right (which
QTextBrowser turns into `backward` / `forward`) and the mouse's back and forward buttons emit
`back_requested` / `forward_requested` for that page.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from planner.core.urls import PACK_SCHEME

MAX_IMAGE_SIDE = 8000  # pixels; a lesson image is a figure, not a poster
MATH_SCHEME = "math"  # typeset formulas, added to the document by MathImages


class SafeTextBrowser(QTextBrowser):
    back_requested = Signal()
    forward_requested = Signal()

    def __init__(self, images: Callable[[str], bytes | None] | None = None,
                 parent: QWidget | None = None, **kwargs):
        super().__init__(parent, **kwargs)
        self._images = images
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)

    def backward(self) -> None:
        self.back_requested.emit()

    def forward(self) -> None:
        self.forward_requested.emit()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.BackButton:
            self.back_requested.emit()
            event.accept()
        elif event.button() == Qt.MouseButton.ForwardButton:
            self.forward_requested.emit()
            event.accept()
        else:
            super().mousePressEvent(event)

    def loadResource(self, kind: int, url: QUrl) -> object:
        """Called by the document for a resource it does not hold; answers only pack images.

        Everything else gets an empty answer, never None: given a null answer QTextDocument
        reads a local file itself (`file:///dev/zero` included)."""
        image_kind = QTextDocument.ResourceType.ImageResource
        if kind not in (image_kind, image_kind.value):
            return QByteArray()
        if url.scheme() == MATH_SCHEME:  # not typeset yet: no image, and no file is named
            return None
        if url.scheme() == PACK_SCHEME and self._images is not None:
            data = self._images(url.path())
            image = QImage.fromData(data) if data else QImage()
            if not image.isNull() and max(image.width(), image.height()) <= MAX_IMAGE_SIDE:
                return image
        return _nothing()


def _nothing() -> QImage:
    """A 1×1 transparent image: what a refused or missing image shows as."""
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    image.fill(0)
    return image
