"""The backprop walkthrough: every gradient matches central differences in float64."""

from __future__ import annotations

import numpy as np
import pytest

from nntui.nn import gradcheck
from nntui.nn.network import NeuralNetwork
from nntui.nn.walkthrough import FORMULAS, formula, largest_entries, walk_through

PAIRS = [
    (["tanh", "softmax"], "cross_entropy", [0.0, 1.0, 0.0]),
    (["sigmoid", "softmax"], "cross_entropy", [1.0, 0.0, 0.0]),
    (["relu", "softmax"], "cross_entropy", [0.0, 0.0, 1.0]),
    (["leaky_relu", "softmax"], "cross_entropy", [0.0, 1.0, 0.0]),
    (["linear", "softmax"], "cross_entropy", [0.0, 1.0, 0.0]),
    (["tanh", "sigmoid"], "binary_cross_entropy", [1.0, 0.0, 1.0]),
    (["relu", "linear"], "mse", [0.3, -1.2, 0.5]),
    (["tanh", "sigmoid"], "mse", [0.2, 0.9, 0.4]),
    (["sigmoid", "tanh"], "mse", [0.2, -0.9, 0.4]),
]


def _network(activations: list[str], loss: str) -> NeuralNetwork:
    network = NeuralNetwork([4, 6, 3], activations, loss=loss, seed=3, dtype="float64")
    rng = np.random.default_rng(7)
    for layer in network.layers:
        layer.biases[...] = rng.normal(0, 0.3, layer.biases.shape)
    return network


@pytest.mark.parametrize(("activations", "loss", "target"), PAIRS)
def test_every_gradient_agrees_with_central_differences(
    activations: list[str], loss: str, target: list[float]
) -> None:
    network = _network(activations, loss)
    x = np.array([0.5, -1.2, 0.3, 0.8])
    walk = walk_through(network, x, target, learning_rate=0.1)
    for step in walk.backward:
        assert step.weights_check.relative_error < 1e-6, step
        assert step.biases_check.relative_error < 1e-6, step
    assert walk.worst_relative_error < 1e-6


def test_gradients_equal_the_engines_backprop_for_one_sample() -> None:
    network = _network(["tanh", "softmax"], "cross_entropy")
    x, y = np.array([[0.5, -1.2, 0.3, 0.8]]), np.array([[0.0, 1.0, 0.0]])
    walk = walk_through(network, x, y, learning_rate=0.1)
    network.forward(x)
    network.backward(y)
    for step, layer in zip(walk.backward, reversed(network.layers), strict=True):
        assert step.grad_weights_norm == pytest.approx(np.linalg.norm(layer.grad_weights))
        assert step.grad_biases == pytest.approx(tuple(np.ravel(layer.grad_biases)))
        assert step.update_norm == pytest.approx(0.1 * step.grad_weights_norm)


def test_forward_steps_match_the_networks_layer_outputs_and_loss() -> None:
    network = _network(["relu", "softmax"], "cross_entropy")
    x, y = np.array([0.5, -1.2, 0.3, 0.8]), np.array([0.0, 0.0, 1.0])
    walk = walk_through(network, x, y, learning_rate=0.01)
    outputs = network.layer_outputs(x.reshape(1, -1))
    assert [step.layer for step in walk.forward] == ["dense_1", "dense_2"]
    assert [step.layer for step in walk.backward] == ["dense_2", "dense_1"]
    for step, a in zip(walk.forward, outputs, strict=True):
        assert step.a == pytest.approx(tuple(a.ravel()))
        assert step.a_norm == pytest.approx(np.linalg.norm(a))
    assert walk.loss.value == pytest.approx(network.compute_loss(outputs[-1], y.reshape(1, -1)))
    assert len(walk.steps) == 5


def test_the_network_is_left_as_it_was() -> None:
    network = _network(["tanh", "softmax"], "cross_entropy")
    before = network.parameters.copy()
    walk_through(network, [0.1, 0.2, 0.3, 0.4], [1.0, 0.0, 0.0], learning_rate=0.1)
    assert np.array_equal(network.parameters, before)
    assert network.layers[0].input is None  # no training cache was filled


def test_a_float32_network_is_walked_in_float64() -> None:
    network = NeuralNetwork([4, 5, 2], ["tanh", "softmax"], seed=1, dtype="float32")
    walk = walk_through(network, [0.1, 0.2, 0.3, 0.4], [0.0, 1.0], learning_rate=0.1)
    assert walk.worst_relative_error < 1e-6


def test_large_layers_check_a_bounded_sample_of_entries() -> None:
    network = NeuralNetwork([30, 40, 2], ["tanh", "softmax"], seed=1, dtype="float64")
    walk = walk_through(
        network, np.linspace(-1, 1, 30), [0.0, 1.0], learning_rate=0.1, max_checked=50
    )
    first = walk.backward[-1]
    assert first.weights_check.total == 1200
    assert first.weights_check.checked <= 50
    assert first.biases_check.checked == 40
    assert first.weights_check.relative_error < 1e-6


def test_shown_formulas_are_the_engines_docstrings() -> None:
    for key, (text, module) in FORMULAS.items():
        doc = (module or gradcheck).__doc__ or ""
        assert text in doc, key
    walk = walk_through(
        _network(["tanh", "softmax"], "cross_entropy"), [0, 0, 1, 0], [1, 0, 0], learning_rate=0.1
    )
    assert walk.backward[0].delta_formula == formula("softmax_delta")
    assert walk.backward[1].delta_formula == formula("delta")
    assert walk.forward[0].activation_formula == "f(z) = tanh z · f'(z) = 1 - a²"
    assert walk.loss.formula == "L = -1/n Σ y log p · dL/dp = -y / (n p)"


def test_largest_entries_are_sorted_by_size() -> None:
    entries = largest_entries([[0.1, -3.0], [2.0, 0.0]], 3)
    assert [(e.row, e.column, e.value) for e in entries] == [(0, 1, -3.0), (1, 0, 2.0), (0, 0, 0.1)]


def test_a_sample_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="x must be one row of 4 values"):
        walk_through(
            _network(["tanh", "softmax"], "cross_entropy"), [1, 2], [1, 0, 0], learning_rate=0.1
        )
