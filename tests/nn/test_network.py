"""NeuralNetwork: construction errors, whole-network gradient checks, inference, summary."""

from __future__ import annotations

import numpy as np
import pytest

from nntui.nn.gradcheck import check_network_gradients
from nntui.nn.network import NeuralNetwork, r2_score
from nntui.nn.preprocessing import one_hot

RNG = np.random.default_rng(0)
X = RNG.standard_normal((6, 5))

GRADIENT_CASES = {
    "relu-tanh-softmax": (
        [5, 7, 6, 3],
        ["relu", "tanh", "softmax"],
        "cross_entropy",
        one_hot([0, 1, 2, 2, 1, 0], 3),
    ),
    "sigmoid-leaky-sigmoid": (
        [5, 6, 4, 2],
        ["sigmoid", "leaky_relu", "sigmoid"],
        "binary_cross_entropy",
        (RNG.random((6, 2)) > 0.5).astype(float),
    ),
    "tanh-relu-linear-mse": (
        [5, 8, 4, 1],
        ["tanh", "relu", "linear"],
        "mse",
        RNG.standard_normal((6, 1)),
    ),
    "softmax-hidden-mse": (
        [5, 4, 2],
        ["softmax", "tanh"],
        "mse",
        RNG.standard_normal((6, 2)),
    ),
}


@pytest.mark.parametrize("case", list(GRADIENT_CASES))
def test_whole_network_gradients_match_central_differences(case: str) -> None:
    sizes, activations, loss, y = GRADIENT_CASES[case]
    network = NeuralNetwork(sizes, activations, loss=loss, weight_init="xavier", seed=3)
    for layer in network.layers:
        layer.biases = np.random.default_rng(4).uniform(0.05, 0.2, layer.output_size)
    # Keep pre-activations away from ReLU's kink: every |z| is checked to be ≥ 1e-4.
    network.forward(X)
    for layer in network.layers:
        pre_activation = layer.input @ layer.weights + layer.biases
        assert np.abs(pre_activation).min() > 1e-4
    errors = check_network_gradients(network, X, y)
    assert len(errors) == 2 * len(network.layers)
    assert max(errors.values()) < 1e-6, errors


def test_gradients_are_of_the_mean_loss() -> None:
    network = NeuralNetwork([5, 3], ["softmax"], seed=0)
    y = one_hot([0, 1, 2, 0, 1, 2], 3)
    network.forward(X)
    network.backward(y)
    single = network.layers[0].grad_weights.copy()
    network.forward(np.vstack([X, X]))
    network.backward(np.vstack([y, y]))  # the same batch twice: the mean is unchanged
    np.testing.assert_allclose(network.layers[0].grad_weights, single)


def test_layer_outputs_match_forward_and_leave_the_backward_caches_alone() -> None:
    network = NeuralNetwork([5, 4, 3], ["tanh", "softmax"], seed=0)
    y = one_hot([0, 1, 2, 0, 1, 2], 3)
    network.forward(X)
    cached = [(layer.input, layer.output) for layer in network.layers]
    outputs = network.layer_outputs(X[:2] * 3.0)  # another batch, between forward and backward
    for layer, (x_in, a_out) in zip(network.layers, cached, strict=True):
        assert layer.input is x_in and layer.output is a_out
    np.testing.assert_array_equal(outputs[-1], network.predict_proba(X[:2] * 3.0))
    network.backward(y)
    reference = NeuralNetwork([5, 4, 3], ["tanh", "softmax"], seed=0)
    reference.forward(X)
    reference.backward(y)
    np.testing.assert_array_equal(network.parameters, reference.parameters)
    for layer, twin in zip(network.layers, reference.layers, strict=True):
        np.testing.assert_array_equal(layer.gradients, twin.gradients)


def test_forward_can_write_into_a_given_array() -> None:
    network = NeuralNetwork([5, 4, 3], ["relu", "softmax"], seed=0)
    out = np.empty((6, 3))
    assert network.forward(X, out=out) is out
    np.testing.assert_allclose(out, network.forward(X))


def test_attributes() -> None:
    network = NeuralNetwork([5, 4, 3], ["relu", "softmax"], seed=0, dtype="float32")
    assert network.layer_sizes == [5, 4, 3]
    assert network.activations == ["relu", "softmax"]
    assert network.loss == "cross_entropy"
    assert network.weight_init == "he"
    assert network.dtype == np.dtype("float32")
    assert network.parameter_count == 5 * 4 + 4 + 4 * 3 + 3
    assert network.is_classification
    assert not NeuralNetwork([2, 1], ["linear"], loss="mse").is_classification
    assert len(network.layers) == 2
    assert all(layer.weights.dtype == np.float32 for layer in network.layers)


def test_layer_table_and_summary() -> None:
    network = NeuralNetwork([20, 128, 64, 32, 3], ["relu", "relu", "relu", "softmax"])
    assert network.layer_table() == [
        ("dense_1", "(None, 128)", "relu", 2688),
        ("dense_2", "(None, 64)", "relu", 8256),
        ("dense_3", "(None, 32)", "relu", 2080),
        ("dense_4", "(None, 3)", "softmax", 99),
    ]
    summary = network.summary()
    assert "Layer (type)" in summary
    assert "Output Shape" in summary
    assert "Param #" in summary
    assert "dense_2 (Dense)" in summary
    assert "8,256" in summary
    assert summary.splitlines()[-2:] == [
        "Total params: 13,123",
        "Total trainable parameters: 13,123",
    ]


def test_predict_proba_equals_forward_and_is_processed_in_chunks() -> None:
    network = NeuralNetwork([5, 4, 3], ["relu", "softmax"], seed=0)
    x = np.random.default_rng(1).standard_normal((20000, 5))  # more than one chunk
    probabilities = network.predict_proba(x)
    assert probabilities.shape == (20000, 3)
    np.testing.assert_allclose(probabilities[-7:], network.forward(x[-7:]))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_array_equal(network.predict(x), probabilities.argmax(axis=1))


def test_predict_gives_labels_for_classifiers_and_values_for_regression() -> None:
    softmax = NeuralNetwork([5, 3], ["softmax"], seed=0)
    labels = softmax.predict(X)
    assert labels.shape == (6,) and labels.dtype == np.int64
    sigmoid = NeuralNetwork([5, 1], ["sigmoid"], loss="binary_cross_entropy", seed=0)
    p = sigmoid.predict_proba(X)
    assert p.shape == (6, 1)
    np.testing.assert_array_equal(sigmoid.predict(X), (p[:, 0] >= 0.5).astype(int))
    multi = NeuralNetwork([5, 2], ["sigmoid"], loss="binary_cross_entropy", seed=0)
    assert multi.predict(X).shape == (6, 2)
    regressor = NeuralNetwork([5, 2], ["linear"], loss="mse", seed=0)
    np.testing.assert_array_equal(regressor.predict(X), regressor.forward(X))
    with pytest.raises(ValueError, match="predict_proba needs a classifier"):
        regressor.predict_proba(X)


def test_evaluate_reports_loss_and_the_task_metric() -> None:
    classifier = NeuralNetwork([5, 3], ["softmax"], seed=0)
    y = one_hot([0, 1, 2, 0, 1, 2], 3)
    result = classifier.evaluate(X, y)
    assert set(result) == {"loss", "accuracy"}
    assert all(type(value) is float for value in result.values())
    probabilities = classifier.predict_proba(X)
    assert result["loss"] == pytest.approx(classifier.compute_loss(probabilities, y))
    expected_accuracy = np.mean(classifier.predict(X) == y.argmax(1))
    assert result["accuracy"] == pytest.approx(expected_accuracy)
    regressor = NeuralNetwork([5, 1], ["linear"], loss="mse", seed=0)
    assert set(regressor.evaluate(X, np.zeros(6))) == {"loss", "r2"}  # 1-D y is accepted


def test_r2_score() -> None:
    y = np.array([[1.0], [2.0], [3.0]])
    assert r2_score(y, y) == 1.0
    assert r2_score(np.full((3, 1), 2.0), y) == 0.0
    assert r2_score(np.array([[1.0], [2.0], [4.0]]), y) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([3], []), {}, "layer_sizes must have at least an input and output layer"),
        (([], []), {}, "layer_sizes must have at least an input and output layer"),
        (([3, 4, 2], ["relu"]), {}, "Expected 2 activations, got 1"),
        (([3, 2], ["relu", "softmax"]), {}, "Expected 1 activations, got 2"),
        (
            ([3, 2], ["swish"]),
            {},
            "Unknown activation 'swish'. Available: sigmoid, tanh, relu, leaky_relu, softmax, "
            "linear",
        ),
        (
            ([3, 2], ["softmax"]),
            {"weight_init": "zeros"},
            "Unknown weight initialization 'zeros'. Available: xavier, he, random_normal",
        ),
        (
            ([3, 2], ["softmax"]),
            {"loss": "hinge"},
            "Unknown loss 'hinge'. Available: cross_entropy, binary_cross_entropy, mse",
        ),
        (
            ([3, 2], ["relu"]),
            {},
            "Loss 'cross_entropy' needs a 'softmax' output activation, got 'relu'",
        ),
        (
            ([3, 1], ["softmax"]),
            {"loss": "binary_cross_entropy"},
            "Loss 'binary_cross_entropy' needs a 'sigmoid' output activation, got 'softmax'",
        ),
        (([3, 1], ["softmax"]), {"loss": "mse"}, "A softmax output needs at least 2 units"),
        (([3, 0], ["softmax"]), {}, "layer_sizes must be positive integers, got [3, 0]"),
        (([3, 2], "softmax"), {}, "activations must be a list"),
        (([3, 2], ["softmax"]), {"dtype": "float16"}, "dtype must be 'float32' or 'float64'"),
    ],
)
def test_construction_errors(
    args: tuple[list[int], list[str]], kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError) as error:
        NeuralNetwork(*args, **kwargs)
    assert str(error.value).startswith(message)


def test_forward_checks_the_input_dimension() -> None:
    network = NeuralNetwork([5, 3], ["softmax"], seed=0)
    with pytest.raises(ValueError) as error:
        network.forward(np.ones((2, 4)))
    assert str(error.value) == "Input dimension 4 does not match layer input size 5"


def test_backward_before_forward_is_reported() -> None:
    network = NeuralNetwork([5, 3], ["softmax"], seed=0)
    with pytest.raises(RuntimeError) as error:
        network.backward(one_hot([0], 3))
    assert str(error.value) == "Forward pass must be called before backward"


def test_targets_of_the_wrong_shape_are_reported() -> None:
    network = NeuralNetwork([5, 3], ["softmax"], seed=0)
    network.forward(X)
    with pytest.raises(ValueError, match=r"Targets have shape \(6, 2\), expected \(6, 3\)"):
        network.backward(np.zeros((6, 2)))
