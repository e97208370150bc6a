"""Reads and validates the shipped content in `resources/` into `planner.core` records.

`load_pack(root)` returns a `ContentPack` or raises `ContentError` listing every problem as
`file:line: message`. Nothing here touches the database.
"""

from planner.content.lesson import render_lesson
from planner.content.pack import fingerprint, load_pack

__all__ = ["fingerprint", "load_pack", "render_lesson"]
