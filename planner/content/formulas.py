"""LaTeX formulas in lessons: find them with their line numbers, check them, typeset them to SVG.

Typesetting uses ziamath (pure Python, offline, bundled STIX math font). It renders a command it
does not know as plain text instead of failing, so `formula_problem` also looks for commands that
survive conversion to MathML unchanged: to a learner they would show up as raw LaTeX.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from planner.content.lesson import extract_formulas
from planner.core.urls import clip

_LEFTOVER = re.compile(r">\s*(\\[A-Za-z]+)\s*<")
# The longest shipped formula is a few hundred characters; a longer one is a mistake (or an
# attack: typesetting grows faster than its length, and a 5 MB one ran for minutes).
MAX_FORMULA = 2000


@dataclass(frozen=True)
class LocatedFormula:
    latex: str
    display: bool
    line: int  # 1-based, within the text it was found in


def formulas_with_lines(markdown: str) -> list[LocatedFormula]:
    """Every formula of a lesson, in order, with the line it starts on."""
    _, formulas = extract_formulas(markdown)
    located: list[LocatedFormula] = []
    cursor = 0
    for formula in formulas:
        fence = "$$" if formula.display else "$"
        at = markdown.find(fence + formula.latex, cursor)
        if at < 0:  # whitespace was stripped inside $$ … $$; search for the content alone
            at = markdown.find(formula.latex, cursor)
        at = max(at, 0)
        cursor = at + len(formula.latex)
        located.append(LocatedFormula(formula.latex, formula.display,
                                      markdown.count("\n", 0, at) + 1))
    return located


def formula_problem(latex: str, typeset: bool = True) -> str | None:
    """Why `latex` cannot be typeset, or None when it renders cleanly. Without `typeset` only
    the LaTeX → MathML step runs (0.1 ms rather than ~4 ms), which catches syntax errors and
    unknown commands but not the rare construct the typesetter cannot draw."""
    from ziamath.tex import tex2mml  # the front end ziamath itself uses

    if len(latex) > MAX_FORMULA:
        return (f"formula is {len(latex):,} characters long; at most {MAX_FORMULA:,} are typeset: "
                f"${clip(latex, 60)}$")
    try:
        mathml = tex2mml(latex)
        if typeset:
            svg_text(latex, False)
    except Exception as exc:  # the converters raise a zoo of types for bad input
        detail = str(exc).strip() or type(exc).__name__
        return f"formula cannot be typeset ({detail}): ${clip(latex, 200)}$"
    unknown = sorted(set(_LEFTOVER.findall(mathml)))
    if unknown:
        return f"formula uses unknown command {', '.join(unknown)}: ${clip(latex, 200)}$"
    return None


@lru_cache(maxsize=4096)
def svg_text(latex: str, display: bool, size: float = 17.0, color: str = "black") -> str:
    """The formula typeset as SVG 1.1 text (Qt's SVG renderer cannot draw SVG 2 glyph refs)."""
    import ziamath

    ziamath.config.svg2 = False
    math = ziamath.Latex(latex, size=size, color=color, inline=not display)
    return math.svg()
