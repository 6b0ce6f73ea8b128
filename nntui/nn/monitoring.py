"""Watching one metric across epochs: has it improved, and for how long has it not?

Early stopping and the reduce-on-plateau schedule both ask this. A metric is
better when smaller for losses (``loss``, ``val_loss``) and when larger for
scores (``accuracy``, ``r2`` and their ``val_`` forms). A new value counts as
an improvement only when it beats the best so far by more than ``min_delta``
(as in Keras), so tiny wobbles do not reset the count.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from numbers import Integral, Real
from typing import Any, Literal

Mode = Literal["min", "max"]

_HIGHER_IS_BETTER = ("accuracy", "r2")


def higher_is_better(metric: str) -> bool:
    """True for scores (``accuracy``, ``r2`` and their ``val_`` forms), False for losses.

    Example:
        >>> higher_is_better("val_accuracy"), higher_is_better("val_loss")
        (True, False)
    """
    return metric.removeprefix("val_") in _HIGHER_IS_BETTER


def monitor_mode(monitor: str) -> Mode:
    """``"max"`` for ``accuracy``/``r2`` (and ``val_…``), else ``"min"`` (losses)."""
    return "max" if higher_is_better(monitor) else "min"


def check_monitor(monitor: str, available: Collection[str], owner: str) -> None:
    """Raise a clear ValueError when ``monitor`` is not one of the epoch's metrics.

    Args:
        monitor: the metric asked for, e.g. ``"val_loss"``.
        available: the metrics each epoch reports (the history keys).
        owner: who asks, for the message, e.g. ``"early_stopping"``.
    """
    if monitor in available:
        return
    if monitor.startswith("val_") and monitor.removeprefix("val_") in available:
        raise ValueError(
            f"{owner} monitors {monitor!r}, which needs validation_data "
            f"(or monitor {monitor.removeprefix('val_')!r} instead)"
        )
    raise ValueError(
        f"{owner} monitors {monitor!r}, which this network does not report; "
        f"choose from: {', '.join(sorted(available))}"
    )


def check_non_negative(name: str, value: float) -> float:
    """``value`` as a float ≥ 0 (``min_delta``, ``min_rate``), or a ValueError naming ``name``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{name} must be a number ≥ 0, got {value!r}")
    return float(value)


def check_patience(patience: int) -> int:
    """``patience`` as an int ≥ 0, or a ValueError."""
    if isinstance(patience, bool) or not isinstance(patience, Integral) or patience < 0:
        raise ValueError(f"patience must be a whole number ≥ 0, got {patience!r}")
    return int(patience)


class ImprovementTracker:
    """The best value of one metric so far, and the epochs since it last improved.

    Args:
        monitor: the metric's name in an epoch's logs, e.g. ``"val_loss"``.
        min_delta: how much a value must beat the best to count as better.

    Attributes:
        mode: ``"min"`` or ``"max"`` (see :func:`monitor_mode`).
        best_value: the best value so far (None before the first epoch).
        best_epoch: the epoch it came from (None before the first epoch).
        epochs_without_improvement: epochs since ``best_epoch``.
    """

    def __init__(self, monitor: str, min_delta: float = 0.0) -> None:
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"monitor must be a metric name such as 'val_loss', got {monitor!r}")
        self.monitor = monitor
        self.min_delta = check_non_negative("min_delta", min_delta)
        self.mode: Mode = monitor_mode(monitor)
        self.reset()

    def reset(self) -> None:
        """Forget everything seen so far."""
        self.best_value: float | None = None
        self.best_epoch: int | None = None
        self.epochs_without_improvement = 0

    @property
    def state(self) -> dict[str, Any]:
        """``best_value``, ``best_epoch``, ``epochs_without_improvement``: numbers or None."""
        return {
            "best_value": self.best_value,
            "best_epoch": self.best_epoch,
            "epochs_without_improvement": self.epochs_without_improvement,
        }

    def load_state(self, state: Mapping[str, Any]) -> None:
        """Put back a :attr:`state`.

        Raises:
            ValueError: a key is missing (named).
        """
        try:
            best_value, best_epoch = state["best_value"], state["best_epoch"]
            self.epochs_without_improvement = int(state["epochs_without_improvement"])
        except KeyError as missing:
            raise ValueError(f"watch state has no {missing}") from None
        self.best_value = None if best_value is None else float(best_value)
        self.best_epoch = None if best_epoch is None else int(best_epoch)

    def update(self, epoch: int, logs: Mapping[str, float]) -> bool:
        """Record ``logs[monitor]`` of ``epoch``; return True when it is a new best."""
        value = float(logs[self.monitor])
        if self._improves(value):
            self.best_value, self.best_epoch = value, epoch
            self.epochs_without_improvement = 0
            return True
        self.epochs_without_improvement += 1
        return False

    def _improves(self, value: float) -> bool:
        if self.best_value is None:
            return True
        if self.mode == "min":
            return value < self.best_value - self.min_delta
        return value > self.best_value + self.min_delta
