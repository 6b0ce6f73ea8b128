"""The walkthrough of a run's sample: the misclassified ones, an index, the current weights."""

from __future__ import annotations

import pytest
from factories import make_config

from nntui.nn.confusion import class_labels
from nntui.training.classification import network_outputs
from nntui.training.runner import NetworkRunner
from nntui.training.walkthrough import misclassified, sample_walkthrough


def _finished() -> NetworkRunner:
    runner = NetworkRunner(make_config({"training.epochs": 2}))
    runner.run()
    return runner


def test_misclassified_are_the_test_rows_the_network_gets_wrong() -> None:
    runner = _finished()
    assert runner.network is not None and runner.data is not None
    wrong = misclassified(runner.network, runner.data)
    predicted = class_labels(network_outputs(runner.network, runner.data.x_test))
    truth = class_labels(runner.data.y_test)
    assert list(wrong) == [i for i in range(len(truth)) if predicted[i] != truth[i]]


def test_a_samples_walkthrough_checks_its_gradients() -> None:
    runner = _finished()
    assert runner.network is not None and runner.data is not None
    walk = sample_walkthrough(runner.network, runner.data, 0, learning_rate=0.01)
    assert walk.x == pytest.approx(tuple(runner.data.x_test[0]))
    assert walk.worst_relative_error < 1e-5
    with pytest.raises(IndexError, match="sample 999 is not one of the"):
        sample_walkthrough(runner.network, runner.data, 999, learning_rate=0.01)


def test_a_regression_run_has_nothing_misclassified() -> None:
    runner = NetworkRunner(make_config({"training.epochs": 1}, task="regression"))
    runner.run()
    assert runner.network is not None and runner.data is not None
    assert misclassified(runner.network, runner.data) == ()
    walk = sample_walkthrough(runner.network, runner.data, 1, rows="train", learning_rate=0.1)
    assert walk.loss.name == "mse"
