"""Loading and validating content packs: every problem is reported as file:line: message."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.content import load_pack
from planner.core.errors import ContentError
from tests.conftest import SHIPPED


def problems(root) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_pack(root)
    return [str(p) for p in info.value.problems]


def test_small_pack_loads(pack):
    loaded = load_pack(pack.root)
    assert [t.slug for t in loaded.topics] == ["alpha", "beta", "gamma"]  # prerequisites first
    beta = next(t for t in loaded.topics if t.slug == "beta")
    assert beta.prerequisites == ("alpha",)
    assert beta.readings == ("lecun2015-deep",)
    assert len(beta.cards) == 3
    assert loaded.roles[0].skills[1].target == 5
    assert set(loaded.files) >= {"tracks.yaml", "topics/basics/alpha.md"}


def test_shipped_pack_is_valid_and_complete():
    loaded = load_pack(SHIPPED)
    assert {r.slug for r in loaded.roles} == {
        "researcher", "engineer", "data-scientist", "product-manager", "business-developer",
        "educator"}
    assert len(loaded.topics) >= 60
    assert len(loaded.skills) >= 25
    assert len(loaded.readings) >= 50
    assert len(loaded.conferences) >= 40
    assert {t.track for t in loaded.topics} == {t.slug for t in loaded.tracks}  # no empty track
    cited = {r for t in loaded.topics for r in t.readings}
    assert {r.slug for r in loaded.readings} <= cited  # every reading supports some topic
    for topic in loaded.topics:
        assert len(topic.body.split()) > 300, topic.slug
        assert len(topic.cards) >= 3, topic.slug
        assert topic.readings and topic.skills and topic.hours > 0, topic.slug


def test_unknown_prerequisite_names_file_and_line(pack):
    pack.edit("topics/basics/beta.md", "prerequisites: [alpha]", "prerequisites: [alpha, omega]")
    assert problems(pack.root) == [
        "topics/basics/beta.md:8: topic 'beta': unknown topic 'omega'"]


def test_prerequisite_cycle_is_named(pack):
    pack.edit("topics/basics/alpha.md", "prerequisites: []", "prerequisites: [gamma]")
    found = problems(pack.root)
    assert len(found) == 1
    assert "prerequisite cycle: alpha → gamma → beta → alpha" in found[0]
    assert found[0].startswith("topics/basics/alpha.md:2:")


def test_self_prerequisite_is_a_cycle(pack):
    pack.edit("topics/basics/alpha.md", "prerequisites: []", "prerequisites: [alpha]")
    assert any("prerequisite cycle: alpha → alpha" in p for p in problems(pack.root))


def test_unknown_skill_lab_and_reading(pack):
    pack.edit("topics/advanced/gamma.md", "skills: {maths: 2}", "skills: {sorcery: 2}")
    pack.edit("topics/advanced/gamma.md", "labs: [mlp]", "labs: [mlp, warp-drive]")
    pack.edit("topics/advanced/gamma.md", "readings: []", "readings: [nobody2020]")
    found = problems(pack.root)
    assert "topics/advanced/gamma.md:9: topic 'gamma': unknown skill 'sorcery'" in found
    assert "topics/advanced/gamma.md:10: topic 'gamma': unknown lab 'warp-drive'" in found
    assert "topics/advanced/gamma.md:11: topic 'gamma': unknown reading 'nobody2020'" in found


def test_role_with_unknown_skill(pack):
    pack.edit("roles.yaml", "maths: {target: 3", "alchemy: {target: 3")
    assert problems(pack.root) == ["roles.yaml:7: role 'engineer': unknown skill 'alchemy'"]


def test_duplicate_ids(pack):
    pack.topic("alpha", "advanced")
    pack.edit("labs.yaml", "- id: mlp", "- id: mlp\n  title: x\n  summary: y\n- id: mlp")
    found = problems(pack.root)
    assert any(p.startswith("topics/basics/alpha.md:2: duplicate topic id 'alpha' (first "
                            "defined at topics/advanced/alpha.md:2)") for p in found)
    assert any(p.startswith("labs.yaml:4: duplicate lab id 'mlp'") for p in found)


def test_malformed_front_matter_reports_its_line(pack):
    pack.edit("topics/basics/alpha.md", "hours: 2", "hours: [2")
    found = [p for p in problems(pack.root) if p.startswith("topics/basics/alpha.md")]
    assert len(found) == 1
    assert "invalid YAML" in found[0]
    line = int(found[0].split(":")[1])
    assert 6 <= line <= 8


def test_missing_front_matter(pack):
    pack.write("topics/basics/delta.md", "# Delta\n\nNo front matter here.\n")
    assert problems(pack.root) == [
        "topics/basics/delta.md:1: a lesson must start with YAML front matter between '---' lines"]


def test_wrong_values_name_the_field(pack):
    pack.edit("topics/basics/alpha.md", "hours: 2", "hours: -1")
    pack.edit("topics/basics/alpha.md", "difficulty: beginner", "difficulty: trivial")
    found = problems(pack.root)
    assert "topics/basics/alpha.md:6: front matter: 'hours' is -1; it must be from 0.25 to 200" in found
    assert any(p.startswith("topics/basics/alpha.md:7: front matter: 'difficulty' is 'trivial'")
               for p in found)


def test_id_must_match_file_and_track_folder(pack):
    pack.edit("topics/basics/alpha.md", "track: basics", "track: advanced")
    found = problems(pack.root)
    assert any("track 'advanced' must match the folder 'basics'" in p for p in found)


def test_too_few_cards_and_empty_lesson(pack):
    path = pack.root / "topics/basics/alpha.md"
    text = path.read_text()
    text = text.replace("  - {q: Question three?, a: Answer three.}\n", "")
    text = text[: text.index("# Alpha")]
    path.write_text(text)
    found = problems(pack.root)
    assert any("has 2 self-check cards; at least 3 are needed" in p for p in found)
    assert any("the lesson text after the front matter is empty" in p for p in found)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("doi", "doi.org/10.1038/x", "DOI 'doi.org/10.1038/x' is malformed"),
    ("arxiv", "1706.3762", "ids from 2015 on have five digits after the dot"),
    ("arxiv", "arXiv:1706.03762", "arXiv id 'arXiv:1706.03762' is malformed"),
    ("arxiv", "1713.03762", "has month 13"),
    ("isbn", "9780262035614", "ISBN '9780262035614' has a wrong check digit"),
])
def test_malformed_reading_identifiers(pack, field, value, message):
    pack.edit("readings.yaml", "doi: 10.1038/nature14539", f"{field}: '{value}'")
    found = problems(pack.root)
    assert len(found) == 1 and found[0].startswith("readings.yaml:7:") and message in found[0]


def test_reading_without_identifier(pack):
    pack.edit("readings.yaml", "  doi: 10.1038/nature14539\n", "")
    assert problems(pack.root) == [
        "readings.yaml:1: reading 'lecun2015-deep': needs an identifier: arxiv, doi or isbn"]


def test_valid_isbn_10_and_13_pass(pack):
    pack.edit("readings.yaml", "doi: 10.1038/nature14539", "isbn: '0-262-03561-7'")
    with pytest.raises(ContentError):  # a wrong ISBN-10 check digit
        load_pack(pack.root)
    pack.edit("readings.yaml", "isbn: '0-262-03561-7'", "isbn: '0-262-03561-8'")
    load_pack(pack.root)
    pack.edit("readings.yaml", "isbn: '0-262-03561-8'", "isbn: 978-0-262-03561-3")
    load_pack(pack.root)


def test_every_problem_is_reported_at_once(pack):
    pack.edit("topics/basics/beta.md", "prerequisites: [alpha]", "prerequisites: [nope]")
    pack.edit("roles.yaml", "target: 5", "target: 9")
    pack.edit("tracks.yaml", "- id: advanced", "- id: Advanced!")
    found = problems(pack.root)
    assert len(found) >= 3


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_front_matter_gives_problems_not_crashes(pack, garbage):
    pack.write("topics/basics/alpha.md", "---\n" + garbage + "\n---\n\nBody.\n")
    try:
        load_pack(pack.root)
    except ContentError as error:
        assert all(p.file for p in error.problems)


def test_formula_that_cannot_be_typeset_names_its_line(pack):
    pack.edit("topics/basics/alpha.md", "formula $a_i^2$.", "formula $a_i^2$.\n\n$$\\frac{1}{$$")
    assert problems(pack.root) == [
        "topics/basics/alpha.md:22: formula cannot be typeset (NoAvailableTokensError): $\\frac{1}{$"]


def test_unknown_latex_command_is_reported_not_shown_raw(pack):
    pack.edit("topics/basics/beta.md", "$a_i^2$", "$\\softmaxx(z_i)$")
    assert problems(pack.root) == [
        "topics/basics/beta.md:20: formula uses unknown command \\softmaxx: $\\softmaxx(z_i)$"]


def test_formulas_inside_code_are_not_checked(pack):
    pack.edit("topics/basics/alpha.md", "formula $a_i^2$.",
              "formula $a_i^2$.\n\n```python\nprint('$\\nope$')\n```\n\nand `$\\frac{$` too.")
    load_pack(pack.root)


def test_readings_folder_adds_to_readings_yaml(pack):
    pack.write("readings/extra.yaml", """\
        - id: vaswani2017-attention
          kind: paper
          title: Attention Is All You Need
          authors: [Ashish Vaswani]
          year: 2017
          venue: NeurIPS 2017
          arxiv: "1706.03762"
        """)
    pack.edit("topics/basics/alpha.md", "readings: []", "readings: [vaswani2017-attention]")
    loaded = load_pack(pack.root)
    assert {r.slug for r in loaded.readings} == {"lecun2015-deep", "vaswani2017-attention"}
    assert "readings/extra.yaml" in loaded.files


def test_duplicate_reading_across_files_names_both(pack):
    pack.write("readings/extra.yaml", """\
        - id: lecun2015-deep
          kind: paper
          title: Deep learning
          authors: [Yann LeCun]
          year: 2015
          venue: Nature
          doi: 10.1038/nature14539
        """)
    assert problems(pack.root) == [
        "readings/extra.yaml:1: duplicate reading id 'lecun2015-deep' (first defined at readings.yaml:1)"]


def test_lesson_links_must_resolve(pack):
    pack.edit("topics/basics/beta.md", "Some lesson text",
              "See [alpha](topic:alpha), [the lab](lab:mlp), [ghost](topic:ghost), [file](notes.md), "
              "[web](https://example.org) and `[code](topic:nope)`.\n\nSome lesson text")
    assert problems(pack.root) == [
        "topics/basics/beta.md:20: link 'notes.md' goes nowhere in the app: use topic:ID, lab:ID, "
        "reading:ID or a web address",
        "topics/basics/beta.md:20: link 'topic:ghost': unknown topic 'ghost'"]


def test_a_lab_without_after_follows_every_lesson_that_names_it(pack):
    pack.edit("labs.yaml", "  after: [gamma]\n", "")
    pack.topic("gradient-descent", "basics", prereqs=["alpha"])
    pack.topic("backpropagation", "basics", prereqs=["gradient-descent"])
    assert problems(pack.root) == [
        "labs.yaml:1: lab 'mlp' trains a network, but its 'after' lessons do not require "
        "gradient-descent, backpropagation: the lab would come first"]


def test_a_lab_follows_lessons_that_use_it_and_ordered_ones(pack):
    pack.edit("labs.yaml", "after: [gamma]", "after: [alpha, nowhere]")
    pack.topic("delta", "advanced", prereqs=["alpha"], labs=["mlp"])  # comes after alpha: fine
    pack.topic("omega", "advanced", labs=["mlp"])  # neither before nor after alpha
    found = problems(pack.root)
    assert "labs.yaml:4: lab 'mlp': unknown topic 'nowhere'" in found
    assert ("labs.yaml:4: lab 'mlp': 'after' names 'alpha', which neither names the lab nor is "
            "listed in its 'topics'") in found
    assert ("labs.yaml:4: lab 'mlp': lesson 'omega' names the lab but comes neither before nor "
            "after its 'after' lessons") in found
    assert not any("'delta'" in p or "'gamma'" in p for p in found)


def test_a_training_lab_comes_after_gradient_descent_and_backpropagation(pack):
    pack.topic("gradient-descent", "basics", prereqs=["alpha"])
    pack.topic("backpropagation", "basics", prereqs=["gradient-descent"])
    assert problems(pack.root) == [
        "labs.yaml:4: lab 'mlp' trains a network, but its 'after' lessons do not require "
        "gradient-descent, backpropagation: the lab would come first"]
    pack.edit("topics/advanced/gamma.md", "prerequisites: [beta]", "prerequisites: [beta, backpropagation]")
    load_pack(pack.root)  # no problem left


def test_role_targets_by_career_stage(pack):
    pack.edit("roles.yaml", "coding: {target: 5, weight: 1.0}",
              "coding: {entry: 2, mid: 0, senior: 5, weight: 1.0}")
    found = problems(pack.root)
    assert any("roles.yaml" in p and "must not fall from entry to senior: entry 2, mid 0" in p
               for p in found), found
    pack.edit("roles.yaml", "coding: {entry: 2, mid: 0, senior: 5, weight: 1.0}",
              "coding: {target: 4, entry: 2, mid: 3, senior: 5, weight: 1.0}")
    assert any("either target or entry/mid/senior" in p for p in problems(pack.root))
    pack.edit("roles.yaml", "coding: {target: 4, entry: 2, mid: 3, senior: 5, weight: 1.0}",
              "coding: {entry: 0, mid: 3, senior: 5, weight: 1.0}")
    role = load_pack(pack.root).roles[0]
    coding = next(s for s in role.skills if s.skill == "coding")
    assert (coding.entry, coding.mid, coding.target) == (0, 3, 5)
    maths = next(s for s in role.skills if s.skill == "maths")
    assert (maths.entry, maths.mid, maths.target) == (3, 3, 3)  # one target for every stage
