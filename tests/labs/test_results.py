"""Best results: how a lab's runs are ranked for the Labs page (pure; no torch)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from planner.core.models import LabRun, LabRunStatus
from planner.labs import Headline, lab_info

START = datetime(2026, 11, 1, 9, tzinfo=UTC)


def run(id_: int, lab: str, metrics: dict, status=LabRunStatus.FINISHED, day: int | None = None) -> LabRun:
    return LabRun(id_, lab, status, {}, "cpu", START + timedelta(days=id_ if day is None else day),
                  summary={"metrics": metrics})


def test_best_of_several_runs_and_what_does_not_count():
    cnn = lab_info("cnn")
    runs = [run(1, "cnn", {"test/accuracy": 0.95}),
            run(2, "cnn", {"test/accuracy": 0.99}, LabRunStatus.FAILED),   # a failed run's numbers
            run(3, "cnn", {"test/accuracy": float("nan")}),               # not a number
            run(4, "cnn", {"test/accuracy": 0.97}, LabRunStatus.STOPPED),  # stopped: a result
            run(5, "mlp-from-scratch", {"test/accuracy": 1.0}),           # another lab
            run(6, "cnn", {"test/accuracy": 0.97})]                       # a tie: the earlier wins
    [best] = cnn.best(runs)
    assert (best.value, best.run.id) == (0.97, 4)
    assert best.describe() == "97.0% test accuracy"
    assert cnn.best([]) == [] and cnn.best(runs[1:3]) == []


def test_lower_is_better_and_several_tasks():
    recurrent = lab_info("rnn-lstm-gru")
    runs = [run(1, "rnn-lstm-gru", {"rnn/test/accuracy": 0.99, "lstm/test/accuracy": 0.96,
                                    "gru/test/accuracy": 0.98}),
            run(2, "rnn-lstm-gru", {"lstm/test/accuracy": 0.97, "gru/test/accuracy": 0.97}),
            run(3, "rnn-lstm-gru", {"lstm/test/mse": 0.004, "gru/test/mse": 0.02}),
            run(4, "rnn-lstm-gru", {"lstm/test/mse": 0.009, "gru/test/mse": 0.008})]
    digits, adding = recurrent.best(runs)
    # Both cells must be good, as the target asks: a run counts by its weaker cell.
    assert (digits.value, digits.run.id) == (0.97, 2)
    assert (adding.value, adding.run.id) == (0.009, 4)
    assert adding.describe() == "0.009 adding-problem MSE (LSTM and GRU)"


def test_combining_by_the_best_of_several():
    optimisers = lab_info("optimisers")
    [best] = optimisers.best([run(1, "optimisers", {"sgd/test/accuracy": 0.8, "momentum/test/accuracy": 0.9,
                                                    "adam/test/accuracy": 0.95})])
    assert best.value == 0.95


def test_headline_value_needs_every_metric():
    headline = Headline(("a", "b"), "x")
    assert headline.value({"a": 1.0}) is None
    assert headline.value({"a": 1.0, "b": "2"}) is None
    assert headline.value({"a": 1.0, "b": 2.0}) == 1.0
    assert Headline(("a", "b"), "x", higher_is_better=False).value({"a": 1.0, "b": 2.0}) == 2.0


def test_every_lab_but_the_survey_has_a_headline():
    from planner.labs import LABS

    assert [lab.slug for lab in LABS if not lab.headlines] == ["compression"]
