"""The callback protocol of train(): order, the network's knobs, and what is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from helpers import small_network, three_class_problem

from nntui.nn.callbacks import Callback, LambdaCallback
from nntui.nn.early_stopping import EarlyStopping
from nntui.nn.network import NeuralNetwork
from nntui.nn.schedules import StepDecay


class Recorder(Callback):
    def __init__(self, name: str, seen: list[str]) -> None:
        self.name, self.seen = name, seen

    def on_train_begin(self, network: NeuralNetwork) -> None:
        self.seen.append(f"{self.name}:begin:{network.learning_rate}")

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        self.seen.append(f"{self.name}:{epoch}")


def test_callbacks_run_in_the_order_given() -> None:
    x, labels = three_class_problem(32)
    seen: list[str] = []
    small_network().train(
        x, labels, 2, 0.1, 16, callbacks=[Recorder("a", seen), Recorder("b", seen)]
    )
    assert seen == ["a:begin:0.1", "b:begin:0.1", "a:1", "b:1", "a:2", "b:2"]


def test_the_base_class_does_nothing_and_changes_no_history_key() -> None:
    x, labels = three_class_problem(32)
    history = small_network().train(x, labels, 1, 0.1, 16, callbacks=[Callback()])
    assert list(history) == ["loss", "accuracy"]


def test_a_callback_that_sets_stop_training_ends_after_that_epoch() -> None:
    x, labels = three_class_problem(32)
    network = small_network()

    def stop_at_two(epoch: int, logs: dict[str, Any]) -> None:
        network.stop_training = epoch == 2

    history = network.train(
        x, labels, 5, 0.1, 16, callbacks=[LambdaCallback(on_epoch_end=stop_at_two)]
    )
    assert len(history["loss"]) == 2
    assert network.stop_reason == "early_stopped"


def test_a_schedule_sets_the_next_epochs_rate_on_the_network() -> None:
    x, labels = three_class_problem(32)
    network = small_network()
    rates: list[float] = []
    watch = LambdaCallback(on_epoch_end=lambda epoch, logs: rates.append(network.learning_rate))
    history = network.train(x, labels, 3, 0.2, 16, callbacks=[StepDecay(0.5, every=1), watch])
    assert history["learning_rate"] == [0.2, 0.1, 0.05]
    assert rates == [0.1, 0.05, 0.025]  # set by the schedule before the next callback runs


def test_early_stopping_sets_the_best_epoch_on_the_network() -> None:
    x, labels = three_class_problem(48)
    network = small_network()
    network.train(x, labels, 3, 0.1, 16, callbacks=[EarlyStopping(monitor="loss", patience=5)])
    assert network.best_epoch is not None and network.best_value is not None


def test_something_that_is_not_a_callback_is_refused() -> None:
    x, labels = three_class_problem(32)
    message = "callbacks must be Callback objects (e.g. EarlyStopping(patience=5)), got 'early'"
    with pytest.raises(ValueError, match=re.escape(message)):
        small_network().train(x, labels, 1, 0.1, 16, callbacks=["early"])  # type: ignore[list-item]


def test_a_callback_setting_a_bad_rate_is_reported() -> None:
    x, labels = three_class_problem(32)
    network = small_network()

    def zero(epoch: int, logs: dict[str, Any]) -> None:
        network.learning_rate = 0.0

    message = "network.learning_rate must be a positive number, got 0.0"
    with pytest.raises(ValueError, match=re.escape(message)):
        network.train(x, labels, 2, 0.1, 16, callbacks=[LambdaCallback(on_epoch_end=zero)])
