"""Activations: values, analytical derivatives against central differences, stability."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nntui.nn.activations import ACTIVATIONS, LeakyReLU, Softmax, get_activation
from nntui.nn.gradcheck import numerical_gradient, relative_error

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]


def away_from_kink(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """Random inputs with |z| ≥ 0.1, so ReLU's kink at 0 is never within a step."""
    z = np.random.default_rng(seed).standard_normal(shape) * 2
    return np.sign(z) * (np.abs(z) + 0.1)


def test_registry_has_the_documented_names() -> None:
    assert set(ACTIVATIONS) == {"sigmoid", "tanh", "relu", "leaky_relu", "softmax", "linear"}
    assert all(ACTIVATIONS[name].name == name for name in ACTIVATIONS)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_backward_matches_central_differences(name: str) -> None:
    activation = ACTIVATIONS[name]
    z = away_from_kink((4, 5))
    upstream = np.random.default_rng(1).standard_normal((4, 5))  # a random dL/da

    def loss() -> float:  # L = Σ upstream ⊙ f(z), so dL/da = upstream
        return float(np.sum(upstream * activation.forward(z)))

    numeric = numerical_gradient(loss, z)
    analytic = activation.backward(activation.forward(z), upstream)
    assert relative_error(numeric, analytic) < 1e-6


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_differences(name: str) -> None:
    activation = ACTIVATIONS[name]
    z = away_from_kink((3, 4), seed=2)
    h = 1e-6
    numeric = (activation.forward(z + h) - activation.forward(z - h)) / (2 * h)
    assert relative_error(numeric, activation.derivative(activation.forward(z))) < 1e-6


def test_softmax_jacobian_matches_central_differences() -> None:
    z = away_from_kink((1, 4), seed=3)
    jacobian = Softmax().derivative(Softmax().forward(z))[0]
    for j in range(4):
        step = np.zeros_like(z)
        step[0, j] = 1e-6
        column = (Softmax().forward(z + step) - Softmax().forward(z - step))[0] / 2e-6
        assert relative_error(column, jacobian[:, j]) < 1e-6


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_forward_in_place_equals_out_of_place(name: str) -> None:
    activation = ACTIVATIONS[name]
    z = away_from_kink((3, 6), seed=4)
    expected = activation.forward(z)
    in_place = z.copy()
    result = activation.forward(in_place, out=in_place)
    assert result is in_place
    np.testing.assert_allclose(in_place, expected)


def test_known_values() -> None:
    z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(ACTIVATIONS["relu"](z), [[0.0, 0.0, 3.0]])
    np.testing.assert_allclose(ACTIVATIONS["leaky_relu"](z), [[-0.02, 0.0, 3.0]])
    np.testing.assert_allclose(ACTIVATIONS["linear"](z), z)
    np.testing.assert_allclose(ACTIVATIONS["tanh"](z), np.tanh(z))
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"](z), 1 / (1 + np.exp(-z)), rtol=1e-12)
    np.testing.assert_allclose(ACTIVATIONS["softmax"](z), np.exp(z) / np.exp(z).sum(), rtol=1e-12)


def test_leaky_relu_slope_is_configurable_and_checked() -> None:
    assert LeakyReLU(0.2)(np.array([[-1.0]]))[0, 0] == pytest.approx(-0.2)
    with pytest.raises(ValueError, match="slope"):
        LeakyReLU(1.5)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_softmax_rows_sum_to_one_and_stay_finite_at_extremes(dtype: str) -> None:
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1000, 1000, 999]], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow RuntimeWarning fails the test
        probabilities = Softmax().forward(z)
    assert probabilities.dtype == np.dtype(dtype)
    assert np.all(np.isfinite(probabilities))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(probabilities[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(probabilities[1], [1 / 3] * 3, rtol=1e-6)


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 5), st.integers(2, 6)),
        elements=st.floats(-1e4, 1e4, allow_nan=False),
    )
)
def test_softmax_is_a_probability_distribution_for_any_scores(z: np.ndarray) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probabilities = Softmax().forward(z)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-12)
    rows = np.arange(len(z))  # the highest score gets the highest probability
    np.testing.assert_array_equal(probabilities[rows, z.argmax(axis=1)], probabilities.max(axis=1))


def test_softmax_rows_sum_to_one_for_random_scores() -> None:
    z = np.random.default_rng(5).standard_normal((50, 7)) * 30
    np.testing.assert_allclose(Softmax().forward(z).sum(axis=1), 1.0, rtol=1e-12)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sigmoid_is_finite_at_extremes_without_warnings(dtype: str) -> None:
    z = np.array([[-1000.0, -100.0, 0.0, 100.0, 1000.0]], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = ACTIVATIONS["sigmoid"].forward(z)
    assert a.dtype == np.dtype(dtype)
    assert np.all(np.isfinite(a))
    np.testing.assert_allclose(a[0], [0.0, 0.0, 0.5, 1.0, 1.0], atol=1e-30)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_float32_stays_float32(name: str) -> None:
    activation = ACTIVATIONS[name]
    z = away_from_kink((3, 4)).astype(np.float32)
    a = activation.forward(z)
    assert a.dtype == np.float32
    assert activation.backward(a, np.ones_like(a)).dtype == np.float32


def test_unknown_activation_lists_the_available_ones() -> None:
    with pytest.raises(ValueError) as error:
        get_activation("swish")
    assert str(error.value) == (
        "Unknown activation 'swish'. Available: sigmoid, tanh, relu, leaky_relu, softmax, linear"
    )
