"""The runner: events in order, stop/pause from another thread, divergence, results."""

from __future__ import annotations

import json
import logging
import math
import queue
import threading
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    CLASSIFICATION_HISTORY_KEYS,
    REGRESSION_HISTORY_KEYS,
    RESULT_KEYS,
    run_collecting,
    runner_config,
)

from nntui.training.control import RunControl
from nntui.training.events import EpochEnded, RunFailed, RunFinished, RunStarted
from nntui.training.results import flat_metrics, results_to_json, write_results
from nntui.training.runner import NetworkRunner

DEADLINE_S = 20.0


def test_events_arrive_in_order_started_epochs_finished() -> None:
    events, results = run_collecting(runner_config())

    assert isinstance(events[0], RunStarted)
    assert all(isinstance(event, EpochEnded) for event in events[1:-1])
    assert isinstance(events[-1], RunFinished)
    epochs = [event.epoch for event in events[1:-1]]
    assert epochs == [1, 2, 3, 4, 5, 6]
    assert events[-1].results is not None
    assert results["status"] == "completed"
    assert results["epochs_completed"] == 6


def test_started_event_describes_the_network() -> None:
    events, results = run_collecting(runner_config())
    started = events[0]

    assert started.task == "classification"
    assert [layer.parameters for layer in started.layers] == [8 * 16 + 16, 16 * 8 + 8, 8 * 3 + 3]
    assert started.parameter_count == sum(layer.parameters for layer in started.layers)
    assert "Total params" in started.summary
    assert started.loss == "cross_entropy"
    assert started.n_train + started.n_test == 300
    assert results["architecture"]["layer_sizes"] == [8, 16, 8, 3]


def test_epoch_events_carry_metrics_and_one_grad_norm_per_layer() -> None:
    events, _ = run_collecting(runner_config())
    epochs = [event for event in events if isinstance(event, EpochEnded)]

    for event in epochs:
        assert len(event.grad_norms) == 3
        assert all(norm > 0 for norm in event.grad_norms)
        assert event.accuracy is not None and 0.0 <= event.accuracy <= 1.0
        assert event.val_accuracy is not None
        assert event.r2 is None
        assert event.samples_per_s > 0
    assert epochs[-1].loss < epochs[0].loss


def test_results_document_has_documented_keys_and_history() -> None:
    _, results = run_collecting(runner_config())

    assert set(results) >= RESULT_KEYS
    assert set(results["history"]) == CLASSIFICATION_HISTORY_KEYS
    assert all(len(series) == 6 for series in results["history"].values())
    assert set(results["test"]) == {"loss", "accuracy"}
    assert results["seed"] == 42
    json.loads(results_to_json(results))  # strict JSON, no NaN


def test_regression_reports_r2_and_uses_a_linear_mse_head() -> None:
    events, results = run_collecting(runner_config(training__learning_rate=0.01), "regression")

    assert events[0].loss == "mse"
    assert events[0].layers[-1].activation == "linear"
    assert results["architecture"]["layer_sizes"][-1] == 1
    assert set(results["history"]) == REGRESSION_HISTORY_KEYS
    assert set(results["test"]) == {"loss", "r2"}
    assert events[1].r2 is not None and events[1].accuracy is None


def test_sigmoid_head_trains_binary_classification() -> None:
    config = runner_config(
        data__n_classes=2, network__output_activation="sigmoid", training__epochs=15
    )
    events, results = run_collecting(config)

    assert events[0].loss == "binary_cross_entropy"
    assert results["architecture"]["layer_sizes"][-1] == 1
    assert results["test"]["accuracy"] >= 0.8


def test_divergent_learning_rate_ends_in_run_failed_with_a_stop_message() -> None:
    config = runner_config(
        training__learning_rate=1e6,
        network__hidden_activations=["linear", "linear"],
        training__epochs=30,
    )
    events, results = run_collecting(config, "regression")

    assert isinstance(events[-1], RunFailed)
    assert events[-1].status == "diverged"
    assert "diverged at epoch" in events[-1].reason
    assert "training.learning_rate" in events[-1].reason
    assert results["status"] == "diverged"
    assert results["stop_message"].startswith("diverged at epoch")
    assert all(math.isfinite(value) for value in results["history"]["loss"])
    assert not any(isinstance(event, RunFinished) for event in events)


def _start_in_thread(
    config: dict[str, Any], control: RunControl
) -> tuple[threading.Thread, queue.Queue]:
    events: queue.Queue = queue.Queue()
    runner = NetworkRunner(config, "classification", on_event=events.put, control=control)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    return thread, events


def _next_event(events: queue.Queue, kind: type) -> Any:
    while True:
        event = events.get(timeout=DEADLINE_S)
        if isinstance(event, kind):
            return event


def test_stop_from_another_thread_interrupts_the_run() -> None:
    control = RunControl()
    thread, events = _start_in_thread(runner_config(training__epochs=100_000), control)

    _next_event(events, EpochEnded)
    control.stop()
    thread.join(timeout=DEADLINE_S)

    assert not thread.is_alive()
    finished = _next_event(events, RunFinished)
    assert finished.status == "interrupted"
    assert 1 <= finished.results["epochs_completed"] < 100_000
    assert finished.results["test"] is not None


def test_pause_holds_epochs_and_resume_continues() -> None:
    control = RunControl()
    config = runner_config(training__epochs=8)
    events: queue.Queue = queue.Queue()

    def on_event(event: Any) -> None:
        events.put(event)
        if isinstance(event, EpochEnded) and event.epoch == 2:
            control.pause()  # takes effect before the next batch

    runner = NetworkRunner(config, "classification", on_event=on_event, control=control)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()

    assert _next_event(events, EpochEnded).epoch == 1
    assert _next_event(events, EpochEnded).epoch == 2
    with pytest.raises(queue.Empty):
        events.get(timeout=0.3)  # paused: nothing more arrives
    assert thread.is_alive() and control.is_paused

    control.resume()
    thread.join(timeout=DEADLINE_S)
    remaining = []
    while not events.empty():
        remaining.append(events.get_nowait())
    assert [e.epoch for e in remaining if isinstance(e, EpochEnded)] == [3, 4, 5, 6, 7, 8]
    assert isinstance(remaining[-1], RunFinished)
    assert remaining[-1].status == "completed"


def test_stop_releases_a_paused_run() -> None:
    control = RunControl()
    control.pause()
    thread, events = _start_in_thread(runner_config(), control)

    _next_event(events, RunStarted)
    control.stop()
    thread.join(timeout=DEADLINE_S)

    assert not thread.is_alive()
    assert _next_event(events, RunFinished).status == "interrupted"


def test_same_seed_gives_identical_history() -> None:
    _, first = run_collecting(runner_config())
    _, second = run_collecting(runner_config())
    _, other_seed = run_collecting(runner_config(data__random_seed=7))

    assert first["history"] == second["history"]
    assert first["history"]["loss"] != other_seed["history"]["loss"]


def test_runner_logs_start_epochs_and_result(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("nntui.test_runner")
    with caplog.at_level(logging.DEBUG, logger="nntui.test_runner"):
        NetworkRunner(runner_config(), "classification", logger=logger).run()

    messages = [record.getMessage() for record in caplog.records]
    assert any(message.startswith("run started") for message in messages)
    assert sum(message.startswith("epoch ") for message in messages) == 6
    assert any(message.startswith("run completed") for message in messages)


def test_write_results_is_atomic_json_with_nan_as_null(tmp_path: Path) -> None:
    results = {"status": "diverged", "history": {"loss": [1.0, float("nan")]}, "test": None}
    path = write_results(results, tmp_path / "out" / "results.json")

    assert json.loads(path.read_text()) == {
        "status": "diverged",
        "history": {"loss": [1.0, None]},
        "test": None,
    }
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]


def test_flat_metrics_names_last_epoch_and_test_values() -> None:
    results = {
        "history": {"loss": [0.9, 0.5], "val_accuracy": [0.5, 0.75]},
        "test": {"loss": 0.4, "accuracy": 0.8},
        "wall_time_s": 1.5,
        "samples_per_s": 1000.0,
        "epochs_completed": 2,
    }

    assert flat_metrics(results) == {
        "loss": 0.5,
        "val_accuracy": 0.75,
        "test_loss": 0.4,
        "test_accuracy": 0.8,
        "wall_time_s": 1.5,
        "samples_per_s": 1000.0,
        "epochs_completed": 2.0,
    }


def test_step_while_paused_trains_exactly_one_epoch() -> None:
    control = RunControl()
    control.pause()
    thread, events = _start_in_thread(runner_config(training__epochs=5), control)
    _next_event(events, RunStarted)

    control.step()
    assert _next_event(events, EpochEnded).epoch == 1
    with pytest.raises(queue.Empty):
        events.get(timeout=0.3)  # paused again after the step
    control.step()
    assert _next_event(events, EpochEnded).epoch == 2

    control.stop()
    thread.join(timeout=DEADLINE_S)
    finished = _next_event(events, RunFinished)
    assert finished.results["epochs_completed"] == 2
