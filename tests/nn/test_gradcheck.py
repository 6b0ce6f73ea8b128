"""The numerical gradient helper itself: it must agree with calculus and catch bugs."""

from __future__ import annotations

import numpy as np

from nntui.nn.activations import Tanh
from nntui.nn.gradcheck import check_network_gradients, numerical_gradient, relative_error
from nntui.nn.network import NeuralNetwork
from nntui.nn.preprocessing import one_hot


def test_numerical_gradient_of_a_known_function() -> None:
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    numeric = numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    assert relative_error(numeric, np.cos(x)) < 1e-9
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored afterwards


def test_relative_error() -> None:
    assert relative_error(np.ones(3), np.ones(3)) == 0.0
    assert relative_error(np.ones(3), -np.ones(3)) == 1.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


class WrongTanh(Tanh):
    """A tanh whose derivative forgot the square: the kind of bug gradcheck exists for."""

    def derivative(self, a: np.ndarray) -> np.ndarray:
        return 1 - a


def test_check_network_gradients_catches_a_wrong_derivative() -> None:
    x = np.random.default_rng(0).standard_normal((4, 3))
    y = one_hot([0, 1, 1, 0], 2)
    correct = NeuralNetwork([3, 5, 2], ["tanh", "softmax"], seed=0)
    broken = NeuralNetwork([3, 5, 2], [WrongTanh(), "softmax"], seed=0)
    assert max(check_network_gradients(correct, x, y).values()) < 1e-6
    errors = check_network_gradients(broken, x, y)
    assert errors["dense_1.weights"] > 1e-2
    assert errors["dense_2.weights"] < 1e-6  # the output layer does not use the bad derivative
