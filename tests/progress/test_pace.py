"""The learner's pace from finished topics: log-scale mean, clipped, shrunk toward 1.0."""

from __future__ import annotations

import math

import pytest

from planner.core.progress import PaceSample
from planner.progress.pace import CLIP, PRIOR_TOPICS, TRACK_TOPICS, estimate_pace


def sample(topic: str, estimated: float, logged: float, track: str = "basics") -> PaceSample:
    return PaceSample(topic, track, estimated, logged)


def test_no_finished_topic_means_the_estimates_stand():
    pace = estimate_pace([])
    assert (pace.factor, pace.topics, pace.by_track) == (1.0, 0, {})
    assert "not measured yet" in pace.sentence()


def test_one_slow_topic_moves_the_pace_only_a_little():
    pace = estimate_pace([sample("a", 4, 8)])
    assert pace.factor == pytest.approx(2 ** (1 / (1 + PRIOR_TOPICS)), abs=1e-3)
    assert pace.topics == 1


def test_many_slow_topics_move_it_most_of_the_way():
    pace = estimate_pace([sample(f"t{i}", 4, 8) for i in range(9)])
    assert pace.factor == pytest.approx(2 ** (9 / 12), abs=1e-3)
    assert "about 1.7× the estimated time, from 9 finished topics (used in the plan)" in pace.sentence()


def test_fast_and_slow_cancel_on_a_log_scale():
    pace = estimate_pace([sample("a", 4, 8), sample("b", 4, 2)])
    assert pace.factor == pytest.approx(1.0)
    assert "about the estimated time" in pace.sentence()


def test_a_forgotten_timer_is_clipped_and_untimed_topics_say_nothing():
    runaway = estimate_pace([sample("a", 1, 20)])
    assert runaway.factor == pytest.approx(math.exp(math.log(CLIP) / (1 + PRIOR_TOPICS)), abs=1e-3)
    untimed = estimate_pace([sample("a", 4, 0), sample("b", 4, 0.05)])
    assert (untimed.factor, untimed.topics) == (1.0, 0)


def test_a_track_with_enough_topics_gets_its_own_pace_shrunk_to_the_overall_one():
    slow_maths = [sample(f"m{i}", 2, 4, "maths") for i in range(TRACK_TOPICS)]
    quick_product = [sample(f"p{i}", 2, 2, "product") for i in range(TRACK_TOPICS - 1)]
    pace = estimate_pace(slow_maths + quick_product)
    assert set(pace.by_track) == {"maths"}
    assert pace.factor < pace.by_track["maths"] < 2
    assert pace.for_track("product") == pace.factor and pace.for_track("nowhere") == pace.factor


def test_a_pace_that_is_not_used_says_so():
    assert "not used" in estimate_pace([sample("a", 4, 8)], used=False).sentence()
