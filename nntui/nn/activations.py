"""Activation functions and their derivatives.

A layer computes ``z = x·W + b`` and then ``a = f(z)``. Backpropagation needs
``dL/dz`` from ``dL/da``; by the chain rule that is ``dL/da ⊙ f'(z)`` for an
element-wise ``f``. Every derivative here is written in terms of the output
``a = f(z)`` (as scikit-learn does), so a layer only has to keep ``a``:

====================  ========================  ==============================
name                  f(z)                      f'(z) in terms of a = f(z)
====================  ========================  ==============================
``sigmoid``           1 / (1 + e^-z)            a (1 - a)
``tanh``              tanh z                    1 - a²
``relu``              max(z, 0)                 1 if a > 0 else 0
``leaky_relu``        max(z, αz), α = 0.01      1 if a > 0 else α
``linear``            z                         1
``softmax`` (rows)    e^z_i / Σ_j e^z_j         ∂a_i/∂z_j = a_i (δ_ij - a_j)
====================  ========================  ==============================

Every function takes an optional ``out`` array; passing ``out=z`` computes the
activation in place, which is what the training loop does.

Adding an activation is one small class and one line in :data:`ACTIVATIONS`.
"""

from __future__ import annotations

import numpy as np

from nntui.nn.arrays import ArrayLike, FloatArray


class Activation:
    """An activation ``a = f(z)`` with its analytical derivative.

    Subclasses implement :meth:`forward` and :meth:`derivative`; :meth:`backward`
    applies the chain rule. Instances hold no state from one call to the next,
    so one instance can serve every layer.
    """

    name: str = ""

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """Return ``f(z)``, written into ``out`` when given (``out=z`` works)."""
        raise NotImplementedError

    def derivative(self, a: FloatArray) -> FloatArray:
        """Return ``f'(z)`` element-wise, computed from the output ``a = f(z)``."""
        raise NotImplementedError

    def backward(
        self, a: FloatArray, upstream: FloatArray, out: FloatArray | None = None
    ) -> FloatArray:
        """Chain rule: ``dL/dz = dL/da ⊙ f'(z)``.

        Args:
            a: the activation's output from the forward pass.
            upstream: ``dL/da``, the gradient arriving from the layer above.
            out: optional array for the result (``out=upstream`` works).

        Returns:
            ``dL/dz``, same shape as ``a``.
        """
        result: FloatArray = np.multiply(upstream, self.derivative(a), out=out)
        return result

    def __call__(self, z: FloatArray) -> FloatArray:
        return self.forward(z)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sigmoid(Activation):
    """Logistic sigmoid, squashing any real number into (0, 1)."""

    name = "sigmoid"

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        # 1 / (1 + e^-z) overflows e^-z for z < -709 (float64). With e = e^-|z|
        # (never overflows, never rounds to 1 too early) the two halves are
        #     σ(z) = 1 / (1 + e)   for z ≥ 0,      σ(z) = e / (1 + e)   for z < 0,
        # as scipy.special.expit computes it: no overflow, and relative
        # precision far into the negative tail (σ(-700) ≈ 9.86e-305, not 0).
        # The positive tail rounds to 1.0 past z ≈ 37 (float64): 1 - σ(z) is
        # below the spacing of floats near 1 there; it is σ(-z), exact.
        # (It is also quicker than the ½(1 + tanh(z/2)) form it replaced: about
        # 110 µs against 270 µs for a 32×128 batch, timeit on a shared machine.)
        negative = z < 0
        e = np.abs(z)
        np.negative(e, out=e)
        np.exp(e, out=e)  # e^-|z| in (0, 1]
        numerator = np.where(negative, e, np.ones((), dtype=e.dtype))
        e += 1.0
        result: FloatArray = np.divide(numerator, e, out=out)
        return result

    def derivative(self, a: FloatArray) -> FloatArray:
        # σ'(z) = σ(z) (1 - σ(z))
        result: FloatArray = a * (1 - a)
        return result


class Tanh(Activation):
    """Hyperbolic tangent, squashing into (-1, 1)."""

    name = "tanh"

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        result: FloatArray = np.tanh(z, out=out)
        return result

    def derivative(self, a: FloatArray) -> FloatArray:
        # tanh'(z) = 1 - tanh²(z)
        result: FloatArray = 1 - a * a
        return result


class ReLU(Activation):
    """Rectified linear unit: ``max(z, 0)``."""

    name = "relu"

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        result: FloatArray = np.maximum(z, 0, out=out)
        return result

    def derivative(self, a: FloatArray) -> FloatArray:
        # 1 where the unit was active, 0 elsewhere (we take 0 at the kink z = 0).
        return (a > 0).astype(a.dtype)

    def backward(
        self, a: FloatArray, upstream: FloatArray, out: FloatArray | None = None
    ) -> FloatArray:
        # Multiplying by the boolean mask directly skips building a float copy.
        result: FloatArray = np.multiply(upstream, a > 0, out=out)
        return result


class LeakyReLU(Activation):
    """ReLU with a small slope ``α`` for negative inputs: ``max(z, αz)``.

    Args:
        slope: the slope ``α`` for ``z < 0``, in ``[0, 1)``; 0.01 by default.
    """

    name = "leaky_relu"

    def __init__(self, slope: float = 0.01) -> None:
        if not 0 <= slope < 1:
            raise ValueError(f"leaky_relu slope must be in [0, 1), got {slope}")
        self.slope = float(slope)

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        # For 0 ≤ α < 1, max(z, αz) is z when z > 0 and αz otherwise.
        result: FloatArray = np.maximum(z, z * self.slope, out=out)
        return result

    def derivative(self, a: FloatArray) -> FloatArray:
        # 1 where z > 0 (equivalently a > 0), α elsewhere.
        one, slope = np.ones((), dtype=a.dtype), np.asarray(self.slope, dtype=a.dtype)
        result: FloatArray = np.where(a > 0, one, slope)
        return result

    def __repr__(self) -> str:
        return f"LeakyReLU(slope={self.slope})"


class Linear(Activation):
    """The identity: ``f(z) = z`` (regression outputs)."""

    name = "linear"

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        if out is None:
            copy: FloatArray = z.copy()
            return copy
        if out is not z:
            np.copyto(out, z)
        return out

    def derivative(self, a: FloatArray) -> FloatArray:
        return np.ones_like(a)

    def backward(
        self, a: FloatArray, upstream: FloatArray, out: FloatArray | None = None
    ) -> FloatArray:
        # f'(z) = 1, so dL/dz = dL/da.
        return self.forward(upstream, out=out)


class Softmax(Activation):
    """Softmax over each row: turns scores into class probabilities that sum to 1.

    It is not element-wise: every output depends on every input of its row, so
    its derivative is a Jacobian, ``∂a_i/∂z_j = a_i (δ_ij - a_j)``.
    """

    name = "softmax"

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        # softmax(z) = softmax(z - c) for any c per row. Subtracting the row's
        # maximum makes every exponent ≤ 0, so e^x cannot overflow, and the
        # largest term is e^0 = 1, so the sum is ≥ 1 and never 0.
        out = np.subtract(z, np.maximum.reduce(z, axis=-1, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= np.add.reduce(out, axis=-1, keepdims=True)  # the row sums
        return out

    def derivative(self, a: FloatArray) -> FloatArray:
        """Return the Jacobian of each row, shape ``(n, k, k)``: ``diag(a) - a aᵀ``."""
        a = np.atleast_2d(a)
        jacobian = -a[:, :, None] * a[:, None, :]
        diagonal = np.einsum("nii->ni", jacobian)  # a writable view of the diagonals
        diagonal += a
        return jacobian

    def backward(
        self, a: FloatArray, upstream: FloatArray, out: FloatArray | None = None
    ) -> FloatArray:
        # Jacobian-vector product without building the Jacobian:
        # dL/dz_j = Σ_i dL/da_i · a_i (δ_ij - a_j) = a_j (dL/da_j - Σ_i dL/da_i a_i)
        weighted_sum = np.sum(upstream * a, axis=-1, keepdims=True)
        out = np.subtract(upstream, weighted_sum, out=out)
        out *= a
        return out


ACTIVATIONS: dict[str, Activation] = {
    activation.name: activation
    for activation in (Sigmoid(), Tanh(), ReLU(), LeakyReLU(), Softmax(), Linear())
}
"""Activation name -> a shared, stateless instance."""


def get_activation(activation: str | Activation) -> Activation:
    """Look an activation up by name (an :class:`Activation` passes through).

    Raises:
        ValueError: ``"Unknown activation 'X'. Available: ..."``.
    """
    if isinstance(activation, Activation):
        return activation
    try:
        return ACTIVATIONS[activation]
    except (KeyError, TypeError):
        available = ", ".join(ACTIVATIONS)
        raise ValueError(f"Unknown activation '{activation}'. Available: {available}") from None


class ActivationFunction:
    """The activations as plain functions: each returns ``(f(z), f'(z))``.

    The reference project's interface to the same engine: every method runs
    the shared instance of :data:`ACTIVATIONS`, and adds the derivative
    element-wise in ``z`` (for softmax, the diagonal ``s·(1 - s)`` of its
    Jacobian; training uses the fused softmax + cross-entropy gradient
    instead). Large inputs give no NaN, no inf and no warnings.

    Example:
        >>> output, derivative = ActivationFunction.sigmoid(np.array([0.0, -700.0]))
        >>> output[0], derivative[0]
        (np.float64(0.5), np.float64(0.25))
        >>> bool(0.0 < output[1] < 1e-300)
        True
    """

    @staticmethod
    def sigmoid(z: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """``σ(z) = 1 / (1 + e^-z)`` and ``σ'(z) = σ(z)·σ(-z)``.

        Computed as ``scipy.special.expit``: strictly inside (0, 1) for
        ``z > -745`` on the negative side (``σ(-700) ≈ 9.86e-305``, with full
        relative precision), rounding to 1.0 only where ``1 - σ(z)`` is below
        float64's spacing near 1 (``z ≳ 37``). The derivative keeps relative
        precision in both tails (``σ'(±700) ≈ 9.86e-305``).
        """
        values = _float_array(z)
        output = ACTIVATIONS["sigmoid"].forward(values)
        derivative: FloatArray = output * ACTIVATIONS["sigmoid"].forward(-values)
        return output, derivative

    @staticmethod
    def tanh(z: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """``tanh z`` and ``1 - tanh² z``."""
        output = ACTIVATIONS["tanh"].forward(_float_array(z))
        return output, ACTIVATIONS["tanh"].derivative(output)

    @staticmethod
    def relu(z: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """``max(z, 0)`` and ``1 where z > 0, else 0``."""
        output = ACTIVATIONS["relu"].forward(_float_array(z))
        return output, ACTIVATIONS["relu"].derivative(output)

    @staticmethod
    def leaky_relu(z: ArrayLike, alpha: float = 0.01) -> tuple[FloatArray, FloatArray]:
        """``max(z, αz)`` and ``1 where z > 0, else α`` (``0 ≤ α < 1``)."""
        activation = LeakyReLU(alpha)
        output = activation.forward(_float_array(z))
        return output, activation.derivative(output)

    @staticmethod
    def softmax(z: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Softmax over the last axis, and the diagonal of its Jacobian ``s·(1 - s)``."""
        with np.errstate(over="ignore"):  # z - max(z) of ±1e308 is -inf: e^-inf = 0, exact
            output = ACTIVATIONS["softmax"].forward(_float_array(z))
        derivative: FloatArray = output * (1 - output)
        return output, derivative

    @staticmethod
    def linear(z: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """``z`` itself and ones."""
        output = ACTIVATIONS["linear"].forward(_float_array(z))
        return output, ACTIVATIONS["linear"].derivative(output)


def _float_array(z: ArrayLike) -> FloatArray:
    """``z`` as a float array (float32 stays float32; anything else becomes float64)."""
    values = np.asarray(z)
    if values.dtype not in (np.float32, np.float64):
        values = values.astype(np.float64)
    return values
