"""What the panels show about one run, derived from its events in one place.

Plain Python, no Textual: the app feeds events in, the widgets read summaries
out. Best values, ETA and gradient health are computed here and nowhere else,
and every float that leaves this module for a widget is finite.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nntui.training.events import EpochEnded, LayerInfo, RunFailed, RunFinished, RunStarted

#: A layer's gradient norm below this is shown as vanishing.
VANISHING_BELOW = 1e-6
#: A layer's gradient norm above this is shown as exploding.
EXPLODING_ABOVE = 1e3
#: log10(‖ΔW‖/‖W‖) below this: the layer barely learns (healthy is near −3).
RATIO_LOW_BELOW = -4.5
#: log10(‖ΔW‖/‖W‖) above this: each step rewrites the layer (too high a rate).
RATIO_HIGH_ABOVE = -1.5
#: A dead-ReLU or saturated share above this is flagged.
FRACTION_WARN_ABOVE = 0.5

#: Phases during which a training thread is alive.
ACTIVE_PHASES = frozenset({"starting", "running", "paused", "stopping"})


def finite_or_none(value: Any) -> float | None:
    """``value`` as a plain float if it is a finite number, else None.

    Example:
        >>> finite_or_none(0.5), finite_or_none(float("nan")), finite_or_none(None)
        (0.5, None, None)
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def gradient_health(norm: float | None) -> str:
    """``"vanishing"``, ``"exploding"`` or ``"ok"`` for one gradient norm."""
    if norm is None:
        return "ok"
    if norm < VANISHING_BELOW:
        return "vanishing"
    if norm > EXPLODING_ABOVE:
        return "exploding"
    return "ok"


def ratio_health(log_ratio: float | None) -> str:
    """``"low"``, ``"high"`` or ``"ok"`` for one layer's log10 update-to-weight ratio.

    Example:
        >>> ratio_health(-3.0), ratio_health(-5.2), ratio_health(-0.8), ratio_health(None)
        ('ok', 'low', 'high', 'ok')
    """
    if log_ratio is None:
        return "ok"
    if log_ratio < RATIO_LOW_BELOW:
        return "low"
    if log_ratio > RATIO_HIGH_ABOVE:
        return "high"
    return "ok"


def fraction_health(fraction: float | None) -> str:
    """``"high"`` when a dead or saturated share is above half, else ``"ok"``."""
    return "high" if fraction is not None and fraction > FRACTION_WARN_ABOVE else "ok"


@dataclass(frozen=True)
class MetricSpec:
    """One metric the metrics panel shows."""

    key: str
    label: str
    higher_is_better: bool


@dataclass(frozen=True)
class MetricSummary:
    """A metric's history (finite values only) with its current and best value."""

    key: str
    label: str
    values: list[float]
    current: float | None
    best: float | None
    best_epoch: int | None


@dataclass(frozen=True)
class GradientSummary:
    """One layer's gradient-norm history and latest value, with its diagnostics.

    Attributes:
        name: the layer's name (``dense_1`` …).
        values: gradient L2 norm per epoch (finite values only).
        current: the latest gradient norm.
        health: ``"vanishing"``, ``"exploding"`` or ``"ok"`` (see :func:`gradient_health`).
        update_ratio: log10(‖ΔW‖/‖W‖) of the epoch's last step (healthy near −3).
        weight_norm: ‖W‖.
        dead_fraction: share of ReLU units never positive on the probe batch
            (``None`` for other activations).
        saturated_fraction: share of tanh/sigmoid activations at their limits
            (``None`` for other activations).
    """

    name: str
    values: list[float]
    current: float | None
    health: str
    update_ratio: float | None = None
    weight_norm: float | None = None
    dead_fraction: float | None = None
    saturated_fraction: float | None = None

    @property
    def ratio_health(self) -> str:
        """``"low"``, ``"high"`` or ``"ok"`` (see :func:`ratio_health`)."""
        return ratio_health(self.update_ratio)

    @property
    def dead_health(self) -> str:
        """``"high"`` when most units are dead."""
        return fraction_health(self.dead_fraction)

    @property
    def saturated_health(self) -> str:
        """``"high"`` when most activations are saturated."""
        return fraction_health(self.saturated_fraction)


class _MetricTrack:
    """History and best of one metric, updated epoch by epoch."""

    def __init__(self, higher_is_better: bool) -> None:
        self.higher_is_better = higher_is_better
        self.values: list[float] = []
        self.current: float | None = None
        self.best: float | None = None
        self.best_epoch: int | None = None

    def add(self, epoch: int, raw: float | None) -> None:
        value = finite_or_none(raw)
        self.current = value
        if value is None:
            return
        self.values.append(value)
        improved = (
            self.best is None
            or (self.higher_is_better and value > self.best)
            or (not self.higher_is_better and value < self.best)
        )
        if improved:
            self.best, self.best_epoch = value, epoch


def metric_specs(task: str) -> tuple[MetricSpec, ...]:
    """The four metrics of a task: train/val loss and train/val accuracy (or R²)."""
    score = "accuracy" if task == "classification" else "R²"
    return (
        MetricSpec("loss", "train loss", higher_is_better=False),
        MetricSpec("val_loss", "val loss", higher_is_better=False),
        MetricSpec("score", f"train {score}", higher_is_better=True),
        MetricSpec("val_score", f"val {score}", higher_is_better=True),
    )


class RunState:
    """The monitor's model of the current run.

    Phases: ``idle`` (nothing started), ``starting`` (thread launched, no
    ``RunStarted`` yet), ``running``, ``paused``, ``stopping``, then one of
    ``finished``, ``stopped``, ``diverged`` or ``failed``.

    Args:
        task: ``"classification"`` or ``"regression"``.

    Example:
        >>> state = RunState("classification")
        >>> state.phase, state.eta_s
        ('idle', None)
    """

    def __init__(self, task: str = "classification") -> None:
        self.reset(task)

    def reset(self, task: str) -> None:
        """Forget everything and get ready for a new run of ``task``."""
        self.task = task
        self.phase = "idle"
        self.started: RunStarted | None = None
        self.results: dict[str, Any] | None = None
        self.reason: str | None = None
        self.note: str | None = None
        self.epoch = 0
        self.total_epochs = 0
        self.epoch_learning_rate: float | None = None
        self.elapsed_s = 0.0
        self.samples_per_s: float | None = None
        self._specs = metric_specs(task)
        self._tracks = {spec.key: _MetricTrack(spec.higher_is_better) for spec in self._specs}
        self._grad_values: list[list[float]] = []
        self._grad_current: list[float | None] = []
        self._diagnostics: list[dict[str, Any]] = []

    # -- events in -------------------------------------------------------------

    def launch(self) -> None:
        """A training thread was started; events will follow."""
        self.phase = "starting"

    def start(self, event: RunStarted) -> None:
        """The run built its network."""
        self.started = event
        self.total_epochs = event.epochs
        if self.phase in ("idle", "starting"):
            self.phase = "running"
        self._grad_values = [[] for _ in event.layers]
        self._grad_current = [None for _ in event.layers]

    def add_epochs(self, epochs: Iterable[EpochEnded]) -> None:
        """Record epochs, oldest first."""
        for event in epochs:
            self.epoch = event.epoch
            self.total_epochs = event.epochs
            self.elapsed_s = finite_or_none(event.elapsed_s) or 0.0
            self.samples_per_s = finite_or_none(event.samples_per_s)
            self._tracks["loss"].add(event.epoch, event.loss)
            self._tracks["val_loss"].add(event.epoch, event.val_loss)
            self._tracks["score"].add(event.epoch, event.score)
            self._tracks["val_score"].add(event.epoch, event.val_score)
            self._add_grad_norms(event.grad_norms)
            self.epoch_learning_rate = finite_or_none(event.learning_rate)
            self._diagnostics = event.layer_diagnostics()

    def finish(self, event: RunFinished | RunFailed) -> None:
        """The run ended: completed, interrupted, diverged or failed."""
        if isinstance(event, RunFinished):
            # "completed" and "early_stopped" both finished; the note tells them apart.
            self.phase = "stopped" if event.status == "interrupted" else "finished"
            self.results = event.results
            self.samples_per_s = finite_or_none(event.results.get("samples_per_s"))
            message = event.results.get("stop_message")
            self.note = message if isinstance(message, str) and message else None
        else:
            self.phase = "diverged" if event.status == "diverged" else "failed"
            self.reason = event.reason
            self.results = event.results

    def set_paused(self, paused: bool) -> None:
        """Show the run as paused or running again (only while it is alive)."""
        if paused and self.phase in ("starting", "running"):
            self.phase = "paused"
        elif not paused and self.phase == "paused":
            self.phase = "running" if self.started is not None else "starting"

    def mark_stopping(self) -> None:
        """A stop was requested; the run's last event is on its way."""
        if self.is_active:
            self.phase = "stopping"

    # -- derived values out ------------------------------------------------------

    @property
    def is_active(self) -> bool:
        """True while a training thread is (or is about to be) running."""
        return self.phase in ACTIVE_PHASES

    @property
    def eta_s(self) -> float | None:
        """Seconds of training left at the current pace, while the run is alive."""
        if self.phase not in ("running", "paused") or self.epoch <= 0 or self.elapsed_s <= 0:
            return None
        remaining = max(self.total_epochs - self.epoch, 0)
        return remaining * self.elapsed_s / self.epoch

    @property
    def learning_rate(self) -> float | None:
        """The rate of the latest epoch (a schedule may lower it), else the configured one."""
        if self.epoch_learning_rate is not None:
            return self.epoch_learning_rate
        return finite_or_none(self.started.learning_rate) if self.started is not None else None

    @property
    def layers(self) -> tuple[LayerInfo, ...]:
        """The architecture table rows (empty before ``RunStarted``)."""
        return self.started.layers if self.started is not None else ()

    def metrics(self) -> list[MetricSummary]:
        """The four metric summaries, in display order."""
        return [self.metric(spec.key) for spec in self._specs]

    def metric(self, key: str) -> MetricSummary:
        """One metric: ``loss``, ``val_loss``, ``score`` or ``val_score``."""
        spec = next(spec for spec in self._specs if spec.key == key)
        track = self._tracks[key]
        return MetricSummary(
            key=key,
            label=spec.label,
            values=list(track.values),
            current=track.current,
            best=track.best,
            best_epoch=track.best_epoch,
        )

    def gradients(self) -> list[GradientSummary]:
        """One summary per layer, in network order."""
        names = [layer.name for layer in self.layers]
        summaries = []
        for index, values in enumerate(self._grad_values):
            current = self._grad_current[index]
            name = names[index] if index < len(names) else f"layer {index + 1}"
            probe = self._diagnostics[index] if index < len(self._diagnostics) else {}
            summaries.append(
                GradientSummary(
                    name,
                    list(values),
                    current,
                    gradient_health(current),
                    update_ratio=finite_or_none(probe.get("update_ratio")),
                    weight_norm=finite_or_none(probe.get("weight_norm")),
                    dead_fraction=finite_or_none(probe.get("dead_fraction")),
                    saturated_fraction=finite_or_none(probe.get("saturated_fraction")),
                )
            )
        return summaries

    def _add_grad_norms(self, norms: Iterable[float]) -> None:
        for index, raw in enumerate(norms):
            if index >= len(self._grad_values):
                self._grad_values.append([])
                self._grad_current.append(None)
            value = finite_or_none(raw)
            self._grad_current[index] = value
            if value is not None:
                self._grad_values[index].append(value)
