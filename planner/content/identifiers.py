"""Checks for the identifiers a reading carries: arXiv ids, DOIs and ISBNs."""

from __future__ import annotations

import re

from planner.core.urls import shorten

_ARXIV_NEW = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$")  # 1706.03762, 0704.0001 (4 digits before 2015)
_ARXIV_OLD = re.compile(r"^[a-z][a-z\-]*(\.[A-Z]{2})?/\d{7}(v\d+)?$")  # cs.LG/0601001, hep-th/9901001
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def arxiv_problem(value: str) -> str | None:
    if _ARXIV_OLD.match(value):
        return None
    if not _ARXIV_NEW.match(value):
        return f"arXiv id {shorten(value)} is malformed (expected e.g. 1706.03762 or cs.LG/0601001)"
    month = int(value[2:4])
    if not 1 <= month <= 12:
        return f"arXiv id {shorten(value)} has month {month:02d}, which does not exist"
    digits = len(value.split(".")[1].split("v")[0])
    if value[:4] >= "1501" and digits != 5:
        return f"arXiv id {shorten(value)}: ids from 2015 on have five digits after the dot"
    if value[:4] < "1501" and digits != 4:
        return f"arXiv id {shorten(value)}: ids before 2015 have four digits after the dot"
    return None


def doi_problem(value: str) -> str | None:
    if not _DOI.match(value):
        return f"DOI {shorten(value)} is malformed (expected 10.<registrant>/<suffix>, without https://doi.org/)"
    return None


def isbn_problem(value: str) -> str | None:
    digits = value.replace("-", "").replace(" ", "").upper()
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum((10 - i) * int(c) for i, c in enumerate(digits[:9]))
        total += 10 if digits[9] == "X" else int(digits[9])
        return None if total % 11 == 0 else f"ISBN {shorten(value)} has a wrong check digit"
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits[:12]))
        check = (10 - total % 10) % 10
        return None if check == int(digits[12]) else f"ISBN {shorten(value)} has a wrong check digit"
    return f"ISBN {shorten(value)} is malformed (expected 10 or 13 digits)"
