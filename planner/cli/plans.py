"""`python -m planner profile create|list|show|edit` and `python -m planner plan`."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from planner.core.errors import LodestarError, PlanError
from planner.core.models import WEEKDAYS, Profile, RoleLevel, StudyPlan
from planner.core.text import hours, plural
from planner.services import Lodestar


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _days(text: str) -> tuple[int, ...]:
    """`mon,wed,fri`, `mon-fri` or `0,2,4` → weekday numbers."""
    names = [d.lower() for d in WEEKDAYS]
    out: set[int] = set()
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        ends = [e.strip() for e in part.split("-")] if "-" in part else [part, part]
        try:
            a, b = (int(e) if e.isdigit() else names.index(e[:3]) for e in ends)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"study days are names like mon,wed,fri or mon-fri, not {text!r}") from None
        out.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    if not out or max(out) > 6:
        raise argparse.ArgumentTypeError(f"no study days in {text!r}")
    return tuple(sorted(out))


def _level(text: str) -> tuple[str, int]:
    skill, sep, level = text.partition("=")
    if not sep or not level.strip().isdigit():
        raise argparse.ArgumentTypeError(f"--skill takes SKILL=LEVEL (0–5), not {text!r}")
    return skill.strip(), int(level)


def _profile_options(parser: argparse.ArgumentParser, creating: bool) -> None:
    parser.add_argument("name", help="the profile's name" if creating else "the profile to change")
    parser.add_argument("--role", required=creating, help="target role id (see `roles`)")
    parser.add_argument("--second-role", help="a second role, counted at half weight ('' for none)")
    parser.add_argument("--pace", choices=["on", "off"],
                        help="plan with your own pace, measured from the time you log (default on)")
    parser.add_argument("--level", choices=[level.value for level in RoleLevel],
                        help="how far into the role the plan aims: entry (a first job; the default "
                             "for a new profile), mid or senior")
    parser.add_argument("--hours", type=float, help="study hours per week (default 5)")
    parser.add_argument("--days", type=_days, help="study days, e.g. mon-fri or mon,wed,sat")
    parser.add_argument("--start", type=_date, help="start date YYYY-MM-DD (default today)")
    parser.add_argument("--target", type=_date, help="target date YYYY-MM-DD (optional)")
    parser.add_argument("--no-target", action="store_true", help="remove the target date")
    parser.add_argument("--review-share", type=float, help="share of each week kept for reviews "
                        "(default 0.15)")
    parser.add_argument("--new-cards", type=int, metavar="N", help="cards never answered that "
                        "reviews introduce a day, 0 to 9999 (default 20)")
    parser.add_argument("--skill", type=_level, action="append", default=[], metavar="SKILL=LEVEL",
                        help="self-assessed level 0–5 of a skill (repeatable; see `profile skills`)")
    if not creating:
        parser.add_argument("--rename", help="a new name")


def add_parsers(sub) -> None:
    profile = sub.add_parser("profile", help="create, list, show or edit learner profiles")
    psub = profile.add_subparsers(dest="action", required=True, metavar="ACTION")
    _profile_options(psub.add_parser("create", help="a new profile (all wizard fields)"), True)
    _profile_options(psub.add_parser("edit", help="change a profile's fields"), False)
    psub.add_parser("list", help="the profiles in this database")
    show = psub.add_parser("show", help="one profile with its skill gap")
    show.add_argument("name")
    psub.add_parser("skills", help="the skills and what each level means")

    plan = sub.add_parser("plan", help="make a profile's week-by-week study plan")
    plan.add_argument("--profile", help="profile name (default: the first profile)")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.add_argument("--ics", type=Path, metavar="FILE", help="also write it as iCalendar")
    plan.add_argument("--markdown", type=Path, metavar="FILE", help="also write it as Markdown")
    plan.add_argument("--today", type=_date, help=argparse.SUPPRESS)  # for tests and demos


def main(lodestar: Lodestar, args: argparse.Namespace) -> int:
    lodestar.sync_content()
    if args.command == "plan":
        return _plan(lodestar, args)
    if args.action == "list":
        for p in lodestar.profiles():
            print(f"{p.name:24} {p.target_role or '(no role)':22} {p.hours_per_week:g} h/week"
                  + (f", target {p.target_date}" if p.target_date else ""))
        return 0
    if args.action == "skills":
        for skill in lodestar.skills():
            print(f"{skill.slug}: {skill.name}")
            for level, meaning in sorted(skill.levels.items()):
                print(f"    {level}  {meaning}")
        return 0
    if args.action == "show":
        return _show(lodestar, lodestar.profile_named(args.name))
    base = (Profile(0, args.name, date.today()) if args.action == "create"
            else lodestar.profile_named(args.name))
    saved = lodestar.save_profile(_draft(base, args), args.__dict__.get("today"))
    print(f"{'Created' if args.action == 'create' else 'Saved'} profile {saved.name!r}.")
    return _show(lodestar, saved)


def _draft(base: Profile, args: argparse.Namespace) -> Profile:
    changes: dict = {}
    for field, value in (("target_role", args.role), ("hours_per_week", args.hours),
                         ("role_level", RoleLevel(args.level) if args.level else None),
                         ("use_pace", {"on": True, "off": False}.get(args.pace or "")),
                         ("study_days", args.days), ("start_date", args.start),
                         ("target_date", args.target), ("review_share", args.review_share),
                         ("new_cards_per_day", args.new_cards),
                         ("name", getattr(args, "rename", None))):
        if value is not None:
            changes[field] = value
    if args.second_role is not None:
        changes["secondary_role"] = args.second_role or None
    if args.no_target:
        changes["target_date"] = None
    if args.skill:
        changes["skills"] = {**base.skills, **dict(args.skill)}
    return replace(base, **changes)


def _show(lodestar: Lodestar, profile: Profile) -> int:
    roles = {r.slug: r.name for r in lodestar.roles()}
    print(f"{profile.name}: {roles.get(profile.target_role or '', 'no role yet')}"
          + (f", {RoleLevel(profile.role_level).short}" if profile.target_role else "")
          + (f" (and {roles.get(profile.secondary_role, profile.secondary_role)})"
             if profile.secondary_role else ""))
    days = ", ".join(WEEKDAYS[d] for d in profile.study_days)
    print(f"  {profile.hours_per_week:g} h a week on {days}; from {profile.start_date}"
          + (f" to {profile.target_date}" if profile.target_date else " (no target date)")
          + f"; {profile.review_share:.0%} kept for reviews, "
          + f"{plural(profile.new_cards_per_day, 'new card')} a day")
    if not profile.target_role:
        return 0
    names = {s.slug: s.name for s in lodestar.skills()}
    print("  Skill gap (current → target, weight):")
    for gap in lodestar.skill_gap(profile.id):
        print(f"    {names.get(gap.skill, gap.skill):34} {gap.current} → {gap.target}  "
              f"×{gap.weight:g}" + ("" if gap.gap else "  ✓"))
    return 0


def _plan(lodestar: Lodestar, args: argparse.Namespace) -> int:
    profile = lodestar.profile_named(args.profile) if args.profile else _only_profile(lodestar)
    try:
        update = lodestar.replan(profile.id, "command line", args.today)
    except PlanError as exc:
        raise LodestarError(f"cannot plan for {profile.name}: {exc}") from exc
    plan = update.plan
    if args.json:
        from planner.plan import plan_to_dict

        data = plan_to_dict(plan)
        for week, shown in zip(plan.weeks, data["weeks"], strict=True):
            # What a reader of the JSON wants beside the stored fields: how full each week is.
            shown["study_hours"] = round(week.study_hours, 4)
            shown["fill"] = round(week.study_hours / week.capacity, 4) if week.capacity else None
        pace = lodestar.pace(profile.id)
        data["pace"] = {"factor": pace.factor, "topics": pace.topics, "by_track": pace.by_track,
                        "used": pace.used}
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        _print_plan(profile, plan)
        print(lodestar.pace(profile.id).sentence())
    for path, kind in ((args.ics, "ics"), (args.markdown, "markdown")):
        if path is not None:
            lodestar.export_plan(profile.id, path, kind)
            if not args.json:
                print(f"Wrote {path}")
    return 0


def _only_profile(lodestar: Lodestar) -> Profile:
    found = lodestar.profiles()
    if not found:
        raise LodestarError("no profile yet: create one with `python -m planner profile create NAME "
                            "--role ROLE`")
    return found[0]


def _print_plan(profile: Profile, plan: StudyPlan) -> None:
    if not plan.weeks:
        print(f"{profile.name} already meets every target of the role: nothing to plan.")
        return
    print(f"Study plan for {profile.name}: {plural(len(plan.topics), 'topic')}, {hours(plan.study_hours)} h, "
          f"finishing {plan.finish:%a %d %b %Y}.")
    if plan.shortfall:
        s = plan.shortfall
        print(f"! The target date {plan.target_date} cannot be met: {hours(s.missing_hours)} h are "
              f"missing. {s.hours_per_week_needed:g} h a week would meet it"
              + (f", or dropping {len(s.droppable)} optional topic(s): {', '.join(s.droppable)}."
                 if s.droppable else "."))
    for week in plan.weeks:
        print(f"\nWeek {week.index + 1} · {week.start:%d %b} – {week.end:%d %b %Y}"
              f"  ({week.study_hours:g} of {week.capacity:g} h)")
        for item in week.items:
            print(f"  {item.kind.label:7} {item.label}  {hours(item.hours)} h")
