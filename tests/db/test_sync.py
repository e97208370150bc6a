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
