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

RandomSource = np.random.Generator | int | None
"""A NumPy Generator, a seed for a new one, or None for NumPy's global state."""

Initializer = Callable[[int, int, np.random.Generator], np.ndarray]
"""``(fan_in, fan_out, rng) -> float64 weights of shape (fan_in, fan_out)``."""


def standard_normal(shape: tuple[int, int], rng: RandomSource = None) -> np.ndarray:
    """Draw ``N(0, 1)`` numbers from ``rng``; with None, from NumPy's global state.

    The global state is what ``np.random.seed(42)`` seeds, so code written
    for the reference project reproduces its draws that way.
    """
    if rng is None:
        draws: np.ndarray = np.random.standard_normal(shape)
        return draws
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    return generator.standard_normal(shape)


def he_normal(fan_in: int, fan_out: int, rng: RandomSource = None) -> np.ndarray:
    """Draw weights from ``N(0, 2 / fan_in)``."""
    weights: np.ndarray = standard_normal((fan_in, fan_out), rng) * np.sqrt(2.0 / fan_in)
    return weights


def xavier_normal(fan_in: int, fan_out: int, rng: RandomSource = None) -> np.ndarray:
    """Draw weights from ``N(0, 2 / (fan_in + fan_out))``."""
    scale = np.sqrt(2.0 / (fan_in + fan_out))
    weights: np.ndarray = standard_normal((fan_in, fan_out), rng) * scale
    return weights


def random_normal(fan_in: int, fan_out: int, rng: RandomSource = None) -> np.ndarray:
    """Draw weights from ``N(0, RANDOM_NORMAL_STD²)``."""
    weights: np.ndarray = standard_normal((fan_in, fan_out), rng) * RANDOM_NORMAL_STD
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


class WeightInitializer:
    """The initialisers as static methods, each returning a ``(fan_in, fan_out)`` array.

    The reference project's interface to :data:`INITIALIZERS` (the same
    functions). ``rng`` is a NumPy Generator or a seed; without it the draws
    come from NumPy's global state, so ``np.random.seed(42)`` makes them
    reproducible.

    Example:
        >>> np.random.seed(42)
        >>> WeightInitializer.he(20, 64).shape
        (20, 64)
    """

    xavier = staticmethod(xavier_normal)
    """``xavier(fan_in, fan_out, rng=None)``: ``N(0, 2 / (fan_in + fan_out))``."""
    he = staticmethod(he_normal)
    """``he(fan_in, fan_out, rng=None)``: ``N(0, 2 / fan_in)``."""
    random_normal = staticmethod(random_normal)
    """``random_normal(fan_in, fan_out, rng=None)``: ``N(0, 0.01²)``."""
