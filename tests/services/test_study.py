"""Profiles and study plans through the façade: validation, skill gap, re-planning, history,
exports."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from planner.core.errors import LodestarError, PlanError
from planner.core.models import LabRunStatus, PlanItemKind, Profile, RoleLevel, TopicStatus

TODAY = date(2026, 11, 23)  # a Monday


def draft(**changes) -> Profile:
    base = Profile(0, "Ada", datetime.now(UTC), target_role="researcher", hours_per_week=8,
                   start_date=TODAY, study_days=(0, 1, 2, 3, 4), skills={"python": 2})
    return replace(base, **changes)


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"hours_per_week": 0}, "hours_per_week", "more than 0"),
    ({"study_days": ()}, "study_days", "study day"),
    ({"target_date": TODAY - timedelta(days=1)}, "target_date", "in the past"),
    ({"target_role": None}, "target_role", "role"),
    ({"target_role": "astronaut"}, "target_role", "no role 'astronaut'"),
    ({"secondary_role": "researcher"}, "secondary_role", "differ"),
    ({"name": "  "}, "name", "name"),
    ({"skills": {"python": 7}}, "skills", "0 to 5"),
    ({"review_share": 0.8}, "review_share", "review share"),
])
def test_a_profile_that_cannot_plan_is_refused_naming_the_field(synced, changes, field, words):
    with pytest.raises(PlanError) as caught:
        synced.save_profile(draft(**changes), today=TODAY)
    assert caught.value.field == field
    assert words in str(caught.value)
    assert [p.name for p in synced.profiles()] == []  # nothing half-saved


def test_profiles_round_trip_and_names_are_unique_in_any_case(synced):
    ada = synced.save_profile(draft(secondary_role="educator", study_days=(5, 6),
                                    review_share=0.2, target_date=date(2027, 6, 1)), today=TODAY)
    again = synced.profile(ada.id)
    assert (again.secondary_role, again.study_days, again.review_share, again.target_date) == (
        "educator", (5, 6), 0.2, date(2027, 6, 1))
    assert again.skills == {"python": 2}
    assert synced.profile_named("ADA").id == ada.id
    with pytest.raises(LodestarError, match="already a profile"):
        synced.save_profile(draft(name="ada"), today=TODAY)
    grace = synced.save_profile(draft(name="Grace", target_role="engineer"), today=TODAY)
    assert [p.name for p in synced.profiles()] == ["Ada", "Grace"]
    synced.delete_profile(grace.id)
    assert [p.name for p in synced.profiles()] == ["Ada"]


def test_done_topics_raise_the_derived_skill_levels(synced):
    ada = synced.save_profile(draft(), today=TODAY)
    before = {g.skill: g.current for g in synced.skill_gap(ada.id)}
    assert before["linear-algebra"] == 0
    synced.set_topic_state(ada.id, "linear-algebra", TopicStatus.DONE)
    after = {g.skill: g.current for g in synced.skill_gap(ada.id)}
    assert after["linear-algebra"] > 0
    assert after["python"] == 2  # self-assessed levels stay


def test_plan_respects_prerequisites_and_hours(synced):
    ada = synced.save_profile(draft(), today=TODAY)
    plan = synced.replan(ada.id, "first", TODAY).plan
    order = plan.topics
    prereqs = {t.slug: t.prerequisites for t in synced.topics()}
    for position, slug in enumerate(order):
        assert all(order.index(p) < position for p in prereqs[slug] if p in order)
    for week in plan.weeks:
        assert week.study_hours <= week.capacity + 1e-9
        reviews = [i for i in week.items if i.kind is PlanItemKind.REVIEW]
        assert len(reviews) == 1 and reviews[0].hours == pytest.approx(8 * 0.15)
    assert plan.weeks[0].start == TODAY


def test_marking_a_topic_done_replans_and_says_what_moved(synced):
    ada = synced.save_profile(draft(), today=TODAY)
    first = synced.replan(ada.id, "first", TODAY)
    done = first.plan.topics[0]
    synced.set_topic_state(ada.id, done, TopicStatus.DONE)
    update = synced.replan(ada.id, f"{done} done", TODAY)
    assert done not in update.plan.topics
    moved = {c.topic: (c.old_week, c.new_week) for c in update.changes}
    assert moved[done][1] is None  # it left the plan
    assert update.previous_id == first.plan_id
    assert synced.stored_plan(first.plan_id).topics == first.plan.topics  # the old plan is kept
    history = synced.plan_history(ada.id)
    assert [h[0] for h in history] == [update.plan_id, first.plan_id]
    assert history[0][2] == f"{done} done"


def test_past_weeks_keep_what_was_planned_and_what_got_done(synced):
    today = date.today()  # the topic is marked done now, so the weeks are counted from now
    start = today - timedelta(days=14)
    ada = synced.save_profile(draft(start_date=start), today=start)
    old = synced.replan(ada.id, "first", start).plan
    week0 = [i.topic for i in old.weeks[0].items if i.kind is PlanItemKind.LESSON]
    synced.set_topic_state(ada.id, week0[0], TopicStatus.DONE)
    synced.replan(ada.id, "two weeks later", today)
    past = synced.past_weeks(ada.id, today)
    assert [w.index for w in past] == [0, 1]
    assert [i.topic for i in past[0].planned if i.kind is PlanItemKind.LESSON] == week0
    # Marked done today (in week 2), so it counts there, not in a past week.
    assert all(week0[0] not in w.done for w in past)
    current = synced.current_plan(ada.id, today)
    assert current.weeks[0].index == 2
    assert week0[0] not in current.topics


def test_an_unmeetable_date_says_by_how_much_and_how_to_meet_it(synced):
    ada = synced.save_profile(draft(target_date=TODAY + timedelta(days=60)), today=TODAY)
    plan = synced.replan(ada.id, "first", TODAY).plan
    short = plan.shortfall
    assert short is not None
    assert short.missing_hours > 0
    assert short.hours_per_week_needed > 8
    faster = synced.save_profile(replace(synced.profile(ada.id),
                                         hours_per_week=short.hours_per_week_needed), today=TODAY)
    assert synced.replan(faster.id, "faster", TODAY).plan.shortfall is None


def test_a_role_no_topic_can_reach_is_a_clear_error(lodestar, pack):
    # Maths is met and nothing teaches coding: no topic can narrow any gap.
    lodestar.sync_content(pack.root)  # its role needs maths 3 and coding 5; no topic teaches coding
    pack.edit("roles.yaml", "maths: {target: 3, weight: 0.5}", "maths: {target: 2, weight: 0.5}")
    lodestar.sync_content(pack.root)
    ada = lodestar.save_profile(draft(target_role="engineer", skills={"maths": 2}), today=TODAY)
    with pytest.raises(PlanError, match=r"coding \(level 5\)") as caught:
        lodestar.replan(ada.id, "first", TODAY)
    assert caught.value.field == "target_role"
    assert lodestar.plan_history(ada.id) == []  # no plan stored


def test_plan_exports_as_calendar_and_markdown(synced, tmp_path):
    # Export writes the current plan, which is made afresh for today's week (the test clock's),
    # so plan for that day too.
    ada = synced.save_profile(draft(study_days=(1, 3)), today=TODAY)
    plan = synced.replan(ada.id, "first", date.today()).plan
    ics = synced.export_plan(ada.id, tmp_path / "plan.ics")
    calendar = Calendar.from_ical(ics.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events
    assert {e.decoded("dtstart").weekday() for e in events} <= {1, 3}
    hours = sum((e.decoded("dtend") - e.decoded("dtstart")).total_seconds() / 3600 for e in events)
    planned = sum(i.hours for w in plan.weeks for i in w.items)  # reviews are study blocks too
    assert hours == pytest.approx(planned, abs=0.05)
    md = synced.export_plan(ada.id, tmp_path / "plan.md").read_text(encoding="utf-8")
    assert "Ada" in md and f"Week {plan.weeks[0].index + 1}" in md
    assert list(tmp_path.glob("*.partial")) == []


def test_a_plan_of_more_than_ten_years_asks_for_more_hours(synced):
    ada = synced.save_profile(draft(hours_per_week=0.25, role_level=RoleLevel.SENIOR), today=TODAY)
    with pytest.raises(PlanError, match="years; plan more hours") as caught:
        synced.replan(ada.id, "first", TODAY)
    assert caught.value.field == "hours_per_week"


def test_a_lab_run_that_reaches_its_target_completes_the_lab_for_the_plan(synced):
    ada = synced.save_profile(draft(), today=TODAY)
    first = synced.replan(ada.id, "first", TODAY).plan
    labs = [i.lab for w in first.weeks for i in w.items if i.kind is PlanItemKind.LAB]
    lab = labs[0]
    missed = synced.start_lab_run(lab, {}, ada.id)
    synced.finish_lab_run(missed.id, LabRunStatus.FINISHED, summary={"target_reached": False})
    assert lab not in synced.labs_done(ada.id)
    for status, summary in ((LabRunStatus.STOPPED, {"target_reached": False}),
                            (LabRunStatus.STOPPED, {}),  # stopped before any evaluation
                            (LabRunStatus.FAILED, {"target_reached": True})):
        cut = synced.start_lab_run(lab, {}, ada.id)
        synced.finish_lab_run(cut.id, status, summary=summary)
    assert lab not in synced.labs_done(ada.id)
    run = synced.start_lab_run(lab, {}, ada.id)
    synced.finish_lab_run(run.id, LabRunStatus.FINISHED, summary={"target_reached": True})
    assert lab in synced.labs_done(ada.id)
    assert synced.topic_states(ada.id) == {}  # the run is recorded; no lesson begins by itself
    again = synced.replan(ada.id, f"lab {lab} completed", TODAY).plan
    assert lab not in [i.lab for w in again.weeks for i in w.items if i.kind is PlanItemKind.LAB]


def test_a_completed_lab_counts_as_hours_done(synced):
    ada = synced.save_profile(draft(), today=TODAY)
    first = synced.replan(ada.id, "first", TODAY).plan
    lab_item = next(i for w in first.weeks for i in w.items if i.kind is PlanItemKind.LAB)
    before = synced.plan_progress(ada.id, first)
    assert before.done_hours == 0
    run = synced.start_lab_run(lab_item.lab, {}, ada.id)
    synced.finish_lab_run(run.id, LabRunStatus.FINISHED, summary={"target_reached": True})
    again = synced.replan(ada.id, f"lab {lab_item.lab} completed", TODAY).plan
    after = synced.plan_progress(ada.id, again)
    assert after.done_hours == pytest.approx(lab_item.hours)  # the lab's planned hours, done
    assert after.remaining_hours == pytest.approx(again.study_hours)


def test_a_completed_lab_offers_its_lessons_and_starts_them_only_when_asked(synced):
    ada = synced.save_profile(draft(), today=TODAY)
    lab = next(lab.slug for lab in synced.labs()
               if len([t for t in synced.topics() if lab.slug in synced.topic(t.slug).labs]) >= 2)
    teaches = sorted(t.slug for t in synced.topics() if lab in synced.topic(t.slug).labs)
    done = teaches[0]
    synced.set_topic_state(ada.id, done, TopicStatus.DONE)
    run = synced.start_lab_run(lab, {}, ada.id)
    synced.finish_lab_run(run.id, LabRunStatus.FINISHED, summary={"target_reached": True})
    assert synced.topic_states(ada.id) == {done: TopicStatus.DONE}
    offered = synced.lessons_to_start_after_lab(ada.id, lab)
    assert [slug for slug, _title in offered] == sorted(
        teaches[1:], key=lambda s: (synced.topic(s).title, s))
    assert all(title == synced.topic(slug).title for slug, title in offered)
    synced.start_lessons(ada.id, [done] + [slug for slug, _title in offered])
    states = synced.topic_states(ada.id)
    assert states[done] is TopicStatus.DONE  # a finished lesson is not reopened
    assert all(states[slug] is TopicStatus.IN_PROGRESS for slug, _title in offered)
    assert synced.lessons_to_start_after_lab(ada.id, lab) == []
