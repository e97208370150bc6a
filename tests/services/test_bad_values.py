"""A value no form could have saved that reaches the database anyway (a hand edit, an old bug, a
shared database) is read as its default with a warning: every page and command still works."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from planner.core.errors import PlanError
from planner.db import values
from planner.progress.review import HIGHEST_RETENTION, LOWEST_RETENTION
from planner.services.study import MAX_HOURS_PER_WEEK, MAX_REVIEW_SHARE
from tests.services.test_backup import fill

ATTACKS = [
    "UPDATE topic_states SET status = 'hacked'",
    "UPDATE reading_states SET status = 'burned'",
    "UPDATE reading_states SET rating = 99",
    "UPDATE reading_states SET tags = '[1, null, \"ok\"]'",
    "UPDATE user_readings SET kind = 'scroll', authors = '\"not a list\"'",
    "UPDATE profiles SET target_role = 'astronaut'",
    "UPDATE profiles SET secondary_role = 'pirate'",
    "UPDATE profiles SET hours_per_week = -5, review_share = 7, desired_retention = 3",
    "UPDATE profiles SET study_days = 'x', day_boundary = '99:99'",
    "UPDATE profiles SET role_level = 'principal'",
    "UPDATE profiles SET use_pace = 7",
    "UPDATE profiles SET new_cards_per_day = -3",
    "UPDATE profiles SET new_cards_per_day = 'many'",
    "UPDATE skill_assessments SET level = 42",
    "UPDATE lab_runs SET status = 'exploded', summary = '[1]', config = '\"x\"'",
    "UPDATE review_logs SET grade = 9",
    "UPDATE activity_log SET kind = 'hack'",
    "UPDATE study_sessions SET source = 'hack'",
    "UPDATE conference_deadlines SET kind = 'hack'",
]


def everything(lodestar, profile_id: int, tmp_path) -> None:
    """What `profile show`, `plan`, the reading list, exports and the pages read: no exception
    but a PlanError that names the profile field to fix (an unknown target role)."""
    profile = lodestar.profile(profile_id)
    lodestar.profile_named(profile.name)
    try:
        lodestar.skill_gap(profile_id)
        lodestar.replan(profile_id, "after a bad value")
    except PlanError as exc:
        assert exc.field == "target_role", exc
        assert "choose one in the profile" in str(exc)
    lodestar.reading_list(profile_id)
    lodestar.export_bibtex(tmp_path / "out.bib", profile_id)
    lodestar.lab_runs()
    lodestar.conference_list(profile_id)
    lodestar.progress_overview(profile_id)
    lodestar.progress_report(profile_id)
    lodestar.review_queue(profile_id)
    lodestar.review_stats(profile_id)
    lodestar.study_sessions(profile_id)
    lodestar.streak_now(profile_id)


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_bad_stored_value_is_read_as_its_default(synced, tmp_path, attack, caplog):
    profile_id = fill(synced, tmp_path)
    with synced._session() as session:
        session.execute(sa.text(attack))
    with caplog.at_level(logging.WARNING):
        everything(synced, profile_id, tmp_path)


def test_the_unknown_status_is_logged_and_read_as_not_started(synced, tmp_path, caplog):
    profile_id = fill(synced, tmp_path)
    with synced._session() as session:
        session.execute(sa.text("UPDATE topic_states SET status = 'hacked'"))
    with caplog.at_level(logging.WARNING, logger="planner.db.values"):
        states = synced.topic_states(profile_id)
    assert set(states.values()) == {values.TopicStatus.NOT_STARTED}
    assert "'hacked' is not one of not_started" in caplog.text


def test_the_limits_match_the_profile_form():
    assert values.MOST_HOURS_PER_WEEK == MAX_HOURS_PER_WEEK
    assert values.MOST_REVIEW_SHARE == MAX_REVIEW_SHARE
    assert values.RETENTION == (LOWEST_RETENTION, HIGHEST_RETENTION)
