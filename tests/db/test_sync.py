"""Content sync: by slug, all or nothing, unchanged records skipped, vanished ones archived."""

from __future__ import annotations

import pytest

from planner.core.errors import ContentError
from planner.core.models import TopicStatus


def test_first_sync_adds_everything_then_skips(lodestar, pack):
    report = lodestar.sync_content(pack.root)
    assert report.added == 3 + 2 + 2 + 1 + 1 + 1  # topics, tracks, skills, readings, labs, roles
    assert report.updated == report.archived == 0
    assert lodestar.sync_content(pack.root).skipped
    counts = lodestar.content_counts()
    assert (counts.topics, counts.tracks, counts.roles) == (3, 2, 1)


def test_changed_file_updates_only_that_record(lodestar, pack):
    lodestar.sync_content(pack.root)
    pack.edit("topics/basics/beta.md", "hours: 2", "hours: 3")
    report = lodestar.sync_content(pack.root)
    assert (report.added, report.updated, report.archived) == (0, 1, 0)
    assert lodestar.topic("beta").hours == 3
    assert lodestar.topic("beta").prerequisites == ("alpha",)


def test_forced_sync_of_an_unchanged_pack_changes_nothing(lodestar, pack):
    lodestar.sync_content(pack.root)
    report = lodestar.sync_content(pack.root, force=True)
    assert report.changed == 0 and report.unchanged == 10


def test_removed_topic_is_archived_and_returns(lodestar, pack):
    lodestar.sync_content(pack.root)
    profile = lodestar.default_profile()
    lodestar.set_topic_state(profile.id, "gamma", TopicStatus.DONE)
    gamma = (pack.root / "topics/advanced/gamma.md")
    saved = gamma.read_text()
    gamma.unlink()
    pack.edit("labs.yaml", "  after: [gamma]\n", "")  # as the pack's author would
    report = lodestar.sync_content(pack.root)
    assert report.archived == 1
    assert "gamma" not in [t.slug for t in lodestar.topics()]
    assert lodestar.topic_states(profile.id) == {"gamma": TopicStatus.DONE}  # history kept
    gamma.write_text(saved)
    report = lodestar.sync_content(pack.root)
    assert report.updated == 1 and "gamma" in [t.slug for t in lodestar.topics()]


def test_invalid_pack_writes_nothing(lodestar, pack):
    lodestar.sync_content(pack.root)
    pack.edit("topics/basics/alpha.md", "hours: 2", "hours: 5")
    pack.edit("topics/basics/beta.md", "prerequisites: [alpha]", "prerequisites: [nowhere]")
    with pytest.raises(ContentError):
        lodestar.sync_content(pack.root)
    assert lodestar.topic("alpha").hours == 2
    assert not lodestar.content_is_current(pack.root)


def test_user_rows_are_never_touched(lodestar, pack):
    lodestar.sync_content(pack.root)
    profile = lodestar.create_profile("Ada", hours_per_week=8)
    lodestar.set_topic_state(profile.id, "alpha", TopicStatus.IN_PROGRESS)
    pack.edit("topics/basics/alpha.md", "title: Alpha", "title: Alpha, revised")
    lodestar.sync_content(pack.root)
    assert lodestar.topic_states(profile.id) == {"alpha": TopicStatus.IN_PROGRESS}
    assert lodestar.profiles()[0].hours_per_week == 8


def test_links_follow_changes(lodestar, pack):
    lodestar.sync_content(pack.root)
    assert [t.slug for t in lodestar.unlocked_by("alpha")] == ["beta"]
    pack.edit("labs.yaml", "summary: Trains a small network.",
              "summary: Trains a small network.\n  topics: [alpha]")
    lodestar.sync_content(pack.root)
    assert lodestar.topic("alpha").labs == ("mlp",)
    assert set(lodestar.labs()[0].topics) == {"alpha", "gamma"}


def test_role_skill_targets_replaced_cleanly(lodestar, pack):
    lodestar.sync_content(pack.root)
    pack.edit("roles.yaml", "coding: {target: 5, weight: 1.0}", "coding: {target: 4, weight: 0.9}")
    lodestar.sync_content(pack.root)
    role = lodestar.role("engineer")
    assert {(s.skill, s.target, s.weight) for s in role.skills} == {
        ("maths", 3, 0.5), ("coding", 4, 0.9)}


def test_shipped_content_syncs(synced):
    counts = synced.content_counts()
    assert counts.roles == 6 and counts.conference_series >= 40 and counts.topics >= 4
    assert len(synced.upcoming_deadlines(limit=5)) <= 5


# --- conferences the learner imported -------------------------------------------------------


def _series(title: str, *editions: tuple[int, str]) -> str:
    """One series in the strict ccfddl form the pack uses; editions are (year, paper deadline)."""
    confs = "".join(f"""\
    - year: {year}
      id: {title.lower()}{year % 100}
      link: https://example.org/{year}
      timeline:
        - deadline: '{due}'
      timezone: UTC-12
      date: June {year}
      place: Somewhere
""" for year, due in editions)
    return f"""\
- title: {title}
  description: The {title} conference
  sub: AI
  rank:
    ccf: A
  confs:
{confs}"""


MY_DEADLINES = """\
- {title: NeurIPS, year: 2027, id: mine27, deadline: '2027-05-12 23:59:59', timezone: AoE}
- {title: NeurIPS, year: 2026, id: mine26, deadline: '2026-01-01 00:00:00', timezone: AoE}
- {title: Tiny Conf, year: 2027, deadline: '2027-03-01 23:59:59', timezone: AoE}
- {title: ICLR, year: 2027, deadline: '2026-09-25 23:59:59', timezone: AoE}
"""


def _deadline(lodestar, series: str, edition: str) -> tuple:
    view = next(v for v in lodestar.conference_list(lodestar.default_profile().id)
                if v.slug == series)
    return next(e.deadlines[0].due for e in view.series.editions if e.slug == edition), view


def test_a_sync_leaves_imported_series_and_editions_alone(lodestar, pack, tmp_path):
    pack.write("conferences/AI/mine.yml", _series("NeurIPS", (2026, "2026-05-07 23:59:59"))
               + _series("Old Conf", (2025, "2025-02-01 23:59:59")), dedent=False)
    lodestar.sync_content(pack.root)
    profile = lodestar.default_profile()
    mine = tmp_path / "mine.yml"
    mine.write_text(MY_DEADLINES)
    result = lodestar.import_conferences(mine)
    assert (result.added, result.kept) == (3, 1)  # NeurIPS 2026 is the pack's
    lodestar.follow_conference(profile.id, "tiny-conf")
    # The pack moves NeurIPS 2026's deadline (its editions are rewritten), drops Old Conf and
    # gains an ICLR series, which the learner had imported an edition of.
    pack.write("conferences/AI/mine.yml", _series("NeurIPS", (2026, "2026-05-14 23:59:59"))
               + _series("ICLR", (2025, "2024-10-01 23:59:59")), dedent=False)
    report = lodestar.sync_content(pack.root)
    slugs = {v.slug: v for v in lodestar.conference_list(profile.id)}
    assert "old-conf" not in slugs and report.archived == 1
    due, neurips = _deadline(lodestar, "neurips", "neurips26")
    assert due.day == 15  # the pack's new deadline (23:59:59 UTC-12)
    assert neurips.imported_editions == {"mine27"} and not neurips.imported
    assert _deadline(lodestar, "neurips", "mine27")[0].year == 2027
    assert slugs["tiny-conf"].imported and slugs["tiny-conf"].followed
    iclr = slugs["iclr"]  # the pack's series now, with the learner's 2027 edition kept
    assert not iclr.imported and iclr.imported_editions == {"iclr27"}
    assert sorted(e.year for e in iclr.series.editions) == [2025, 2027]
    assert iclr.series.description == "The ICLR conference"
    # Once the pack has NeurIPS 2027 too, the pack's edition replaces the learner's.
    pack.write("conferences/AI/mine.yml", _series("NeurIPS", (2027, "2027-05-14 23:59:59"))
               + _series("ICLR", (2025, "2024-10-01 23:59:59")), dedent=False)
    lodestar.sync_content(pack.root)
    neurips = next(v for v in lodestar.conference_list(profile.id) if v.slug == "neurips")
    assert neurips.imported_editions == frozenset()
    assert [e.year for e in neurips.series.editions] == [2027]
    assert lodestar.followed(profile.id) == {"tiny-conf"}


def test_importing_a_series_the_pack_dropped_brings_it_back_as_the_learners(lodestar, pack, tmp_path):
    pack.write("conferences/AI/mine.yml", _series("Old Conf", (2025, "2025-02-01 23:59:59")),
               dedent=False)
    lodestar.sync_content(pack.root)
    (pack.root / "conferences/AI/mine.yml").unlink()
    assert lodestar.sync_content(pack.root).archived == 1
    mine = tmp_path / "mine.yml"
    mine.write_text("- {title: Old Conf, year: 2027, deadline: '2027-02-01 23:59:59', timezone: AoE}\n")
    result = lodestar.import_conferences(mine)
    assert result.new_series == ("old-conf",) and result.added == 1
    view = next(v for v in lodestar.conference_list(lodestar.default_profile().id)
                if v.slug == "old-conf")
    assert view.imported and sorted(e.year for e in view.series.editions) == [2025, 2027]
    assert lodestar.sync_content(pack.root, force=True).archived == 0  # now the learner's
    assert "old-conf" in {v.slug for v in lodestar.conference_list(lodestar.default_profile().id)}
