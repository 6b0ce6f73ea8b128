"""What the panels show of a run, read from its :class:`~nntui.training.record.RunRecord`.

Plain Python, no Textual: the record is the one model of a run (folded from its
events); this only shapes it for the widgets and decides what looks unhealthy
(the thresholds below are the monitor's, not the run's). Every float that
leaves this module for a widget is finite, but for a diverged run's exploding
epoch (:attr:`GradientSummary.exploded_norm`), where nan and inf are the news.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nntui.training.events import metric_for
from nntui.training.formatting import format_metric
from nntui.training.record import Phase, RunRecord

if TYPE_CHECKING:
    from nntui.config import Task

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


def gradient_health(norm: float | None) -> str:
    """``"vanishing"``, ``"exploding"`` or ``"ok"`` for one gradient norm (nan, inf: exploding).

    Example:
        >>> gradient_health(1e-8), gradient_health(0.5), gradient_health(float("nan"))
        ('vanishing', 'ok', 'exploding')
    """
    if norm is None:
        return "ok"
    if not math.isfinite(norm):
        return "exploding"
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
class MetricSummary:
    """A metric's history (finite values only) with its current and best value."""

    key: str
    label: str
    values: list[float]
    current: float | None
    best: float | None
    best_epoch: int | None

    @property
    def is_loss(self) -> bool:
        """True for ``loss`` and ``val_loss`` (drawn on a log scale by default)."""
        return self.key.removeprefix("val_") == "loss"

    @property
    def best_index(self) -> int | None:
        """Where the best value sits in :attr:`values` (``None`` before any)."""
        if self.best_epoch is None or not self.values:
            return None
        return min(self.best_epoch, len(self.values)) - 1

    @property
    def since_best(self) -> float | None:
        """How far the current value moved from the best (``None``: it is the best)."""
        if self.current is None or self.best is None or self.best_epoch is None:
            return None
        if self.best_epoch >= len(self.values):
            return None
        change = self.current - self.best
        return change if change != 0 else None


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
        exploded_epoch: for a diverged run, the epoch that exploded (``None``
            otherwise); the other fields are of the last finite epoch before it.
        exploded_norm: the layer's gradient norm in that epoch (may be nan or inf).
    """

    name: str
    values: list[float]
    current: float | None
    health: str
    update_ratio: float | None = None
    weight_norm: float | None = None
    dead_fraction: float | None = None
    saturated_fraction: float | None = None
    exploded_epoch: int | None = None
    exploded_norm: float | None = None

    @property
    def exploded_health(self) -> str:
        """The health of the exploding epoch's norm (see :func:`gradient_health`)."""
        return gradient_health(self.exploded_norm)

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


def metric_label(key: str) -> str:
    """``"train loss"``, ``"val accuracy"``, ``"train R²"`` … for a history key."""
    split = "val" if key.startswith("val_") else "train"
    name = key.removeprefix("val_")
    return f"{split} {'R²' if name == 'r2' else name}"


def metric_summaries(record: RunRecord | None, task: Task) -> list[MetricSummary]:
    """Train/val loss and train/val accuracy (or R²), in display order.

    Best values follow :meth:`~nntui.training.record.RunRecord.best_of` (the one
    ``higher_is_better`` rule). With no run yet, the four rows of ``task``, empty.
    """
    metric = record.metric if record is not None else metric_for(task)
    summaries = []
    for key in ("loss", "val_loss", metric, f"val_{metric}"):
        if record is None:
            summaries.append(MetricSummary(key, metric_label(key), [], None, None, None))
            continue
        best = record.best_of(key)
        summaries.append(
            MetricSummary(
                key=key,
                label=metric_label(key),
                values=record.series(key),
                current=record.final_metric(key),
                best=best.value,
                best_epoch=best.epoch,
            )
        )
    return summaries


def gradient_summaries(record: RunRecord | None) -> list[GradientSummary]:
    """One summary per layer, in network order (none before the network is built)."""
    if record is None:
        return []
    stats = {layer.name: layer for layer in record.layer_stats}
    explosion = record.explosion
    exploded_norms = explosion.grad_norms if explosion is not None else ()
    exploded_epoch = explosion.epoch if explosion is not None and exploded_norms else None
    summaries = []
    for index, layer in enumerate(record.layers):
        history = record.layer_history.get(layer.name, [])
        values = [value for value in history if value is not None]
        current = history[-1] if history else None
        latest = stats.get(layer.name)
        summaries.append(
            GradientSummary(
                layer.name,
                values,
                current,
                gradient_health(current),
                update_ratio=latest.update_ratio if latest else None,
                weight_norm=latest.weight_norm if latest else None,
                dead_fraction=latest.dead_share if latest else None,
                saturated_fraction=latest.saturation if latest else None,
                exploded_epoch=exploded_epoch,
                exploded_norm=exploded_norms[index] if index < len(exploded_norms) else None,
            )
        )
    return summaries


def divergence_note(record: RunRecord | None) -> str | None:
    """For a diverged run: the epoch that exploded, and which epoch the rows show.

    Example: ``"epoch 6 exploded: loss is nan · rows: epoch 5"`` (the last finite one).
    """
    if record is None or record.phase is not Phase.DIVERGED:
        return None
    explosion = record.explosion
    if explosion is not None:
        exploded = explosion.epoch
        detail = f"{explosion.quantity} is {format_metric(explosion.value)}"
    else:  # a record without the event's explosion: read the reason
        what = (record.reason or "").split(" — ", 1)[0]
        exploded = record.epochs_done + 1
        detail = what.split(":", 1)[1].strip() if ":" in what else ""
    note = f"epoch {exploded} exploded" + (f": {detail}" if detail else "")
    last = record.epochs_done
    return f"{note} · rows: epoch {last}" if last else f"{note} · no finite epoch"


#: The status badge of each phase (a completed and an early-stopped run both finished).
BADGES: dict[Phase, str] = {
    Phase.STARTING: "starting",
    Phase.RUNNING: "running",
    Phase.PAUSED: "paused",
    Phase.STOPPING: "stopping",
    Phase.COMPLETED: "finished",
    Phase.EARLY_STOPPED: "finished",
    Phase.INTERRUPTED: "stopped",
    Phase.DIVERGED: "diverged",
    Phase.ERROR: "failed",
}


def badge(record: RunRecord | None) -> str:
    """The status badge's word: ``idle`` before the first run, else its phase's."""
    return "idle" if record is None else BADGES[record.phase]
