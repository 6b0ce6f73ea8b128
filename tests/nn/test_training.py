"""NeuralNetwork.train: convergence, history, callbacks, stopping, divergence, dtypes."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from helpers import small_network, three_class_problem

from nntui.datasets.synthetic import generate_classification_data, generate_regression_data
from nntui.nn.callbacks import LambdaCallback
from nntui.nn.network import NeuralNetwork, TrainingDiverged
from nntui.nn.preprocessing import normalize_features, one_hot

SEED_LAYERS = [20, 128, 64, 32, 3]
SEED_ACTIVATIONS = ["relu", "relu", "relu", "softmax"]


@pytest.fixture(scope="module")
def classification() -> tuple[np.ndarray, ...]:
    x_train, x_test, y_train, y_test = generate_classification_data()
    x_train, x_test = normalize_features(x_train, x_test)
    return x_train, x_test, y_train, y_test


def small_problem(n: int = 96) -> tuple[np.ndarray, np.ndarray]:
    x, labels = three_class_problem(n)
    return x, one_hot(labels, 3)


# ---------------------------------------------------------------- convergence


def test_seed_classification_setup_reaches_90_percent(classification: tuple) -> None:
    x_train, x_test, y_train, y_test = classification
    network = NeuralNetwork(SEED_LAYERS, SEED_ACTIVATIONS, seed=42)
    history = network.train(x_train, y_train, epochs=40, learning_rate=0.01, batch_size=32)
    assert history["loss"][-1] < history["loss"][0] / 3
    assert network.evaluate(x_test, y_test)["accuracy"] >= 0.9


def test_regression_reaches_r2_of_0_9() -> None:
    x_train, x_test, y_train, y_test = generate_regression_data()
    x_train, x_test = normalize_features(x_train, x_test)
    network = NeuralNetwork([20, 128, 64, 32, 1], ["relu", "relu", "relu", "linear"], "mse", seed=0)
    history = network.train(x_train, y_train, epochs=40, learning_rate=0.01, batch_size=32)
    assert set(history) == {"loss", "r2"}
    assert history["r2"][-1] > history["r2"][0]
    assert network.evaluate(x_test, y_test)["r2"] >= 0.9


def test_binary_classification_with_a_sigmoid_output() -> None:
    x_train, x_test, y_train, y_test = generate_classification_data(n_classes=2, n_features=10)
    x_train, x_test = normalize_features(x_train, x_test)
    # integer labels 0/1 with one sigmoid unit
    network = NeuralNetwork([10, 32, 1], ["relu", "sigmoid"], "binary_cross_entropy", seed=0)
    history = network.train(
        x_train, y_train, epochs=30, learning_rate=0.05, batch_size=32,
        validation_data=(x_test, y_test),
    )  # fmt: skip
    assert history["val_accuracy"][-1] >= 0.9
    assert network.predict_proba(x_test).shape == (len(x_test), 1)
    assert network.predict(x_test).shape == (len(x_test),)
    assert np.mean(network.predict(x_test) == y_test) >= 0.9


def test_same_seed_gives_identical_history() -> None:
    x, y = small_problem()
    first = small_network().train(x, y, epochs=5, learning_rate=0.1, batch_size=16)
    second = small_network().train(x, y, epochs=5, learning_rate=0.1, batch_size=16)
    other = NeuralNetwork([4, 8, 3], ["relu", "softmax"], seed=2).train(x, y, 5, 0.1, 16)
    assert first == second
    assert first != other


# -------------------------------------------------------------------- history


def test_history_has_keras_keys_and_plain_floats() -> None:
    x, y = small_problem()
    history = small_network().train(
        x, y, epochs=3, learning_rate=0.1, batch_size=10, validation_data=(x[:20], y[:20])
    )
    assert list(history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    for values in history.values():
        assert len(values) == 3
        assert all(type(value) is float for value in values)


def test_regression_history_uses_r2() -> None:
    x, _ = small_problem()
    network = NeuralNetwork([4, 8, 1], ["tanh", "linear"], "mse", seed=0)
    history = network.train(x, x[:, 0], 2, 0.05, 16, validation_data=(x, x[:, :1]))
    assert list(history) == ["loss", "r2", "val_loss", "val_r2"]


def test_training_metrics_come_from_the_epochs_forward_passes() -> None:
    x, y = small_problem()
    network = small_network()
    before = network.evaluate(x, y)  # one full batch, no shuffle: the epoch sees exactly this
    history = network.train(x, y, epochs=1, learning_rate=0.1, batch_size=len(x), shuffle=False)
    assert history["loss"][0] == pytest.approx(before["loss"], rel=1e-12)
    assert history["accuracy"][0] == pytest.approx(before["accuracy"])


def test_training_loss_is_the_batch_size_weighted_mean() -> None:
    x, y = small_problem(10)
    network = small_network()
    reference = small_network()
    history = network.train(x, y, epochs=1, learning_rate=0.1, batch_size=4, shuffle=False)
    losses = []
    for start in range(0, 10, 4):  # replay the epoch by hand: batches of 4, 4 and 2
        batch_x, batch_y = x[start : start + 4], y[start : start + 4]
        losses.append(reference.compute_loss(reference.forward(batch_x), batch_y) * len(batch_x))
        reference.backward(batch_y)
        for layer in reference.layers:
            layer.weights -= 0.1 * layer.grad_weights
            layer.biases -= 0.1 * layer.grad_biases
    assert history["loss"][0] == pytest.approx(sum(losses) / 10, rel=1e-12)
    for trained, replayed in zip(network.layers, reference.layers, strict=True):
        np.testing.assert_allclose(trained.weights, replayed.weights, rtol=1e-12)
        # After train() the layers hold the plain gradients of the last batch.
        np.testing.assert_allclose(trained.grad_weights, replayed.grad_weights, rtol=1e-10)
        np.testing.assert_allclose(trained.grad_biases, replayed.grad_biases, rtol=1e-10)


def test_integer_labels_are_one_hot_encoded() -> None:
    x, y = small_problem()
    one_hot_history = small_network().train(x, y, 2, 0.1, 16)
    label_history = small_network().train(x, y.argmax(axis=1), 2, 0.1, 16)
    assert label_history == one_hot_history


def test_zero_epochs_returns_an_empty_history() -> None:
    x, y = small_problem()
    assert small_network().train(x, y, 0, 0.1, 16) == {"loss": [], "accuracy": []}


# ------------------------------------------------------------------ callbacks


def test_on_epoch_end_gets_metrics_and_per_layer_gradient_norms() -> None:
    x, y = small_problem()
    calls: list[tuple[int, dict[str, Any]]] = []
    small_network().train(
        x, y, 3, 0.1, 32, validation_data=(x, y),
        callbacks=[LambdaCallback(on_epoch_end=lambda epoch, logs: calls.append((epoch, logs)))],
    )  # fmt: skip
    assert [epoch for epoch, _ in calls] == [1, 2, 3]
    logs = calls[0][1]
    assert set(logs) == {
        "loss",
        "accuracy",
        "val_loss",
        "val_accuracy",
        "learning_rate",
        "grad_norms",
        "update_ratios",
        "weight_norms",
    }
    assert logs["learning_rate"] == 0.1
    assert len(logs["grad_norms"]) == len(logs["update_ratios"]) == len(logs["weight_norms"]) == 2
    assert all(type(norm) is float and norm > 0 for norm in logs["grad_norms"])


def test_gradient_norms_are_the_mean_of_the_batch_norms() -> None:
    x, y = small_problem(64)
    network, reference = small_network(), small_network()
    logs: dict[str, Any] = {}
    network.train(
        x,
        y,
        1,
        0.1,
        32,
        shuffle=False,
        callbacks=[LambdaCallback(on_epoch_end=lambda _, got: logs.update(got))],
    )
    norms = np.zeros(2)
    for start in (0, 32):
        reference.forward(x[start : start + 32])
        reference.backward(y[start : start + 32])
        for index, layer in enumerate(reference.layers):
            norms[index] += math.sqrt(np.sum(layer.grad_weights**2) + np.sum(layer.grad_biases**2))
        for layer in reference.layers:
            layer.weights -= 0.1 * layer.grad_weights
            layer.biases -= 0.1 * layer.grad_biases
    np.testing.assert_allclose(logs["grad_norms"], norms / 2, rtol=1e-10)


def test_should_stop_ends_training_within_one_batch() -> None:
    x, y = small_problem()
    network = small_network()
    polls: list[np.ndarray] = []

    def should_stop() -> bool:
        polls.append(network.layers[0].weights.copy())
        return len(polls) == 3  # let two batches run, then stop

    epochs_seen: list[int] = []
    history = network.train(
        x, y, 5, 0.1, 16, should_stop=should_stop,
        callbacks=[LambdaCallback(on_epoch_end=lambda epoch, _: epochs_seen.append(epoch))],
    )  # fmt: skip
    assert len(polls) == 3
    assert history == {"loss": [], "accuracy": []}  # the unfinished epoch is not recorded
    assert epochs_seen == []
    assert not np.array_equal(polls[0], polls[1])  # batches did run before the stop...
    np.testing.assert_array_equal(network.layers[0].weights, polls[2])  # ...and none after


def test_should_stop_after_an_epoch_keeps_that_epoch() -> None:
    x, y = small_problem(32)
    calls = iter([False, False, True])
    history = small_network().train(x, y, 5, 0.1, 16, should_stop=lambda: next(calls))
    assert len(history["loss"]) == 1


# ----------------------------------------------------------------- divergence


def test_huge_learning_rate_raises_training_diverged_quietly() -> None:
    x, _ = small_problem()
    network = NeuralNetwork([4, 16, 16, 1], ["relu", "relu", "linear"], "mse", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a NumPy overflow warning would fail the test
        with pytest.raises(TrainingDiverged) as error:
            network.train(x, x[:, 0] * 100, epochs=50, learning_rate=1e3, batch_size=8)
    diverged = error.value
    assert str(diverged) in {
        f"diverged at epoch {diverged.epoch}: loss is nan",
        f"diverged at epoch {diverged.epoch}: loss is inf",
    }
    assert not math.isfinite(diverged.loss)
    assert len(diverged.history["loss"]) == diverged.epoch - 1
    assert all(math.isfinite(value) for value in diverged.history["loss"])


def test_training_diverged_carries_the_exploding_epochs_norms_and_metrics() -> None:
    x, _ = small_problem()
    network = NeuralNetwork([4, 16, 16, 1], ["relu", "relu", "linear"], "mse", seed=0)
    with pytest.raises(TrainingDiverged) as error:
        network.train(
            x,
            x[:, 0] * 100,
            epochs=50,
            learning_rate=1e3,
            batch_size=8,
            validation_data=(x[:16], x[:16, 0] * 100),
            verbose=False,
        )
    diverged = error.value
    assert diverged.quantity == "loss" and not math.isfinite(diverged.value)
    assert str(diverged) == f"diverged at epoch {diverged.epoch}: loss is {diverged.value}"
    # One mean gradient norm per layer, dense_1 first, plain floats (nan/inf kept).
    assert len(diverged.grad_norms) == len(network.layers) == 3
    assert all(type(norm) is float for norm in diverged.grad_norms)
    assert not all(math.isfinite(norm) for norm in diverged.grad_norms)
    # That epoch's metrics under the history names, the loss among them.
    assert list(diverged.logs) == ["loss", "r2", "val_loss", "val_r2"]
    assert math.isnan(diverged.logs["loss"]) == math.isnan(diverged.loss)


def test_training_diverged_names_a_non_finite_metric_or_norm_and_keeps_its_old_signature() -> None:
    old = TrainingDiverged(3, math.nan, {"loss": [1.0, 2.0]})
    assert str(old) == "diverged at epoch 3: loss is nan"
    assert (old.quantity, old.grad_norms, old.logs) == ("loss", (), {})
    norm = TrainingDiverged(
        4,
        0.5,
        {},
        "gradient norm of dense_2",
        math.inf,
        grad_norms=[0.1, math.inf],
        logs={"loss": 0.5, "accuracy": 0.25},
    )
    assert str(norm) == "diverged at epoch 4: gradient norm of dense_2 is inf"
    assert (norm.value, norm.grad_norms, norm.logs) == (
        math.inf,
        (0.1, math.inf),
        {"loss": 0.5, "accuracy": 0.25},
    )


# --------------------------------------------------------------------- dtypes


def test_float32_training_never_upcasts() -> None:
    x, y = small_problem()
    network = small_network(dtype="float32")
    seen: list[np.dtype] = []

    def inspect(epoch: int, logs: dict[str, Any]) -> None:
        for layer in network.layers:
            seen.extend([layer.weights.dtype, layer.grad_weights.dtype, layer.grad_biases.dtype])

    def record_batch() -> bool:  # polled before each batch: look at the previous one
        for layer in network.layers:
            if layer.output is not None:
                seen.extend([layer.input.dtype, layer.output.dtype])
        return False

    history = network.train(
        x,
        y,
        2,
        0.1,
        16,
        validation_data=(x, y),
        callbacks=[LambdaCallback(on_epoch_end=inspect)],
        should_stop=record_batch,
    )
    assert len(seen) > 20
    assert set(seen) == {np.dtype("float32")}
    assert network.predict_proba(x).dtype == np.float32
    assert all(type(value) is float for value in history["loss"])


# --------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": -1}, "epochs must be a non-negative integer, got -1"),
        ({"epochs": 2.5}, "epochs must be a non-negative integer, got 2.5"),
        ({"batch_size": 0}, "batch_size must be a positive integer, got 0"),
        ({"learning_rate": 0}, "learning_rate must be a positive number, got 0"),
        ({"learning_rate": float("nan")}, "learning_rate must be a positive number, got nan"),
        ({"x": np.ones((96, 3))}, "Input dimension 3 does not match layer input size 4"),
        ({"y": np.ones((96, 2))}, "Targets have shape (96, 2), expected (96, 3)"),
        ({"y": np.ones((95, 3))}, "Targets have shape (95, 3), expected (96, 3)"),
        ({"x": np.full((96, 4), np.nan)}, "The training data contains NaN or infinite values"),
        ({"validation_data": np.ones(3)}, "validation_data must be a pair (x_val, y_val)"),
    ],
)
def test_bad_training_arguments_are_reported(kwargs: dict[str, Any], message: str) -> None:
    x, y = small_problem()
    arguments = {"x": x, "y": y, "epochs": 1, "learning_rate": 0.1, "batch_size": 16, **kwargs}
    with pytest.raises(ValueError) as error:
        small_network().train(**arguments)
    assert str(error.value).startswith(message)
