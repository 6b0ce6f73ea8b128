"""Optimizers: how a gradient becomes a change of the parameters.

All the network's parameters live in one flat vector ``θ`` (and its gradient
in one flat vector ``g``), so each rule below is a handful of vectorised
operations on the whole network at once. The state an optimizer keeps
(velocity, moment estimates) is one vector of the same size, allocated once
and then updated in place: a step makes no new arrays.

With learning rate ``η`` and the gradient ``g = dL/dθ`` of the batch:

=========================  =====================================================
rule                       update
=========================  =====================================================
SGD                        θ ← θ - η·g
SGD + momentum μ           v ← μ·v - η·g;   θ ← θ + v
SGD + Nesterov momentum    v ← μ·v - η·g;   θ ← θ + μ·v - η·g   (look ahead)
Adam (β₁, β₂, ε)           m ← β₁·m + (1-β₁)·g;   s ← β₂·s + (1-β₂)·g²
                           m̂ = m / (1-β₁ᵗ);   ŝ = s / (1-β₂ᵗ)   (bias correction)
                           θ ← θ - η·m̂ / (√ŝ + ε)
=========================  =====================================================

(Momentum and Nesterov are written as Keras writes them: the velocity ``v``
holds the step itself, so a learning rate that changes between epochs only
scales the new gradients, not the momentum already gathered.)

**State.** :attr:`Optimizer.state` is everything an optimizer remembers, as
a plain dict of arrays and numbers (to save with a run), and
:meth:`Optimizer.load_state` puts it back: the next step continues exactly.

Adding an optimizer is one small class and one line in :data:`OPTIMIZERS`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from numbers import Real
from typing import Any

import numpy as np

from nntui.nn.arrays import FloatArray


class Optimizer:
    """An update rule applied in place to the network's flat parameter vector ``θ``.

    The network calls :meth:`bind` at the start of training, then for every
    batch fills its gradient vector with ``g = dL/dθ`` and calls :meth:`step`.
    """

    name: str = ""

    def __init__(self) -> None:
        self._bound_to: np.ndarray | None = None
        self._loaded = False  # load_state() ran: the next bind adopts the state

    def gradient_scale(self, learning_rate: float) -> float:
        """What the gradients handed to :meth:`step` are multiplied by (1: true gradients)."""
        return 1.0

    def bind(self, parameters: FloatArray) -> None:
        """Prepare the state (zeroed) for ``parameters``, the network's flat vector.

        Binding again to the same vector keeps the state, so a second
        ``train`` call continues as if training had only paused (as Keras
        does across ``fit`` calls); another vector starts afresh.
        """
        if self._bound_to is parameters:
            return
        self._bound_to = parameters
        if self._loaded:
            self._loaded = False
            self._check_state_size(parameters.size)
            return
        self._allocate(parameters)

    @property
    def state(self) -> dict[str, Any]:
        """What the optimizer remembers: a plain dict of arrays (copies) and numbers."""
        return {}

    def load_state(self, state: Mapping[str, Any]) -> None:
        """Put back a :attr:`state`; the next ``train`` continues from it (not afresh).

        Raises:
            ValueError: a key is missing (named).
        """
        self._set_state(state)
        self._bound_to = None
        self._loaded = True

    def _set_state(self, state: Mapping[str, Any]) -> None:
        """Copy ``state``'s entries into the optimizer."""

    def _check_state_size(self, size: int) -> None:
        """Raise a ValueError when a loaded state does not fit ``size`` parameters."""
        for key, value in self.state.items():
            if isinstance(value, np.ndarray) and value.size not in (0, size):
                raise ValueError(
                    f"optimizer state {key!r} has {value.size} values, "
                    f"but the network has {size} parameters"
                )

    def reset(self) -> None:
        """Forget the state (velocity, moments): the next step starts afresh."""
        if self._bound_to is not None:
            self._allocate(self._bound_to)

    def step(self, parameters: FloatArray, gradients: FloatArray, learning_rate: float) -> None:
        """Update ``parameters`` in place.

        Args:
            parameters: the flat parameter vector ``θ``.
            gradients: ``gradient_scale(η)·dL/dθ``, same shape (not modified).
            learning_rate: ``η`` for this step.
        """
        raise NotImplementedError

    def _allocate(self, parameters: FloatArray) -> None:
        """Create the state vectors, zeroed, shaped like ``parameters``."""

    @staticmethod
    def _state_array(state: Mapping[str, Any], key: str) -> FloatArray:
        try:
            value: FloatArray = np.array(state[key], copy=True)
        except KeyError:
            raise ValueError(f"optimizer state has no {key!r}") from None
        return value

    def _ensure_bound(self, parameters: FloatArray) -> None:
        if self._bound_to is not parameters:
            self.bind(parameters)


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum.

    Args:
        momentum: ``μ`` in ``[0, 1)``; 0 is plain SGD.
        nesterov: use Nesterov's look-ahead form (needs ``momentum > 0``).

    Raises:
        ValueError: for a momentum outside ``[0, 1)`` or Nesterov without momentum.
    """

    name = "sgd"

    def __init__(self, momentum: float = 0.0, nesterov: bool = False) -> None:
        super().__init__()
        self.momentum = _unit_interval("momentum", momentum)
        if not isinstance(nesterov, bool):
            raise ValueError(f"nesterov must be True or False, got {nesterov!r}")
        if nesterov and self.momentum == 0.0:
            raise ValueError("nesterov needs a momentum above 0")
        self.nesterov = nesterov
        self._velocity: FloatArray = np.zeros(0)
        self._scratch: FloatArray = np.zeros(0)

    def gradient_scale(self, learning_rate: float) -> float:
        """``η`` for plain SGD, else 1.

        A speed trick, kept because it pays: ``θ ← θ - η·g`` is linear in
        ``g``, and so is the whole backward pass, so the network multiplies
        the small output ``δ`` by ``η`` and hands :meth:`step` the step
        ``η·g`` itself, saving a pass over ``θ``-sized arrays per batch:
        +4..7 % samples/s on bench_train's MNIST-shaped workload (best of
        interleaved in-process A/B rounds against ``θ -= η·g``: float64
        +5.7 %, +6.6 %; float32 +4.3 %, +6.1 %); nothing measurable on its
        seed workload.
        """
        return learning_rate if self.momentum == 0.0 else 1.0

    @property
    def state(self) -> dict[str, Any]:
        """``{"velocity": v}`` (an empty array without momentum)."""
        return {"velocity": self._velocity.copy()}

    def _set_state(self, state: Mapping[str, Any]) -> None:
        self._velocity = self._state_array(state, "velocity")
        self._scratch = np.zeros_like(self._velocity)

    def _allocate(self, parameters: FloatArray) -> None:
        if self.momentum > 0:
            self._scratch = np.zeros_like(parameters)
            self._velocity = np.zeros_like(parameters)

    def step(self, parameters: FloatArray, gradients: FloatArray, learning_rate: float) -> None:
        """One step: ``θ ← θ - η·g``, or with momentum as in the table above.

        For plain SGD, ``gradients`` already hold ``η·g`` (see :meth:`gradient_scale`).
        """
        if self.momentum == 0.0:
            parameters -= gradients  # θ ← θ - η·g  (η·g came from the backward pass)
            return
        self._ensure_bound(parameters)
        step = np.multiply(gradients, learning_rate, out=self._scratch)  # η·g
        velocity = self._velocity
        velocity *= self.momentum
        velocity -= step  # v ← μ·v - η·g
        if not self.nesterov:
            parameters += velocity  # θ ← θ + v
            return
        parameters -= step
        parameters += np.multiply(velocity, self.momentum, out=self._scratch)  # θ + μ·v - η·g

    def __repr__(self) -> str:
        return f"SGD(momentum={self.momentum!r}, nesterov={self.nesterov!r})"


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): per-parameter steps from running gradient moments.

    ``m`` is a running mean of the gradients and ``s`` of their squares; early
    on both lean towards their zero start, which the bias correction undoes.
    Each parameter then moves by about ``η`` in the direction of its mean
    gradient, whatever the gradient's scale.

    Args:
        beta1: decay of the first moment ``m``, in ``[0, 1)``.
        beta2: decay of the second moment ``s``, in ``[0, 1)``.
        epsilon: added to ``√ŝ`` so a zero moment cannot divide by zero.

    Attributes:
        steps: ``t``, the steps taken since the state was allocated.

    Raises:
        ValueError: for a beta outside ``[0, 1)`` or a non-positive epsilon.
    """

    name = "adam"

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8) -> None:
        super().__init__()
        self.beta1 = _unit_interval("beta1", beta1)
        self.beta2 = _unit_interval("beta2", beta2)
        if (
            isinstance(epsilon, bool)
            or not isinstance(epsilon, Real)
            or not math.isfinite(epsilon)
            or epsilon <= 0
        ):
            raise ValueError(f"epsilon must be a positive number, got {epsilon!r}")
        self.epsilon: float = float(epsilon)
        self.steps: int = 0
        self._scaled_m: FloatArray = np.zeros(0)  # α·m (see step)
        self._s: FloatArray = np.zeros(0)  # s/(1-β₂) (see step)
        self._scratch: FloatArray = np.zeros(0)
        self._alpha: float = 1.0

    @property
    def state(self) -> dict[str, Any]:
        """``{"steps": t, "scaled_m": α·m, "alpha": α, "scaled_s": s/(1-β₂)}`` (see :meth:`step`).

        The exact internal form, so a loaded state continues bit for bit;
        :attr:`m` and :attr:`s` give the textbook moments.
        """
        return {
            "steps": self.steps,
            "scaled_m": self._scaled_m.copy(),
            "alpha": self._alpha,
            "scaled_s": self._s.copy(),
        }

    def _set_state(self, state: Mapping[str, Any]) -> None:
        if "steps" not in state or "alpha" not in state:
            raise ValueError("optimizer state needs 'steps' and 'alpha'")
        self.steps = int(state["steps"])
        self._alpha = float(state["alpha"])
        self._scaled_m = self._state_array(state, "scaled_m")
        self._s = self._state_array(state, "scaled_s")
        self._scratch = np.zeros_like(self._s)

    @property
    def m(self) -> FloatArray:
        """The first moment ``m`` (running mean of the gradients)."""
        result: FloatArray = self._scaled_m / self._alpha
        return result

    @property
    def s(self) -> FloatArray:
        """The second moment ``s`` (running mean of the squared gradients)."""
        result: FloatArray = self._s * (1.0 - self.beta2)
        return result

    def _allocate(self, parameters: FloatArray) -> None:
        self.steps = 0
        self._scaled_m = np.zeros_like(parameters)
        self._s = np.zeros_like(parameters)
        self._scratch = np.zeros_like(parameters)
        self._alpha = 1.0

    def step(self, parameters: FloatArray, gradients: FloatArray, learning_rate: float) -> None:
        """One Adam step with bias correction, in place: ``θ ← θ - η·m̂/(√ŝ + ε)``.

        The textbook form (the table in the module notes) makes 14 passes over
        ``θ``-sized arrays per step; the form below makes 10. That is a speed
        trick, kept because it pays (benchmarks/bench_train.py workloads,
        best of interleaved in-process A/B rounds against the textbook form):
        seed +5 % samples/s (float64 +4.6..4.9 %, float32 +5.4..5.7 %),
        MNIST-shaped +10 % (float64 +9.8 %, float32 +9.7..11 %).
        """
        self._ensure_bound(parameters)
        self.steps += 1
        t, beta1, beta2 = self.steps, self.beta1, self.beta2
        # The step η·m̂/(√ŝ + ε), with m̂ = m/(1-β₁ᵗ) and ŝ = s/(1-β₂ᵗ), equals
        #     α·m / (√s' + ε')   where s' = s/(1-β₂),  c = √((1-β₂ᵗ)/(1-β₂)),
        #     α = η·c/(1-β₁ᵗ)  and  ε' = ε·c,
        # so the bias corrections cost two numbers, not two passes over θ. And
        # by keeping α·m (not m) and s' (not s), the factors α and 1-β₂ ride
        # along with the decays.
        c = math.sqrt((1.0 - beta2**t) / (1.0 - beta2))
        alpha = learning_rate * c / (1.0 - beta1**t)
        scaled_m, s, scratch = self._scaled_m, self._s, self._scratch

        scaled_m *= beta1 * (alpha / self._alpha)  # α·β₁·m (this step's α replaces the last)
        scaled_m += np.multiply(gradients, alpha * (1.0 - beta1), out=scratch)
        # ... so scaled_m = α·m with m ← β₁·m + (1-β₁)·g
        s *= beta2
        s += np.multiply(gradients, gradients, out=scratch)  # s' ← β₂·s' + g², s' = s/(1-β₂)
        denominator = np.sqrt(s, out=scratch)
        denominator += self.epsilon * c  # √s' + ε'
        parameters -= np.divide(scaled_m, denominator, out=scratch)  # θ ← θ - η·m̂/(√ŝ + ε)
        self._alpha = alpha

    def __repr__(self) -> str:
        return f"Adam(beta1={self.beta1!r}, beta2={self.beta2!r}, epsilon={self.epsilon!r})"


def _unit_interval(name: str, value: float) -> float:
    """``value`` as a float in ``[0, 1)``, or a ValueError naming ``name``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not math.isfinite(value)
        or not 0 <= value < 1
    ):
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    return float(value)


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {"sgd": SGD, "adam": Adam}
"""Optimizer name -> class (called with the optimizer's settings)."""


def make_optimizer(name: str, **params: Any) -> Optimizer:
    """Build an optimizer by name: ``make_optimizer("sgd", momentum=0.9)``.

    Raises:
        ValueError: ``"Unknown optimizer 'X'. Available: sgd, adam"``, or a
            setting the optimizer does not take (named), or a bad value.
    """
    try:
        factory = OPTIMIZERS[name]
    except (KeyError, TypeError):
        available = ", ".join(OPTIMIZERS)
        raise ValueError(f"Unknown optimizer '{name}'. Available: {available}") from None
    try:
        return factory(**params)
    except TypeError as error:  # an unknown or missing setting
        raise ValueError(f"optimizer '{name}': {error}") from None
