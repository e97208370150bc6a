"""Recording lab runs: metrics in batches, the end state, and runs cut off by a crash."""

from __future__ import annotations

import numpy as np
import pytest

from planner.core.errors import NotFoundError
from planner.core.events import Checkpoint, Failed, Finished, Metric, Started
from planner.core.models import LabRunStatus
from planner.services import Lodestar
from planner.services.labs import RunRecorder


def test_recorder_writes_metrics_in_batches_and_finishes(lodestar, monkeypatch):
    run = lodestar.start_lab_run("cnn", {"epochs": 1}, lodestar.default_profile().id)
    writes = []
    original = lodestar.add_lab_metrics

    def counting(run_id, points):
        writes.append(len(points))
        return original(run_id, points)

    monkeypatch.setattr(lodestar, "add_lab_metrics", counting)
    recorder = RunRecorder(lodestar, run, write_interval=3600)
    recorder.handle([Started("cnn", "cpu (1 threads)", 10, {})])
    for step in range(1, 501):
        recorder.handle([Metric(step, 1, "train/loss", 1.0 / step)])
    assert writes == []  # nothing written before the interval or the end
    recorder.handle([Checkpoint("/tmp/x.pt", 500), Finished({"stopped": False, "seconds": 2.5})])
    assert writes == [500]
    stored = lodestar.lab_run(run.id)
    assert stored.status is LabRunStatus.FINISHED and stored.device == "cpu (1 threads)"
    assert stored.checkpoint == "/tmp/x.pt" and stored.seconds == 2.5
    curve = lodestar.lab_run_metrics(run.id)["train/loss"]
    assert [p.step for p in curve] == list(range(1, 501)) and curve[1].value == 0.5


def test_stopped_and_failed_runs_are_marked(lodestar):
    stopped = lodestar.start_lab_run("vae", {})
    RunRecorder(lodestar, stopped).handle([Finished({"stopped": True, "seconds": 1.0})])
    failed = lodestar.start_lab_run("gan", {})
    RunRecorder(lodestar, failed).handle([Metric(3, 1, "generator/loss", 0.7),
                                          Failed("the loss became nan at step 4", "", 4)])
    runs = {r.id: r for r in lodestar.lab_runs()}
    assert runs[stopped.id].status is LabRunStatus.STOPPED
    assert runs[failed.id].status is LabRunStatus.FAILED
    assert runs[failed.id].error == "the loss became nan at step 4"
    assert lodestar.lab_run_metrics(failed.id)["generator/loss"][0].value == 0.7  # kept
    assert [r.lab for r in lodestar.lab_runs(lab="vae")] == ["vae"]


def test_run_left_running_by_a_crash_is_marked_failed_on_next_open(location):
    with Lodestar.open(location) as first:
        run = first.start_lab_run("cnn", {})
        first.add_lab_metrics(run.id, [(1, 1, "train/loss", 2.0), (2, 1, "train/loss", 1.0)])
    with Lodestar.open(location) as second:
        stored = second.lab_run(run.id)
        assert _packed(second, run.id) == {"train/loss": 2}
        assert second.lab_run_series(run.id)["train/loss"][1].tolist() == [2.0, 1.0]
    assert stored.status is LabRunStatus.FAILED
    assert stored.error.startswith("interrupted")


def _assert_series_match_points(lodestar, run_id):
    series = lodestar.lab_run_series(run_id)
    curves = lodestar.lab_run_metrics(run_id)
    assert list(series) == sorted(curves) == ["test/accuracy", "test/loss", "train/loss"]
    for name, (steps, values) in series.items():
        assert steps.dtype == values.dtype == np.float64 and steps.flags.c_contiguous
        assert steps.flags.writeable and values.flags.writeable
        assert steps.tolist() == [p.step for p in curves[name]]
        assert values.tolist() == [p.value for p in curves[name]]
    assert series["train/loss"][0][:3].tolist() == [1.0, 2.0, 3.0]


def _packed(lodestar, run_id):
    from planner.db.models import LabCurveRow

    with lodestar._session() as session:
        return {row.name: row.points for row in session.query(LabCurveRow).filter_by(run_id=run_id)}


@pytest.mark.parametrize("status", [LabRunStatus.FINISHED, LabRunStatus.STOPPED, LabRunStatus.FAILED])
def test_run_series_as_arrays_match_the_points_while_running_and_once_packed(lodestar, status):
    run = lodestar.start_lab_run("cnn", {})
    points = [(s, 1 + s // 50, "train/loss", 1.0 / s) for s in range(200, 0, -1)]  # written out of order
    points += [(s, 1 + s // 50, "test/accuracy", s / 200) for s in (50, 100, 150, 200)]
    points += [(s, 1 + s // 50, "test/loss", 2 - s / 200) for s in (200, 100)]
    points.append((2**40 + 1, 9, "train/loss", 0.1 + 0.2))  # a step past 32 bits, an inexact value
    lodestar.add_lab_metrics(run.id, points)
    _assert_series_match_points(lodestar, run.id)  # from the rows
    assert _packed(lodestar, run.id) == {}
    lodestar.finish_lab_run(run.id, status)
    assert _packed(lodestar, run.id) == {"test/accuracy": 4, "test/loss": 2, "train/loss": 201}
    _assert_series_match_points(lodestar, run.id)  # from the packed curves
    # A point written after the end outdates the packing: the rows are read again.
    lodestar.add_lab_metrics(run.id, [(1000, 9, "test/loss", 7.5)])
    assert _packed(lodestar, run.id) == {}
    assert lodestar.lab_run_series(run.id)["test/loss"][1].tolist() == [1.5, 1.0, 7.5]
    lodestar.delete_lab_run(run.id)
    assert _packed(lodestar, run.id) == {}
    assert lodestar.lab_run_series(lodestar.start_lab_run("vae", {}).id) == {}
    with pytest.raises(NotFoundError):
        lodestar.lab_run_series(run.id + 100)


def test_standings_are_the_profiles_own_newest_run_best_results_and_completion(lodestar):
    ada = lodestar.default_profile().id
    grace = lodestar.create_profile("Grace").id
    first = lodestar.start_lab_run("cnn", {}, ada)
    lodestar.finish_lab_run(first.id, LabRunStatus.FINISHED,
                            summary={"metrics": {"test/accuracy": 0.95}, "target_reached": False})
    good = lodestar.start_lab_run("cnn", {}, ada)
    lodestar.finish_lab_run(good.id, LabRunStatus.FINISHED,
                            summary={"metrics": {"test/accuracy": 0.98}, "target_reached": True})
    failed = lodestar.start_lab_run("cnn", {}, ada)
    lodestar.finish_lab_run(failed.id, LabRunStatus.FAILED, error="nan")
    others = lodestar.start_lab_run("cnn", {}, grace)
    lodestar.finish_lab_run(others.id, LabRunStatus.FINISHED,
                            summary={"metrics": {"test/accuracy": 0.99}, "target_reached": True})

    mine = lodestar.lab_standings(ada)
    assert set(mine) == {"mlp-from-scratch", "cnn", "rnn-lstm-gru", "attention", "transformer", "gan",
                         "vae", "optimisers", "compression", "vit", "bpe-tokeniser", "lora", "diffusion"}
    cnn = mine["cnn"]
    assert cnn.last.id == failed.id
    assert [(b.run.id, b.value) for b in cnn.best] == [(good.id, 0.98)]  # not Grace's 0.99
    assert cnn.done_at is not None
    assert mine["vae"].last is None and mine["vae"].best == () and mine["vae"].done_at is None
    theirs = lodestar.lab_standings(grace)["cnn"]
    assert theirs.last.id == others.id and theirs.best[0].value == 0.99


def test_a_run_stopped_after_reaching_its_target_completes_the_lab_and_counts_as_activity(lodestar):
    ada = lodestar.default_profile().id
    early = lodestar.start_lab_run("cnn", {}, ada)
    lodestar.finish_lab_run(early.id, LabRunStatus.STOPPED, summary={"target_reached": True},
                            seconds=300.0)
    assert lodestar.lab_run(early.id).completes_lab
    assert "cnn" in lodestar.labs_done(ada)
    assert lodestar.lab_standings(ada)["cnn"].done_at is not None
    from planner.db.models import ActivityRow

    with lodestar._session() as session:
        logged = [(a.kind, a.minutes, a.subject) for a in session.query(ActivityRow)]
    assert logged == [("lab", 5.0, "cnn")]
