"""Typed reading of one YAML record, collecting a `Problem` for each field that is wrong."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from planner.content.yamlsource import LineDict, LineList
from planner.core.errors import Problem
from planner.core.urls import shorten

SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_MISSING = object()
MAX_MESSAGE = 600
MAX_TEXT = 20_000  # characters in one text field; the longest shipped one is ~1,500


class Problems(list[Problem]):
    """The problems found so far in a pack."""

    def add(self, file: str, line: int, message: str) -> None:
        if len(message) > MAX_MESSAGE:  # quoted values are shortened; this is the backstop
            message = message[:MAX_MESSAGE - 1] + "…"
        self.append(Problem(file, line, message))


class Record:
    """One mapping from a content file; each getter reports what is wrong and returns a default."""

    def __init__(self, data: Any, file: str, problems: Problems, what: str, line: int = 0):
        self.file = file
        self.problems = problems
        self.what = what
        self.ok = isinstance(data, dict)
        self.data: LineDict = data if self.ok else LineDict()
        self.line = getattr(data, "line", line) or line
        if not self.ok:
            self.problems.add(file, self.line, f"{what} must be a mapping of fields")

    def line_of(self, key: str) -> int:
        return self.data.line_of(key) if isinstance(self.data, LineDict) else self.line

    def error(self, key: str, message: str) -> None:
        self.problems.add(self.file, self.line_of(key), f"{self.what}: {message}")

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.data or self.data[key] is None:
            if required and self.ok:
                self.problems.add(self.file, self.line, f"{self.what}: missing field '{key}'")
            return _MISSING
        return self.data[key]

    def text(self, key: str, required: bool = True, default: str = "") -> str:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(key, f"'{key}' must be text")
            return default
        value = str(value).strip()
        if len(value) > MAX_TEXT:
            self.error(key, f"'{key}' is {len(value):,} characters long; at most {MAX_TEXT:,}")
            return default
        if required and not value:
            self.error(key, f"'{key}' must not be empty")
        return value

    def slug(self, key: str, required: bool = True) -> str:
        value = self.text(key, required)
        if value and not SLUG.match(value):
            self.error(key, f"'{key}' {shorten(value)} is not a valid id (lower-case letters, "
                            "digits and hyphens, starting with a letter)")
            return ""
        return value

    def number(self, key: str, lo: float, hi: float, *, integer: bool = False,
               required: bool = True, default: float = 0) -> float:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        kind = "a whole number" if integer else "a number"
        if isinstance(value, bool) or not isinstance(value, int | float) or (
            integer and not isinstance(value, int)
        ):
            self.error(key, f"'{key}' must be {kind} from {lo:g} to {hi:g}, not {shorten(value)}")
            return default
        if not lo <= value <= hi:
            self.error(key, f"'{key}' is {shorten(value)}; it must be from {lo:g} to {hi:g}")
            return default
        return value

    def choice(self, key: str, choices: Iterable[str], required: bool = True) -> str:
        choices = list(choices)
        value = self.text(key, required)
        if value and value not in choices:
            self.error(key, f"'{key}' is {shorten(value)}; expected one of {', '.join(choices)}")
            return ""
        return value

    def texts(self, key: str, required: bool = False) -> list[str]:
        value = self._get(key, required)
        if value is _MISSING:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(key, f"'{key}' must be a list")
            return []
        out = []
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, str | int | float) or not str(item).strip():
                line = value.line_of(index) if isinstance(value, LineList) else self.line_of(key)
                self.problems.add(self.file, line, f"{self.what}: '{key}' item {index + 1} "
                                                   "must be non-empty text")
                continue
            out.append(str(item).strip())
        return out

    def slugs(self, key: str, required: bool = False) -> list[tuple[str, int]]:
        """A list of ids, each with its line, for later cross-reference checks."""
        value = self._get(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.error(key, f"'{key}' must be a list of ids")
            return []
        out = []
        for index, item in enumerate(value):
            line = value.line_of(index) if isinstance(value, LineList) else self.line_of(key)
            if not isinstance(item, str) or not SLUG.match(item):
                self.problems.add(self.file, line, f"{self.what}: '{key}' item {shorten(item)} "
                                                   "is not a valid id")
                continue
            out.append((item, line))
        return out

    def mapping(self, key: str, required: bool = False) -> LineDict:
        value = self._get(key, required)
        if value is _MISSING:
            return LineDict()
        if not isinstance(value, dict):
            self.error(key, f"'{key}' must be a mapping")
            return LineDict()
        return value

    def unknown(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for key in self.data:
            if key not in allowed:
                self.problems.add(self.file, self.line_of(key),
                                  f"{self.what}: unknown field {shorten(key)} "
                                  f"(expected: {', '.join(sorted(allowed))})")


class LenientRecord(Record):
    """A record from a file a learner wrote by hand: a list where text is expected is joined
    ('place: [Vienna, Austria]'), dates YAML read as dates are turned back into text, and
    a year written as text is read as a number."""

    def text(self, key: str, required: bool = True, default: str = "") -> str:
        value = self.data.get(key)
        if isinstance(value, list) and value and all(_scalar(v) for v in value):
            return ", ".join(str(v).strip() for v in value if str(v).strip())
        if isinstance(value, datetime):
            return value.isoformat(sep=" ")
        if isinstance(value, date):
            return value.isoformat()
        return super().text(key, required, default)

    def number(self, key: str, lo: float, hi: float, *, integer: bool = False,
               required: bool = True, default: float = 0) -> float:
        value = self.data.get(key)
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal():
            if lo <= int(value) <= hi:
                return int(value)
            self.error(key, f"'{key}' is {value.strip()}; it must be from {lo:g} to {hi:g}")
            return default
        return super().number(key, lo, hi, integer=integer, required=required, default=default)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | date) and not isinstance(value, bool)
