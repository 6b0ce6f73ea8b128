"""Validation rows are not test rows; no validation means no val_*; divergence names the key."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from factories import make_config
from helpers import run_collecting

from nntui.training.datasets import load_run_data
from nntui.training.divergence import divergence_hint
from nntui.training.events import EpochEnded, RunFailed, RunStarted
from nntui.training.runner import NetworkRunner

IRIS = {"data.source": "iris", "training.learning_rate": 0.05}


def test_val_metrics_come_from_the_validation_rows_not_the_test_rows() -> None:
    runner = NetworkRunner(make_config(IRIS, training__epochs=2))
    results = runner.run()
    assert runner.network is not None and runner.data is not None
    data = runner.data
    validation = runner.network.evaluate(data.x_val, data.y_val)
    test = runner.network.evaluate(data.x_test, data.y_test)
    assert results["history"]["val_loss"][-1] == validation["loss"]
    assert results["test"] == test
    assert (data.n_train, data.n_validation, data.n_test) == (108, 12, 30)
    raw = {*map(tuple, data.x_val_raw)}
    assert not raw & {*map(tuple, data.x_test_raw)}  # iris has no duplicate rows across these


def test_without_validation_there_are_no_val_keys_and_best_is_the_training_loss() -> None:
    events, results = run_collecting(make_config(IRIS, data__validation_split=0))
    started = events[0]
    assert isinstance(started, RunStarted) and started.data.n_validation == 0
    assert results["data"]["n_validation"] == 0 and results["data"]["n_train"] == 120
    assert set(results["history"]) == {"loss", "accuracy", "learning_rate"}
    assert results["best"]["monitor"] == "loss"
    epoch = next(event for event in events if isinstance(event, EpochEnded))
    assert epoch.val_loss is None and epoch.val_score is None


def test_a_constant_column_is_reported_on_run_started(tmp_path: Path) -> None:
    path = tmp_path / "const.csv"
    rows = "".join(f"{i},{(i * 7) % 5},3,{i % 2}\n" for i in range(40))
    path.write_text("a,b,same,y\n" + rows, encoding="utf-8")
    config = make_config({"data.source": "csv", "data.path": str(path), "data.target": "y"})
    assert load_run_data(config).warnings
    events, results = run_collecting(config)
    started = events[0]
    assert isinstance(started, RunStarted)
    (warning,) = started.data.warnings
    assert "column 'same' is constant" in warning and str(path) in warning
    assert results["data"]["warnings"] == [warning]


def test_a_diverging_learning_rate_names_training_learning_rate() -> None:
    events, results = run_collecting(
        make_config(IRIS, training__learning_rate=1000, training__epochs=30)
    )
    failed = events[-1]
    assert isinstance(failed, RunFailed) and failed.status == "diverged"
    assert failed.reason.endswith("try a lower training.learning_rate (it was 1000)")
    assert results["status"] == "diverged"


def test_an_exploding_l2_penalty_names_training_l2() -> None:
    config = make_config(IRIS, training__optimizer="adam", training__l2=1e300)
    events, _ = run_collecting(config)
    failed = events[-1]
    assert isinstance(failed, RunFailed) and failed.status == "diverged"
    assert "training.l2 (it was 1e+300)" in failed.reason


def test_an_sgd_decay_step_of_two_or_more_blames_l2() -> None:
    config = make_config(IRIS, training__learning_rate=0.5, training__l2=5.0)
    runner = NetworkRunner(config)
    runner.prepare()
    assert runner.network is not None and runner.data is not None
    hint = divergence_hint(runner.network, runner.data, config.training)
    assert "training.l2" in hint
    small = make_config(IRIS, training__l2=1e-4)
    assert "training.learning_rate" in divergence_hint(runner.network, runner.data, small.training)


def test_nan_weights_fall_back_to_the_learning_rate() -> None:
    config = make_config(IRIS, training__optimizer="adam", training__l2=0.1)
    runner = NetworkRunner(config)
    runner.prepare()
    assert runner.network is not None and runner.data is not None
    runner.network.layers[0].weights = np.full_like(runner.network.layers[0].weights, np.nan)
    hint = divergence_hint(runner.network, runner.data, config.training)
    assert "training.learning_rate" in hint
