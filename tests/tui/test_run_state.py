"""The monitor's state model: phases, best values, ETA, sanitising, gradient health."""

from __future__ import annotations

import math

import pytest

from nntui.training.events import RunFailed, RunFinished
from nntui.tui.run_state import RunState, finite_or_none, gradient_health


def test_finite_or_none_keeps_finite_numbers_and_drops_the_rest() -> None:
    assert finite_or_none(0.25) == 0.25
    assert finite_or_none(3) == 3.0 and isinstance(finite_or_none(3), float)
    for bad in (float("nan"), float("inf"), -float("inf"), None, "x", True):
        assert finite_or_none(bad) is None


def test_best_loss_is_the_lowest_and_best_accuracy_the_highest(make_started, make_epoch) -> None:
    state = RunState("classification")
    state.start(make_started())
    losses = [0.9, 0.5, 0.7, 0.6]
    accuracies = [0.5, 0.8, 0.9, 0.85]
    state.add_epochs(
        make_epoch(i + 1, loss=loss, accuracy=acc)
        for i, (loss, acc) in enumerate(zip(losses, accuracies, strict=True))
    )
    loss = state.metric("loss")
    assert (loss.current, loss.best, loss.best_epoch) == (0.6, 0.5, 2)
    score = state.metric("score")
    assert (score.current, score.best, score.best_epoch) == (0.85, 0.9, 3)
    assert score.label == "train accuracy"


def test_every_epoch_adds_one_point_to_each_metric(make_started, make_epoch) -> None:
    state = RunState("classification")
    state.start(make_started())
    state.add_epochs(make_epoch(i) for i in range(1, 8))
    assert [len(metric.values) for metric in state.metrics()] == [7, 7, 7, 7]
    assert all(len(grad.values) == 7 for grad in state.gradients())


def test_non_finite_values_never_reach_the_sparkline_data(make_started, make_epoch) -> None:
    state = RunState("classification")
    state.start(make_started())
    state.add_epochs(
        [
            make_epoch(1, loss=0.5),
            make_epoch(2, loss=float("nan"), grad_norms=(float("inf"), 0.1)),
            make_epoch(3, loss=0.4),
        ]
    )
    values = state.metric("loss").values
    assert values == [0.5, 0.4]
    assert all(math.isfinite(v) and type(v) is float for v in values)
    assert state.gradients()[0].values == pytest.approx([0.1, 0.1 / 3])
    assert state.metric("loss").best == 0.4


def test_regression_labels_say_r2(make_started, make_epoch) -> None:
    state = RunState("regression")
    state.start(make_started(task="regression"))
    state.add_epochs([make_epoch(1, accuracy=None, val_accuracy=None, r2=0.7, val_r2=0.6)])
    labels = [metric.label for metric in state.metrics()]
    assert labels == ["train loss", "val loss", "train R²", "val R²"]
    assert state.metric("val_score").current == 0.6


def test_eta_is_remaining_epochs_at_the_current_pace(make_started, make_epoch) -> None:
    state = RunState()
    state.launch()
    state.start(make_started(epochs=10))
    state.add_epochs([make_epoch(4, elapsed_s=2.0)])
    assert state.eta_s == pytest.approx(3.0)  # 6 epochs left at 0.5 s each


def test_eta_is_unknown_before_the_first_epoch_and_after_the_end(make_started, make_epoch) -> None:
    state = RunState()
    state.launch()
    state.start(make_started())
    assert state.eta_s is None
    state.add_epochs([make_epoch(10, elapsed_s=5.0)])
    state.finish(RunFinished(results={"status": "completed", "samples_per_s": 123.0}))
    assert state.eta_s is None
    assert state.samples_per_s == 123.0


@pytest.mark.parametrize(
    ("event", "phase"),
    [
        (RunFinished(results={"status": "completed"}), "finished"),
        (RunFinished(results={"status": "interrupted"}), "stopped"),
        (RunFailed(reason="diverged at epoch 3: loss is nan", status="diverged"), "diverged"),
        (RunFailed(reason="ValueError: boom", status="error"), "failed"),
    ],
)
def test_the_last_event_decides_the_final_phase(make_started, event, phase) -> None:
    state = RunState()
    state.launch()
    state.start(make_started())
    state.finish(event)
    assert state.phase == phase
    assert not state.is_active


def test_divergence_keeps_the_runners_reason(make_started) -> None:
    state = RunState()
    state.start(make_started())
    reason = "diverged at epoch 3: loss is nan — try a lower training.learning_rate"
    state.finish(RunFailed(reason=reason, status="diverged"))
    assert state.reason == reason


def test_pause_and_resume_only_change_a_live_run(make_started) -> None:
    state = RunState()
    state.set_paused(True)
    assert state.phase == "idle"
    state.launch()
    state.start(make_started())
    state.set_paused(True)
    assert state.phase == "paused"
    state.set_paused(False)
    assert state.phase == "running"
    state.finish(RunFinished(results={"status": "completed"}))
    state.set_paused(True)
    assert state.phase == "finished"


def test_reset_forgets_the_previous_run(make_started, make_epoch) -> None:
    state = RunState()
    state.start(make_started())
    state.add_epochs([make_epoch(1)])
    state.reset("regression")
    assert state.phase == "idle"
    assert state.epoch == 0
    assert all(metric.values == [] for metric in state.metrics())
    assert state.gradients() == []
    assert state.task == "regression"


def test_gradient_rows_follow_the_layers_and_flag_bad_norms(make_started, make_epoch) -> None:
    state = RunState()
    state.start(make_started(sizes=(8, 16, 16, 3)))
    state.add_epochs([make_epoch(1, grad_norms=(1e-8, 0.5, 5e3))])
    rows = state.gradients()
    assert [row.name for row in rows] == ["dense_1", "dense_2", "dense_3"]
    assert [row.health for row in rows] == ["vanishing", "ok", "exploding"]


@pytest.mark.parametrize(
    ("norm", "health"),
    [
        (None, "ok"),
        (0.0, "vanishing"),
        (9.9e-7, "vanishing"),
        (1e-6, "ok"),
        (1e3, "ok"),
        (1000.1, "exploding"),
    ],
)
def test_gradient_health_thresholds(norm, health) -> None:
    assert gradient_health(norm) == health
