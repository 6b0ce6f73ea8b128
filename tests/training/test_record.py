"""The one reducer: a RunRecord folded from fixed event streams."""

from __future__ import annotations

import pytest
from event_streams import (
    diverged_run_events,
    early_stopped_run_events,
    finished_run_events,
    interrupted_run_events,
    live_run_events,
    playground_run_events,
)

from nntui.nn.monitoring import higher_is_better
from nntui.training.events import RunFailed, RunFinished, RunPaused, RunResumed, RunStarted
from nntui.training.record import Best, Phase, RunRecord, fold


def test_a_new_record_is_starting_and_knows_nothing() -> None:
    record = RunRecord(3)
    assert record.number == 3
    assert record.phase is Phase.STARTING and record.phase.is_live
    assert record.epochs_done == 0 and record.eta_s is None and record.status is None
    assert record.history == {} and record.best.epoch is None


def test_run_started_makes_the_record_running_with_empty_history_keys() -> None:
    started = live_run_events(done=0)[0]
    record = RunRecord().apply(started)
    assert isinstance(started, RunStarted)
    assert record.phase is Phase.RUNNING
    assert record.task == "classification" and record.metric == "accuracy"
    assert record.config is started.config
    assert list(record.history) == ["loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"]
    assert all(values == [] for values in record.history.values())
    assert list(record.layer_history) == ["dense_1", "dense_2", "dense_3"]


def test_a_completed_run_folds_to_its_history_best_and_results() -> None:
    events = finished_run_events(epochs=30)
    record = fold(events)
    assert record.phase is Phase.COMPLETED and record.phase.is_final and record.phase.succeeded
    assert record.status == "completed"
    assert record.epochs_done == 30 == record.epochs
    assert all(len(values) == 30 for values in record.history.values())
    assert all(len(values) == 30 for values in record.layer_history.values())
    # val_loss falls every epoch: the best is the last one.
    assert record.best == Best("val_loss", epoch=30, value=record.final_metric("val_loss"))
    final = events[-1]
    assert isinstance(final, RunFinished)
    assert record.results is final.results
    assert record.stop_message == final.stop_message
    assert record.test_metric("accuracy") == final.results["test"]["accuracy"]
    assert record.eta_s is None  # over


def test_a_regression_run_records_r2() -> None:
    record = fold(finished_run_events(task="regression", epochs=10))
    assert record.metric == "r2"
    assert {"r2", "val_r2"} <= set(record.history)
    assert "accuracy" not in record.history
    assert record.best_of("val_r2").epoch == 10


def best_by_rescanning(record: RunRecord, key: str) -> Best:
    best = Best(key)
    for epoch, value in enumerate(record.history[key], start=1):
        best = best.update(epoch, value)
    return best


def test_best_of_follows_new_epochs_and_starts_again_for_a_new_run() -> None:
    # best_of is asked on every redraw; it weighs each epoch once, and a new run's
    # history (or a rising val_loss after its best) must not keep a stale answer.
    events = early_stopped_run_events()
    record = RunRecord()
    for event in events:
        record.apply(event)
        if record.history:
            for key in ("loss", "val_loss", "val_accuracy"):
                assert record.best_of(key) == best_by_rescanning(record, key)
    assert record.best_of("val_loss").epoch < record.epochs_done  # it rose after its best
    record.apply(finished_run_events(epochs=3)[0])  # the next run starts
    assert record.best_of("val_loss") == Best("val_loss")
    for event in finished_run_events(epochs=3)[1:]:
        record.apply(event)
    assert record.best_of("val_loss") == best_by_rescanning(record, "val_loss")
    assert record.best_of("val_loss").epoch == 3


def test_pause_and_resume_move_the_phase_and_back() -> None:
    events = live_run_events(done=4, paused=True)
    record = fold(events)
    assert record.phase is Phase.PAUSED and record.paused_at == 4
    assert record.eta_s == pytest.approx((30 - 4) * record.elapsed_s / 4)
    record.apply(RunResumed(epoch=4))
    assert record.phase is Phase.RUNNING and record.paused_at is None


def test_a_pause_before_run_started_is_kept_when_the_run_starts() -> None:
    started = live_run_events(done=0)[0]
    record = RunRecord().apply(RunPaused(epoch=0)).apply(started)
    assert record.phase is Phase.PAUSED


def test_mark_stopping_only_touches_a_live_run() -> None:
    record = fold(live_run_events(done=2))
    record.mark_stopping()
    assert record.phase is Phase.STOPPING
    record.apply(RunResumed(epoch=2))  # a late resume does not revive a stopping run
    assert record.phase is Phase.STOPPING
    finished = fold(finished_run_events(epochs=3))
    finished.mark_stopping()
    assert finished.phase is Phase.COMPLETED


def test_early_stopping_tracks_the_configured_monitor() -> None:
    record = fold(early_stopped_run_events(epochs=30, best_epoch=12))
    assert record.phase is Phase.EARLY_STOPPED and record.phase.label == "early stopped"
    assert record.best.monitor == "val_loss"
    assert record.best.epoch == 12
    assert record.epochs_done == 17
    assert record.results is not None
    assert record.results["best"] == {
        "monitor": "val_loss",
        "epoch": 12,
        "value": record.best.value,
    }
    assert "best epoch 12 restored" in (record.stop_message or "")


def test_an_interrupted_run_reads_stopped() -> None:
    record = fold(interrupted_run_events(epochs=30, done=7))
    assert record.phase is Phase.INTERRUPTED and record.phase.label == "stopped"
    assert not record.phase.succeeded
    assert record.stop_message == "stopped on request after epoch 7 of 30"


def test_a_diverged_run_keeps_the_epochs_before_it_and_the_reason() -> None:
    events = diverged_run_events(epochs=30, diverged_at=5)
    record = fold(events)
    failed = events[-1]
    assert isinstance(failed, RunFailed)
    assert record.phase is Phase.DIVERGED and record.status == "diverged"
    assert record.reason == failed.reason and "diverged at epoch 5" in failed.reason
    assert record.epochs_done == 4 and len(record.history["loss"]) == 4
    assert record.results is not None and record.results["test"] is None
    assert record.test_metric("loss") is None


def test_a_playground_run_has_two_inputs_and_an_extent() -> None:
    record = fold(playground_run_events("spiral", epochs=5))
    assert record.started is not None
    assert record.started.data.n_features == 2
    assert record.started.data.input_extent == (-1.0, 1.0)
    assert record.phase is Phase.COMPLETED


def test_best_honours_min_delta_and_direction() -> None:
    best = Best("val_loss", min_delta=0.1).update(1, 1.0).update(2, 0.95).update(3, 0.85)
    assert (best.epoch, best.value) == (3, 0.85)
    score = Best("val_accuracy").update(1, 0.5).update(2, 0.4).update(3, 0.5).update(4, 0.6)
    assert (score.epoch, score.value) == (4, 0.6)
    assert Best("loss").update(1, float("nan")).epoch is None


def test_series_skips_missing_values_and_final_metric_reads_the_last() -> None:
    record = fold(finished_run_events(epochs=5))
    record.history["val_loss"][2] = None
    assert len(record.series("val_loss")) == 4
    assert record.final_metric("loss") == record.history["loss"][-1]
    assert record.final_metric("nothing") is None


@pytest.mark.parametrize(
    ("status", "phase"),
    [
        ("completed", Phase.COMPLETED),
        ("early_stopped", Phase.EARLY_STOPPED),
        ("interrupted", Phase.INTERRUPTED),
        ("diverged", Phase.DIVERGED),
        ("error", Phase.ERROR),
    ],
)
def test_phase_from_status(status: str, phase: Phase) -> None:
    assert Phase.from_status(status) is phase


def test_phase_from_status_refuses_live_and_unknown_words() -> None:
    for word in ("running", "finished"):
        with pytest.raises(ValueError):
            Phase.from_status(word)


def test_higher_is_better_is_true_for_scores_only() -> None:
    assert higher_is_better("accuracy") and higher_is_better("val_r2")
    assert not higher_is_better("loss") and not higher_is_better("val_loss")
