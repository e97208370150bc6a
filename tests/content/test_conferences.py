"""The ccfddl conference format: time zones, unannounced deadlines, and errors with lines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from planner.content import load_pack
from planner.content.conferences import parse_timezone
from planner.core.errors import ContentError
from planner.core.models import DeadlineKind
from tests.conftest import SHIPPED

SERIES = """\
- title: ICLR
  description: International Conference on Learning Representations
  sub: AI
  rank:
    ccf: A
    core: A*
    thcpl: A
  dblp: iclr
  confs:
    - year: 2026
      id: iclr26
      link: https://iclr.cc/Conferences/2026
      timeline:
        - abstract_deadline: '2025-09-19 23:59:59'
          deadline: '2025-09-24 23:59:59'
      timezone: {tz}
      date: May 01-05, 2026
      place: Brazil
    - year: 2027
      id: iclr27
      link: https://iclr.cc/Conferences/2027
      timeline:
        - deadline: 'TBD'
      timezone: UTC+8
      date: TBA
      place: TBA
"""


@pytest.mark.parametrize(("name", "hours"), [("AoE", -12), ("UTC-12", -12), ("UTC", 0),
                                             ("UTC+0", 0), ("UTC+8", 8), ("UTC-7", -7)])
def test_time_zones(name, hours):
    assert parse_timezone(name).utcoffset(None).total_seconds() == hours * 3600


def test_unknown_time_zone():
    assert parse_timezone("PST") is None
    assert parse_timezone("UTC+15") is None


def test_deadlines_convert_to_utc(pack):
    pack.write("conferences/AI/iclr.yml", SERIES.format(tz="AoE"), dedent=False)
    [iclr] = load_pack(pack.root).conferences
    assert (iclr.slug, iclr.ccf_rank, iclr.core_rank, iclr.field) == ("iclr", "A", "A*", "AI")
    e26, e27 = iclr.editions
    abstract, paper = e26.deadlines
    assert abstract.kind is DeadlineKind.ABSTRACT
    # 23:59:59 anywhere on earth is 11:59:59 UTC the next day.
    assert abstract.due == datetime(2025, 9, 20, 11, 59, 59, tzinfo=UTC)
    assert paper.due == datetime(2025, 9, 25, 11, 59, 59, tzinfo=UTC)
    assert e27.deadlines[0].due is None  # TBD is kept as not yet announced


def test_bad_time_zone_and_date_are_reported_with_lines(pack):
    text = SERIES.format(tz="Mars").replace("'2025-09-24 23:59:59'", "'24 Sept 2025'")
    pack.write("conferences/AI/iclr.yml", text, dedent=False)
    with pytest.raises(ContentError) as info:
        load_pack(pack.root)
    found = [str(p) for p in info.value.problems]
    assert any(p.startswith("conferences/AI/iclr.yml:16:") and "unknown time zone 'Mars'" in p
               for p in found)
    assert any(p.startswith("conferences/AI/iclr.yml:15:") and "'24 Sept 2025' is not a date" in p
               for p in found)


def test_shipped_conferences_have_ranks_and_deadlines():
    conferences = load_pack(SHIPPED).conferences
    assert len(conferences) >= 40
    neurips = next(c for c in conferences if c.dblp == "nips")
    assert neurips.ccf_rank == "A"
    assert all(d.due is None or d.due.tzinfo is UTC for c in conferences for e in c.editions
               for d in e.deadlines)


def test_an_edition_that_is_not_a_mapping_is_reported_not_a_crash(pack):
    # A record made for a non-mapping once had no key lines, and the first error on it raised.
    text = SERIES.format(tz="AoE") + "    - just a note\n"
    pack.write("conferences/AI/iclr.yml", text, dedent=False)
    with pytest.raises(ContentError) as info:
        load_pack(pack.root)
    line = text.count("\n")
    assert any(str(p).startswith(f"conferences/AI/iclr.yml:{line}: ICLR edition 3 must be a mapping")
               for p in info.value.problems)
