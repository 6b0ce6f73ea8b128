"""The reference API, as the reference project's README promises it.

The reference README's four "Programmatic Usage" examples (classification,
regression, a ``NetworkRunner`` run, layers/activations/initialisers by hand)
run here as a student would copy them, with only the import line changed to
``from nntui import …`` (nntui's README "Python API" section shows the same
code), and must reach the accuracy / R² the reference promises. (The
reference's own text is not in this repository: the examples follow its
description in issue 11.) Then the promises one by one: the names, their
defaults, their messages, and the gradients of the public ``DenseLayer.backward``
and ``ActivationFunction`` derivatives against central differences in float64.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from factories import make_config

from nntui.config import dump_config

ALL_ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "softmax", "linear"]

# ---------------------------------------------------------------- the examples


def test_example_1_classification(capsys: pytest.CaptureFixture[str]) -> None:
    from nntui import NeuralNetwork, generate_classification_data, normalize_features

    # Generate data
    X_train, X_test, y_train, y_test = generate_classification_data(
        n_samples=1000, n_features=20, n_classes=3, random_seed=42
    )
    X_train, X_test = normalize_features(X_train, X_test)

    # Create and train the network
    nn = NeuralNetwork(
        layer_sizes=[20, 64, 32, 3],
        activations=["relu", "relu", "softmax"],
        loss="cross_entropy",
        weight_init="he",
    )
    history = nn.train(
        X_train,
        y_train,
        epochs=100,
        learning_rate=0.01,
        batch_size=32,
        validation_data=(X_test, y_test),
        verbose=True,
    )

    # Evaluate
    results = nn.evaluate(X_test, y_test)
    print(f"Test accuracy: {results['accuracy']:.4f}")

    assert results["accuracy"] >= 0.9
    assert len(history["loss"]) == 100 and history is not nn.get_training_history()
    assert nn.get_training_history() == history
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Epoch 1/100 - loss: ")
    assert " - val_accuracy: " in lines[0]
    assert [line.split(" ")[1] for line in lines[:-1]] == [
        "1/100",
        *(f"{epoch}/100" for epoch in range(10, 101, 10)),
    ]  # a long run prints about ten lines, the first and the last always
    assert lines[-1] == f"Test accuracy: {results['accuracy']:.4f}"


def test_example_2_regression() -> None:
    from nntui import NeuralNetwork, generate_regression_data, normalize_features

    X_train, X_test, y_train, y_test = generate_regression_data(
        n_samples=500, n_features=10, random_seed=42
    )
    X_train, X_test = normalize_features(X_train, X_test)

    nn = NeuralNetwork(
        layer_sizes=[10, 64, 32, 1],
        activations=["relu", "relu", "linear"],
        loss="mse",
    )
    nn.train(X_train, y_train, epochs=100, learning_rate=0.01, verbose=False)

    results = nn.evaluate(X_test, y_test)
    print(f"Test R²: {results['r2']:.4f}")
    predictions = nn.predict(X_test)

    assert results["r2"] >= 0.85
    assert predictions.shape == (len(X_test), 1)


def test_example_3_network_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = make_config({"training.epochs": 30}, tiny=False)
    (tmp_path / "config.yaml").write_text(dump_config(config))
    monkeypatch.chdir(tmp_path)
    from nntui import NetworkRunner

    runner = NetworkRunner("config.yaml")  # NetworkRunner(): the nntui command's lookup
    results = runner.run_classification()
    print(f"Test accuracy: {results['accuracy']:.4f}")
    regression = runner.run_regression()
    print(f"Test R²: {regression['r2']:.4f}")

    assert results["accuracy"] >= 0.9
    assert results["status"] == "completed" and len(results["history"]["loss"]) == 30
    assert results["loss"] == results["test"]["loss"]  # the test set's, flat
    assert regression["r2"] >= 0.85 and regression["task"] == "regression"
    assert NetworkRunner().config.training.epochs == 30  # found ./config.yaml, as nntui does


def test_example_4_custom_layers_activations_and_initializers() -> None:
    import numpy as np

    from nntui import (
        ActivationFunction,
        DenseLayer,
        WeightInitializer,
        generate_classification_data,
        normalize_features,
        one_hot,
    )

    np.random.seed(42)
    X_train, X_test, y_train, y_test = generate_classification_data(
        n_samples=600, n_features=10, n_classes=3, random_seed=42
    )
    X_train, X_test = normalize_features(X_train, X_test)
    Y_train = one_hot(y_train, 3)

    # Two layers by hand: leaky ReLU, then linear scores turned into probabilities
    hidden = DenseLayer(10, 32, activation="leaky_relu", weight_init="he")
    output = DenseLayer(32, 3, activation="linear")
    output.weights = WeightInitializer.xavier(32, 3)

    for _epoch in range(300):
        scores = output.forward(hidden.forward(X_train))
        probabilities, _ = ActivationFunction.softmax(scores)
        grad_scores = (probabilities - Y_train) / len(X_train)  # softmax + cross-entropy
        grad_hidden = output.backward(grad_scores, learning_rate=0.5)
        hidden.backward(grad_hidden, learning_rate=0.5)

    probabilities, _ = ActivationFunction.softmax(output.forward(hidden.forward(X_test)))
    accuracy = np.mean(probabilities.argmax(axis=1) == y_test)
    print(f"Test accuracy: {accuracy:.4f}")

    assert accuracy >= 0.9


# ------------------------------------------------------------------- the names


def test_every_reference_name_is_importable_from_nntui() -> None:
    import nntui

    for name in (
        "ActivationFunction",
        "WeightInitializer",
        "DenseLayer",
        "NeuralNetwork",
        "NetworkRunner",
        "generate_classification_data",
        "generate_regression_data",
        "normalize_features",
        "one_hot",
    ):
        assert name in nntui.__all__
        assert getattr(nntui, name) is not None


def test_the_reference_names_are_the_engines_own_classes() -> None:
    import nntui
    from nntui.nn.layers import DenseLayer
    from nntui.nn.network import NeuralNetwork
    from nntui.training.runner import NetworkRunner

    assert nntui.DenseLayer is DenseLayer
    assert nntui.NeuralNetwork is NeuralNetwork
    assert nntui.NetworkRunner is NetworkRunner
    network = NeuralNetwork([4, 3], ["softmax"], seed=0)
    assert all(type(layer) is DenseLayer for layer in network.layers)


def test_summary_counts_trainable_parameters() -> None:
    from nntui import NeuralNetwork

    summary = NeuralNetwork([10, 64, 32, 3], ["relu", "relu", "softmax"]).summary()
    assert "Total trainable parameters: 2,883" in summary.splitlines()
    assert summary.count("(Dense)") == 3


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda nn: nn([3], []), "at least an input and output layer"),
        (lambda nn: nn([3, 4, 2], ["relu"]), "Expected 2 activations, got 1"),
        (lambda nn: nn([3, 2], ["swish"]), "Unknown activation 'swish'"),
        (lambda nn: nn([3, 2], ["softmax"], loss="hinge"), "Unknown loss 'hinge'"),
    ],
)
def test_the_seeds_error_messages(build: Callable[..., object], message: str) -> None:
    from nntui import NeuralNetwork

    with pytest.raises(ValueError, match=message):
        build(NeuralNetwork)


def test_dense_layer_messages() -> None:
    from nntui import DenseLayer

    layer = DenseLayer(4, 2)
    with pytest.raises(ValueError, match=r"^Input dimension 3 does not match layer input size 4$"):
        layer.forward(np.ones((1, 3)))
    with pytest.raises(RuntimeError, match=r"^Forward pass must be called before backward$"):
        layer.backward(np.ones((1, 2)), 0.1)
    with pytest.raises(ValueError, match=r"Unknown activation 'gelu'\. Available: sigmoid, tanh"):
        DenseLayer(2, 2, activation="gelu")
    with pytest.raises(ValueError, match=r"Unknown weight init.*Available: xavier, he, random_"):
        DenseLayer(2, 2, weight_init="zeros")


def test_train_has_a_default_for_every_argument_after_y(capsys: pytest.CaptureFixture[str]) -> None:
    from nntui import NeuralNetwork

    x = np.random.default_rng(0).standard_normal((40, 3))
    y = (x[:, 0] > 0).astype(int)
    network = NeuralNetwork([3, 4, 1], ["relu", "sigmoid"], loss="binary_cross_entropy", seed=1)
    history = network.train(x, y, epochs=5, verbose=False)
    assert len(history["loss"]) == 5 and capsys.readouterr().out == ""
    network.train(x, y, epochs=3)  # verbose by default: one line per epoch
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert set(np.unique(network.predict(x))) <= {0, 1}


def test_labels_and_one_hot_targets_train_identically() -> None:
    from nntui import NeuralNetwork, generate_classification_data, one_hot

    x, _, labels, _ = generate_classification_data(120, 4, 3, random_seed=1)
    by_labels = NeuralNetwork([4, 6, 3], ["tanh", "softmax"], seed=3)
    by_one_hot = NeuralNetwork([4, 6, 3], ["tanh", "softmax"], seed=3)
    first = by_labels.train(x, labels, epochs=3, verbose=False)
    second = by_one_hot.train(x, one_hot(labels, 3), epochs=3, verbose=False)
    assert first == second
    np.testing.assert_array_equal(by_labels.parameters, by_one_hot.parameters)


def test_numpys_global_seed_makes_weights_and_training_repeatable() -> None:
    from nntui import NeuralNetwork, WeightInitializer

    def run() -> tuple[np.ndarray, np.ndarray]:
        np.random.seed(42)
        weights = WeightInitializer.he(5, 4)
        network = NeuralNetwork([5, 4, 2], ["relu", "softmax"])
        network.train(np.eye(5), [0, 1, 0, 1, 1], epochs=2, verbose=False)
        return weights, network.parameters.copy()

    (w1, p1), (w2, p2) = run(), run()
    np.testing.assert_array_equal(w1, w2)
    np.testing.assert_array_equal(p1, p2)


@pytest.mark.parametrize(
    ("name", "variance"),
    [("xavier", 2 / (300 + 200)), ("he", 2 / 300), ("random_normal", 0.01**2)],
)
def test_initializer_variances(name: str, variance: float) -> None:
    from nntui import WeightInitializer

    weights = getattr(WeightInitializer, name)(300, 200, rng=np.random.default_rng(0))
    assert weights.shape == (300, 200)
    assert weights.var() == pytest.approx(variance, rel=0.02)
    np.testing.assert_array_equal(weights, getattr(WeightInitializer, name)(300, 200, rng=0))


# ------------------------------------------------------------ gradient checks


def central_difference(f: Callable[[np.ndarray], float], x: np.ndarray, h: float) -> np.ndarray:
    """``(f(x + h·e_i) - f(x - h·e_i)) / 2h`` for every element of ``x`` (float64)."""
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        up = f(x)
        x[index] = saved - h
        down = f(x)
        x[index] = saved
        gradient[index] = (up - down) / (2 * h)
    return gradient


@pytest.mark.parametrize("activation", ALL_ACTIVATIONS)
def test_dense_layer_backward_matches_central_differences(activation: str) -> None:
    from nntui import DenseLayer

    rng = np.random.default_rng(5)
    layer = DenseLayer(4, 3, activation=activation, weight_init="xavier", rng=rng)
    layer.biases = rng.standard_normal(3) * 0.1
    x = rng.standard_normal((6, 4))
    upstream = rng.standard_normal((6, 3)) / 6  # L = Σ upstream ⊙ a

    def loss_of_weights(weights: np.ndarray) -> float:
        z = x @ weights + layer.biases
        return float(np.sum(upstream * _apply(activation, z)))

    def loss_of_inputs(inputs: np.ndarray) -> float:
        return float(np.sum(upstream * _apply(activation, inputs @ layer.weights + layer.biases)))

    weights_before = layer.weights.copy()
    numeric_w = central_difference(loss_of_weights, weights_before.copy(), 1e-6)
    numeric_x = central_difference(loss_of_inputs, x.copy(), 1e-6)
    layer.forward(x)
    rate = 1e-3
    grad_x = layer.backward(upstream, learning_rate=rate)
    step = (weights_before - layer.weights) / rate  # the SGD step taken, divided by η
    np.testing.assert_allclose(layer.grad_weights, numeric_w, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(step, numeric_w, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(grad_x, numeric_x, rtol=1e-6, atol=1e-9)


def _apply(activation: str, z: np.ndarray) -> np.ndarray:
    from nntui import ActivationFunction

    if activation == "leaky_relu":
        return ActivationFunction.leaky_relu(z)[0]
    output: np.ndarray = getattr(ActivationFunction, activation)(z)[0]
    return output


@pytest.mark.parametrize("activation", ALL_ACTIVATIONS)
def test_activation_derivatives_match_central_differences(activation: str) -> None:
    from nntui import ActivationFunction

    z = np.random.default_rng(6).uniform(-4, 4, size=(5, 4))
    z[np.abs(z) < 1e-3] = 0.5  # away from the kink of relu / leaky_relu
    _, derivative = getattr(ActivationFunction, activation)(z)
    h = 1e-6
    if activation == "softmax":  # the diagonal ∂s_i/∂z_i
        numeric = np.zeros_like(z)
        for row, column in np.ndindex(z.shape):
            up, down = z.copy(), z.copy()
            up[row, column] += h
            down[row, column] -= h
            plus = ActivationFunction.softmax(up)[0][row, column]
            minus = ActivationFunction.softmax(down)[0][row, column]
            numeric[row, column] = (plus - minus) / (2 * h)
    else:
        function = getattr(ActivationFunction, activation)
        numeric = (function(z + h)[0] - function(z - h)[0]) / (2 * h)
    np.testing.assert_allclose(derivative, numeric, rtol=1e-7, atol=1e-10)


def test_sigmoid_is_expit_strictly_inside_the_interval_far_into_the_tails() -> None:
    import warnings

    from nntui import ActivationFunction

    z = np.array([-745.0, -700.0, -100.0, -37.0, -1.0, 0.0, 1.0, 30.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings
        output, derivative = ActivationFunction.sigmoid(z)
        big, big_derivative = ActivationFunction.sigmoid(np.array([700.0, 1e308, -1e308]))
    # exact values: e^z / (1 + e^z); for z ≤ -37, e^z is below float64's ε, so σ(z) = e^z
    tail = np.exp(z[:4])
    np.testing.assert_allclose(output[:4], tail, rtol=1e-15)
    assert np.all((output > 0) & (output < 1))
    np.testing.assert_allclose(output[4:], 1 / (1 + np.exp(-z[4:])), rtol=1e-15)
    np.testing.assert_allclose(derivative[:4], tail, rtol=1e-15)  # σ' = σ(z)σ(-z) ≈ e^z
    assert big[0] == 1.0 and big_derivative[0] == pytest.approx(np.exp(-700.0), rel=1e-15)
    assert np.all(np.isfinite(big)) and np.all(np.isfinite(big_derivative))


def test_activations_take_extreme_inputs_without_warnings() -> None:
    import warnings

    from nntui import ActivationFunction

    z = np.array([[-1e308, -800.0, 0.0, 800.0, 1e308]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("sigmoid", "tanh", "relu", "leaky_relu", "softmax", "linear"):
            output, derivative = getattr(ActivationFunction, name)(z)
            assert np.all(np.isfinite(output)) and np.all(np.isfinite(derivative)), name
