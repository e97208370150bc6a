"""Plans and the requests they were made from as JSON-safe dicts (dates as ISO strings, enums
as their values), so the database can store a plan with its inputs and read both back exactly.

Every dict carries a `version`; reading a dict that is not a stored plan or request raises
`PlanError`.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from datetime import date
from enum import Enum
from typing import Any

from planner.core.errors import PlanError
from planner.core.models import (
    PlanItem,
    PlanItemKind,
    PlanRequest,
    PlanTopic,
    PlanWeek,
    RoleSkill,
    Shortfall,
    SkillGap,
    SkillLevel,
    StudyPlan,
    TopicStatus,
)

VERSION = 1


def plan_to_dict(plan: StudyPlan) -> dict[str, Any]:
    """Return `plan` as a JSON-safe dict that `plan_from_dict` turns back into an equal plan."""
    return {
        "version": VERSION,
        "weeks": [{"index": w.index, "start": w.start.isoformat(), "capacity": w.capacity,
                   "items": [_item_to_dict(i) for i in w.items]} for w in plan.weeks],
        "gap": [{"skill": g.skill, "current": g.current, "target": g.target, "weight": g.weight}
                for g in plan.gap],
        "reasons": dict(plan.reasons),
        "finish": _day(plan.finish),
        "target_date": _day(plan.target_date),
        "shortfall": None if plan.shortfall is None else _shortfall_to_dict(plan.shortfall),
        "beyond": [[skill, level] for skill, level in plan.beyond],
    }


def plan_from_dict(data: dict[str, Any]) -> StudyPlan:
    """Return the plan stored by `plan_to_dict`; raise `PlanError` if `data` is not one."""
    _check_version(data, "plan")
    try:
        return _typed(StudyPlan(
            weeks=tuple(PlanWeek(w["index"], date.fromisoformat(w["start"]), w["capacity"],
                                 tuple(_item_from_dict(i) for i in w["items"])) for w in data["weeks"]),
            gap=tuple(SkillGap(g["skill"], g["current"], g["target"], g["weight"]) for g in data["gap"]),
            reasons=dict(data["reasons"]),
            finish=_from_day(data["finish"]),
            target_date=_from_day(data["target_date"]),
            shortfall=None if data["shortfall"] is None else _shortfall_from_dict(data["shortfall"]),
            beyond=tuple((skill, level) for skill, level in data.get("beyond", ())),
        ))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise PlanError(f"The stored plan cannot be read: {error!r}"[:300]) from error


def request_to_dict(request: PlanRequest) -> dict[str, Any]:
    """Return `request` as a JSON-safe dict that `request_from_dict` turns back into an equal
    request."""
    return {
        "version": VERSION,
        "topics": [{"slug": t.slug, "title": t.title, "hours": t.hours,
                    "prerequisites": list(t.prerequisites),
                    "skills": [[s.skill, s.level] for s in t.skills], "labs": list(t.labs),
                    "sections": list(t.sections), "order": t.order}
                   for t in request.topics],
        "targets": [{"skill": t.skill, "target": t.target, "weight": t.weight, "skill_name": t.skill_name}
                    for t in request.targets],
        "levels": dict(request.levels),
        "states": {slug: state.value for slug, state in request.states.items()},
        "hours_per_week": request.hours_per_week,
        "study_days": list(request.study_days),
        "start": request.start.isoformat(),
        "today": request.today.isoformat(),
        "target_date": _day(request.target_date),
        "review_share": request.review_share,
        "lab_hours": request.lab_hours,
        "spent": dict(request.spent),
        "labs_done": list(request.labs_done),
        "lab_after": {lab: list(after) for lab, after in request.lab_after.items()},
    }


def request_from_dict(data: dict[str, Any]) -> PlanRequest:
    """Return the request stored by `request_to_dict`; raise `PlanError` if `data` is not one."""
    _check_version(data, "plan request")
    try:
        return _typed(PlanRequest(
            topics=tuple(PlanTopic(t["slug"], t["title"], t["hours"], tuple(t["prerequisites"]),
                                   tuple(SkillLevel(skill, level) for skill, level in t["skills"]),
                                   tuple(t["labs"]), tuple(t.get("sections", ())), t.get("order", 0))
                   for t in data["topics"]),
            targets=tuple(RoleSkill(t["skill"], t["target"], t["weight"], t["skill_name"])
                          for t in data["targets"]),
            levels=dict(data["levels"]),
            states={slug: TopicStatus(value) for slug, value in data["states"].items()},
            hours_per_week=data["hours_per_week"],
            study_days=tuple(data["study_days"]),
            start=date.fromisoformat(data["start"]),
            today=date.fromisoformat(data["today"]),
            target_date=_from_day(data["target_date"]),
            review_share=data["review_share"],
            lab_hours=data["lab_hours"],
            spent=dict(data["spent"]),
            labs_done=tuple(data.get("labs_done", ())),
            lab_after={lab: tuple(after) for lab, after in data.get("lab_after", {}).items()},
        ))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise PlanError(f"The stored plan request cannot be read: {error!r}"[:300]) from error


def _typed(record: Any) -> Any:
    """`record` when every field, all the way down, holds what its annotation says (a stored
    plan is read from JSON, where a number may be text or a list may be null); else TypeError."""
    _check(record, type(record), "plan")
    return record


def _check(value: Any, hint: Any, where: str) -> None:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        errors = []
        for option in args:
            try:
                return _check(value, option, where)
            except TypeError as exc:
                errors.append(exc)
        raise errors[0]
    if hint is type(None):
        ok = value is None
    elif hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif origin is tuple:
        if not isinstance(value, tuple):
            raise TypeError(f"{where}: {value!r:.40} is not a list")
        items = args[:1] * len(value) if len(args) == 2 and args[1] is Ellipsis else args
        if len(items) != len(value):
            raise TypeError(f"{where}: {len(value)} values, not {len(items)}")
        for index, (item, item_hint) in enumerate(zip(value, items, strict=True)):
            _check(item, item_hint, f"{where}[{index}]")
        return
    elif origin is dict:
        if not isinstance(value, dict):
            raise TypeError(f"{where}: {value!r:.40} is not an object")
        for key, item in value.items():
            _check(key, args[0], f"{where} key")
            _check(item, args[1], f"{where}[{key!r:.40}]")
        return
    elif dataclasses.is_dataclass(hint):
        if not isinstance(value, hint):
            raise TypeError(f"{where}: {value!r:.40} is not {hint.__name__}")
        hints = typing.get_type_hints(hint)
        for field in dataclasses.fields(hint):
            _check(getattr(value, field.name), hints[field.name], f"{where}.{field.name}")
        return
    elif isinstance(hint, type) and issubclass(hint, Enum | str | date):
        ok = isinstance(value, hint)
    else:
        ok = True
    if not ok:
        raise TypeError(f"{where}: {value!r:.40} is not {getattr(hint, '__name__', hint)}")
    return None


def _check_version(data: Any, what: str) -> None:
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise PlanError(f"This is not a stored {what} this version of Lodestar can read.")


def _item_to_dict(item: PlanItem) -> dict[str, Any]:
    return {"kind": item.kind.value, "title": item.title, "hours": item.hours, "topic": item.topic,
            "lab": item.lab, "part": item.part, "parts": item.parts,
            "first_section": item.first_section, "last_section": item.last_section}


def _item_from_dict(data: dict[str, Any]) -> PlanItem:
    # Plans stored before lessons were split at sections name no sections.
    return PlanItem(PlanItemKind(data["kind"]), data["title"], data["hours"], data["topic"], data["lab"],
                    data["part"], data["parts"], data.get("first_section", 0), data.get("last_section", 0))


def _shortfall_to_dict(shortfall: Shortfall) -> dict[str, Any]:
    pace = shortfall.hours_per_week_needed
    return {"needed_hours": shortfall.needed_hours, "available_hours": shortfall.available_hours,
            # JSON has no infinity: None stands for "no pace meets the date".
            "hours_per_week_needed": None if math.isinf(pace) else pace,
            "droppable": list(shortfall.droppable)}


def _shortfall_from_dict(data: dict[str, Any]) -> Shortfall:
    pace = data["hours_per_week_needed"]
    return Shortfall(data["needed_hours"], data["available_hours"], math.inf if pace is None else pace,
                     tuple(data["droppable"]))


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _from_day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
