"""Content never reaches the operating system through the window: the lesson view loads no
resource the content names, and links open only web and mail addresses, saying so otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument
from PySide6.QtWidgets import QMainWindow

from planner.ui import links
from planner.ui.widgets.safe_browser import SafeTextBrowser

ROOT = Path(__file__).resolve().parents[2]

SHOW = """
import sys
from PySide6.QtWidgets import QApplication
from planner.content.lesson import render_lesson
from planner.ui.widgets.safe_browser import SafeTextBrowser
app = QApplication([])
asked = []
view = SafeTextBrowser(lambda path: asked.append(path))
lesson = '<img src="file:///dev/zero">\\n\\n![zero](file:///dev/zero) ![pw](file:///etc/passwd)'
view.setHtml(render_lesson(lesson))
view.resize(600, 400)
view.show()
app.processEvents()
view.setHtml('<img src="file:///dev/zero"><img src="/etc/passwd"><img src="pack:../../etc/passwd">')
app.processEvents()
print("shown", "root:" in view.toPlainText(), asked)
"""


def test_a_lesson_with_an_image_of_dev_zero_renders_safely():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", SHOW], capture_output=True, text=True, timeout=30,
                          env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    # Only the pack-image path reached the pack reader (which refuses it); nothing was read.
    assert done.stdout.strip().splitlines()[-1] == "shown False ['../../etc/passwd']"


def test_the_lesson_view_serves_only_pack_images(qtbot, tmp_path):
    figure = QImage(4, 3, QImage.Format.Format_RGB32)
    figure.fill(QColor("red"))
    figure.save(str(tmp_path / "fig.png"))
    data = (tmp_path / "fig.png").read_bytes()
    view = SafeTextBrowser(lambda path: data if path == "topics/basics/fig.png" else None)
    qtbot.addWidget(view)
    image = QTextDocument.ResourceType.ImageResource
    served = view.loadResource(image, QUrl("pack:topics/basics/fig.png"))
    assert isinstance(served, QImage) and served.width() == 4
    for url in ("file:///dev/zero", "file:///etc/passwd", "/etc/passwd", "https://example.org/a.png",
                "pack:topics/basics/other.png", "data:image/png;base64,AAAA"):
        refused = view.loadResource(image, QUrl(url))
        assert isinstance(refused, QImage) and refused.width() == 1


def test_links_open_only_web_and_mail_addresses_and_say_why_not(qtbot, monkeypatch):
    window = QMainWindow()
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(links.QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    for url in ("file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/x", "smb://host/share"):
        assert not links.open_external(url, window)
        assert "Not opened" in window.statusBar().currentMessage()
    assert opened == []
    assert links.open_external(QUrl("https://example.org/paper"), window)
    assert links.open_external("mailto:ada@example.org", window)
    assert opened == ["https://example.org/paper", "mailto:ada@example.org"]
    monkeypatch.setattr(links.QDesktopServices, "openUrl", lambda url: False)
    assert not links.open_external("https://example.org/", window)
    assert window.statusBar().currentMessage().startswith("Could not open 'https://example.org/'")
