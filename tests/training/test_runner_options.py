"""The runner wires optimizers, l2, clipping, schedules and early stopping from the config,
and reports learning rates, diagnostics and why a run stopped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import run_collecting, runner_config

from nntui.training.events import EpochEnded, RunFailed, RunFinished, RunStarted
from nntui.training.results import flat_metrics, results_to_json
from nntui.training.runner import NetworkRunner


def epochs_of(events: list) -> list[EpochEnded]:
    return [event for event in events if isinstance(event, EpochEnded)]


# -- optimizers and regularisation ------------------------------------------------------


def test_the_started_event_and_results_name_the_optimizer() -> None:
    events, results = run_collecting(runner_config(training__optimizer="adam"))
    started = events[0]

    assert isinstance(started, RunStarted)
    assert started.optimizer == "adam(lr=0.05, β1=0.9, β2=0.999)"
    assert results["architecture"]["optimizer"] == started.optimizer
    assert started.data.source == "synthetic"


def test_momentum_and_nesterov_are_described() -> None:
    config = runner_config(training__momentum=0.9, training__nesterov=True, training__l2=1e-4)
    events, _ = run_collecting(config)
    started = events[0]
    assert isinstance(started, RunStarted)
    assert started.optimizer == "sgd(lr=0.05, momentum=0.9, nesterov) + l2=0.0001"


@pytest.mark.parametrize(
    "change",
    [
        {"training__optimizer": "adam", "training__learning_rate": 0.01},
        {"training__momentum": 0.9},
        {"training__momentum": 0.9, "training__nesterov": True},
        {"training__l2": 0.01},
        {"training__gradient_clip_norm": 0.01},
    ],
    ids=["adam", "momentum", "nesterov", "l2", "clip"],
)
def test_each_training_option_reaches_the_engine(change: dict[str, Any]) -> None:
    _, plain = run_collecting(
        runner_config(training__learning_rate=change.get("training__learning_rate", 0.05))
    )
    _, changed = run_collecting(runner_config(**change))

    assert changed["status"] == "completed"
    assert changed["history"]["loss"] != plain["history"]["loss"]


def test_l2_adds_its_penalty_to_the_reported_loss() -> None:
    _, plain = run_collecting(runner_config(training__epochs=1))
    _, decayed = run_collecting(runner_config(training__epochs=1, training__l2=1.0))
    assert decayed["history"]["loss"][0] > plain["history"]["loss"][0] + 1.0


def test_adam_learns_the_default_task() -> None:
    config = runner_config(
        training__optimizer="adam", training__learning_rate=0.005, training__epochs=15
    )
    _, results = run_collecting(config)
    assert results["test"]["accuracy"] >= 0.85


# -- learning-rate schedules ---------------------------------------------------------------


def test_constant_schedule_keeps_the_rate_in_history_and_events() -> None:
    events, results = run_collecting(runner_config())
    assert results["history"]["learning_rate"] == [0.05] * 6
    assert [event.learning_rate for event in epochs_of(events)] == [0.05] * 6
    assert flat_metrics(results)["learning_rate"] == 0.05


def test_step_schedule_lowers_the_rate_every_n_epochs() -> None:
    config = runner_config(
        training__lr_schedule="step", training__lr_decay=0.5, training__lr_step_epochs=2
    )
    events, results = run_collecting(config)
    rates = results["history"]["learning_rate"]

    assert rates[0] == 0.05
    assert sorted(set(rates), reverse=True) == [0.05, 0.025, 0.0125]
    assert rates == sorted(rates, reverse=True)
    assert isinstance(events[0], RunStarted)
    assert events[0].lr_schedule == "step(×0.5 every 2 epochs)"


def test_exponential_schedule_respects_the_floor() -> None:
    config = runner_config(
        training__lr_schedule="exponential",
        training__lr_decay=0.1,
        training__min_learning_rate=0.001,
    )
    _, results = run_collecting(config)
    rates = results["history"]["learning_rate"]
    assert rates[0] == 0.05
    assert rates[-1] == pytest.approx(0.001)
    assert min(rates) >= 0.001


def test_plateau_schedule_lowers_the_rate_when_val_loss_stalls() -> None:
    # A high rate on a small set: val_loss soon stops improving every epoch.
    config = runner_config(
        training__learning_rate=0.5,
        training__epochs=30,
        training__lr_schedule="plateau",
        training__lr_patience=1,
        training__lr_decay=0.5,
    )
    _, results = run_collecting(config)
    rates = results["history"]["learning_rate"]

    assert rates[0] == 0.5
    assert min(rates) < 0.5
    assert rates == sorted(rates, reverse=True)


# -- early stopping ------------------------------------------------------------------------


def plateauing_config(**overrides: Any) -> dict[str, Any]:
    """Barely moves: val_loss never improves by min_delta, so patience runs out."""
    values = {
        "training__learning_rate": 1e-6,
        "training__epochs": 50,
        "training__early_stopping__enabled": True,
        "training__early_stopping__patience": 3,
        "training__early_stopping__min_delta": 0.01,
    }
    values.update(overrides)
    return runner_config(**values)


def test_early_stopping_ends_a_plateau_with_status_and_best_epoch() -> None:
    events, results = run_collecting(plateauing_config())

    assert isinstance(events[-1], RunFinished)
    assert events[-1].status == "early_stopped"
    assert results["status"] == "early_stopped"
    assert results["best_epoch"] == 1
    assert results["epochs_completed"] == 4  # the best epoch, then 3 without improvement
    assert len(epochs_of(events)) == 4
    assert events[-1].stop_message == (
        "early stopping: val_loss did not improve by 0.01 for 3 epochs; best epoch 1 restored"
    )
    assert isinstance(events[0], RunStarted)
    assert events[0].early_stopping == "val_loss, patience 3, min_delta 0.01"


def test_restored_best_weights_give_the_best_epochs_validation_loss() -> None:
    config = runner_config(
        training__learning_rate=0.5,
        training__epochs=40,
        training__early_stopping__enabled=True,
        training__early_stopping__patience=3,
    )
    runner = NetworkRunner(config)
    results = runner.run()

    assert results["status"] == "early_stopped"
    best = results["best_epoch"]
    best_val_loss = results["history"]["val_loss"][best - 1]
    assert results["best"] == {"monitor": "val_loss", "epoch": best, "value": best_val_loss}
    # The restored weights score exactly the best epoch on the validation rows.
    assert runner.network is not None and runner.data is not None
    validation = runner.network.evaluate(runner.data.x_val, runner.data.y_val)
    assert validation["loss"] == pytest.approx(best_val_loss, rel=1e-9)
    assert validation["loss"] < results["history"]["val_loss"][-1]


def test_early_stopping_can_watch_accuracy_and_keep_the_last_weights() -> None:
    config = plateauing_config(
        training__early_stopping__monitor="val_accuracy",
        training__early_stopping__restore_best_weights=False,
    )
    _, results = run_collecting(config)
    assert results["status"] == "early_stopped"
    assert results["best"]["monitor"] == "val_accuracy"
    assert "the last epoch's weights kept" in results["stop_message"]


def test_a_completed_run_still_reports_its_best_epoch() -> None:
    _, results = run_collecting(runner_config())
    losses = results["history"]["val_loss"]
    assert results["status"] == "completed"
    assert results["best_epoch"] == losses.index(min(losses)) + 1
    assert results["stop_message"].startswith("completed 6 epochs; best val_loss")


# -- diagnostics ---------------------------------------------------------------------------


def test_every_epoch_carries_rates_ratios_norms_and_probe_diagnostics() -> None:
    events, results = run_collecting(runner_config())

    for event in epochs_of(events):
        assert event.learning_rate == 0.05
        assert len(event.layers) == 3
        assert all(layer.update_ratio is not None for layer in event.layers)
        assert all(
            layer.weight_norm is not None and layer.weight_norm > 0 for layer in event.layers
        )
        relu, tanh, softmax = event.layers
        assert relu.dead_share is not None and 0.0 <= relu.dead_share <= 1.0
        assert relu.saturation is None
        assert tanh.saturation is not None and 0.0 <= tanh.saturation <= 1.0
        assert tanh.dead_share is None
        assert softmax.dead_share is None and softmax.saturation is None
    last = epochs_of(events)[-1]
    assert results["diagnostics"] == [layer.as_dict() for layer in last.layers]
    assert [row["layer"] for row in results["diagnostics"]] == ["dense_1", "dense_2", "dense_3"]
    assert results["diagnostics"][0]["grad_norm"] == last.grad_norms[0]
    json.loads(results_to_json(results))  # strict JSON


def test_update_ratios_are_log10_of_a_small_relative_step() -> None:
    events, _ = run_collecting(runner_config(training__learning_rate=1e-4))
    ratios = [layer.update_ratio for layer in epochs_of(events)[-1].layers]
    assert all(ratio is not None and -9 < ratio < -2 for ratio in ratios)


# -- statuses ------------------------------------------------------------------------------


def test_results_carry_a_data_block() -> None:
    _, results = run_collecting(runner_config(data__source="iris", training__epochs=2))
    assert results["data"] == {
        "source": "iris",
        "n_train": 108,
        "n_validation": 12,
        "n_test": 30,
        "n_features": 4,
        "feature_names": ["sepal_length", "sepal_width", "petal_length", "petal_width"],
        "class_names": ["setosa", "versicolor", "virginica"],
        "warnings": [],
    }
    assert results["architecture"]["layer_sizes"] == [4, 16, 8, 3]


def test_bad_csv_data_ends_the_run_in_run_failed_with_the_message(tmp_path: Path) -> None:
    config = runner_config(
        data__source="csv", data__path=str(tmp_path / "none.csv"), data__target="y"
    )
    events, results = run_collecting(config)

    [failed] = events
    assert isinstance(failed, RunFailed)
    assert failed.status == "error"
    assert failed.reason == f"data file not found: {tmp_path / 'none.csv'}"
    assert results["status"] == "error"
    assert results["data"] == {"source": "csv"}


def test_prepare_reports_bad_data_before_any_event(tmp_path: Path) -> None:
    from nntui.datasets.tabular import DataSourceError

    events: list = []
    config = runner_config(data__source="csv", data__path=str(tmp_path / "x.csv"), data__target="y")
    runner = NetworkRunner(config, on_event=events.append)
    with pytest.raises(DataSourceError, match=r"x\.csv"):
        runner.prepare()
    assert events == []
    assert runner.network is None


def test_a_task_the_source_cannot_serve_never_reaches_the_runner() -> None:
    from nntui.config import ConfigError

    with pytest.raises(ConfigError, match="bump is regression data"):
        runner_config(data__source="bump", task="classification")


def test_prepare_builds_the_network_once_and_run_uses_it() -> None:
    runner = NetworkRunner(runner_config(data__source="circles", data__n_samples=100))
    runner.prepare()
    network = runner.network
    assert network is not None and network.layer_sizes[0] == 2
    runner.prepare()
    assert runner.network is network
    assert runner.run()["status"] == "completed"
    assert runner.network is network


def test_planar_runs_tell_the_faces_their_input_plane() -> None:
    events, results = run_collecting(
        runner_config(data__source="spiral", data__n_samples=120, training__epochs=2)
    )
    started = events[0]
    assert isinstance(started, RunStarted)
    assert started.data.input_extent == (-1.0, 1.0)
    assert started.data.classes == ("class_0", "class_1", "class_2")
    assert started.data.feature_names == ("x1", "x2")
    assert started.data.n_features == 2
    assert started.layer_sizes[0] == 2
    assert results["data"]["source"] == "spiral"
