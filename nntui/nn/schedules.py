"""Learning-rate schedules: the rate ``η`` of each epoch.

A large rate learns fast but cannot settle into a narrow minimum; a small one
settles but crawls. A schedule starts with the rate given to ``train`` (``η₀``)
and lowers it as training goes on. For epoch ``e`` (counting from 1):

==========================  ===================================================
schedule                    rate of epoch e
==========================  ===================================================
``constant``                η₀
``step`` (factor f, every)  η₀ · f^⌊(e-1) / every⌋     (drops every ``every`` epochs)
``exponential`` (factor f)  η₀ · f^(e-1)               (a little every epoch)
``plateau`` (f, patience)   ×f whenever the monitored metric has not improved for
                            ``patience`` epochs (like Keras' ReduceLROnPlateau)
==========================  ===================================================

Every schedule takes ``min_rate``: decay never takes the rate below it (nor
raises a rate that starts below it).

A schedule is a :class:`~nntui.nn.callbacks.Callback`: pass it to ``train``
in ``callbacks``. Before the first epoch it calls :meth:`LearningRateSchedule.start`
with ``η₀`` (the rate given to ``train``); after each epoch it calls
:meth:`LearningRateSchedule.next_rate` with that epoch's metrics and sets the
result as ``network.learning_rate``, the next epoch's rate. A schedule keeps
state (the plateau's best value), and ``start`` resets it, so one instance can
serve several runs, one at a time. :attr:`LearningRateSchedule.state` is that
state as a plain dict; after :meth:`LearningRateSchedule.load_state` the next
``train`` continues from it instead of starting afresh (to resume a run).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

from nntui.nn.callbacks import Callback, Logs
from nntui.nn.monitoring import (
    ImprovementTracker,
    check_monitor,
    check_non_negative,
    check_patience,
)

if TYPE_CHECKING:
    from nntui.nn.network import NeuralNetwork


class LearningRateSchedule(Callback):
    """The learning rate of each epoch.

    Attributes:
        min_rate: the floor that decay stops at.
        monitor: the metric the schedule watches (``plateau``), or None.
    """

    name: str = ""
    monitor: str | None = None
    changes_learning_rate = True

    def __init__(self, min_rate: float = 0.0) -> None:
        self.min_rate = check_non_negative("min_rate", min_rate)
        self.initial_rate = 0.0
        self.rate = 0.0  # the rate of the next epoch
        self._network: NeuralNetwork | None = None
        self._loaded = False

    @property
    def state(self) -> dict[str, Any]:
        """``{"initial_rate": η₀, "rate": the next epoch's rate}`` (plateau: and its watch)."""
        return {"initial_rate": self.initial_rate, "rate": self.rate}

    def load_state(self, state: Mapping[str, Any]) -> None:
        """Put back a :attr:`state`: the next ``on_train_begin`` continues from it.

        Raises:
            ValueError: a key is missing (named).
        """
        try:
            self.initial_rate = float(state["initial_rate"])
            self.rate = float(state["rate"])
        except KeyError as missing:
            raise ValueError(f"schedule state has no {missing}") from None
        self._loaded = True

    def on_train_begin(self, network: NeuralNetwork) -> None:
        """Start from the network's rate (the one given to ``train``).

        Raises:
            ValueError: the schedule watches a metric the epochs do not report.
        """
        if self.monitor is not None:
            check_monitor(self.monitor, network.metric_keys, "lr_schedule")
        self._network = network
        if self._loaded:  # resuming: keep the loaded state, go on at its rate
            self._loaded = False
            network.learning_rate = self.rate
            return
        network.learning_rate = self.rate = self.start(network.learning_rate)

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        """Set the next epoch's rate on the network.

        Raises:
            ValueError: the schedule gave a rate that is not a positive number.
        """
        if self._network is None:
            raise RuntimeError(f"{self!r}.on_epoch_end before on_train_begin")
        rate = self.next_rate(epoch, logs)
        if not isinstance(rate, Real) or not math.isfinite(rate) or rate <= 0:
            raise ValueError(f"{self!r} gave the learning rate {rate!r}; it must be positive")
        self._network.learning_rate = self.rate = float(rate)

    def start(self, initial_rate: float) -> float:
        """Reset for a new run starting at ``initial_rate``; return epoch 1's rate."""
        self.initial_rate = float(initial_rate)
        return self.initial_rate

    def next_rate(self, epoch: int, logs: Mapping[str, float]) -> float:
        """Epoch ``epoch`` ended with metrics ``logs``: return the rate of epoch ``epoch + 1``."""
        raise NotImplementedError

    def _floored(self, rate: float) -> float:
        return max(rate, min(self.min_rate, self.initial_rate))


class ConstantSchedule(LearningRateSchedule):
    """The same rate every epoch."""

    name = "constant"

    def next_rate(self, epoch: int, logs: Mapping[str, float]) -> float:
        """Always ``η₀``."""
        return self.initial_rate

    def __repr__(self) -> str:
        return "ConstantSchedule()"


class StepDecay(LearningRateSchedule):
    """Multiply the rate by ``factor`` every ``every`` epochs.

    Args:
        factor: the multiplier, in ``(0, 1]``.
        every: epochs between drops, a whole number ≥ 1.
        min_rate: the floor.
    """

    name = "step"

    def __init__(self, factor: float, every: int, min_rate: float = 0.0) -> None:
        super().__init__(min_rate)
        self.factor = _factor(factor, allow_one=True)
        if isinstance(every, bool) or not isinstance(every, Integral) or every < 1:
            raise ValueError(f"every must be a whole number ≥ 1, got {every!r}")
        self.every: int = int(every)

    def next_rate(self, epoch: int, logs: Mapping[str, float]) -> float:
        """``η₀ · factor^⌊epoch / every⌋`` (the next epoch's), floored."""
        # A power of the factor, not repeated multiplication: no rounding drift.
        return self._floored(self.initial_rate * self.factor ** (epoch // self.every))

    def __repr__(self) -> str:
        return (
            f"StepDecay(factor={self.factor!r}, every={self.every!r}, min_rate={self.min_rate!r})"
        )


class ExponentialDecay(LearningRateSchedule):
    """Multiply the rate by ``factor`` after every epoch.

    Args:
        factor: the multiplier, in ``(0, 1]``.
        min_rate: the floor.
    """

    name = "exponential"

    def __init__(self, factor: float, min_rate: float = 0.0) -> None:
        super().__init__(min_rate)
        self.factor = _factor(factor, allow_one=True)

    def next_rate(self, epoch: int, logs: Mapping[str, float]) -> float:
        """``η₀ · factor^epoch`` (the next epoch's), floored."""
        return self._floored(self.initial_rate * self.factor**epoch)

    def __repr__(self) -> str:
        return f"ExponentialDecay(factor={self.factor!r}, min_rate={self.min_rate!r})"


class ReduceOnPlateau(LearningRateSchedule):
    """Multiply the rate by ``factor`` when ``monitor`` stops improving.

    After ``patience`` epochs in a row without an improvement of more than
    ``min_delta``, the rate is multiplied by ``factor`` and the count starts
    again (as Keras' ``ReduceLROnPlateau`` without cooldown).

    Args:
        factor: the multiplier, in ``(0, 1)``.
        patience: epochs without improvement before a cut (0: cut at once).
        min_delta: the smallest change that counts as an improvement.
        monitor: the metric to watch, ``"val_loss"`` by default; smaller is
            better for losses, larger for ``accuracy``/``r2``.
        min_rate: the floor.
    """

    name = "plateau"

    def __init__(
        self,
        factor: float,
        patience: int,
        min_delta: float = 0.0,
        monitor: str = "val_loss",
        min_rate: float = 0.0,
    ) -> None:
        super().__init__(min_rate)
        self.factor = _factor(factor, allow_one=False)
        self.patience = check_patience(patience)
        self._tracker = ImprovementTracker(monitor, min_delta)
        self.monitor = monitor
        self.min_delta = self._tracker.min_delta

    @property
    def state(self) -> dict[str, Any]:
        """The rates, and the plateau watch (see ``ImprovementTracker.state``)."""
        return {**super().state, **self._tracker.state}

    def load_state(self, state: Mapping[str, Any]) -> None:
        """Put back a :attr:`state` (rates and watch)."""
        super().load_state(state)
        self._tracker.load_state(state)

    def start(self, initial_rate: float) -> float:
        """Reset the watch and the rate."""
        self._tracker.reset()
        self.rate = super().start(initial_rate)
        return self.rate

    def next_rate(self, epoch: int, logs: Mapping[str, float]) -> float:
        """The current rate, cut by ``factor`` when patience has run out."""
        improved = self._tracker.update(epoch, logs)
        if not improved and self._tracker.epochs_without_improvement >= self.patience:
            self.rate = self._floored(self.rate * self.factor)
            self._tracker.epochs_without_improvement = 0
        return self.rate

    def __repr__(self) -> str:
        return (
            f"ReduceOnPlateau(factor={self.factor!r}, patience={self.patience!r}, "
            f"min_delta={self.min_delta!r}, monitor={self.monitor!r}, min_rate={self.min_rate!r})"
        )


def _factor(factor: float, *, allow_one: bool) -> float:
    if (
        isinstance(factor, bool)
        or not isinstance(factor, Real)
        or not math.isfinite(factor)
        or not (0 < factor <= 1 if allow_one else 0 < factor < 1)
    ):
        bounds = "(0, 1]" if allow_one else "(0, 1)"
        raise ValueError(f"factor must be a number in {bounds}, got {factor!r}")
    return float(factor)


SCHEDULES: dict[str, Callable[..., LearningRateSchedule]] = {
    schedule.name: schedule
    for schedule in (ConstantSchedule, StepDecay, ExponentialDecay, ReduceOnPlateau)
}
"""Schedule name -> class (called with the schedule's settings)."""


def make_schedule(name: str, **params: Any) -> LearningRateSchedule:
    """Build a schedule by name: ``make_schedule("step", factor=0.5, every=10)``.

    Raises:
        ValueError: ``"Unknown learning-rate schedule 'X'. Available: ..."``,
            a setting the schedule does not take or lacks, or a bad value.
    """
    try:
        factory = SCHEDULES[name]
    except (KeyError, TypeError):
        available = ", ".join(SCHEDULES)
        raise ValueError(
            f"Unknown learning-rate schedule '{name}'. Available: {available}"
        ) from None
    try:
        return factory(**params)
    except TypeError as error:  # an unknown or missing setting
        raise ValueError(f"learning-rate schedule '{name}': {error}") from None
