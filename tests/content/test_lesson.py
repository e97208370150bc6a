"""Lesson Markdown to HTML: formulas survive Markdown untouched, code is highlighted."""

from planner.content.lesson import extract_formulas, lesson_sections, render_lesson


def test_formulas_are_lifted_out_of_markdown():
    text, formulas = extract_formulas("Loss $a_i * b_i$ and\n\n$$\\sum_i x_i$$\n\ncost $5 or $6")
    assert sorted((f.latex, f.display) for f in formulas) == [("\\sum_i x_i", True), ("a_i * b_i", False)]
    assert "$5 or $6" in text  # prices are not formulas


def test_dollars_inside_code_are_not_formulas():
    _, formulas = extract_formulas("Run `echo $HOME` then\n\n```bash\necho $a $b\n```\n")
    assert formulas == []


def test_render_keeps_latex_and_highlights_code():
    html = render_lesson("# T\n\nThe mean $\\mu_x$ of *x*.\n\n```python\nprint(1)\n```\n")
    assert '<code class="math">\\mu_x</code>' in html
    assert "<em>x</em>" in html
    assert "style=" in html and "print" in html


def test_sections_share_the_lesson_by_length_and_ignore_headings_in_code():
    body = """# Title

An opening paragraph of six words.

## Intuition

one two three four

## Code

```python
## not a heading
x = 1
```

## Pitfalls
"""
    sections = lesson_sections(body)
    assert [s.title for s in sections] == ["Intuition", "Code", "Pitfalls"]
    # The title's words and the opening count with the first section; the fence lines with Code.
    words = [2 + 6 + 4, 1 + 4 + 3 + 1, 0]
    assert [s.share for s in sections] == [w / sum(words) for w in words]


def test_a_lesson_with_one_section_or_none_is_not_divided():
    assert lesson_sections("# Title\n\nJust text.\n") == ()
    assert lesson_sections("# Title\n\n## Only\n\nText here.\n") == ()
