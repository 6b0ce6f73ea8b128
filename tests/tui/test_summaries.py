"""What the panels show of a run: metric and gradient summaries, the status badge."""

from __future__ import annotations

import dataclasses
import math

import pytest
from event_streams import (
    diverged_run_events,
    early_stopped_run_events,
    finished_run_events,
    interrupted_run_events,
    live_run_events,
)

from nntui.training.events import RunFailed
from nntui.training.record import Phase, RunRecord, fold
from nntui.tui.summaries import (
    badge,
    divergence_note,
    gradient_health,
    gradient_summaries,
    metric_label,
    metric_summaries,
)


def test_the_four_metrics_are_train_and_val_loss_then_the_tasks_score() -> None:
    summaries = metric_summaries(fold(live_run_events(done=5)), "classification")
    assert [s.label for s in summaries] == [
        "train loss",
        "val loss",
        "train accuracy",
        "val accuracy",
    ]
    assert all(len(s.values) == 5 for s in summaries)
    regression = metric_summaries(fold(live_run_events("regression", done=2)), "regression")
    assert [s.label for s in regression][2:] == ["train R²", "val R²"]
    assert metric_label("val_r2") == "val R²"


def test_best_loss_is_the_lowest_and_best_accuracy_the_highest() -> None:
    record = fold(early_stopped_run_events(best_epoch=12))
    loss, val_loss, accuracy, _ = metric_summaries(record, "classification")
    assert val_loss.best == min(val_loss.values) and val_loss.best_epoch == 12
    assert loss.best == min(loss.values)
    assert accuracy.best == max(accuracy.values)
    assert val_loss.current == val_loss.values[-1]


def test_before_a_run_every_metric_is_empty() -> None:
    summaries = metric_summaries(None, "regression")
    assert [s.label for s in summaries][2:] == ["train R²", "val R²"]
    assert all(s.values == [] and s.current is None for s in summaries)


def test_gradient_rows_follow_the_layers_with_their_diagnostics() -> None:
    record = fold(live_run_events(done=3))
    rows = gradient_summaries(record)
    assert [row.name for row in rows] == ["dense_1", "dense_2", "dense_3"]
    assert all(len(row.values) == 3 for row in rows)
    relu, tanh, _ = rows
    assert relu.dead_fraction == 0.125 and relu.saturated_fraction is None
    assert tanh.saturated_fraction is not None and tanh.dead_fraction is None
    assert relu.current == record.layer_history["dense_1"][-1]
    assert gradient_summaries(None) == [] and gradient_summaries(RunRecord()) == []


@pytest.mark.parametrize(
    ("events", "word"),
    [
        (live_run_events(done=2), "running"),
        (live_run_events(done=2, paused=True), "paused"),
        (finished_run_events(epochs=5), "finished"),
        (early_stopped_run_events(), "finished"),
        (interrupted_run_events(), "stopped"),
        (diverged_run_events(), "diverged"),
    ],
)
def test_the_badge_names_the_phase(events, word) -> None:
    assert badge(fold(events)) == word


def test_the_badge_is_idle_before_the_first_run_and_failed_after_a_crash() -> None:
    assert badge(None) == "idle"
    record = RunRecord()
    record.phase = Phase.ERROR
    assert badge(record) == "failed"


@pytest.mark.parametrize(
    ("norm", "health"),
    [
        (None, "ok"),
        (1e-7, "vanishing"),
        (1e-6, "ok"),
        (1.0, "ok"),
        (1e3, "ok"),
        (1e4, "exploding"),
        (math.inf, "exploding"),
        (math.nan, "exploding"),
    ],
)
def test_gradient_health_thresholds(norm, health) -> None:
    assert gradient_health(norm) == health


def test_a_diverged_runs_rows_carry_the_exploding_epochs_norms_and_the_note_names_it() -> None:
    events = diverged_run_events(diverged_at=4)
    rows = gradient_summaries(fold(events))
    assert [row.exploded_epoch for row in rows] == [4, 4, 4]
    assert [row.exploded_norm for row in rows][:2] == [math.inf, 3.2e5]
    assert math.isnan(rows[2].exploded_norm or 0.0)
    assert all(row.current is not None and math.isfinite(row.current) for row in rows)
    assert divergence_note(fold(events)) == "epoch 4 exploded: loss is nan · rows: epoch 3"
    # The note reads the explosion, not the reason: here a gradient norm was not finite.
    failed = events[-1]
    assert isinstance(failed, RunFailed) and failed.explosion is not None
    norm = dataclasses.replace(
        failed.explosion, quantity="gradient norm of dense_2", value=math.inf, loss=0.5
    )
    record = fold([*events[:-1], dataclasses.replace(failed, explosion=norm)])
    assert (
        divergence_note(record)
        == "epoch 4 exploded: gradient norm of dense_2 is inf · rows: epoch 3"
    )
    assert all(row.exploded_epoch is None for row in gradient_summaries(fold(events[:-1])))
