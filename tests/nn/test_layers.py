"""DenseLayer: shapes, forward values, backward against central differences, errors."""

from __future__ import annotations

import numpy as np
import pytest

from nntui.nn.gradcheck import numerical_gradient, relative_error
from nntui.nn.layers import DenseLayer


def make_layer(activation: str = "tanh", dtype: str = "float64") -> DenseLayer:
    layer = DenseLayer(4, 3, activation, "xavier", np.random.default_rng(0), dtype)
    layer.biases = np.array([0.1, -0.2, 0.3])
    return layer


def test_shapes_and_parameter_count() -> None:
    layer = make_layer()
    assert layer.weights.shape == (4, 3)
    assert layer.biases.shape == (1, 3)
    assert (layer.input_size, layer.output_size, layer.activation_name) == (4, 3, "tanh")
    assert layer.parameter_count == 15
    assert layer.forward(np.ones((7, 4))).shape == (7, 3)


def test_forward_computes_activation_of_affine_map() -> None:
    layer = make_layer()
    x = np.random.default_rng(1).standard_normal((5, 4))
    np.testing.assert_allclose(layer.forward(x), np.tanh(x @ layer.weights + layer.biases))


def test_parameters_are_one_flat_vector_shared_with_weights_and_biases() -> None:
    layer = make_layer()
    layer.parameters[:] = np.arange(15)
    np.testing.assert_array_equal(layer.weights, np.arange(12).reshape(4, 3))
    np.testing.assert_array_equal(layer.biases, [[12, 13, 14]])
    layer.weights = np.zeros((4, 3))  # assignment copies into the shared storage
    assert np.all(layer.parameters[:12] == 0)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
def test_backward_matches_central_differences(activation: str) -> None:
    layer = make_layer(activation)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 4))
    upstream = rng.standard_normal((5, 3))  # L = Σ upstream ⊙ a

    def loss() -> float:
        return float(np.sum(upstream * layer.forward(x)))

    layer.forward(x)
    grad_x = layer.gradients_from(upstream)
    analytic = {"w": layer.grad_weights.copy(), "b": layer.grad_biases.copy(), "x": grad_x}
    assert relative_error(numerical_gradient(loss, layer.weights), analytic["w"]) < 1e-6
    assert relative_error(numerical_gradient(loss, layer.biases), analytic["b"]) < 1e-6
    assert relative_error(numerical_gradient(loss, x), analytic["x"]) < 1e-6


def test_backward_leaves_the_upstream_gradient_untouched() -> None:
    layer = make_layer("relu")
    layer.forward(np.random.default_rng(3).standard_normal((5, 4)))
    upstream = np.ones((5, 3))
    layer.backward(upstream, 0.1)
    layer.gradients_from(upstream)
    assert np.all(upstream == 1)


def test_backward_without_input_gradient_returns_none() -> None:
    layer = make_layer()
    layer.forward(np.ones((2, 4)))
    assert layer.gradients_from(np.ones((2, 3)), input_gradient=False) is None
    assert np.any(layer.grad_weights != 0)


def test_float32_layer_keeps_float32() -> None:
    layer = make_layer("relu", "float32")
    a = layer.forward(np.ones((2, 4)))  # float64 input is cast once
    grad_x = layer.backward(np.ones((2, 3), np.float32), 0.1)
    for array in (layer.weights, layer.biases, a, grad_x, layer.grad_weights, layer.grad_biases):
        assert array.dtype == np.float32


def test_input_dimension_mismatch_is_reported() -> None:
    with pytest.raises(ValueError, match=r"^Input dimension 5 does not match layer input size 4$"):
        make_layer().forward(np.ones((2, 5)))


def test_backward_before_forward_is_reported() -> None:
    with pytest.raises(RuntimeError, match=r"^Forward pass must be called before backward$"):
        make_layer().backward(np.ones((2, 3)), 0.1)
    with pytest.raises(RuntimeError, match=r"^Forward pass must be called before backward$"):
        make_layer().gradients_from(np.ones((2, 3)))


def test_backward_takes_the_plain_sgd_step_and_hands_down_the_old_weights_gradient() -> None:
    layer = make_layer("sigmoid")
    rng = np.random.default_rng(4)
    x, upstream = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    w, b = layer.weights.copy(), layer.biases.copy()
    layer.forward(x)
    expected_x = layer.gradients_from(upstream)
    grad_w, grad_b = layer.grad_weights.copy(), layer.grad_biases.copy()
    grad_x = layer.backward(upstream, 0.05)
    np.testing.assert_allclose(grad_x, expected_x, rtol=1e-15)  # with W before the step
    np.testing.assert_allclose(layer.weights, w - 0.05 * grad_w, rtol=1e-15)
    np.testing.assert_allclose(layer.biases, b - 0.05 * grad_b, rtol=1e-15)


def test_the_default_activation_is_relu_and_the_default_init_is_he() -> None:
    layer = DenseLayer(3, 2)
    assert layer.activation_name == "relu"
    assert layer.biases.tolist() == [[0.0, 0.0]]


def test_without_rng_the_weights_come_from_numpys_global_state() -> None:
    np.random.seed(42)
    first = DenseLayer(5, 4).weights.copy()
    np.random.seed(42)
    np.testing.assert_array_equal(DenseLayer(5, 4).weights, first)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"input_size": 0}, "input_size must be a positive integer, got 0"),
        ({"output_size": 2.5}, "output_size must be a positive integer, got 2.5"),
        ({"activation": "gelu"}, "Unknown activation 'gelu'"),
        ({"weight_init": "zeros"}, "Unknown weight initialization 'zeros'"),
        ({"dtype": "int32"}, "dtype must be 'float32' or 'float64', got 'int32'"),
    ],
)
def test_bad_arguments_are_reported(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"input_size": 2, "output_size": 2, **kwargs}
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        DenseLayer(**arguments)  # type: ignore[arg-type]


def test_assigning_weights_of_the_wrong_shape_is_reported() -> None:
    with pytest.raises(ValueError, match=r"weights must have shape \(4, 3\), got \(3, 4\)"):
        make_layer().weights = np.zeros((3, 4))
