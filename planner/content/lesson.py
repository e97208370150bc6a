"""Lesson Markdown → HTML for the lesson view.

Formulas (`$…$`, `$$…$$`) are lifted out before Markdown runs, so underscores and asterisks in
LaTeX are not read as emphasis, and put back as marked-up spans the view can typeset.
Code blocks are highlighted by Pygments with inline styles (Qt's rich text has no stylesheet
classes for them).
"""

from __future__ import annotations

import bisect
import hashlib
import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from planner.core.models import LessonSection
from planner.core.urls import INTERNAL_SCHEMES, PACK_SCHEME, is_safe_external_url, url_scheme

_FENCE_OPEN = re.compile(r"^(```|~~~)", re.M)
_FENCE_CLOSE = {f: re.compile(rf"^{f}[ \t]*$", re.M) for f in ("```", "~~~")}
CODE_SPAN = re.compile(r"`[^`\n]+`")
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)")


def sub_fences(text: str, repl: Callable[[str], str]) -> str:
    """`text` with each fenced code block (from a line starting with ``` or ~~~ to the next line
    that is only that fence) replaced by `repl(block)`. Linear in the text: a regular expression
    that searches from every unclosed fence to the end took minutes on a file of fence lines."""
    closes = {f: [(m.start(), m.end()) for m in pattern.finditer(text)]
              for f, pattern in _FENCE_CLOSE.items()}
    starts = {f: [s for s, _ in spans] for f, spans in closes.items()}
    out: list[str] = []
    done = 0
    for opener in _FENCE_OPEN.finditer(text):
        if opener.start() < done:
            continue
        fence = opener.group(1)
        at = bisect.bisect_right(starts[fence], opener.start())
        if at == len(starts[fence]):
            continue  # never closed: not a block
        end = closes[fence][at][1]
        out += [text[done:opener.start()], repl(text[opener.start():end])]
        done = end
    out.append(text[done:])
    return "".join(out)


@dataclass(frozen=True)
class Formula:
    latex: str
    display: bool


def extract_formulas(markdown: str) -> tuple[str, list[Formula]]:
    """Replace each formula outside code with a placeholder token; return text and formulas."""
    formulas: list[Formula] = []
    protected: list[str] = []

    def keep(match: re.Match | str) -> str:
        protected.append(match if isinstance(match, str) else match.group(0))
        return f"\x00C{len(protected) - 1}\x00"

    def lift(display: bool):
        def repl(match: re.Match) -> str:
            formulas.append(Formula(match.group(1).strip(), display))
            token = f"LODESTARMATH{len(formulas) - 1}X"
            return f"\n\n{token}\n\n" if display else token
        return repl

    text = sub_fences(markdown, keep)
    text = CODE_SPAN.sub(keep, text)
    text = _DISPLAY.sub(lift(True), text)
    text = _INLINE.sub(lift(False), text)
    text = re.sub(r"\x00C(\d+)\x00", lambda m: protected[int(m.group(1))], text)
    return text, formulas


def formula_key(formula: Formula) -> str:
    """A stable name for a formula's typeset image."""
    kind = "D" if formula.display else "I"
    return hashlib.sha1(f"{kind}{formula.latex}".encode()).hexdigest()[:16]


def as_source(formula: Formula) -> str:
    """A formula shown as its LaTeX source (before, or instead of, typesetting)."""
    latex = html.escape(formula.latex)
    if formula.display:
        return f'<div class="math display" align="center"><code>{latex}</code></div>'
    return f'<code class="math">{latex}</code>'


def as_image(formula: Formula) -> str:
    """A formula as an image the lesson view supplies under `math:<key>`."""
    alt = html.escape(formula.latex, quote=True)
    src = f"math:{formula_key(formula)}"
    if formula.display:
        return f'<p align="center"><img src="{src}" alt="{alt}"/></p>'
    return f'<img src="{src}" alt="{alt}" align="middle"/>'


def image_path(src: str, base: str) -> str | None:
    """The pack-relative path of a lesson image written `src` in a lesson whose folder is
    `base` ('topics/foundations'), or None when it names anything else: an address with a scheme
    (file:, http:, data: …), an absolute path, or a path that climbs out of the pack."""
    if not src or url_scheme(src) or src.startswith(("/", "\\")) or "\\" in src or "\x00" in src:
        return None
    path = posixpath.normpath(posixpath.join(base, src)) if base else posixpath.normpath(src)
    if path.startswith("../") or path in ("..", ".") or posixpath.isabs(path):
        return None
    return path


def lesson_link_allowed(href: str) -> bool:
    """A lesson may link to the web, to e-mail, to a place in itself and to Lodestar's own
    topic:, lab: and reading: pages; nothing else."""
    return (href.startswith("#") or is_safe_external_url(href)
            or url_scheme(href) in INTERNAL_SCHEMES)


def _safe_markdown(base: str):
    """A Markdown extension that keeps a lesson to what Markdown itself writes: raw HTML is shown
    as text, links go only where `lesson_link_allowed` says, and images come only from the
    pack's own folder (as `pack:<path>`, which the lesson view reads from the pack)."""
    from markdown.extensions import Extension
    from markdown.treeprocessors import Treeprocessor

    class Guard(Treeprocessor):
        def run(self, root):
            for parent in root.iter():
                for index, node in enumerate(list(parent)):
                    if node.tag == "a" and not lesson_link_allowed(node.get("href", "")):
                        node.tag = "span"
                        node.attrib.pop("href", None)
                    elif node.tag == "img":
                        path = image_path(node.get("src", ""), base)
                        if path is None:
                            parent.remove(node)
                            shown = parent.makeelement("span", {})
                            shown.text = f"[image not shown: {node.get('alt', '') or 'no description'}]"
                            shown.tail = node.tail
                            parent.insert(index, shown)
                        else:
                            node.set("src", f"{PACK_SCHEME}:{path}")

    class Safe(Extension):
        def extendMarkdown(self, md):
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
            md.treeprocessors.register(Guard(md), "lodestar_guard", 1)

    return Safe()


def render_lesson(markdown: str, dark: bool = False,
                  math: Callable[[Formula], str] = as_source, base: str = "") -> str:
    """The lesson as an HTML fragment; each formula becomes `math(formula)`. Raw HTML in the
    lesson is shown as text; images resolve against `base`, the lesson's folder in the pack."""
    import markdown as md

    text, formulas = extract_formulas(markdown)
    style = "monokai" if dark else "friendly"
    body = md.markdown(
        text,
        extensions=["fenced_code", "tables", "codehilite", "sane_lists", "toc", _safe_markdown(base)],
        extension_configs={"codehilite": {"noclasses": True, "pygments_style": style,
                                          "guess_lang": False}},
        output_format="html",
    )

    def put_back(match: re.Match) -> str:
        return math(formulas[int(match.group(1))])

    body = re.sub(r"<p>LODESTARMATH(\d+)X</p>", put_back, body)
    return re.sub(r"LODESTARMATH(\d+)X", put_back, body)


_FENCE = re.compile(r"^(```|~~~)")
_SECTION = re.compile(r"^##\s+(.+?)\s*#*\s*$")


def lesson_sections(markdown: str) -> tuple[LessonSection, ...]:
    """The lesson's `##` sections with the share of its length each holds (words, code and
    formulas alike); what comes before the first `##` counts with the first. One section, or
    none for a lesson without `##` headings, means the lesson is not split at sections."""
    titles: list[str] = []
    words: list[int] = [0]
    fenced = False
    for line in markdown.splitlines():
        if _FENCE.match(line.strip()):
            fenced = not fenced
        heading = None if fenced else _SECTION.match(line)
        if heading:
            titles.append(heading.group(1))
            if len(titles) > 1:
                words.append(0)
            continue
        words[-1] += len(line.split())
    total = sum(words)
    if len(titles) < 2 or total == 0:
        return ()
    return tuple(LessonSection(title, count / total) for title, count in zip(titles, words, strict=True))
