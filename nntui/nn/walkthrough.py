"""One sample through the network, step by step: the backprop walkthrough.

:func:`walk_through` takes one input row and its target through a network's
current weights and writes down every quantity a textbook derivation names:

1. **Forward**, per layer: ``z = x·W + b`` (``x`` is the layer below's ``a``,
   the input for the first layer) and ``a = f(z)``.
2. **Loss**: ``L(p, y)`` of the prediction ``p`` (the last ``a``).
3. **Backward**, output layer first: ``δ = dL/dz`` (from the loss, fused with
   softmax/sigmoid where the engine fuses it, else ``δ = dL/da ⊙ f'(z)``), then
   ``dL/dW = xᵀ·δ``, ``dL/db = Σ_rows δ`` and ``dL/dx = δ·Wᵀ`` for the layer
   below, and the plain SGD step ``η·dL/dW`` the next update would take.

Beside each gradient stands a **live gradient check**: the central-difference
estimate ``(L(θ + h) − L(θ − h)) / 2h`` of the same entries
(:mod:`nntui.nn.gradcheck`) and the relative error between the two, which is
below about 1e-6 when backpropagation is right.

Everything is computed on a float64 copy of the weights with the engine's own
activation and loss objects; the network is not changed and its training
caches are left alone, so a paused or finished run can be walked through at
any time. The formulas shown with each step are read from the engine's
docstrings (:data:`FORMULAS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from nntui.nn import activations as activations_module
from nntui.nn import layers as layers_module
from nntui.nn import losses as losses_module
from nntui.nn import network as network_module
from nntui.nn.activations import Activation, get_activation
from nntui.nn.arrays import ArrayLike, FloatArray
from nntui.nn.gradcheck import relative_error
from nntui.nn.losses import Loss, get_loss

if TYPE_CHECKING:
    from nntui.nn.network import NeuralNetwork

F64 = FloatArray

MAX_CHECKED = 256
"""At most this many entries of one weight matrix are checked by central differences."""
LARGEST = 5
"""How many of the largest gradient entries a step lists."""
STEP = 1e-6
"""The central-difference step ``h``."""

FORMULAS: dict[str, tuple[str, Any]] = {
    "z": ("z = x·W + b", layers_module),
    "a": ("a = f(z)", layers_module),
    "delta": ("δ = dL/da ⊙ f'(z)", layers_module),
    "grad_weights": ("dL/dW = xᵀ·δ", layers_module),
    "grad_biases": ("dL/db = Σ_rows δ", layers_module),
    "grad_input": ("dL/dx = δ·Wᵀ", layers_module),
    "update": ("θ ← θ - η·dL/dθ", network_module),
    "softmax_delta": ("dL/dz = (softmax(z) - y) / n", losses_module),
    "sigmoid_delta": ("dL/dz = (sigmoid(z) - y) / (nk)", losses_module),
    "central_difference": ("(f(x + h·e_i) - f(x - h·e_i)) / (2h)", None),
}
"""Formula key -> (its text, the engine module whose docstring states it).

A test checks that every text appears verbatim in its module's docstring, so
the walkthrough shows what the engine documents (the last one is
:mod:`nntui.nn.gradcheck`'s).
"""


@dataclass(frozen=True)
class Entry:
    """One entry of a matrix: ``W[row, column] = value``."""

    row: int
    column: int
    value: float


@dataclass(frozen=True)
class GradientCheck:
    """A gradient compared with its central-difference estimate.

    Attributes:
        numeric_norm: ``‖estimate‖`` over the entries checked.
        relative_error: ``‖analytic − estimate‖ / (‖analytic‖ + ‖estimate‖)`` over
            them (0.0 when both vanish).
        checked: how many entries were compared.
        total: how many entries the gradient has.
    """

    numeric_norm: float
    relative_error: float
    checked: int
    total: int


@dataclass(frozen=True)
class ForwardStep:
    """One layer of the forward pass for the sample.

    Attributes:
        layer: ``dense_1`` … (input side first).
        activation: the layer's activation name.
        activation_formula: the activation's row of the engine's table,
            e.g. ``"f(z) = tanh z · f'(z) = 1 - a²"`` (``f'`` in terms of ``a``).
        x: the layer's input (the layer below's ``a``).
        z: ``x·W + b``.
        a: ``f(z)``.
        x_norm: ``‖x‖``.
        z_norm: ``‖z‖``.
        a_norm: ``‖a‖``.
    """

    layer: str
    activation: str
    activation_formula: str
    x: tuple[float, ...]
    z: tuple[float, ...]
    a: tuple[float, ...]
    x_norm: float
    z_norm: float
    a_norm: float


@dataclass(frozen=True)
class LossStep:
    """The loss of the sample.

    Attributes:
        name: the loss, e.g. ``"cross_entropy"``.
        formula: its row of the engine's loss table, e.g.
            ``"L = -1/n Σ y log p · dL/dp = -y / (n p)"``.
        value: ``L(p, y)``.
        prediction: ``p``, the output layer's ``a``.
        target: ``y``.
    """

    name: str
    formula: str
    value: float
    prediction: tuple[float, ...]
    target: tuple[float, ...]


@dataclass(frozen=True)
class BackwardStep:
    """One layer of the backward pass, with its gradient check.

    Attributes:
        layer: ``dense_3`` … (output side first).
        delta_formula: how ``δ`` was obtained (fused with the loss, or the chain rule).
        delta: ``δ = dL/dz`` of the sample.
        delta_norm: ``‖δ‖``.
        grad_weights_norm: ``‖dL/dW‖``.
        grad_weights_largest: the entries of ``dL/dW`` largest in size.
        grad_biases: ``dL/db``.
        grad_biases_norm: ``‖dL/db‖``.
        update_norm: ``‖η·dL/dW‖``, the plain SGD step of the weights.
        update_largest: its largest entries.
        weights_check: ``dL/dW`` against central differences.
        biases_check: ``dL/db`` against central differences.
    """

    layer: str
    delta_formula: str
    delta: tuple[float, ...]
    delta_norm: float
    grad_weights_norm: float
    grad_weights_largest: tuple[Entry, ...]
    grad_biases: tuple[float, ...]
    grad_biases_norm: float
    update_norm: float
    update_largest: tuple[Entry, ...]
    weights_check: GradientCheck
    biases_check: GradientCheck


@dataclass(frozen=True)
class Walkthrough:
    """One sample's forward pass, loss and backward pass.

    Attributes:
        x: the input row (as the network sees it: normalised).
        y: the target row.
        learning_rate: ``η`` of the update shown.
        forward: one step per layer, input side first.
        loss: the loss step.
        backward: one step per layer, output side first.
    """

    x: tuple[float, ...]
    y: tuple[float, ...]
    learning_rate: float
    forward: tuple[ForwardStep, ...]
    loss: LossStep
    backward: tuple[BackwardStep, ...]

    @property
    def steps(self) -> tuple[ForwardStep | LossStep | BackwardStep, ...]:
        """Every step in the order a walkthrough shows them."""
        return (*self.forward, self.loss, *self.backward)

    @property
    def worst_relative_error(self) -> float:
        """The largest relative error of any gradient check."""
        errors = [
            check.relative_error
            for step in self.backward
            for check in (step.weights_check, step.biases_check)
        ]
        return max(errors, default=0.0)


def formula(key: str) -> str:
    """The text of one formula of :data:`FORMULAS` (e.g. ``formula("z")``)."""
    return FORMULAS[key][0]


def walk_through(
    network: NeuralNetwork,
    x: ArrayLike,
    y: ArrayLike,
    *,
    learning_rate: float,
    max_checked: int = MAX_CHECKED,
    h: float = STEP,
) -> Walkthrough:
    """Take one sample through ``network`` and back, checking every gradient.

    Args:
        network: the network as it is now (not changed).
        x: one input row, ``(n_features,)`` or ``(1, n_features)``, normalised
            as the network was trained.
        y: its target as the network's head takes it: one-hot (softmax),
            0/1 (sigmoid units) or values (mse), ``(k,)`` or ``(1, k)``.
        learning_rate: ``η`` for the SGD step shown.
        max_checked: at most this many entries of each weight matrix are
            compared with central differences (the largest gradients first,
            then a fixed spread of the others); biases are always all checked.
        h: the central-difference step.

    Returns:
        The :class:`Walkthrough`.

    Raises:
        ValueError: ``x`` or ``y`` does not fit the network.
    """
    model = _Model.of(network)
    inputs = _row(x, model.sizes[0], "x")
    target = _row(y, model.sizes[-1], "y")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        xs, zs, outs = model.forward(inputs)
        forward = tuple(
            _forward_step(index, model.activations[index], xs[index], zs[index], outs[index])
            for index in range(model.depth)
        )
        loss_value = model.loss.value(outs[-1], target)
        backward = model.backward(xs, outs, target, learning_rate, max_checked, h)
    loss = LossStep(
        name=model.loss.name,
        formula=_labelled(_table_row(losses_module, model.loss.name), ("L", "dL/dp")),
        value=float(loss_value),
        prediction=_values(outs[-1]),
        target=_values(target),
    )
    return Walkthrough(
        x=_values(inputs),
        y=_values(target),
        learning_rate=float(learning_rate),
        forward=forward,
        loss=loss,
        backward=backward,
    )


@dataclass
class _Model:
    """A float64 copy of a network's weights with its activations and loss."""

    weights: list[F64]
    biases: list[F64]
    activations: list[Activation]
    loss: Loss

    @classmethod
    def of(cls, network: NeuralNetwork) -> _Model:
        return cls(
            weights=[np.array(layer.weights, dtype=np.float64) for layer in network.layers],
            biases=[np.array(layer.biases, dtype=np.float64).ravel() for layer in network.layers],
            activations=[get_activation(name) for name in network.activations],
            loss=get_loss(network.loss),
        )

    @property
    def depth(self) -> int:
        return len(self.weights)

    @property
    def sizes(self) -> list[int]:
        return [self.weights[0].shape[0], *(w.shape[1] for w in self.weights)]

    def forward(self, x: F64) -> tuple[list[F64], list[F64], list[F64]]:
        """Per layer: its input ``x``, ``z = x·W + b`` and ``a = f(z)``."""
        xs: list[F64] = []
        zs: list[F64] = []
        outs: list[F64] = []
        a = x
        for weights, biases, activation in zip(
            self.weights, self.biases, self.activations, strict=True
        ):
            z: F64 = a @ weights + biases
            xs.append(a)
            zs.append(z)
            a = activation.forward(z.copy())
            outs.append(a)
        return xs, zs, outs

    def loss_of(self, x: F64, y: F64) -> float:
        return float(self.loss.value(self.forward(x)[2][-1], y))

    def output_delta(self, p: F64, y: F64) -> tuple[F64, str]:
        """``δ`` of the output layer, and the formula it came from."""
        if self.loss.output_activation is not None:
            key = "softmax_delta" if self.loss.output_activation == "softmax" else "sigmoid_delta"
            return np.asarray(self.loss.fused_delta(p, y), dtype=np.float64), formula(key)
        upstream = np.asarray(self.loss.gradient(p, y), dtype=np.float64)  # dL/dp
        return self.activations[-1].backward(p, upstream), formula("delta")

    def backward(
        self,
        xs: list[F64],
        outs: list[F64],
        y: F64,
        learning_rate: float,
        max_checked: int,
        h: float,
    ) -> tuple[BackwardStep, ...]:
        delta, how = self.output_delta(outs[-1], y)
        steps = []
        for index in range(self.depth - 1, -1, -1):
            grad_weights = xs[index].T @ delta  # dL/dW = xᵀ·δ
            grad_biases = delta.sum(axis=0)  # dL/db = Σ_rows δ
            check_w = self._check(self.weights[index], grad_weights, xs[0], y, max_checked, h)
            check_b = self._check(self.biases[index], grad_biases, xs[0], y, None, h)
            steps.append(
                _backward_step(
                    index, how, delta, grad_weights, grad_biases, learning_rate, check_w, check_b
                )
            )
            if index > 0:
                upstream = delta @ self.weights[index].T  # dL/dx = δ·Wᵀ, the dL/da below
                delta = self.activations[index - 1].backward(outs[index - 1], upstream)
                how = formula("delta")
        return tuple(steps)

    def _check(
        self,
        parameter: F64,
        analytic: F64,
        x: F64,
        y: F64,
        most: int | None,
        h: float,
    ) -> GradientCheck:
        """Central differences of the loss on chosen entries of ``parameter`` (restored after)."""
        flat, flat_analytic = parameter.reshape(-1), analytic.reshape(-1)
        chosen = _chosen_entries(flat_analytic, most)
        numeric = np.empty(len(chosen))
        for position, entry in enumerate(chosen):
            original = flat[entry]
            flat[entry] = original + h
            plus = self.loss_of(x, y)
            flat[entry] = original - h
            minus = self.loss_of(x, y)
            flat[entry] = original
            numeric[position] = (plus - minus) / (2 * h)
        picked = flat_analytic[chosen]
        both = float(np.linalg.norm(numeric) + np.linalg.norm(picked))
        error = 0.0 if both < 1e-12 else relative_error(numeric, picked)
        return GradientCheck(
            numeric_norm=float(np.linalg.norm(numeric)),
            relative_error=error,
            checked=len(chosen),
            total=flat.size,
        )


def _chosen_entries(analytic: F64, most: int | None) -> npt.NDArray[np.intp]:
    """All entries, or the ``most // 2`` largest gradients and an even spread of the rest."""
    size = analytic.size
    if most is None or size <= most:
        return np.arange(size)
    largest = np.argsort(-np.abs(analytic), kind="stable")[: most // 2]
    spread = np.linspace(0, size - 1, most - len(largest)).astype(np.intp)
    chosen: npt.NDArray[np.intp] = np.unique(np.concatenate([largest, spread]))
    return chosen


def _forward_step(index: int, activation: Activation, x: F64, z: F64, a: F64) -> ForwardStep:
    return ForwardStep(
        layer=f"dense_{index + 1}",
        activation=activation.name,
        activation_formula=_labelled(
            _table_row(activations_module, activation.name), ("f(z)", "f'(z)")
        ),
        x=_values(x),
        z=_values(z),
        a=_values(a),
        x_norm=_norm(x),
        z_norm=_norm(z),
        a_norm=_norm(a),
    )


def _backward_step(
    index: int,
    how: str,
    delta: F64,
    grad_weights: F64,
    grad_biases: F64,
    learning_rate: float,
    weights_check: GradientCheck,
    biases_check: GradientCheck,
) -> BackwardStep:
    update = learning_rate * grad_weights  # η·dL/dW
    return BackwardStep(
        layer=f"dense_{index + 1}",
        delta_formula=how,
        delta=_values(delta),
        delta_norm=_norm(delta),
        grad_weights_norm=_norm(grad_weights),
        grad_weights_largest=largest_entries(grad_weights),
        grad_biases=_values(grad_biases),
        grad_biases_norm=_norm(grad_biases),
        update_norm=_norm(update),
        update_largest=largest_entries(update),
        weights_check=weights_check,
        biases_check=biases_check,
    )


def largest_entries(matrix: ArrayLike, count: int = LARGEST) -> tuple[Entry, ...]:
    """The ``count`` entries of a 2-D array largest in absolute value, largest first.

    Example:
        >>> largest_entries([[0.1, -3.0], [2.0, 0.0]], 2)
        (Entry(row=0, column=1, value=-3.0), Entry(row=1, column=0, value=2.0))
    """
    values = np.asarray(matrix, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"expected a 2-D array, got shape {values.shape}")
    order = np.argsort(-np.abs(values).reshape(-1), kind="stable")[:count]
    columns = values.shape[1]
    return tuple(
        Entry(int(flat // columns), int(flat % columns), float(values.flat[flat])) for flat in order
    )


def _row(values: ArrayLike, width: int, name: str) -> F64:
    row = np.asarray(values, dtype=np.float64)
    if row.ndim == 1:
        row = row.reshape(1, -1)
    if row.shape != (1, width):
        raise ValueError(f"{name} must be one row of {width} values, got shape {row.shape}")
    return row


def _values(array: F64) -> tuple[float, ...]:
    return tuple(float(value) for value in array.reshape(-1))


def _norm(array: F64) -> float:
    return float(np.linalg.norm(array))


def _table_row(module: Any, name: str) -> tuple[str, ...]:
    """The cells of ``name``'s row in a module docstring's table (``()`` if none)."""
    for line in (module.__doc__ or "").splitlines():
        if line.strip().startswith(f"``{name}``"):
            return tuple(cell.replace("``", "") for cell in re.split(r"\s{2,}", line.strip()))
    return ()


def _labelled(cells: tuple[str, ...], labels: tuple[str, str]) -> str:
    """``"f(z) = tanh z · f'(z) = 1 - a²"`` from a table row's formula cells."""
    if len(cells) < 3:
        return " ".join(cells)
    return f"{labels[0]} = {cells[1]} · {labels[1]} = {cells[2]}"
