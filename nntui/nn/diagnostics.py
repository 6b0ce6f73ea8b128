"""Per-layer health checks on a probe batch: weight norms, dead ReLUs, saturated units.

Run a fixed batch of inputs (the "probe") through the network and look at
each layer's activations ``a``:

- **dead units** (``relu``, ``leaky_relu``): a unit whose ``a`` is never
  positive on any probe sample has ``z ≤ 0`` everywhere, so its gradient
  (ReLU) or almost all of it (leaky ReLU) is gone and it has stopped
  learning. ``dead_fraction`` is the share of the layer's units that are dead.
- **saturated activations** (``tanh``, ``sigmoid``): where ``|a| > 0.97``
  (tanh) or ``a < 0.03`` or ``a > 0.97`` (sigmoid), the curve is flat and its
  derivative tiny (below 0.06 for tanh, 0.03 for sigmoid), so little gradient
  gets through. ``saturated_fraction`` is the share of the layer's
  activations (units × samples) in those flat tails.
- ``weight_norm``: ``‖W‖``, the Frobenius norm of the weight matrix.

A notion that does not apply to an activation is None (e.g. both for a
``linear`` or ``softmax`` layer). The probe costs one forward pass.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from nntui.nn.arrays import ArrayLike
from nntui.nn.network import NeuralNetwork

TANH_SATURATION = 0.97
"""``|a|`` above this counts as a saturated tanh activation."""
SIGMOID_SATURATION = 0.03
"""``a`` below this or above ``1 -`` this counts as a saturated sigmoid activation."""

_RELU_LIKE = ("relu", "leaky_relu")


@dataclass(frozen=True)
class LayerDiagnostics:
    """The health of one layer on the probe batch (plain floats).

    Attributes:
        weight_norm: ``‖W‖``.
        dead_fraction: share of units never positive (relu/leaky_relu), else None.
        saturated_fraction: share of activations in the flat tails
            (tanh/sigmoid), else None.
    """

    weight_norm: float
    dead_fraction: float | None
    saturated_fraction: float | None

    def as_dict(self) -> dict[str, float | None]:
        """``{"weight_norm": ..., "dead_fraction": ..., "saturated_fraction": ...}``."""
        return asdict(self)


def probe_diagnostics(network: NeuralNetwork, x_probe: ArrayLike) -> list[LayerDiagnostics]:
    """Measure every layer of ``network`` on the inputs ``x_probe``.

    Call it any time, also between training steps (e.g. from a callback's
    ``on_epoch_end``): its forward pass leaves what the layers remember for
    backpropagation alone.

    Args:
        network: the network to examine (not changed).
        x_probe: ``(n, layer_sizes[0])`` inputs, ``n ≥ 1``; the same rows every
            time make the numbers comparable from epoch to epoch.

    Returns:
        One :class:`LayerDiagnostics` per layer, input side first.

    Raises:
        ValueError: for an empty probe or one of the wrong width.
    """
    probe = np.asarray(x_probe, dtype=network.dtype)
    if probe.ndim != 2 or len(probe) == 0:
        raise ValueError(
            f"the probe batch must be 2-D with at least one row, got shape {probe.shape}"
        )
    results = []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        outputs = network.layer_outputs(probe)  # leaves the layers' training caches alone
    for layer, activations in zip(network.layers, outputs, strict=True):
        weights = layer.weights.ravel()
        results.append(
            LayerDiagnostics(
                weight_norm=math.sqrt(float(np.dot(weights, weights))),
                dead_fraction=dead_fraction(layer.activation.name, activations),
                saturated_fraction=saturated_fraction(layer.activation.name, activations),
            )
        )
    return results


def dead_fraction(activation: str, a: np.ndarray) -> float | None:
    """Share of units (columns of ``a``) never positive; None unless relu-like."""
    if activation not in _RELU_LIKE:
        return None
    never_active = ~np.any(a > 0, axis=0)
    return float(np.count_nonzero(never_active) / a.shape[1])


def saturated_fraction(activation: str, a: np.ndarray) -> float | None:
    """Share of entries of ``a`` in the flat tails; None unless tanh or sigmoid."""
    if activation == "tanh":
        saturated = np.abs(a) > TANH_SATURATION
    elif activation == "sigmoid":
        saturated = (a < SIGMOID_SATURATION) | (a > 1.0 - SIGMOID_SATURATION)
    else:
        return None
    return float(np.count_nonzero(saturated) / a.size)
