"""Weight initialisers: how to draw a layer's starting weights.

The scale matters. If the weights are too large, activations grow layer by
layer and saturate or explode; too small, and the signal (and the gradient)
fades away. Each scheme picks a variance that keeps the signal's size roughly
constant through the layers:

- ``he`` (He et al., 2015): ``N(0, 2 / fan_in)``, for ReLU-like layers — ReLU
  zeroes half its inputs, so the variance is doubled to compensate.
- ``xavier`` (Glorot & Bengio, 2010): ``N(0, 2 / (fan_in + fan_out))``, for
  tanh/sigmoid layers; balances the forward and the backward signal.
- ``random_normal``: ``N(0, 0.01²)``, a small fixed standard deviation of
  :data:`RANDOM_NORMAL_STD`, the classic textbook start. Fine for shallow
  networks; deep ones learn slowly from it (try it and watch the gradients).

Biases start at zero in every scheme. Weights are drawn in float64 and then
cast, so a float32 network starts from the same weights (rounded) as the
float64 network with the same seed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

RANDOM_NORMAL_STD = 0.01
"""Standard deviation of the ``random_normal`` initialiser."""

Initializer = Callable[[int, int, np.random.Generator], np.ndarray]
"""``(fan_in, fan_out, rng) -> float64 weights of shape (fan_in, fan_out)``."""


def he_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """Draw weights from ``N(0, 2 / fan_in)``."""
    weights: np.ndarray = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
    return weights


def xavier_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """Draw weights from ``N(0, 2 / (fan_in + fan_out))``."""
    weights: np.ndarray = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / (fan_in + fan_out))
    return weights


def random_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """Draw weights from ``N(0, RANDOM_NORMAL_STD²)``."""
    weights: np.ndarray = rng.standard_normal((fan_in, fan_out)) * RANDOM_NORMAL_STD
    return weights


INITIALIZERS: dict[str, Initializer] = {
    "xavier": xavier_normal,
    "he": he_normal,
    "random_normal": random_normal,
}
"""Initialiser name -> function ``(fan_in, fan_out, rng) -> weights``."""


def get_initializer(weight_init: str | Initializer) -> Initializer:
    """Look an initialiser up by name (a callable passes through).

    Raises:
        ValueError: ``"Unknown weight initialization 'X'. Available: ..."``.
    """
    if callable(weight_init):
        return weight_init
    try:
        return INITIALIZERS[weight_init]
    except (KeyError, TypeError):
        available = ", ".join(INITIALIZERS)
        raise ValueError(
            f"Unknown weight initialization '{weight_init}'. Available: {available}"
        ) from None
