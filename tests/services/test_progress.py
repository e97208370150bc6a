"""Study time, the timer, the Progress page's figures and the progress report, through the
services as the pages and the command line use them."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from time import tzset
from zoneinfo import ZoneInfo

import pytest

from planner.core.errors import LodestarError, NotFoundError
from planner.core.models import LabRunStatus, TopicStatus
from planner.core.progress import SessionSource
from planner.services import Lodestar
from planner.services.progress import local_zone

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def london(monkeypatch, clock):
    """Every test here lives in London, whatever zone the test clock runs in."""
    monkeypatch.setenv("TZ", "Europe/London")
    tzset()
    local_zone.cache_clear()
    yield
    monkeypatch.undo()
    tzset()
    local_zone.cache_clear()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A London wall-clock moment, as UTC."""
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


def today() -> date:
    return (datetime.now(LONDON) - timedelta(hours=4)).date()  # the study day, 04:00 boundary


@pytest.fixture
def ada(lodestar):
    return lodestar.create_profile("Ada", start_date=today() - timedelta(days=30))


# --- logging time ----------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1, math.nan, math.inf])
def test_minutes_outside_a_day_are_refused(lodestar, ada, minutes):
    with pytest.raises(LodestarError, match="more than 0 minutes and at most 1440"):
        lodestar.log_study(ada.id, minutes)
    assert lodestar.study_sessions(ada.id) == []
    assert lodestar.streak_now(ada.id).current == 0


def test_a_session_cannot_start_in_the_future_or_name_an_unknown_topic(lodestar, ada):
    with pytest.raises(LodestarError, match="cannot start in the future"):
        lodestar.log_study(ada.id, 30, started=datetime.now(UTC) + timedelta(hours=2))
    with pytest.raises(NotFoundError, match="No topic 'nope'"):
        lodestar.log_study(ada.id, 30, topic="nope")
    with pytest.raises(LodestarError, match="source 'timer' or 'manual'"):
        lodestar.log_study(ada.id, 30, source="guess")
    assert lodestar.study_sessions(ada.id) == []


def test_logged_time_counts_for_the_streak_until_it_is_deleted(synced):
    profile = synced.create_profile("Ada")
    topic = synced.topics()[0].slug
    yesterday = today() - timedelta(days=1)
    first = synced.log_study(profile.id, 45, topic=topic, started=at(yesterday, 19), note=" proofs ")
    second = synced.log_study(profile.id, 20)  # just now, on nothing in particular
    assert (first.topic, first.minutes, first.source, first.note) == (topic, 45, SessionSource.MANUAL,
                                                                       "proofs")
    assert [s.id for s in synced.study_sessions(profile.id)] == [second.id, first.id]  # newest first
    streak = synced.streak_now(profile.id)
    assert (streak.current, streak.today_counts) == (2, True)
    assert synced.delete_study_session(first.id).id == first.id
    assert synced.streak_now(profile.id).current == 1
    overview = synced.progress_overview(profile.id)
    assert overview.days[-2].minutes == 0 and overview.days[-1].minutes == 20
    with pytest.raises(NotFoundError):
        synced.delete_study_session(first.id)


def test_a_night_session_counts_for_the_evening_before(lodestar, ada):
    day = today() - timedelta(days=3)
    lodestar.log_study(ada.id, 30, started=at(day + timedelta(days=1), 1, 30))  # 01:30 next night
    overview = lodestar.progress_overview(ada.id)
    by_day = {d.day: d.minutes for d in overview.days}
    assert by_day[day] == 30 and by_day[day + timedelta(days=1)] == 0


# --- the timer -------------------------------------------------------------------------------


def test_the_timer_survives_a_restart_and_records_its_time(location):
    started = datetime.now(UTC) - timedelta(minutes=25)
    with Lodestar.open(location) as lodestar:
        ada = lodestar.create_profile("Ada")
        lodestar.start_timer(ada.id, None, now=started)
        with pytest.raises(LodestarError, match="already running"):
            lodestar.start_timer(ada.id)
        assert lodestar.study_sessions(ada.id) == []  # a running timer is not a session yet
    with Lodestar.open(location) as reopened:
        timer = reopened.running_timer(ada.id)
        assert timer is not None and timer.started == started
        logged = reopened.stop_timer(ada.id)
        assert logged is not None and logged.source is SessionSource.TIMER
        assert 25 <= logged.minutes < 26 and logged.started == started
        assert reopened.running_timer(ada.id) is None
        assert reopened.stop_timer(ada.id) is None


def test_a_timer_stopped_within_a_minute_records_nothing(lodestar, ada):
    now = datetime.now(UTC)
    lodestar.start_timer(ada.id, now=now - timedelta(seconds=20))
    assert lodestar.stop_timer(ada.id, now=now) is None
    assert lodestar.study_sessions(ada.id) == [] and lodestar.streak_now(ada.id).current == 0


def test_a_forgotten_timer_records_at_most_a_day_or_can_be_discarded(lodestar, ada):
    now = datetime.now(UTC)
    lodestar.start_timer(ada.id, now=now - timedelta(days=3))
    assert lodestar.stop_timer(ada.id, now=now).minutes == 24 * 60
    lodestar.start_timer(ada.id, now=now - timedelta(hours=30))
    assert lodestar.discard_timer(ada.id) is not None
    assert len(lodestar.study_sessions(ada.id)) == 1


def test_the_timer_refuses_an_unknown_topic(lodestar, ada):
    with pytest.raises(NotFoundError):
        lodestar.start_timer(ada.id, "nope")
    assert lodestar.running_timer(ada.id) is None


# --- the overview ----------------------------------------------------------------------------


def test_overview_has_a_year_of_days_the_weeks_and_the_skills_of_the_role(synced, clock):
    clock.move_to(datetime.combine(today(), time(18), LONDON))  # today's 10:00 session is past
    start = today() - timedelta(days=120)
    profile = synced.create_profile("Ada", target_role="engineer", hours_per_week=6, start_date=start)
    done = synced.topics()[0]
    synced.set_topic_state(profile.id, done.slug, TopicStatus.DONE)
    for back in (0, 1, 2, 5):
        synced.log_study(profile.id, 60, topic=done.slug, started=at(today() - timedelta(days=back), 10))
    overview = synced.progress_overview(profile.id)
    assert len(overview.days) == 365 and overview.days[-1].day == today()
    assert (overview.streak.current, overview.streak.longest) == (3, 3)
    assert overview.weeks[-1].week_start <= today() < overview.weeks[-1].week_start + timedelta(days=7)
    assert len(overview.weeks) == 13  # twelve weeks back, and this one
    assert (overview.weeks[-1].week_start - start).days % 7 == 0  # the plan's weeks, not Mondays
    assert overview.weeks[-1].planned > 0  # this week's plan
    in_week = sum(1 for b in (0, 1, 2, 5) if today() - timedelta(days=b) >= overview.weeks[-1].week_start)
    assert overview.weeks[-1].done == pytest.approx(in_week)
    role = {s.skill for s in synced.role("engineer").skills if s.level(profile.role_level)}
    assert {line.skill for line in overview.lines} == role
    raised = {p.skill: p.level for p in overview.skills if p.day == today()}
    assert raised and all(level > 0 for level in raised.values())
    assert overview.month.hours == pytest.approx(sum(1 for b in (0, 1, 2, 5)
                                                     if (today() - timedelta(days=b)).month == today().month))
    assert overview.all_time.hours == pytest.approx(4)
    assert overview.all_time.topics_done == 1


def test_overview_without_a_role_shows_the_skills_topics_raised(synced):
    profile = synced.create_profile("Bo")
    topic = synced.topic(synced.topics()[0].slug)
    synced.set_topic_state(profile.id, topic.slug, TopicStatus.DONE)
    overview = synced.progress_overview(profile.id)
    assert {line.skill for line in overview.lines} == {s.skill for s in topic.skills}
    assert all(line.target is None for line in overview.lines)
    assert all(w.planned == 0 for w in overview.weeks)


def test_last_activity_is_the_latest_lesson_or_lab(synced):
    profile = synced.create_profile("Ada")
    assert synced.last_activity(profile.id) is None
    topic = synced.topics()[1].slug
    synced.log_study(profile.id, 15, topic=topic, started=datetime.now(UTC) - timedelta(hours=2))
    assert synced.last_activity(profile.id) == ("lesson", topic)
    synced.start_lab_run("mlp", {}, profile.id)
    assert synced.last_activity(profile.id) == ("lab", "mlp")
    synced.start_timer(profile.id, topic)
    assert synced.last_activity(profile.id) == ("lesson", topic)


# --- the report ------------------------------------------------------------------------------


def _lab_run(lodestar, profile_id, lab, metrics, reached):
    run = lodestar.start_lab_run(lab, {}, profile_id)
    lodestar.finish_lab_run(run.id, LabRunStatus.FINISHED,
                            summary={"metrics": metrics, "target_reached": reached}, seconds=120)
    return run.id


def test_report_counts_the_month_and_all_time_with_each_labs_best_run(synced):
    profile = synced.create_profile("Ada")
    topics = synced.topics()
    synced.log_study(profile.id, 90, topic=topics[0].slug)
    last_month = today().replace(day=1) - timedelta(days=3)
    synced.log_study(profile.id, 30, started=at(last_month, 12))
    synced.set_topic_state(profile.id, topics[0].slug, TopicStatus.DONE)
    _lab_run(synced, profile.id, "cnn", {"test/accuracy": 0.96}, False)
    best = _lab_run(synced, profile.id, "cnn", {"test/accuracy": 0.981}, True)
    _lab_run(synced, profile.id, "cnn", {"test/accuracy": 0.97}, True)
    lowest = _lab_run(synced, profile.id, "transformer", {"val/loss": 1.6, "val/ratio": 0.4}, True)
    _lab_run(synced, profile.id, "transformer", {"val/loss": 1.9, "val/ratio": 0.5}, False)
    reading = synced.readings()[0]
    synced.set_reading_state(profile.id, reading.slug, status="read")

    month = synced.progress_report(profile.id, "month")
    assert month.title == f"{today():%B %Y}" and month.totals.hours == pytest.approx(1.5)
    assert month.topics == ((topics[0].slug, topics[0].title),)
    labs = {r.lab: r for r in month.labs}
    assert (labs["cnn"].runs, labs["cnn"].best_run, labs["cnn"].target_reached) == (3, best, True)
    assert labs["cnn"].metrics == {"test/accuracy": 0.981}
    assert labs["transformer"].best_run == lowest  # lower loss is better
    assert month.readings == (reading.title,)
    assert (month.totals.labs_finished, month.totals.readings_read) == (2, 1)
    everything = synced.progress_report(profile.id, "all")
    assert everything.totals.hours == pytest.approx(2) and everything.title == "All time"
    assert everything.streak.longest >= 1

    text = synced.report_markdown(month)
    assert f"# Progress report: Ada — {today():%B %Y}" in text
    assert "| Hours studied | 1.5 |" in text and topics[0].title in text and "98.1%" in text
    html = synced.report_html(month)
    assert "<h1>" in html and reading.title.replace("&", "&amp;") in html


def test_report_text_cannot_be_broken_by_a_title(lodestar, ada):
    report = lodestar.progress_report(ada.id, "all")
    from dataclasses import replace

    odd = replace(report, readings=("<b>bold</b> | [link](x)",))
    assert "<b>bold</b>" not in lodestar.report_html(odd)
    assert "\\| \\[link\\](x)" in lodestar.report_markdown(odd)


def test_export_report_writes_markdown_and_refuses_other_files(lodestar, ada, tmp_path):
    lodestar.log_study(ada.id, 30)
    path = lodestar.export_report(ada.id, tmp_path / "report.md", "all")
    assert "Hours studied | 0.5" in path.read_text(encoding="utf-8")
    with pytest.raises(LodestarError, match=r"choose a \.md file"):
        lodestar.export_report(ada.id, tmp_path / "report.pdf")
    with pytest.raises(LodestarError, match="'month' or 'all'"):
        lodestar.progress_report(ada.id, "week")
    with pytest.raises(LodestarError, match="Could not write"):
        lodestar.export_report(ada.id, tmp_path / "missing" / "report.md")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "report.md"]  # no partial file


def test_local_zone_follows_tz_and_falls_back(monkeypatch):
    assert local_zone() == LONDON
    monkeypatch.setenv("TZ", "Not/AZone")
    local_zone.cache_clear()
    assert local_zone().utcoffset(datetime.now()) is not None


def test_the_fast_readings_agree_with_the_progress_functions_over_every_record(lodestar, ada):
    """The overview reads a condensed history and Today's streak the moments alone; both must
    give what the planner.progress functions give from every activity."""
    import random
    from dataclasses import replace

    from planner.core.progress import Activity, ActivityKind
    from planner.db.activity import log_activity
    from planner.progress import daily_totals, month_summary, streak, totals

    rng = random.Random(5)
    now = datetime.now(UTC)
    records = []
    with lodestar._session() as session:
        for _ in range(600):
            when = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 200))
            kind = rng.choice(list(ActivityKind))
            subject = rng.choice(["", "a", "b", "c", "d"])
            minutes = float(rng.randrange(0, 60))
            log_activity(session, ada.id, when, kind.value, minutes, subject)
            records.append(Activity(when, kind, minutes, subject))
    boundary = time(4)
    expected = totals(records, (), LONDON, boundary)
    study = sum(a.minutes for a in records if a.kind is ActivityKind.STUDY)
    overview = lodestar.progress_overview(ada.id)
    assert overview.all_time == replace(expected, hours=pytest.approx(study / 60))
    today_ = today()
    assert list(overview.days) == daily_totals(records, today_ - timedelta(days=364), today_, LONDON,
                                               boundary)
    assert overview.month == month_summary(records, (), today_, LONDON, boundary)
    assert overview.streak == streak(records, today_, LONDON, boundary)
    assert lodestar.streak_now(ada.id) == streak(records, today_, LONDON, boundary)


def test_past_weeks_show_what_the_plan_of_their_time_planned(synced):
    start = today() - timedelta(days=28)
    profile = synced.create_profile("Ada", target_role="engineer", hours_per_week=6, start_date=start)
    then = synced.replan(profile.id, "first plan", today=start).plan  # made when Ada started
    overview = synced.progress_overview(profile.id)
    first = {w.week_start: w.planned for w in overview.weeks}[start]
    assert first == pytest.approx(then.weeks[0].study_hours) and first > 0
    assert len(overview.weeks) == 5  # the four weeks since the start, and this one
