"""From a batch's gradient to a parameter step: L2 weight decay, clipping, the optimizer.

After backpropagation the network's flat gradient vector holds ``g = dL/dθ``
of the batch (times ``η`` for plain SGD: see :meth:`SGD.gradient_scale
<nntui.nn.optimizers.SGD.gradient_scale>`). One step then:

1. **L2 weight decay** (λ > 0): the loss gains ``½·λ·ΣW²`` over every weight
   (not the biases), so each weight's gradient gains ``λ·W``. Large weights
   are pulled towards zero; the network prefers simpler functions.
2. **Gradient norms**: per layer ``‖g‖`` (weights and biases together), for
   the monitor; their squares add up to the global norm ``‖g‖²``.
3. **Clipping** (``clip_norm = c``): if the global norm exceeds ``c``, the
   whole gradient is scaled by ``c/‖g‖``: same direction, length ``c``. One
   bad batch can then not throw the parameters far away.
4. **The optimizer's step** updates ``θ`` in place.

Once an epoch it also measures what the last step did, per layer:
``log10(‖ΔW‖/‖W‖)``, the update-to-weight ratio (around -3 is healthy: each
step changes the weights by about a thousandth), and ``‖W‖``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from nntui.nn.arrays import FloatArray
from nntui.nn.optimizers import Optimizer


class ParameterUpdate:
    """The step pipeline of one training run, with its preallocated buffers.

    Args:
        parameters: The network's flat parameter vector ``θ``.
        gradients: Its flat gradient vector (same shape).
        layer_slices: Per layer, the slice of the flat vectors it owns.
        weight_slices: Per layer, the slice holding its weights (not biases).
        optimizer: The update rule.
        l2: The weight decay ``λ`` (0: off).
        clip_norm: The global gradient norm limit (None: off).
    """

    def __init__(
        self,
        parameters: FloatArray,
        gradients: FloatArray,
        layer_slices: Sequence[slice],
        weight_slices: Sequence[slice],
        optimizer: Optimizer,
        l2: float = 0.0,
        clip_norm: float | None = None,
    ) -> None:
        self.parameters, self.gradients = parameters, gradients
        self.optimizer = optimizer
        self.l2, self.clip_norm = l2, clip_norm
        self._layer_gradients = [gradients[part] for part in layer_slices]
        self._weight_slices = list(weight_slices)
        self.learning_rate = 1.0
        self.gradient_scale = 1.0  # the gradients arrive as gradient_scale·dL/dθ
        self._clip_limit = clip_norm
        self._weight_decay = np.zeros(0, dtype=parameters.dtype)
        self._scratch = np.zeros(0, dtype=parameters.dtype)
        if l2 > 0:
            self._weight_decay = np.zeros_like(parameters)  # λ on the weights, 0 on the biases
            for weights in self._weight_slices:
                self._weight_decay[weights] = l2
            self._scratch = np.zeros_like(parameters)
        self._previous = np.zeros(0, dtype=parameters.dtype)  # θ before the remembered step
        self._remembered = False

    def start_epoch(self, learning_rate: float) -> None:
        """Set the epoch's rate ``η``, and the scale ``s`` the gradients will arrive with."""
        self.learning_rate = learning_rate
        scale = self.gradient_scale = self.optimizer.gradient_scale(learning_rate)
        # The gradients arrive as s·g (s = η for plain SGD, else 1), so the term
        # added to them and the limit they are compared with are multiplied by s.
        if self.l2 > 0:
            for weights in self._weight_slices:
                self._weight_decay[weights] = scale * self.l2
        self._clip_limit = None if self.clip_norm is None else scale * self.clip_norm

    def step(self, norm_sums: list[float], *, remember: bool = False) -> None:
        """Decay, measure, clip and apply the gradient now in :attr:`gradients`.

        Args:
            norm_sums: Per layer, a running sum; the layer's gradient norm
                ``‖g‖`` (with the L2 term, before clipping) is added to it.
            remember: Keep ``θ`` before the step for :meth:`diagnostics`.
        """
        gradients = self.gradients
        if self.l2 > 0:
            gradients += np.multiply(self.parameters, self._weight_decay, out=self._scratch)  # λ·W
        squared_total = 0.0
        for index, layer_gradients in enumerate(self._layer_gradients):
            squared = float(np.dot(layer_gradients, layer_gradients))
            norm_sums[index] += math.sqrt(squared) / self.gradient_scale  # ‖g‖
            squared_total += squared
        if self._clip_limit is not None:
            total = math.sqrt(squared_total)
            if total > self._clip_limit:
                gradients *= self._clip_limit / total  # the global norm becomes the limit
        if remember:
            if self._previous.shape != self.parameters.shape:
                self._previous = np.empty_like(self.parameters)
            np.copyto(self._previous, self.parameters)
            self._remembered = True
        self.optimizer.step(self.parameters, gradients, self.learning_rate)

    def finish_epoch(self) -> None:
        """Leave the true gradients ``dL/dθ`` of the last batch in :attr:`gradients`."""
        if self.gradient_scale != 1.0:
            self.gradients *= 1.0 / self.gradient_scale

    def l2_penalty(self) -> float:
        """``½·λ·ΣW²`` over every layer's weights now (0.0 without decay)."""
        if self.l2 == 0:
            return 0.0
        total = sum(
            float(np.dot(self.parameters[part], self.parameters[part]))
            for part in self._weight_slices
        )
        return 0.5 * self.l2 * total

    def diagnostics(self) -> dict[str, list[float | None]]:
        """Per layer: ``update_ratios`` of the remembered step and ``weight_norms`` now.

        ``update_ratios[i]`` is ``log10(‖ΔW‖/‖W‖)`` (``W`` before the step), or
        None when it is undefined (no step remembered, no change, zero weights).
        """
        ratios: list[float | None] = []
        weight_norms: list[float | None] = []
        for part in self._weight_slices:
            weights = self.parameters[part]
            weight_norms.append(math.sqrt(float(np.dot(weights, weights))))
            ratios.append(self._update_ratio(part) if self._remembered else None)
        self._remembered = False
        return {"update_ratios": ratios, "weight_norms": weight_norms}

    def _update_ratio(self, part: slice) -> float | None:
        before = self._previous[part]
        before_norm = math.sqrt(float(np.dot(before, before)))
        change = np.subtract(self.parameters[part], before, out=before)  # ΔW (snapshot reused)
        change_norm = math.sqrt(float(np.dot(change, change)))
        if not (before_norm > 0 and change_norm > 0) or math.isinf(change_norm / before_norm):
            return None
        return math.log10(change_norm / before_norm)
