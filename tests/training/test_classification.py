"""Confusion matrices of a run: validation on demand per epoch, test in the results."""

from __future__ import annotations

import json

import numpy as np
import pytest
from factories import make_config

from nntui.training.classification import ClassQualityHook, quality_of
from nntui.training.events import RunEvent, RunFinished
from nntui.training.measurements import ClassQuality, ClassQualityMeasured
from nntui.training.on_demand import Demand
from nntui.training.record import RunRecord
from nntui.training.results import flat_metrics, results_to_json
from nntui.training.runner import NetworkRunner


def test_quality_of_softmax_outputs_against_one_hot_targets() -> None:
    outputs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    targets = np.array([[1, 0], [0, 1], [0, 1], [0, 1]])
    quality = quality_of(outputs, targets, ("a", "b"), "test")
    assert quality.matrix == ((1, 0), (1, 2))
    assert quality.accuracy == pytest.approx(0.75)
    assert quality.scores[0].precision == pytest.approx(0.5)
    assert quality.scores[1].recall == pytest.approx(2 / 3)
    assert [score.name for score in quality.scores] == ["a", "b"]


def test_quality_of_a_sigmoid_head() -> None:
    quality = quality_of([[0.9], [0.2], [0.7]], [[1], [0], [0]], ("no", "yes"), "validation")
    assert quality.matrix == ((1, 1), (0, 1))


def test_the_results_block_reads_back_as_the_same_quality() -> None:
    quality = quality_of([[0.9, 0.1], [0.2, 0.8]], [[1, 0], [1, 0]], ("a", "b"), "test")
    block = json.loads(json.dumps(quality.as_dict()))
    assert block["confusion_matrix"] == [[1, 1], [0, 0]]
    assert block["per_class"]["b"]["precision"] == 0.0
    assert block["per_class"]["b"]["recall"] is None
    assert block["per_class"]["b"]["f1"] == 0.0
    assert ClassQuality.from_dict(block) == quality
    assert ClassQuality.from_dict({"classes": ["a"]}) is None


def _run(demand: Demand, **overrides: object) -> tuple[list[RunEvent], NetworkRunner]:
    events: list[RunEvent] = []
    hook = ClassQualityHook(demand, events.append)
    runner = NetworkRunner(
        make_config({"training.epochs": 3, **overrides}), on_event=events.append, hooks=[hook]
    )
    runner.run()
    return events, runner


def test_a_classification_run_writes_the_test_confusion_matrix_into_its_results() -> None:
    events, runner = _run(Demand())
    results = runner.record.results
    assert results is not None
    block = results["classification"]
    n_test = results["data"]["n_test"]
    assert block["split"] == "test"
    assert sum(map(sum, block["confusion_matrix"])) == n_test
    assert block["accuracy"] == pytest.approx(results["test"]["accuracy"])
    assert set(block["per_class"]) == set(results["data"]["class_names"])
    assert flat_metrics(results)["test_macro_f1"] == block["macro_f1"]
    json.loads(results_to_json(results))  # strict JSON
    assert not any(isinstance(event, ClassQualityMeasured) for event in events)
    record = RunRecord()
    for event in events:
        record.apply(event)
    epoch, quality = record.class_quality["test"]
    assert epoch == 3 and sum(map(sum, quality.matrix)) == n_test


def test_validation_matrices_come_per_epoch_only_when_asked() -> None:
    events, runner = _run(Demand(enabled=True))
    measured = [event for event in events if isinstance(event, ClassQualityMeasured)]
    assert [event.epoch for event in measured] == [1, 2, 3, 3]
    n_validation = runner.record.started.data.n_validation  # type: ignore[union-attr]
    assert all(sum(map(sum, e.quality.matrix)) == n_validation for e in measured)
    assert all(e.quality.split == "validation" for e in measured)
    assert isinstance(events[-1], RunFinished)


def test_a_regression_run_has_no_classification_block() -> None:
    events, runner = _run(Demand(enabled=True), task="regression")
    assert runner.record.results is not None
    assert runner.record.results["classification"] is None
    assert not any(isinstance(event, ClassQualityMeasured) for event in events)


def test_without_validation_rows_the_hook_is_idle_but_the_test_block_is_there() -> None:
    events, runner = _run(Demand(enabled=True), **{"data.validation_split": 0})
    assert not any(isinstance(event, ClassQualityMeasured) for event in events)
    assert runner.record.results is not None
    assert runner.record.results["classification"]["split"] == "test"


def test_a_sigmoid_head_gets_a_two_class_matrix() -> None:
    overrides = {
        "data.source": "circles",
        "network.output_activation": "sigmoid",
        "data.n_samples": 120,
    }
    _, runner = _run(Demand(), **overrides)
    assert runner.record.results is not None
    block = runner.record.results["classification"]
    assert len(block["confusion_matrix"]) == 2
