"""The results document, built from a record folded from fixed event streams (no training)."""

from __future__ import annotations

import dataclasses
import json
import math

from event_streams import (
    diverged_run_events,
    early_stopped_run_events,
    finished_run_events,
    live_run_events,
    run_started,
    stream_config,
)
from helpers import CLASSIFICATION_HISTORY_KEYS, REGRESSION_HISTORY_KEYS, RESULT_KEYS

from nntui.training.events import RunFailed
from nntui.training.record import RunRecord, fold
from nntui.training.results import (
    SCHEMA_VERSION,
    build_results,
    data_block,
    describe_stop,
    json_safe,
    results_to_json,
)


def test_a_finished_stream_carries_the_results_build_results_makes() -> None:
    events = finished_run_events(epochs=12)
    record = fold(events[:-1])
    results = build_results(
        record, status="completed", wall_time_s=2.5, test={"loss": 0.2, "accuracy": 0.9}
    )

    assert set(results) >= RESULT_KEYS
    assert results["schema_version"] == SCHEMA_VERSION == 2
    assert set(results["history"]) == CLASSIFICATION_HISTORY_KEYS
    assert results["history"] == record.history
    assert results["epochs_completed"] == 12
    assert results["best"] == {"monitor": "val_loss", "epoch": 12, "value": record.best.value}
    assert results["best_epoch"] == 12
    assert record.config is not None and results["config"] == record.config.to_dict()
    assert results["task"] == "classification"
    assert results["seed"] == 42
    assert results["stop_message"] == (
        f"completed 12 epochs; best val_loss {record.best.value:.4g} at epoch 12"
    )
    assert [row["layer"] for row in results["diagnostics"]] == ["dense_1", "dense_2", "dense_3"]
    assert results["architecture"]["layer_sizes"] == [4, 8, 6, 3]
    assert results["architecture"]["activations"] == ["relu", "tanh", "softmax"]
    json.loads(results_to_json(results))  # strict JSON


def test_regression_results_keep_r2_histories() -> None:
    record = fold(finished_run_events("regression", epochs=3))
    assert record.results is not None
    assert set(record.results["history"]) == REGRESSION_HISTORY_KEYS
    assert record.results["architecture"]["loss"] == "mse"


def test_the_data_block_counts_train_validation_and_test_rows() -> None:
    record = fold(live_run_events(done=1))
    assert data_block(record) == {
        "source": "synthetic",
        "n_train": 240,
        "n_validation": 60,
        "n_test": 60,
        "n_features": 4,
        "feature_names": ["x1", "x2", "x3", "x4"],
        "class_names": ["class_0", "class_1", "class_2"],
        "warnings": [],
    }


def test_a_csv_data_block_names_the_file_and_the_target() -> None:
    config = stream_config(data__source="csv", data__path="houses.csv", data__target="price")
    started = run_started(stream_config())
    started = dataclasses.replace(
        started, config=config, data=dataclasses.replace(started.data, source="csv")
    )
    block = data_block(RunRecord().apply(started))
    assert (block["source"], block["path"], block["target"]) == ("csv", "houses.csv", "price")


def test_a_run_that_failed_before_it_started_has_only_its_source() -> None:
    record = RunRecord(config=stream_config())
    results = build_results(record, status="error", wall_time_s=0.1, stop_message="no data")

    assert results["data"] == {"source": "synthetic"}
    assert results["architecture"] == {} and results["history"] == {}
    assert results["test"] is None and results["epochs_completed"] == 0
    assert results["stop_message"] == "no data"
    assert results["seed"] == 42


def test_stop_messages_say_how_a_run_ended() -> None:
    stopped = fold(early_stopped_run_events(epochs=30, best_epoch=10)[:-1])
    assert describe_stop(stopped, "early_stopped") == (
        "early stopping: val_loss did not improve for 5 epochs; best epoch 10 restored"
    )
    assert describe_stop(fold(live_run_events(done=4)), "interrupted") == (
        "stopped on request after epoch 4 of 30"
    )
    assert describe_stop(RunRecord(), "completed") == "completed 0 epochs"


def test_a_diverged_stream_keeps_the_finite_history_before_it() -> None:
    record = fold(diverged_run_events(diverged_at=3))
    assert record.results is not None
    assert record.results["status"] == "diverged"
    assert len(record.results["history"]["loss"]) == 2


def test_a_diverged_run_writes_the_epoch_that_exploded_as_the_diverged_block() -> None:
    events = diverged_run_events(epochs=30, diverged_at=6)
    failed = events[-1]
    assert isinstance(failed, RunFailed) and failed.explosion is not None
    record = fold(events)
    assert record.explosion is failed.explosion  # the reducer keeps it
    assert record.results is not None
    block = record.results["diverged"]
    assert block == {
        "epoch": 6,
        "quantity": "loss",
        "value": None,  # nan: JSON has none
        "loss": None,
        "grad_norms": [None, 3.2e5, None],  # inf, 3.2e+05, nan: dense_1 first
        "metrics": {"loss": None, "accuracy": 0.3333, "val_loss": None, "val_accuracy": 0.3},
    }
    json.dumps(block, allow_nan=False)  # strict JSON as it stands
    assert json.loads(results_to_json(record.results))["diverged"] == block


def test_a_run_that_did_not_diverge_has_no_diverged_block() -> None:
    assert fold(finished_run_events(epochs=3)).results["diverged"] is None  # type: ignore[index]
    interrupted = build_results(fold(live_run_events(done=2)), status="interrupted", wall_time_s=1)
    assert interrupted["diverged"] is None


def test_samples_per_s_leave_out_what_train_seconds_leaves_out() -> None:
    record = fold(live_run_events(done=4))
    assert build_results(record, status="interrupted", wall_time_s=9.0, train_seconds=2.0)[
        "samples_per_s"
    ] == (4 * 240 / 2.0)
    assert build_results(record, status="interrupted", wall_time_s=9.0)["samples_per_s"] == (
        record.last_epoch.samples_per_s if record.last_epoch else None
    )


def test_json_safe_turns_non_finite_numbers_into_null_and_tuples_into_lists() -> None:
    assert json_safe({"a": (1.0, math.nan), "b": {"c": -math.inf}, 3: "x"}) == {
        "a": [1.0, None],
        "b": {"c": None},
        "3": "x",
    }
