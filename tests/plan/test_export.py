"""The plan as a Markdown checklist and as calendar events a learner imports."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, assume, given, settings
from icalendar import Calendar

from planner.core.errors import PlanError
from planner.core.models import PlanRequest, PlanTopic, RoleSkill, SkillLevel, StudyPlan
from planner.plan import make_plan
from planner.plan.export import plan_ics, plan_markdown
from tests.plan.strategies import plan_requests

MONDAY = date(2026, 12, 7)


def request(**changes) -> PlanRequest:
    topics = (PlanTopic("python", "Python basics", 2.5, skills=(SkillLevel("coding", 1),)),
              PlanTopic("mlp", "Multilayer perceptrons", 12.0, ("python",), (SkillLevel("deep", 2),),
                        ("mlp-lab",)))
    values = dict(topics=topics, targets=(RoleSkill("coding", 1, 1.0), RoleSkill("deep", 2, 1.0)),
                  levels={}, states={}, hours_per_week=10.0, study_days=(0, 2, 4), start=MONDAY,
                  today=MONDAY, review_share=0.2)
    return PlanRequest(**{**values, **changes})


def test_markdown_lists_each_week_with_checkboxes():
    text = plan_markdown(make_plan(request()), profile_name="Ada", titles={"mlp-lab": "The MLP lab"})
    assert text.startswith("# Study plan for Ada\n")
    assert "2 topics, 15.5 h of study, finishing on 18 Dec 2026." in text
    assert "## Week 1 · 7 Dec – 13 Dec 2026\n\n- [ ] Lesson: Python basics (2.5 h)\n" in text
    assert "- [ ] Lesson: Multilayer perceptrons (part 1 of 2) (5.5 h)\n- [ ] Review (2 h)\n" in text
    assert ("## Week 2 · 14 Dec – 20 Dec 2026\n\n- [ ] Lesson: Multilayer perceptrons (part 2 of 2) (6.5 h)\n"
            "- [ ] Lab: The MLP lab (1 h)\n- [ ] Review (2 h)\n") in text
    assert "## Week 3 · 21 Dec – 27 Dec 2026" not in text


def test_markdown_tells_the_shortfall_and_weeks_across_new_year():
    plan = make_plan(request(today=MONDAY + timedelta(days=21), start=MONDAY, target_date=date(2027, 1, 1)))
    text = plan_markdown(plan, profile_name="Ada")
    assert "## Week 4 · 28 Dec 2026 – 3 Jan 2027" in text
    assert ("Target date: 1 Jan 2027. The plan needs 15.5 h of study, but only 8 h fit before the "
            "target date. To meet it, study 19.5 h a week. Or skip these topics: Multilayer perceptrons."
            ) in text


def test_markdown_of_an_empty_plan_says_there_is_nothing_to_do():
    plan = make_plan(request(levels={"coding": 1, "deep": 2}))
    assert "Nothing to plan: you already meet every target" in plan_markdown(plan, profile_name="Ada")


def parse(data: bytes) -> tuple[Calendar, list]:
    calendar = Calendar.from_ical(data)
    return calendar, list(calendar.walk("VEVENT"))


def test_ics_has_one_event_per_study_day_with_work():
    plan = make_plan(request())
    stamp = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    data = plan_ics(plan, study_days=(0, 2, 4), hours_per_week=10.0, profile_name="Ada", stamp=stamp)
    calendar, events = parse(data)
    assert str(calendar["PRODID"]) == "-//Lodestar//Study plan//EN" and str(calendar["VERSION"]) == "2.0"
    starts = [e.decoded("dtstart") for e in events]
    assert [d.date() for d in starts] == [date(2026, 12, d) for d in (7, 9, 11, 14, 16, 18)]
    assert all(d.time() == time(18, 0) and d.tzinfo is None for d in starts)  # floating local time
    assert [round((e.decoded("dtend") - e.decoded("dtstart")).total_seconds() / 3600, 2) for e in events] == \
        [3.33, 3.33, 3.33, 3.33, 3.33, 2.83]
    assert str(events[0]["SUMMARY"]) == \
        "Study: Lesson: Python basics; Lesson: Multilayer perceptrons (part 1 of 2)"
    assert str(events[0]["UID"]) == "lodestar-0-20261207@lodestar"
    assert events[0].decoded("dtstamp") == stamp
    assert "Lesson: Python basics: 2.5 h" in str(events[0]["DESCRIPTION"])
    assert plan_ics(plan, study_days=(0, 2, 4), hours_per_week=10.0, profile_name="Ada", stamp=stamp) == data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_requests(most_topics=15))
def test_ics_events_fall_on_study_days_and_add_up_to_the_plan(request):
    try:
        plan = make_plan(request)
    except PlanError:
        return
    assume(len(plan.weeks) <= 200)  # a slow pace makes years of weeks; their events only cost time
    data = plan_ics(plan, study_days=request.study_days, hours_per_week=request.hours_per_week,
                    profile_name="Ada", start_time=time(7, 30))
    _, events = parse(data)
    # Durations are whole minutes rounded on the running total: the whole plan is off by at most
    # half a minute, a week by at most a minute.
    total = sum((e.decoded("dtend") - e.decoded("dtstart")).total_seconds() for e in events) / 3600
    assert abs(total - sum(i.hours for w in plan.weeks for i in w.items)) <= 0.5 / 60 + 1e-9
    days = [e.decoded("dtstart").date() for e in events]
    assert all(d.weekday() in request.study_days and d >= request.today for d in days)
    assert len(set(days)) == len(days) == len({str(e["UID"]) for e in events})
    for week in plan.weeks:
        in_week = [e for e in events if week.start <= e.decoded("dtstart").date() <= week.end]
        hours = sum((e.decoded("dtend") - e.decoded("dtstart")).total_seconds() for e in in_week) / 3600
        assert abs(hours - sum(i.hours for i in week.items)) <= 1 / 60 + 1e-9


def test_an_empty_plan_makes_a_calendar_with_no_events():
    data = plan_ics(StudyPlan(weeks=(), gap=()), study_days=(0,), hours_per_week=5, profile_name="Ada")
    assert parse(data)[1] == []
