"""A fully connected (dense) layer: ``a = f(x·W + b)``.

Shapes, for a batch of ``n`` samples, ``m`` inputs and ``u`` units:
``x`` is ``(n, m)``, ``W`` is ``(m, u)``, ``b`` is ``(1, u)`` (one row, added
to every sample's), ``z`` and ``a`` are ``(n, u)``.

Forward:   ``z = x·W + b``,  ``a = f(z)``

Backward, given ``δ = dL/dz`` (each row is one sample's gradient):

    dL/dW = xᵀ·δ          (m, u): sums each sample's outer product x_iᵀ δ_i
    dL/db = Σ_rows δ      (1, u)
    dL/dx = δ·Wᵀ          (n, m): handed down to the layer below as its dL/da

and ``δ`` itself comes from the layer above by the chain rule,
``δ = dL/da ⊙ f'(z)`` (see :mod:`nntui.nn.activations`).

On its own, a layer learns with :meth:`DenseLayer.backward` ``(dL/da, η)``:
it computes the gradients, takes the plain SGD step ``θ ← θ - η·dL/dθ`` and
hands ``dL/dx`` down. A network's optimizers (momentum, Adam) need the
gradients without the step: :meth:`DenseLayer.gradients_from` gives just that.

The weights and biases live in one flat vector, :attr:`DenseLayer.parameters`
(``weights`` and ``biases`` are views into it), and so do their gradients
(:attr:`DenseLayer.gradients`). A network can therefore hand every layer a
slice of one big vector and update all its parameters with a single
vectorised SGD step.
"""

from __future__ import annotations

import numpy as np

from nntui.nn.activations import Activation, get_activation
from nntui.nn.arrays import ArrayLike, FloatArray
from nntui.nn.initializers import Initializer, get_initializer

FLOAT_DTYPES = (np.dtype("float32"), np.dtype("float64"))


def as_float_dtype(dtype: str | np.dtype | type) -> np.dtype:
    """Return ``dtype`` as a NumPy dtype, accepting only float32 and float64.

    Raises:
        ValueError: for any other dtype.
    """
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved not in FLOAT_DTYPES:
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    return resolved


class DenseLayer:
    """A fully connected layer ``a = f(x·W + b)``.

    Args:
        input_size: number of inputs ``m`` (features, or units of the layer below).
        output_size: number of units ``u``.
        activation: activation name (see ``ACTIVATIONS``) or instance.
        weight_init: initialiser name (see ``INITIALIZERS``) or function.
        rng: random generator (or seed) for the initial weights; None draws
            from NumPy's global state (``np.random.seed`` makes it repeatable).
        dtype: ``"float64"`` or ``"float32"``; weights, activations and
            gradients all use it.
        parameters: optional flat array of ``parameter_count`` elements to keep
            the weights and biases in (a network passes a slice of its own).
        gradients: likewise for the gradients.

    Attributes:
        input_size: ``m``; output_size: ``u``.
        activation_name: the activation's name, e.g. ``"relu"``.
        weights: ``(input_size, output_size)`` weight matrix ``W``.
        biases: ``(1, output_size)`` bias row ``b``.
        grad_weights: ``dL/dW`` from the last :meth:`backward`.
        grad_biases: ``dL/db`` from the last :meth:`backward`.
        parameters: ``W`` and ``b`` flattened into one vector (views share memory).
        gradients: ``dL/dW`` and ``dL/db`` flattened the same way.
    """

    def __init__(
        self,
        input_size: int,
        output_size: int,
        activation: str | Activation = "relu",
        weight_init: str | Initializer = "he",
        rng: np.random.Generator | int | None = None,
        dtype: str | np.dtype = "float64",
        *,
        parameters: np.ndarray | None = None,
        gradients: np.ndarray | None = None,
    ) -> None:
        for label, size in (("input_size", input_size), ("output_size", output_size)):
            if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
                raise ValueError(f"{label} must be a positive integer, got {size!r}")
        self.input_size = int(input_size)
        self.output_size = int(output_size)
        self.activation = get_activation(activation)
        initializer = get_initializer(weight_init)
        self.dtype = as_float_dtype(dtype)

        n_weights = self.input_size * self.output_size
        self.parameters = self._flat_storage(parameters, "parameters")
        self.gradients = self._flat_storage(gradients, "gradients")
        self._weights = self.parameters[:n_weights].reshape(self.input_size, self.output_size)
        self._biases = self.parameters[n_weights:].reshape(1, self.output_size)
        self.grad_weights = self.gradients[:n_weights].reshape(self.input_size, self.output_size)
        self.grad_biases = self.gradients[n_weights:].reshape(1, self.output_size)
        self._grad_bias_vector = self.gradients[n_weights:]  # the same numbers, 1-D for matmul

        if rng is not None and not isinstance(rng, np.random.Generator):
            rng = np.random.default_rng(rng)
        self._weights[...] = initializer(self.input_size, self.output_size, rng)  # type: ignore[arg-type]
        self._biases[...] = 0
        self.gradients[...] = 0

        self.input: np.ndarray | None = None  # x of the last forward pass
        self.output: np.ndarray | None = None  # a of the last forward pass
        self._ones_cache = np.ones(0, dtype=self.dtype)

    def _flat_storage(self, given: np.ndarray | None, label: str) -> np.ndarray:
        if given is None:
            return np.zeros(self.parameter_count, dtype=self.dtype)
        if given.shape != (self.parameter_count,) or given.dtype != self.dtype:
            raise ValueError(
                f"{label} must be a flat {self.dtype} array of {self.parameter_count} "
                f"elements, got {given.dtype} {given.shape}"
            )
        return given

    @property
    def parameter_count(self) -> int:
        """Number of trainable numbers: ``input_size·output_size + output_size``."""
        return self.input_size * self.output_size + self.output_size

    @property
    def activation_name(self) -> str:
        """The activation's name, e.g. ``"relu"``."""
        return self.activation.name

    @property
    def weights(self) -> np.ndarray:
        """The weight matrix ``W``, shape ``(input_size, output_size)``."""
        return self._weights

    @weights.setter
    def weights(self, value: np.ndarray) -> None:
        # Copy into the existing storage so the flat `parameters` view stays valid.
        self._assign(self._weights, value, "weights")

    @property
    def biases(self) -> np.ndarray:
        """The bias row ``b``, shape ``(1, output_size)``."""
        return self._biases

    @biases.setter
    def biases(self, value: np.ndarray) -> None:
        self._assign(self._biases, value, "biases")

    @staticmethod
    def _assign(target: np.ndarray, value: np.ndarray, label: str) -> None:
        value = np.asarray(value)
        if value.size == target.size and value.ndim == 1 and target.shape[0] == 1:
            value = value.reshape(target.shape)  # biases given as a plain vector
        if value.shape != target.shape:
            raise ValueError(f"{label} must have shape {target.shape}, got {value.shape}")
        target[...] = value

    def apply(
        self, x: ArrayLike, out: FloatArray | None = None, *, logits: FloatArray | None = None
    ) -> FloatArray:
        """Compute ``a = f(x·W + b)`` for a batch, remembering nothing.

        Args:
            x: Inputs of shape ``(n, input_size)``; cast to the layer's dtype.
            out: Optional C-contiguous array of shape ``(n, output_size)`` to
                write the activations into; by default a new array.
            logits: Optional ``(n, output_size)`` array to keep ``z = x·W + b``
                in (the network's output layer keeps it: losses are computed
                from the logits); by default ``z`` is overwritten by ``a``.

        Returns:
            The activations ``a``, shape ``(n, output_size)``.

        Raises:
            ValueError: ``"Input dimension X does not match layer input size Y"``.
        """
        return self._activations(self._checked_inputs(x), out, logits)

    def forward(
        self, x: ArrayLike, out: FloatArray | None = None, *, logits: FloatArray | None = None
    ) -> FloatArray:
        """Compute ``a = f(x·W + b)`` like :meth:`apply`, and remember ``x`` and ``a`` for backward.

        Args:
            x: Inputs of shape ``(n, input_size)``; cast to the layer's dtype.
            out: Optional ``(n, output_size)`` array for the activations (the
                training loop passes a slice of its buffer of outputs).
            logits: Optional array to keep ``z`` in (see :meth:`apply`).

        Returns:
            The activations ``a``, shape ``(n, output_size)``.

        Raises:
            ValueError: ``"Input dimension X does not match layer input size Y"``.
        """
        inputs = self._checked_inputs(x)
        self.input, self.output = inputs, self._activations(inputs, out, logits)
        return self.output

    def _activations(
        self, x: FloatArray, out: FloatArray | None, logits: FloatArray | None = None
    ) -> FloatArray:
        if logits is None:
            z = np.matmul(x, self._weights, out=out)  # z = x·W
            z += self._biases  # + b (added to every row)
            return self.activation.forward(z, out=z)  # a = f(z), in place: z is not needed again
        z = np.matmul(x, self._weights, out=logits)
        z += self._biases
        return self.activation.forward(z, out=out)  # a = f(z), z kept

    def _checked_inputs(self, x: ArrayLike) -> FloatArray:
        inputs: FloatArray = np.asarray(x, dtype=self.dtype)
        if inputs.ndim != 2 or inputs.shape[1] != self.input_size:
            found: object = inputs.shape[-1] if inputs.ndim else 0
            if inputs.ndim != 2:
                found = f"{found} (shape {inputs.shape}, expected 2-D (samples, features))"
            raise ValueError(
                f"Input dimension {found} does not match layer input size {self.input_size}"
            )
        return inputs

    def backward(self, upstream_gradient: ArrayLike, learning_rate: float) -> FloatArray:
        """Backpropagate ``dL/da`` and take one plain SGD step on this layer.

        Computes ``δ = dL/da ⊙ f'(z)``, the gradients ``dL/dW = xᵀ·δ`` and
        ``dL/db = Σ_rows δ`` (kept in ``grad_weights``/``grad_biases``), and
        ``dL/dx = δ·Wᵀ`` with the weights *before* the step; then
        ``W ← W - η·dL/dW`` and ``b ← b - η·dL/db``. ``upstream_gradient`` is
        the gradient of the *mean* loss over the batch, so ``η`` keeps its
        true-gradient meaning.

        Args:
            upstream_gradient: ``dL/da``, shape ``(n, output_size)`` (not modified).
            learning_rate: the step size ``η`` (0 computes the gradients only).

        Returns:
            ``dL/dx``, shape ``(n, input_size)``, for the layer below.

        Raises:
            RuntimeError: ``"Forward pass must be called before backward"``.
        """
        input_gradient = self.gradients_from(np.asarray(upstream_gradient, dtype=self.dtype))
        assert input_gradient is not None  # asked for by default
        self.parameters -= learning_rate * self.gradients  # θ ← θ - η·g (weights and biases)
        return input_gradient

    def gradients_from(
        self, upstream_gradient: np.ndarray, *, input_gradient: bool = True
    ) -> np.ndarray | None:
        """Backpropagate ``dL/da`` through the activation and the layer, without a step.

        Stores ``grad_weights`` and ``grad_biases`` (a network's optimizer
        then takes the step on all layers at once).

        Args:
            upstream_gradient: ``dL/da``, shape ``(n, output_size)`` (not modified).
            input_gradient: also compute ``dL/dx`` (the first layer of a network
                does not need it).

        Returns:
            ``dL/dx``, shape ``(n, input_size)``, or None when not asked for.

        Raises:
            RuntimeError: ``"Forward pass must be called before backward"``.
        """
        if self.output is None:
            raise RuntimeError("Forward pass must be called before backward")
        delta = self.activation.backward(self.output, upstream_gradient)  # δ = dL/da ⊙ f'(z)
        return self.backward_from_delta(delta, input_gradient=input_gradient)

    def backward_from_delta(
        self, delta: np.ndarray, *, input_gradient: bool = True
    ) -> np.ndarray | None:
        """Backpropagate ``δ = dL/dz`` (already through the activation).

        A network uses this for its output layer, where the loss supplies
        ``dL/dz`` directly (the fused softmax/sigmoid gradients).

        Args:
            delta: ``dL/dz``, shape ``(n, output_size)``.
            input_gradient: also compute and return ``dL/dx``.

        Returns:
            ``dL/dx`` or None.
        """
        if self.input is None:
            raise RuntimeError("Forward pass must be called before backward")
        np.matmul(self.input.T, delta, out=self.grad_weights)  # dL/dW = xᵀ·δ
        # dL/db = Σ_rows δ = 1ᵀ·δ; as a matrix-vector product it is one fast BLAS call.
        np.matmul(self._ones(len(delta)), delta, out=self._grad_bias_vector)
        if not input_gradient:
            return None
        input_gradient_: FloatArray = delta @ self._weights.T  # dL/dx = δ·Wᵀ
        return input_gradient_

    def _ones(self, n: int) -> np.ndarray:
        """A vector of ``n`` ones (kept between calls)."""
        if len(self._ones_cache) < n:
            self._ones_cache = np.ones(n, dtype=self.dtype)
        return self._ones_cache[:n]

    def __repr__(self) -> str:
        return (
            f"DenseLayer({self.input_size}, {self.output_size}, "
            f"activation={self.activation.name!r}, dtype={self.dtype.name!r})"
        )
