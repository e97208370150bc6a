"""The Transformer and LoRA labs' training text: the lessons' Markdown. Torch-free, so `lab export` can
write the same text beside its script."""

from __future__ import annotations

import re
from pathlib import Path

from planner.core import shipped
from planner.core.errors import LodestarError

MIN_CHARACTERS = 10_000


def lesson_text(resources: Path | None) -> str:
    """Every lesson's Markdown without its front matter, in a stable order."""
    root = resources or shipped.resources_dir()
    parts = []
    for path in sorted((root / "topics").glob("*/*.md")):
        text = path.read_text(encoding="utf-8")
        parts.append(re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S).strip())
    corpus = "\n\n".join(parts)
    if len(corpus) < MIN_CHARACTERS:
        raise LodestarError(f"too little lesson text under {root / 'topics'} to train on "
                            f"({len(corpus)} characters)")
    return corpus


def track_texts(resources: Path | None) -> dict[str, str]:
    """Each track's lessons (Markdown without front matter), by track folder name, in a stable
    order: the BPE lab learns on some tracks and measures on one it has not seen."""
    root = resources or shipped.resources_dir()
    tracks: dict[str, list[str]] = {}
    for path in sorted((root / "topics").glob("*/*.md")):
        body = re.sub(r"\A---\n.*?\n---\n", "", path.read_text(encoding="utf-8"), flags=re.S).strip()
        tracks.setdefault(path.parent.name, []).append(body)
    return {track: "\n\n".join(parts) for track, parts in tracks.items()}
