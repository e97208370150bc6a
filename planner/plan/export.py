"""A study plan as a Markdown checklist and as an iCalendar file of study sessions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event

from planner.core.models import PlanItem, PlanItemKind, PlanWeek, StudyPlan

# Month names are spelt out here rather than taken from the locale, so a file reads the same
# wherever it was written.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def plan_markdown(plan: StudyPlan, *, profile_name: str, titles: Mapping[str, str] | None = None) -> str:
    """Return the plan as a Markdown document: a heading, a summary (finish, target date and any
    shortfall), then one section per week, "Week N · 7 Dec – 13 Dec 2026" (N counts from 1 at the
    profile's start), listing its items as checkboxes. `titles` maps topic or lab slugs to the
    names to show; items keep their own titles otherwise."""
    lines = [f"# Study plan for {profile_name}", "", *_summary(plan, titles or {}), ""]
    for week in plan.weeks:
        lines += [f"## Week {week.index + 1} · {_week_span(week)}", ""]
        lines += [f"- [ ] {_label(item, titles or {})} ({hours_text(item.hours)})" for item in week.items]
        if not week.items:
            lines.append("Nothing fits in what is left of this week.")
        lines.append("")
    return "\n".join(lines)


def plan_ics(
    plan: StudyPlan,
    *,
    study_days: Iterable[int],
    hours_per_week: float,
    profile_name: str,
    start_time: time = time(18, 0),
    titles: Mapping[str, str] | None = None,
    stamp: datetime | None = None,
) -> bytes:
    """Return the plan as iCalendar bytes: one event per study day that has work, starting at
    `start_time` (floating local time) and lasting that day's hours.

    Each week's items, reviews included, are spread over the week's study days in order, about
    `hours_per_week / len(study_days)` hours a day, an item running on to the next day when the
    day is full; in the first week only as many of the last study days as its pro-rated hours
    pay for are used. Durations are whole minutes that add up to the plan's hours. UIDs are
    stable (week and day), so importing a newer plan updates the events. `stamp` (DTSTAMP)
    defaults to now."""
    days = sorted(set(study_days))
    per_day = hours_per_week / len(days)
    stamp = stamp or datetime.now(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", "-//Lodestar//Study plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Lodestar study plan: {profile_name}")
    elapsed = 0.0  # hours so far; minutes are rounded on the running total so they add up
    for week in plan.weeks:
        for day, pieces in _sessions(week, days, per_day).items():
            hours = sum(piece for _, piece in pieces)
            minutes = round((elapsed + hours) * 60) - round(elapsed * 60)
            elapsed += hours
            begin = datetime.combine(day, start_time)
            event = Event()
            event.add("uid", f"lodestar-{week.index}-{day:%Y%m%d}@lodestar")
            event.add("dtstamp", stamp)
            event.add("dtstart", begin)
            event.add("dtend", begin + timedelta(minutes=minutes))
            _describe(event, pieces, f"Week {week.index + 1} of the study plan for {profile_name}.",
                      titles or {})
            calendar.add_component(event)
    return calendar.to_ical()


def _describe(event: Event, pieces: list[tuple[PlanItem, float]], heading: str,
              titles: Mapping[str, str]) -> None:
    event.add("summary", "Study: " + "; ".join(_label(item, titles) for item, _ in pieces))
    lines = [heading] + [f"{_label(item, titles)}: {hours_text(hours)}" for item, hours in pieces]
    event.add("description", "\n".join(lines))


def _sessions(week: PlanWeek, days: list[int], per_day: float) -> dict[date, list[tuple[PlanItem, float]]]:
    """Day -> [(item, hours that day)] for the week's study days with work."""
    week_hours = sum(item.hours for item in week.items)
    week_days = [d for d in (week.start + timedelta(days=n) for n in range(7)) if d.weekday() in days]
    # A week's study and review hours are both pro-rated by its study days left, so together
    # they tell how many of its last study days the week has.
    count = min(len(days), max(1, round((week.capacity + _review_hours(week)) / per_day)))
    free = week_days[len(week_days) - count:]
    sessions: dict[date, list[tuple[PlanItem, float]]] = {}
    filled, queue = 0.0, [[item, item.hours] for item in week.items]
    for number, day in enumerate(free):
        room = per_day if number < len(free) - 1 else week_hours - filled  # the last day takes the rest
        pieces = []
        while queue and room > 1e-9:
            take = min(room, queue[0][1])
            pieces.append((queue[0][0], take))
            queue[0][1] -= take
            room -= take
            if queue[0][1] <= 1e-9:
                queue.pop(0)
        if pieces:
            filled += sum(hours for _, hours in pieces)
            sessions[day] = pieces
    return sessions


def _review_hours(week: PlanWeek) -> float:
    return sum(i.hours for i in week.items if i.kind is PlanItemKind.REVIEW)


def _summary(plan: StudyPlan, titles: Mapping[str, str]) -> list[str]:
    if not plan.weeks:
        if all(g.gap == 0 for g in plan.gap):
            return ["Nothing to plan: you already meet every target of your role."]
        return ["Nothing left to plan: the topics that would close the gap are done or skipped."]
    topics = plan.topics
    lines = [f"{len(topics)} topic{'s' if len(topics) != 1 else ''}, {hours_text(plan.study_hours)} of "
             f"study, finishing on {day_text(plan.finish)}." if plan.finish else ""]
    if plan.target_date is not None:
        lines.append(f"Target date: {day_text(plan.target_date)}.")
    shortfall = plan.shortfall
    if shortfall is not None:
        lines.append(f"The plan needs {hours_text(shortfall.needed_hours)} of study, but only "
                     f"{hours_text(shortfall.available_hours)} fit before the target date.")
        if shortfall.hours_per_week_needed != float("inf"):
            lines.append(f"To meet it, study {hours_text(shortfall.hours_per_week_needed)} a week.")
        if shortfall.droppable:
            names = {item.topic: item.title for week in plan.weeks for item in week.items
                     if item.kind is PlanItemKind.LESSON and item.topic}
            dropped = ", ".join(titles.get(s) or names.get(s, s) for s in shortfall.droppable)
            lines.append(f"Or skip these topics: {dropped}.")
    elif plan.target_date is not None:
        lines.append("The plan ends by the target date.")
    return [" ".join(line for line in lines if line)]


def _label(item: PlanItem, titles: Mapping[str, str]) -> str:
    if item.kind is PlanItemKind.REVIEW:
        return "Review"
    key = item.lab if item.kind is PlanItemKind.LAB else item.topic
    name = titles.get(key or "", item.title)
    return f"{item.kind.label}: {item.label.replace(item.title, name, 1)}"


def _week_span(week: PlanWeek) -> str:
    first, last = week.start, week.end
    opening = f"{first.day} {MONTHS[first.month - 1]}" + (f" {first.year}" if first.year != last.year else "")
    return f"{opening} – {day_text(last)}"


def day_text(day: date) -> str:
    """A date as "7 Dec 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def hours_text(hours: float) -> str:
    """Hours as "2.5 h", at most two decimals."""
    return f"{round(hours, 2):g} h"
