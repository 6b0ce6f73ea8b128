"""Loss functions: one number saying how wrong the predictions are.

Every loss is the **mean over the batch** of a per-sample loss, and
:meth:`Loss.gradient` is the gradient of that mean with respect to the
predictions, ``dL/dŷ`` (hence the ``1/n`` in each formula). With ``n`` samples
and ``k`` outputs, prediction ``p`` and target ``y``:

========================  ======================================  ======================
name                      L                                       dL/dp
========================  ======================================  ======================
``cross_entropy``         -1/n Σ y log p                          -y / (n p)
``binary_cross_entropy``  -1/(nk) Σ [y log p + (1-y) log(1-p)]    (p-y) / (nk p (1-p))
``mse``                   1/(nk) Σ (p - y)²                       2 (p - y) / (nk)
========================  ======================================  ======================

(Like Keras: cross-entropy sums over the classes of a sample; the others
average over the outputs too.)

**Fused gradients.** Cross-entropy after a softmax output, and binary
cross-entropy after a sigmoid, simplify beautifully. Chaining
``dL/dp`` through the activation's derivative, almost everything cancels:

    dL/dz = (softmax(z) - y) / n         (softmax + cross_entropy, rows of y sum to 1)
    dL/dz = (sigmoid(z) - y) / (nk)      (sigmoid + binary_cross_entropy)

:meth:`Loss.fused_delta` computes that directly: cheaper, and it never divides
by a probability that rounded to 0. These losses need their matching output
(:attr:`Loss.output_activation`); ``mse`` works after any output.

**Losses from the logits.** The reported cross-entropies (history,
``val_loss``, ``evaluate``) are computed from the output layer's ``z`` (the
logits), exact at any scale, as the fused gradient is:

    cross_entropy:         Σ_j y_j (m - z_j) + log(1 + Σ_{j≠argmax} e^(z_j - m)),  m = max_j z_j
    binary_cross_entropy:  max(z, 0) - y·z + log(1 + e^-|z|)           (softplus(z) - y·z)

(log-sum-exp and softplus written so nothing overflows and ``log1p`` keeps
the small terms). A confidently wrong logit of 40 costs 40, not a clipped 36.
:meth:`Loss.value` from probabilities alone clips them to ``[ε, 1 - ε]``
(``ε`` = the dtype's machine epsilon) and is kept for predictions that come
without their logits.
"""

from __future__ import annotations

import numpy as np


class Loss:
    """A loss ``L(p, y)``, its gradient ``dL/dp``, and optionally a fused ``dL/dz``."""

    name: str = ""
    output_activation: str | None = None
    """The output activation this loss requires (and fuses with), or None for any."""

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        """Return the mean loss over the batch as a Python float."""
        raise NotImplementedError

    def value_from_logits(
        self, logits: np.ndarray, y_pred: np.ndarray, y_true: np.ndarray
    ) -> float:
        """Return the mean loss from the output layer's logits ``z`` (exact at any scale).

        Args:
            logits: ``z`` of the output layer.
            y_pred: ``f(z)``, the output (used by losses without a logit form).
            y_true: the targets.
        """
        return self.value(y_pred, y_true)

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        """Return ``dL/dp``, the gradient of the mean loss for each prediction."""
        raise NotImplementedError

    def fused_delta(
        self,
        y_pred: np.ndarray,
        y_true: np.ndarray,
        out: np.ndarray | None = None,
        scale: float = 1.0,
    ) -> np.ndarray:
        """Return ``dL/dz`` for the output layer when it uses :attr:`output_activation`.

        Args:
            y_pred: the output layer's activations (probabilities).
            y_true: the targets.
            out: optional array for the result (``out=y_pred`` works).
            scale: multiply the result by this (free: it joins the ``1/n``);
                plain SGD passes ``η`` (see ``SGD.gradient_scale``).
        """
        raise NotImplementedError(f"{self.name} has no fused gradient")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _clip_epsilon(array: np.ndarray) -> float:
    return float(np.finfo(array.dtype).eps)


class CrossEntropy(Loss):
    """Categorical cross-entropy for one-hot targets and a softmax output."""

    name = "cross_entropy"
    output_activation = "softmax"

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        # L = -1/n Σ_samples Σ_classes y log p; clipping keeps log away from log(0).
        log_p = np.clip(y_pred, _clip_epsilon(y_pred), 1.0)
        np.log(log_p, out=log_p)
        return -float(np.vdot(y_true, log_p)) / len(y_pred)

    def value_from_logits(
        self, logits: np.ndarray, y_pred: np.ndarray, y_true: np.ndarray
    ) -> float:
        # -log softmax(z)_j = lse(z) - z_j = (m - z_j) + log Σ_i e^(z_i - m), m = max z.
        # The row's largest term of the sum is e^0 = 1; log1p of the others keeps
        # their size even when it is far below 1e-16.
        top = logits.argmax(axis=1)
        rows = np.arange(len(logits))
        m = logits[rows, top][:, None]
        shifted = logits - m  # ≤ 0: nothing overflows
        gap_cost = float(np.vdot(y_true, shifted))  # Σ y_j (z_j - m), ≤ 0
        np.exp(shifted, out=shifted)
        shifted[rows, top] = 0.0
        log_rest = np.log1p(shifted.sum(axis=1))  # lse(z) - m
        weights = y_true.sum(axis=1)  # 1 for one-hot rows
        return (float(np.dot(weights, log_rest)) - gap_cost) / len(logits)

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        # dL/dp = -y / (n p)
        p = np.clip(y_pred, _clip_epsilon(y_pred), 1.0)
        gradient: np.ndarray = -y_true / (p * len(y_pred))
        return gradient

    def fused_delta(
        self,
        y_pred: np.ndarray,
        y_true: np.ndarray,
        out: np.ndarray | None = None,
        scale: float = 1.0,
    ) -> np.ndarray:
        # dL/dz = (softmax(z) - y) / n  (times scale)
        out = np.subtract(y_pred, y_true, out=out)
        out *= scale / len(y_pred)
        return out


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy for 0/1 targets and a sigmoid output (one unit per label)."""

    name = "binary_cross_entropy"
    output_activation = "sigmoid"

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        # L = -1/(nk) Σ [y log p + (1 - y) log(1 - p)]
        eps = _clip_epsilon(y_pred)
        p = np.clip(y_pred, eps, 1.0 - eps)
        total = np.vdot(y_true, np.log(p)) + np.vdot(1 - y_true, np.log1p(-p))
        return -float(total) / y_pred.size

    def value_from_logits(
        self, logits: np.ndarray, y_pred: np.ndarray, y_true: np.ndarray
    ) -> float:
        # -[y log σ(z) + (1-y) log(1-σ(z))] = softplus(z) - y·z
        #                                   = max(z, 0) - y·z + log(1 + e^-|z|)
        softplus_tail = np.log1p(np.exp(-np.abs(logits)))
        total = np.sum(np.maximum(logits, 0.0) - y_true * logits) + np.sum(softplus_tail)
        return float(total) / logits.size

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        # dL/dp = (p - y) / (nk p (1 - p))
        eps = _clip_epsilon(y_pred)
        p = np.clip(y_pred, eps, 1.0 - eps)
        gradient: np.ndarray = (p - y_true) / (p * (1 - p) * y_pred.size)
        return gradient

    def fused_delta(
        self,
        y_pred: np.ndarray,
        y_true: np.ndarray,
        out: np.ndarray | None = None,
        scale: float = 1.0,
    ) -> np.ndarray:
        # dL/dz = (sigmoid(z) - y) / (nk)  (times scale)
        out = np.subtract(y_pred, y_true, out=out)
        out *= scale / y_pred.size
        return out


class MeanSquaredError(Loss):
    """Mean squared error, for regression (any output activation)."""

    name = "mse"

    def value(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        # L = 1/(nk) Σ (p - y)²
        error = y_pred - y_true
        return float(np.vdot(error, error)) / y_pred.size

    def gradient(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        # dL/dp = 2 (p - y) / (nk)
        gradient: np.ndarray = np.subtract(y_pred, y_true)
        gradient *= 2.0 / y_pred.size
        return gradient


LOSSES: dict[str, Loss] = {
    loss.name: loss for loss in (CrossEntropy(), BinaryCrossEntropy(), MeanSquaredError())
}
"""Loss name -> a shared, stateless instance."""

CLASSIFICATION_LOSSES = frozenset({"cross_entropy", "binary_cross_entropy"})
"""Losses whose networks are classifiers (reported with accuracy, not R²)."""


def get_loss(loss: str | Loss) -> Loss:
    """Look a loss up by name (a :class:`Loss` passes through).

    Raises:
        ValueError: ``"Unknown loss 'X'. Available: ..."``.
    """
    if isinstance(loss, Loss):
        return loss
    try:
        return LOSSES[loss]
    except (KeyError, TypeError):
        available = ", ".join(LOSSES)
        raise ValueError(f"Unknown loss '{loss}'. Available: {available}") from None
