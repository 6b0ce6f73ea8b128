"""Probe diagnostics on hand-built layers: dead ReLUs, saturated tanh/sigmoid, weight norms."""

from __future__ import annotations

import numpy as np
import pytest

from nntui.nn.diagnostics import LayerDiagnostics, probe_diagnostics
from nntui.nn.network import NeuralNetwork

PROBE = np.array([[1.0, 2.0], [0.5, 0.1], [3.0, 1.0]])  # all inputs positive


def network(hidden: str, output: str = "linear", loss: str = "mse") -> NeuralNetwork:
    return NeuralNetwork([2, 4, 2], [hidden, output], loss, seed=0)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
def test_a_layer_with_all_negative_pre_activations_is_entirely_dead(activation: str) -> None:
    net = network(activation)
    net.layers[0].weights = -np.ones((2, 4))  # z = -x₁ - x₂ - 1 < 0 for every probe row
    net.layers[0].biases = -np.ones(4)
    hidden, output = probe_diagnostics(net, PROBE)
    assert hidden.dead_fraction == 1.0
    assert hidden.saturated_fraction is None
    assert output == LayerDiagnostics(
        weight_norm=pytest.approx(np.linalg.norm(net.layers[1].weights)),
        dead_fraction=None,  # linear: neither notion applies
        saturated_fraction=None,
    )


def test_a_unit_positive_on_one_probe_row_is_alive() -> None:
    net = network("relu")
    net.layers[0].weights = np.array([[-1.0, -1.0, -1.0, 1.0], [-1.0, -1.0, -1.0, -1.0]])
    net.layers[0].biases = np.array([-1.0, -1.0, -1.0, -1.5])  # unit 4: z > 0 only for row 3
    [hidden, _] = probe_diagnostics(net, PROBE)
    assert hidden.dead_fraction == 0.75


def test_a_saturated_tanh_layer_reports_its_fraction() -> None:
    net = network("tanh")
    # Units 1-2 get z = 10·x₁ (|tanh| > 0.97 once x₁ > 0.21): saturated on every row.
    # Unit 3 gets z = x₂ (tanh 2 = 0.964, not quite): never. Unit 4 gets z = 0: never.
    net.layers[0].weights = np.array([[10.0, 10.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    net.layers[0].biases = np.zeros(4)
    [hidden, _] = probe_diagnostics(net, PROBE)
    assert hidden.saturated_fraction == 6 / 12  # 2 units × 3 rows of 4 × 3 activations
    assert hidden.dead_fraction is None


def test_a_sigmoid_layer_counts_both_tails() -> None:
    net = network("sigmoid")
    # z = 5·x₁ - 4: row 1 → σ(1) no, row 2 → σ(-1.5) no, row 3 → σ(11) > 0.97 yes.
    # z = -10: σ < 0.03 on every row. z = 0 twice: σ = 0.5, never.
    net.layers[0].weights = np.array([[5.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    net.layers[0].biases = np.array([-4.0, -10.0, 0.0, 0.0])
    [hidden, _] = probe_diagnostics(net, PROBE)
    assert hidden.saturated_fraction == 4 / 12


def test_softmax_and_sigmoid_outputs() -> None:
    softmax = NeuralNetwork([2, 3, 2], ["relu", "softmax"], seed=0)
    assert probe_diagnostics(softmax, PROBE)[1].saturated_fraction is None
    sigmoid = NeuralNetwork([2, 3, 1], ["relu", "sigmoid"], "binary_cross_entropy", seed=0)
    assert 0.0 <= probe_diagnostics(sigmoid, PROBE)[1].saturated_fraction <= 1.0


def test_values_are_plain_floats_and_as_dict_names_them() -> None:
    net = network("relu")
    net.layers[0].weights = np.array([[3.0, 0.0, 0.0, 0.0], [4.0, 0.0, 0.0, 0.0]])
    [hidden, _] = probe_diagnostics(net, PROBE.astype(np.float32))
    assert hidden.weight_norm == 5.0  # ‖W‖ = √(3² + 4²)
    row = hidden.as_dict()
    assert row == {"weight_norm": 5.0, "dead_fraction": 0.75, "saturated_fraction": None}
    assert type(row["weight_norm"]) is float and type(row["dead_fraction"]) is float


def test_probing_does_not_change_the_network() -> None:
    net = network("tanh")
    before = net._parameters.copy()
    probe_diagnostics(net, PROBE)
    np.testing.assert_array_equal(net._parameters, before)


@pytest.mark.parametrize(
    ("probe", "message"),
    [
        (np.empty((0, 2)), "the probe batch must be 2-D with at least one row, got shape (0, 2)"),
        (np.ones(2), "the probe batch must be 2-D with at least one row, got shape (2,)"),
        (np.ones((3, 5)), "Input dimension 5 does not match layer input size 2"),
    ],
)
def test_a_bad_probe_is_reported(probe: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError) as error:
        probe_diagnostics(network("relu"), probe)
    assert str(error.value) == message
