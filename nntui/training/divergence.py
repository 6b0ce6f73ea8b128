"""Why a run diverged, as the config key to change: ``training.l2`` or ``training.learning_rate``.

A loss that becomes NaN or infinite usually means steps too large for the
loss surface: lower the learning rate. With weight decay there is a second
cause: the penalty ``½·λ·ΣW²`` that the training loss includes can explode on
its own — a λ so large that the penalty overflows while the data loss is
fine, a penalty that outweighs the data loss, or (plain SGD) a decay step
``W ← (1 − η·λ)·W`` with ``η·λ ≥ 2`` that flips and grows the weights every step.

:func:`explosion_of` keeps what the engine saw of the epoch that exploded (its
loss, metrics and per-layer gradient norms) for the ``RunFailed`` event.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from nntui.training.events import Explosion

if TYPE_CHECKING:
    from nntui.config import TrainingConfig
    from nntui.nn.network import NeuralNetwork, TrainingDiverged
    from nntui.training.datasets import RunData

__all__ = ["LEARNING_RATE_HINT", "divergence_hint", "explosion_of", "l2_exploded"]

LEARNING_RATE_HINT = "try a lower training.learning_rate"
SGD_DECAY_LIMIT = 2.0
"""Plain SGD's decay step ``W ← (1 − η·λ)·W`` grows the weights once ``η·λ`` reaches this."""
PROBE_ROWS = 256


def explosion_of(diverged: TrainingDiverged) -> Explosion:
    """The epoch that exploded, as the engine reported it (nan and inf kept as they are)."""
    return Explosion(
        epoch=diverged.epoch,
        quantity=diverged.quantity,
        value=diverged.value,
        loss=float(diverged.loss),
        grad_norms=diverged.grad_norms,
        metrics=dict(diverged.logs),
    )


def divergence_hint(network: NeuralNetwork, data: RunData, training: TrainingConfig) -> str:
    """The advice after a run diverged, naming the key most likely at fault.

    Args:
        network: the network as it was when training stopped.
        data: the run's data (a few training rows give the data loss).
        training: the ``training`` section of the run's config.

    Returns:
        e.g. ``"try a lower training.learning_rate (it was 0.5)"`` or
        ``"the L2 penalty ½·λ·ΣW² exploded: try a smaller training.l2 (it was 1e+300)"``.
    """
    if training.l2 > 0 and l2_exploded(network, data, training):
        return (
            f"the L2 penalty ½·λ·ΣW² exploded: try a smaller training.l2 (it was {training.l2:g})"
        )
    return f"{LEARNING_RATE_HINT} (it was {training.learning_rate:g})"


def l2_exploded(network: NeuralNetwork, data: RunData, training: TrainingConfig) -> bool:
    """Whether the weight-decay term, rather than the data loss, blew up."""
    step = training.learning_rate * training.l2
    if training.optimizer == "sgd" and step >= SGD_DECAY_LIMIT:
        return True
    weights = [np.asarray(layer.weights, dtype=np.float64) for layer in network.layers]
    if not all(np.isfinite(w).all() for w in weights):
        return False  # nothing left to compare: the learning rate is the usual cause
    with np.errstate(over="ignore", invalid="ignore"):
        penalty = 0.5 * training.l2 * sum(float(np.vdot(w, w)) for w in weights)
    if not math.isfinite(penalty):
        return True
    rows = slice(0, PROBE_ROWS)
    data_loss = network.evaluate(data.x_train[rows], data.y_train[rows])["loss"]
    return math.isfinite(data_loss) and penalty > data_loss
