"""Numerical gradient checking: is the backpropagation maths right?

The derivative of ``f`` at ``x`` is approximated by the **central difference**

    ∂f/∂x_i ≈ (f(x + h·e_i) - f(x - h·e_i)) / (2h)

whose error shrinks like ``h²``. Comparing it with an analytical gradient
catches almost every backprop bug. Use float64 and keep ``x`` away from kinks
(ReLU at 0), where the function has no derivative.

Example:
    >>> import numpy as np
    >>> x = np.array([1.0, 2.0])
    >>> numeric = numerical_gradient(lambda: float(np.sum(x**3)), x)
    >>> relative_error(numeric, 3 * x**2) < 1e-8
    True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from nntui.nn.network import NeuralNetwork


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Estimate ``∂f/∂x`` by central differences.

    ``x`` is perturbed **in place**, one element at a time, and restored; ``f``
    takes no arguments and reads ``x`` (e.g. a closure over a layer's weights).

    Args:
        f: returns a scalar computed from the current contents of ``x``.
        x: the array to differentiate with respect to (float64 recommended).
        h: the step.

    Returns:
        An array shaped like ``x``.
    """
    gradient = np.zeros(x.shape, dtype=np.float64)
    flat_x = x.reshape(-1)  # a view: writing to it writes to x
    if not np.shares_memory(flat_x, x):
        raise ValueError("x must be contiguous so it can be perturbed in place")
    flat_gradient = gradient.reshape(-1)
    for i in range(flat_x.size):
        original = flat_x[i]
        flat_x[i] = original + h
        f_plus = f()
        flat_x[i] = original - h
        f_minus = f()
        flat_x[i] = original
        flat_gradient[i] = (f_plus - f_minus) / (2 * h)
    return gradient


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """Return ``‖a - b‖ / max(‖a‖ + ‖b‖, tiny)``: 0 for equal arrays, 1 for opposite ones."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = float(np.linalg.norm(a) + np.linalg.norm(b))
    return float(np.linalg.norm(a - b)) / max(scale, 1e-300)


def check_network_gradients(
    network: NeuralNetwork, x: np.ndarray, y: np.ndarray, h: float = 1e-6
) -> dict[str, float]:
    """Compare a network's backprop gradients with numerical ones.

    Args:
        network: a :class:`nntui.nn.network.NeuralNetwork` (float64).
        x: a small batch of inputs.
        y: its targets.
        h: central-difference step.

    Returns:
        ``{"dense_1.weights": error, "dense_1.biases": error, ...}``: the
        relative error per parameter array; below about 1e-6 means correct.
    """
    network.forward(x)
    network.backward(y)
    errors: dict[str, float] = {}
    for index, layer in enumerate(network.layers, start=1):
        analytic = {"weights": layer.grad_weights.copy(), "biases": layer.grad_biases.copy()}
        for name, parameter in (("weights", layer.weights), ("biases", layer.biases)):
            numeric = numerical_gradient(
                lambda: network.compute_loss(network.forward(x), y), parameter, h
            )
            errors[f"dense_{index}.{name}"] = relative_error(numeric, analytic[name])
    return errors
