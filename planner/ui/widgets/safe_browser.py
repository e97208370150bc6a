"""A QTextBrowser for HTML made from content files: it loads nothing the content names.

QTextBrowser fetches every `<img src>` (and style sheet) it is given, from any `file:` path,
which read a learner's files into the view and, for `file:///dev/zero`, ran the app out of
memory. This browser serves only images the document was given (`addResource`, as typeset
formulas are) and `pack:` images that the `images` callable reads from the content pack; every
other resource is empty. It never follows links itself: clicks reach `anchorClicked`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from planner.core.urls import PACK_SCHEME

MAX_IMAGE_SIDE = 8000  # pixels; a lesson image is a figure, not a poster


class SafeTextBrowser(QTextBrowser):
    def __init__(self, images: Callable[[str], bytes | None] | None = None,
                 parent: QWidget | None = None, **kwargs):
        super().__init__(parent, **kwargs)
        self._images = images
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)

    def loadResource(self, kind: int, url: QUrl) -> object:
        """Called by the document for a resource it does not hold; answers only pack images."""
        image_kind = QTextDocument.ResourceType.ImageResource
        if kind not in (image_kind, image_kind.value) or url.scheme() != PACK_SCHEME:
            return None
        if self._images is None:
            return None
        data = self._images(url.path())
        if not data:
            return None
        image = QImage.fromData(data)
        if image.isNull() or max(image.width(), image.height()) > MAX_IMAGE_SIDE:
            return None
        return image
