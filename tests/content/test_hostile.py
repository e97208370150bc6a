"""Hostile content files give a clear problem quickly, never a hang, a crash or a read of the
learner's files. Each risky load runs in a subprocess with a time limit, so a regression fails
the test rather than hanging the suite or exhausting memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.content import load_pack
from planner.content.conference_import import parse_conference_file
from planner.content.files import FileRefused, read_bounded
from planner.content.lesson import render_lesson
from planner.core.errors import ContentError

ROOT = Path(__file__).resolve().parents[2]
LIMIT_S = 30

# Ten levels of nine aliases each: 9**10 (3.5 billion) strings once expanded.
BOMB = "".join(
    ["  - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    + [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)])

LOAD = """
import json, sys
from planner.content import load_pack
from planner.core.errors import ContentError
try:
    load_pack(sys.argv[1])
    print(json.dumps([]))
except ContentError as error:
    print(json.dumps([str(p) for p in error.problems]))
"""


def problems_in_subprocess(root: Path) -> list[str]:
    """`load_pack(root)`'s problems, loaded in a child process that must finish in LIMIT_S."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", LOAD, str(root)], capture_output=True, text=True,
                          timeout=LIMIT_S, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_billion_laughs_in_a_conference_file(pack):
    pack.write("conferences/AI/bomb.yml", f"- title: x\n  bomb:\n{BOMB}", dedent=False)
    found = problems_in_subprocess(pack.root)
    assert found == ["conferences/AI/bomb.yml:4: YAML aliases (*name) are not "
                     "allowed in content files: write the value out in full"]


def test_billion_laughs_as_a_conference_title(pack):
    text = "- &t0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"- &t{i} [{', '.join([f'*t{i - 1}'] * 9)}]\n" for i in range(1, 10)) + "- title: *t9\n"
    pack.write("conferences/AI/title.yml", text, dedent=False)
    found = problems_in_subprocess(pack.root)
    assert len(found) == 1 and found[0].startswith("conferences/AI/title.yml:2: YAML aliases")


def test_billion_laughs_in_a_lessons_front_matter(pack):
    pack.edit("topics/basics/alpha.md", "summary: A topic for tests.\n",
              f"summary: A topic for tests.\nbomb:\n{BOMB}")
    found = problems_in_subprocess(pack.root)
    assert found[0] == ("topics/basics/alpha.md:8: YAML aliases (*name) are not allowed in content "
                        "files: write the value out in full")
    assert all("unknown topic 'alpha'" in p for p in found[1:])  # the lesson is not loaded


def test_billion_laughs_in_a_roles_skill_target(pack):
    pack.edit("roles.yaml", "  advice: [Ship small projects.]\n",
              "  advice: [Ship small projects.]\n  laughs:\n" + BOMB.replace("  - ", "    - "))
    pack.edit("roles.yaml", "maths: {target: 3, weight: 0.5}", "maths: {target: *a9, weight: 0.5}")
    found = problems_in_subprocess(pack.root)
    assert len(found) == 1 and found[0].startswith("roles.yaml:")
    assert "aliases" in found[0] and len(found[0]) < 300


def test_billion_laughs_in_an_imported_deadline_file():
    result = parse_conference_file("- title: NeurIPS\n  year: 2027\n  bomb:\n" + BOMB, "mine.yml")
    assert [p.line for p in result.problems] == [5]
    assert "aliases" in result.problems[0].message and result.imported == 0


def test_nesting_and_size_are_bounded(pack):
    pack.write("conferences/AI/deep.yml", "[" * 200 + "]" * 200, dedent=False)
    pack.write("conferences/AI/wide.yml", "[" + "1," * 300_000 + "1]", dedent=False)
    found = problems_in_subprocess(pack.root)
    assert any(p.startswith("conferences/AI/deep.yml:1:") and "nest" in p for p in found)
    assert any(p.startswith("conferences/AI/wide.yml:1:") and "too many values" in p for p in found)


def test_a_pack_file_that_links_to_dev_zero(pack):
    (pack.root / "conferences").mkdir()
    os.symlink("/dev/zero", pack.root / "conferences" / "zero.yml")
    found = problems_in_subprocess(pack.root)
    assert found == ["conferences/zero.yml: cannot read: it is a device, not a regular file"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_like_a_pack_file(pack):
    (pack.root / "conferences").mkdir()
    os.mkfifo(pack.root / "conferences" / "pipe.yml")
    os.mkfifo(pack.root / "topics" / "basics" / "pipe.md")
    found = problems_in_subprocess(pack.root)
    assert found == [
        "conferences/pipe.yml: cannot read: it is a named pipe (FIFO), not a regular file",
        "topics/basics/pipe.md: cannot read: it is a named pipe (FIFO), not a regular file"]


def test_the_bounded_reader_refuses_what_is_not_a_small_regular_file(tmp_path):
    big = tmp_path / "big.yml"
    big.write_bytes(b"x" * 3_000_001)
    with pytest.raises(FileRefused, match=r"more than the 2\.0 MB"):
        read_bounded(big)
    with pytest.raises(FileRefused, match="folder"):
        read_bounded(tmp_path)
    with pytest.raises(FileRefused, match="device"):
        read_bounded("/dev/zero")
    assert read_bounded(big, 4_000_000) == b"x" * 3_000_001


def test_a_five_megabyte_formula(pack):
    pack.edit("topics/basics/alpha.md", "formula $a_i^2$.", "formula $" + "x+" * 2_500_000 + "x$.")
    found = problems_in_subprocess(pack.root)
    assert found[0] == ("topics/basics/alpha.md: the file is 4.8 MB, more than the 2.0 MB a content "
                        "file may be; not read")
    assert all("unknown topic 'alpha'" in p for p in found[1:])


def test_a_formula_over_the_length_cap(pack):
    pack.edit("topics/basics/alpha.md", "formula $a_i^2$.", "formula $" + "x+" * 1500 + "x$.")
    found = problems_in_subprocess(pack.root)
    assert len(found) == 1
    assert found[0].startswith("topics/basics/alpha.md:20: formula is 3,001 characters long; "
                               "at most 2,000 are typeset: $x+x+")
    assert len(found[0]) < 200


def test_a_reading_url_that_names_a_local_file(pack):
    pack.edit("readings.yaml", "doi: 10.1038/nature14539", "doi: 10.1038/nature14539\n  url: file:///etc/passwd")
    with pytest.raises(ContentError) as info:
        load_pack(pack.root)
    assert [str(p) for p in info.value.problems] == [
        "readings.yaml:8: reading 'lecun2015-deep': 'url' 'file:///etc/passwd': file: addresses are "
        "not opened; use an http(s):// web address"]


def test_javascript_link_and_raw_html_in_a_lesson(pack):
    pack.edit("topics/basics/alpha.md", "formula $a_i^2$.",
              "formula $a_i^2$.\n\n[run](javascript:alert(1)) <img src=\"file:///dev/zero\">\n\n"
              "![secret](file:///etc/passwd) ![up](../../../outside.png) ![missing](figure.png)")
    with pytest.raises(ContentError) as info:
        load_pack(pack.root)
    found = [str(p) for p in info.value.problems]
    assert found == [
        "topics/basics/alpha.md:22: link 'javascript:alert(1' goes nowhere in the app: use topic:ID, "
        "lab:ID, reading:ID or a web address",
        "topics/basics/alpha.md:22: raw HTML '<img' is shown as text, not used: write it in Markdown",
        "topics/basics/alpha.md:24: image '../../../outside.png' is not shown: an image must be a file "
        "in the content pack, written relative to the lesson",
        "topics/basics/alpha.md:24: image 'figure.png': no such file in the content pack (or larger "
        "than 4 MB)",
        "topics/basics/alpha.md:24: image 'file:///etc/passwd' is not shown: an image must be a file "
        "in the content pack, written relative to the lesson"]


def test_rendered_lessons_keep_to_markdown():
    html = render_lesson("[run](javascript:alert(1)) <b>bold</b> [web](https://example.org) "
                         "[mail](mailto:a@example.org) [next](topic:beta)\n\n"
                         "![a](file:///dev/zero) ![b](img/fig.png)", base="topics/basics")
    assert "<b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "javascript" not in html and "<span>run</span>" in html
    assert 'href="https://example.org"' in html and 'href="mailto:a@example.org"' in html
    assert 'href="topic:beta"' in html
    assert "file:" not in html and "[image not shown: a]" in html
    assert 'src="pack:topics/basics/img/fig.png"' in html


PACK_FILES = ["tracks.yaml", "skills.yaml", "roles.yaml", "readings.yaml", "labs.yaml",
              "topics/basics/alpha.md", "topics/basics/beta.md", "topics/advanced/gamma.md"]
HOSTILE = st.sampled_from(["&a [1, 2]", "*a", "<img src='file:///dev/zero'>", "![x](file:///x)",
                           "[x](javascript:alert(1))", "$$\\frac{", "```", "---", "\x00", "\ufeff",
                           "{", "[" * 80, "- ", ": ", "\t", "!!python/object:os.system", "'", '"',
                           "url: file:///etc/passwd", "target: 9" * 50, "$" + "x" * 2100 + "$"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_packs_load_or_name_the_file(pack, data):
    """Random edits of a small valid pack: it loads, or every problem names a file of the pack;
    no other exception escapes."""
    rel = data.draw(st.sampled_from(PACK_FILES))
    path = pack.root / rel
    original = path.read_bytes()
    try:
        text = original.decode("utf-8")
        for _ in range(data.draw(st.integers(1, 3))):
            at = data.draw(st.integers(0, len(text)))
            kind = data.draw(st.sampled_from(["insert", "delete", "hostile", "bytes"]))
            if kind == "insert":
                text = text[:at] + data.draw(st.text(max_size=20)) + text[at:]
            elif kind == "delete":
                text = text[:at] + text[at + data.draw(st.integers(1, 40)):]
            elif kind == "hostile":
                text = text[:at] + data.draw(HOSTILE) + text[at:]
        raw = text.encode("utf-8", "surrogatepass")
        if data.draw(st.booleans()):
            at = data.draw(st.integers(0, len(raw)))
            raw = raw[:at] + data.draw(st.binary(max_size=8)) + raw[at:]
        path.write_bytes(raw)
        try:
            load_pack(pack.root)
        except ContentError as error:
            assert error.problems and all(p.file and not p.file.startswith("/") for p in error.problems)
    finally:
        path.write_bytes(original)
