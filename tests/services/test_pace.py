"""Plans that learn the learner's pace from the study time logged on finished topics."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

from planner.core.models import TopicStatus
from tests.conftest import clock_start

MONDAY = date(2026, 12, 7)
LOGGED = clock_start() - timedelta(days=1)


def finish_slowly(lodestar, profile_id: int, slugs: list[str], factor: float) -> None:
    hours = {t.slug: t.hours for t in lodestar.topics()}
    for slug in slugs:
        lodestar.log_study(profile_id, hours[slug] * factor * 60, topic=slug, started=LOGGED)
        lodestar.set_topic_state(profile_id, slug, TopicStatus.DONE)


def test_a_slow_learner_gets_longer_lessons_and_can_turn_it_off(synced):
    ada = synced.create_profile("Ada", target_role="engineer", hours_per_week=8, start_date=MONDAY)
    before = synced.preview_plan(ada.id, today=MONDAY)
    finish_slowly(synced, ada.id, ["ai-roles", "building-portfolio", "linear-algebra"], 2.0)
    pace = synced.pace(ada.id)
    assert pace.topics == 3 and 1.3 < pace.factor < 1.5 and pace.used
    slow = synced.preview_plan(ada.id, today=MONDAY)
    request = synced.plan_request(ada.id, MONDAY)
    estimates = {t.slug: t.hours for t in synced.topics()}
    topic = next(t for t in request.topics if t.slug == "gradient-descent")
    assert topic.hours == round(estimates["gradient-descent"] * pace.factor, 2)
    assert slow.finish > before.finish  # fewer lessons left, but each takes longer
    synced.save_profile(replace(synced.profile(ada.id), use_pace=False), MONDAY)
    assert not synced.pace(ada.id).used
    plain = synced.plan_request(ada.id, MONDAY)
    kept = next(t for t in plain.topics if t.slug == "gradient-descent")
    assert kept.hours == estimates["gradient-descent"]


def test_time_logged_on_a_topic_in_progress_is_taken_off_what_is_left(synced):
    ada = synced.create_profile("Ada", target_role="engineer", hours_per_week=8, start_date=MONDAY)
    synced.set_topic_state(ada.id, "linear-algebra", TopicStatus.IN_PROGRESS)
    synced.log_study(ada.id, 120, topic="linear-algebra", started=LOGGED)
    request = synced.plan_request(ada.id, MONDAY)
    assert request.spent == {"linear-algebra": 2.0}
    assert synced.pace(ada.id).topics == 0  # an unfinished topic says nothing about pace yet


def test_plan_json_carries_the_pace(synced, tmp_path, capsys):
    from planner.cli.plans import _plan  # the command's own function, on this database

    ada = synced.create_profile("Ada", target_role="engineer", hours_per_week=8, start_date=MONDAY)
    finish_slowly(synced, ada.id, ["ai-roles"], 2.0)

    class Args:
        profile, json, ics, markdown, today = "Ada", True, None, None, MONDAY

    assert _plan(synced, Args()) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pace"]["topics"] == 1 and data["pace"]["used"] is True
    assert data["pace"]["factor"] == synced.pace(ada.id).factor
