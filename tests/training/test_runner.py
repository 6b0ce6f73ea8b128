"""The runner: events in order, stop/pause/step/submit from another thread, divergence, results."""

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

from nntui.config import Config
from nntui.training.control import RunControl
from nntui.training.events import (
    EpochEnded,
    RunEvent,
    RunFailed,
    RunFinished,
    RunPaused,
    RunResumed,
    RunStarted,
)
from nntui.training.hooks import EpochHook
from nntui.training.record import Phase, fold
from nntui.training.results import SCHEMA_VERSION, flat_metrics, results_to_json, write_results
from nntui.training.runner import NetworkRunner, SaveModelError

DEADLINE_S = 60.0


def test_events_arrive_in_order_started_epochs_finished() -> None:
    events, results = run_collecting(runner_config())

    assert isinstance(events[0], RunStarted)
    assert all(isinstance(event, EpochEnded) for event in events[1:-1])
    finished = events[-1]
    assert isinstance(finished, RunFinished)
    assert [event.epoch for event in events[1:-1] if isinstance(event, EpochEnded)] == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    # run() returns the results document flat: the test metrics also at the top.
    assert results == {**finished.results, **finished.results["test"]}
    assert set(finished.results["test"]) == {"loss", "accuracy"}
    assert finished.status == results["status"] == "completed"
    assert finished.stop_message == results["stop_message"]
    assert results["epochs_completed"] == 6
    assert results["schema_version"] == SCHEMA_VERSION == 2


def test_the_runner_record_is_the_fold_of_its_events() -> None:
    events: list[RunEvent] = []
    runner = NetworkRunner(runner_config(), on_event=events.append)
    results = runner.run()
    folded = fold(events)

    assert runner.record.phase is folded.phase is Phase.COMPLETED
    assert runner.record.history == folded.history == results["history"]
    assert runner.record.best == folded.best
    assert results["best"] == folded.best.as_dict()
    assert runner.status == "completed"


def test_started_event_describes_the_network_and_the_data() -> None:
    events, results = run_collecting(runner_config())
    started = events[0]
    assert isinstance(started, RunStarted)

    assert started.task == "classification" and started.metric == "accuracy"
    assert started.layer_sizes == (8, 16, 8, 3)
    assert [layer.parameters for layer in started.layers] == [8 * 16 + 16, 16 * 8 + 8, 8 * 3 + 3]
    assert started.parameter_count == sum(layer.parameters for layer in started.layers)
    assert "Total params" in started.summary
    assert started.loss == "cross_entropy"
    data = started.data
    assert (data.n_train, data.n_validation, data.n_test) == (216, 24, 60)
    assert started.data.classes == ("class_0", "class_1", "class_2")
    assert results["architecture"]["layer_sizes"] == [8, 16, 8, 3]
    assert results["data"]["n_validation"] == started.data.n_validation


def test_epoch_events_carry_metrics_and_one_stats_row_per_layer() -> None:
    events, _ = run_collecting(runner_config())
    epochs = [event for event in events if isinstance(event, EpochEnded)]

    for event in epochs:
        assert [layer.name for layer in event.layers] == ["dense_1", "dense_2", "dense_3"]
        assert all(norm is not None and norm > 0 for norm in event.grad_norms)
        assert all(layer.weight_norm is not None for layer in event.layers)
        assert event.layers[0].dead_share is not None  # relu
        assert event.layers[1].saturation is not None  # tanh
        assert event.metric == "accuracy"
        assert event.score is not None and 0.0 <= event.score <= 1.0
        assert event.val_score is not None
        assert event.learning_rate == pytest.approx(0.05)
        assert event.samples_per_s > 0
    assert epochs[-1].loss < epochs[0].loss


def test_results_document_has_documented_keys_and_history() -> None:
    _, results = run_collecting(runner_config())

    assert set(results) >= RESULT_KEYS
    assert set(results["history"]) == CLASSIFICATION_HISTORY_KEYS
    assert all(len(series) == 6 for series in results["history"].values())
    assert set(results["test"]) == {"loss", "accuracy"}
    assert results["seed"] == 42
    assert results["config"]["training"]["epochs"] == 6
    assert set(results["data"]) >= {"source", "n_train", "n_validation", "n_test", "n_features"}
    assert [row["layer"] for row in results["diagnostics"]] == ["dense_1", "dense_2", "dense_3"]
    json.loads(results_to_json(results))  # strict JSON, no NaN


def test_classification_learns_the_synthetic_problem() -> None:
    _, results = run_collecting(runner_config(training__epochs=30))

    assert results["test"]["accuracy"] >= 0.8
    assert results["history"]["loss"][-1] < 0.5 * results["history"]["loss"][0]


def test_regression_reports_r2_and_learns_with_a_linear_mse_head() -> None:
    config = runner_config(task="regression", training__learning_rate=0.01, training__epochs=40)
    events, results = run_collecting(config)
    started, first = events[0], events[1]
    assert isinstance(started, RunStarted) and isinstance(first, EpochEnded)

    assert started.loss == "mse" and started.metric == "r2"
    assert started.layers[-1].activation == "linear"
    assert results["architecture"]["layer_sizes"][-1] == 1
    assert set(results["history"]) == REGRESSION_HISTORY_KEYS
    assert set(results["test"]) == {"loss", "r2"}
    assert first.metric == "r2" and first.score is not None
    assert results["test"]["r2"] >= 0.7


def test_sigmoid_head_trains_binary_classification() -> None:
    config = runner_config(
        data__n_classes=2, network__output_activation="sigmoid", training__epochs=15
    )
    events, results = run_collecting(config)
    started = events[0]
    assert isinstance(started, RunStarted)

    assert started.loss == "binary_cross_entropy"
    assert results["architecture"]["layer_sizes"][-1] == 1
    assert results["test"]["accuracy"] >= 0.8


def test_early_stopping_ends_the_run_and_names_the_best_epoch() -> None:
    config = runner_config(
        training__epochs=500,
        training__learning_rate=0.5,
        training__early_stopping__enabled=True,
        training__early_stopping__patience=2,
    )
    events, results = run_collecting(config)
    finished = events[-1]

    assert isinstance(finished, RunFinished) and finished.status == "early_stopped"
    assert results["epochs_completed"] < 500
    best = results["best"]
    assert best["monitor"] == "val_loss"
    assert results["epochs_completed"] == best["epoch"] + 2
    assert best["value"] == min(results["history"]["val_loss"])
    assert f"best epoch {best['epoch']} restored" in finished.stop_message


def test_divergent_learning_rate_ends_in_run_failed_with_a_stop_message() -> None:
    config = runner_config(
        task="regression",
        training__learning_rate=1e6,
        network__hidden_activations=["linear", "linear"],
        training__epochs=30,
    )
    events, results = run_collecting(config)
    failed = events[-1]

    assert isinstance(failed, RunFailed)
    assert failed.status == "diverged"
    assert "diverged at epoch" in failed.reason
    assert "training.learning_rate" in failed.reason
    assert results["status"] == "diverged"
    assert results["stop_message"].startswith("diverged at epoch")
    assert all(math.isfinite(value) for value in results["history"]["loss"])
    assert not any(isinstance(event, RunFinished) for event in events)
    # The epoch that exploded: in the event, the record and the results, not in history.
    explosion = failed.explosion
    assert explosion is not None
    assert explosion.epoch == results["epochs_completed"] + 1
    assert failed.reason.startswith(f"diverged at epoch {explosion.epoch}: {explosion.quantity}")
    assert not math.isfinite(explosion.value)
    assert len(explosion.grad_norms) == 3  # dense_1 … dense_3
    assert results["diverged"]["epoch"] == explosion.epoch
    assert len(results["diverged"]["grad_norms"]) == 3
    json.dumps(results["diverged"], allow_nan=False)


def test_bad_csv_data_ends_in_run_failed_with_status_error(tmp_path: Path) -> None:
    config = runner_config(
        data__source="csv", data__path=str(tmp_path / "missing.csv"), data__target="y"
    )
    events, results = run_collecting(config)
    failed = events[-1]

    assert len(events) == 1 and isinstance(failed, RunFailed)
    assert failed.status == "error" and "missing.csv" in failed.reason
    assert results["status"] == "error"
    assert results["data"] == {"source": "csv"}
    assert results["history"] == {} and results["test"] is None


def _start_in_thread(
    config: Config, control: RunControl, hooks: tuple[EpochHook, ...] = ()
) -> tuple[threading.Thread, queue.Queue[RunEvent], NetworkRunner]:
    events: queue.Queue[RunEvent] = queue.Queue()
    runner = NetworkRunner(config, on_event=events.put, control=control, hooks=hooks)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    return thread, events, runner


def _next_event(events: queue.Queue[RunEvent], kind: type) -> Any:
    while True:
        event = events.get(timeout=DEADLINE_S)
        if isinstance(event, kind):
            return event


def _rest(events: queue.Queue[RunEvent]) -> list[RunEvent]:
    rest = []
    while not events.empty():
        rest.append(events.get_nowait())
    return rest


def test_stop_from_another_thread_interrupts_the_run() -> None:
    control = RunControl()
    thread, events, _ = _start_in_thread(runner_config(training__epochs=100_000), control)

    _next_event(events, EpochEnded)
    control.stop()
    thread.join(timeout=DEADLINE_S)

    assert not thread.is_alive()
    finished = _next_event(events, RunFinished)
    assert finished.status == "interrupted"
    assert 1 <= finished.results["epochs_completed"] < 100_000
    assert finished.results["test"] is not None
    assert finished.stop_message.startswith("stopped on request after epoch")


def test_pause_parks_the_run_between_batches_and_resume_continues() -> None:
    control = RunControl()
    events: queue.Queue[RunEvent] = queue.Queue()

    def on_event(event: RunEvent) -> None:
        events.put(event)
        if isinstance(event, EpochEnded) and event.epoch == 2:
            control.pause()  # takes effect before the next batch

    runner = NetworkRunner(runner_config(training__epochs=8), on_event=on_event, control=control)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()

    assert _next_event(events, EpochEnded).epoch == 1
    assert _next_event(events, EpochEnded).epoch == 2
    assert events.get(timeout=DEADLINE_S) == RunPaused(epoch=2)  # nothing trains in between
    # Work submitted while paused runs in the parked training thread, at once.
    assert control.submit(lambda: runner.record.epochs_done).result(timeout=DEADLINE_S) == 2
    assert control.is_paused and runner.record.phase is Phase.PAUSED

    control.resume()
    thread.join(timeout=DEADLINE_S)
    rest = _rest(events)
    assert rest[0] == RunResumed(epoch=2)
    assert [e.epoch for e in rest if isinstance(e, EpochEnded)] == [3, 4, 5, 6, 7, 8]
    finished = rest[-1]
    assert isinstance(finished, RunFinished) and finished.status == "completed"


def test_pause_does_not_count_as_training_time() -> None:
    control = RunControl()
    control.pause()
    thread, events, _ = _start_in_thread(runner_config(training__epochs=2), control)
    _next_event(events, RunPaused)
    release = threading.Timer(0.5, control.resume)  # half a second parked
    release.start()
    thread.join(timeout=DEADLINE_S)
    finished = _next_event(events, RunFinished)

    assert finished.results["wall_time_s"] >= 0.5
    assert finished.results["samples_per_s"] > 2 * 240 / 0.5  # the pause is left out


def test_stop_releases_a_paused_run_without_a_resume_event() -> None:
    control = RunControl()
    control.pause()
    thread, events, _ = _start_in_thread(runner_config(), control)

    assert _next_event(events, RunPaused) == RunPaused(epoch=0)
    control.stop()
    thread.join(timeout=DEADLINE_S)

    assert not thread.is_alive()
    rest = _rest(events)
    assert not any(isinstance(event, RunResumed) for event in rest)
    finished = rest[-1]
    assert isinstance(finished, RunFinished) and finished.status == "interrupted"


def test_step_while_paused_trains_exactly_one_epoch() -> None:
    control = RunControl()
    control.pause()
    thread, events, _ = _start_in_thread(runner_config(training__epochs=5), control)
    _next_event(events, RunPaused)

    control.step()
    assert _next_event(events, RunResumed) == RunResumed(epoch=0)
    assert events.get(timeout=DEADLINE_S).epoch == 1  # type: ignore[union-attr]
    assert events.get(timeout=DEADLINE_S) == RunPaused(epoch=1)  # paused again after the step
    control.step()
    assert _next_event(events, EpochEnded).epoch == 2
    assert _next_event(events, RunPaused) == RunPaused(epoch=2)

    control.stop()
    thread.join(timeout=DEADLINE_S)
    finished = _next_event(events, RunFinished)
    assert finished.results["epochs_completed"] == 2


def test_a_submitted_save_runs_between_batches_while_training(tmp_path: Path) -> None:
    control = RunControl()
    thread, events, runner = _start_in_thread(runner_config(training__epochs=100_000), control)
    _next_event(events, EpochEnded)

    saved = control.submit(lambda: runner.save_model(tmp_path / "model.npz"))
    assert saved.result(timeout=DEADLINE_S) == tmp_path / "model.npz"
    control.stop()
    thread.join(timeout=DEADLINE_S)
    assert (tmp_path / "model.npz").is_file()
    # Once the run is over, submitted work runs at once, in the caller's thread.
    later = control.submit(lambda: threading.current_thread())
    assert later.result(timeout=0) is threading.current_thread()


def test_submitted_work_that_raises_reports_through_its_future() -> None:
    control = RunControl()
    control.pause()
    thread, events, _ = _start_in_thread(runner_config(), control)
    _next_event(events, RunPaused)

    def broken() -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        control.submit(broken).result(timeout=DEADLINE_S)
    control.resume()
    thread.join(timeout=DEADLINE_S)
    assert _next_event(events, RunFinished).status == "completed"


class _RecordingHook(EpochHook):
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def on_run_begin(self, network: Any, data: Any, task: Any) -> None:
        self.calls.append(("begin", network.layer_sizes[0], task))

    def on_epoch_end(self, epoch: int, *, pausing: bool) -> None:
        self.calls.append(("epoch", epoch, pausing))

    def on_run_end(self, epoch: int) -> None:
        self.calls.append(("end", epoch))


class _BrokenHook(EpochHook):
    def on_epoch_end(self, epoch: int, *, pausing: bool) -> None:
        raise RuntimeError("a face's bug")


def test_hooks_run_each_epoch_and_a_broken_one_is_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hook, broken = _RecordingHook(), _BrokenHook()
    logger = logging.getLogger("nntui.test_hooks")
    with caplog.at_level(logging.ERROR, logger="nntui.test_hooks"):
        results = NetworkRunner(
            runner_config(training__epochs=3), logger=logger, hooks=(broken, hook)
        ).run()

    assert results["status"] == "completed"
    assert hook.calls == [
        ("begin", 8, "classification"),
        ("epoch", 1, False),
        ("epoch", 2, False),
        ("epoch", 3, False),
        ("end", 3),
    ]
    assert sum("epoch hook" in record.getMessage() for record in caplog.records) == 1


def test_a_hook_sees_the_pause_a_step_ends_with() -> None:
    control = RunControl()
    hook = _RecordingHook()
    control.pause()
    thread, events, _ = _start_in_thread(runner_config(training__epochs=3), control, (hook,))
    _next_event(events, RunPaused)
    control.step()
    _next_event(events, RunPaused)
    control.stop()
    thread.join(timeout=DEADLINE_S)

    assert ("epoch", 1, True) in hook.calls


def test_save_model_before_the_run_or_after_divergence_is_refused(tmp_path: Path) -> None:
    runner = NetworkRunner(runner_config())
    with pytest.raises(SaveModelError, match="no network yet"):
        runner.save_model(tmp_path / "early.npz")
    diverging = NetworkRunner(
        runner_config(
            task="regression",
            training__learning_rate=1e6,
            network__hidden_activations=["linear", "linear"],
        )
    )
    assert diverging.run()["status"] == "diverged"
    with pytest.raises(SaveModelError, match="diverged"):
        diverging.save_model(tmp_path / "nan.npz")
    assert not (tmp_path / "nan.npz").exists()


def test_same_seed_gives_identical_history() -> None:
    _, first = run_collecting(runner_config())
    _, second = run_collecting(runner_config())
    _, other_seed = run_collecting(runner_config(data__random_seed=7))

    assert first["history"] == second["history"]
    assert first["history"]["loss"] != other_seed["history"]["loss"]


def test_runner_logs_start_epochs_and_result(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("nntui.test_runner")
    with caplog.at_level(logging.DEBUG, logger="nntui.test_runner"):
        NetworkRunner(runner_config(), logger=logger).run()

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


def test_a_runner_given_its_data_trains_on_it_without_reading_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The monitor reads an edited config's data before stopping the current run
    # (a missing file must not cost that run); the new run then uses what was read.
    from nntui.training import runner as runner_module
    from nntui.training.datasets import load_run_data

    config = runner_config(training__epochs=2)
    data = load_run_data(config)

    def read_again(config: Config) -> None:
        raise AssertionError("the data was read again")

    monkeypatch.setattr(runner_module, "load_run_data", read_again)
    runner = NetworkRunner(config, data=data)
    assert runner.run()["status"] == "completed"
    assert runner.data is data
