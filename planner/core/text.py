"""Small wording helpers shared by both front ends."""

from __future__ import annotations


def plural(count: float, word: str, many: str | None = None) -> str:
    """ "1 day", "2 days", "0 days"; `many` for irregular plurals ("1 study day" → "study days"
    is regular; "1 query", "2 queries" is not)."""
    number = f"{count:g}" if isinstance(count, float) else str(count)
    return f"{number} {word if count == 1 else many or word + 's'}"


def hours(value: float) -> str:
    """Hours as a learner reads them: at most one decimal, none when whole ("4.8", "5")."""
    return f"{round(value, 1):g}"
