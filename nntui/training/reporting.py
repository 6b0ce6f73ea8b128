"""From the engine's numbers to events: the run's ``RunStarted`` and one ``EpochEnded`` per epoch.

:class:`EpochReporter` is the runner's own training callback: after each
epoch it measures the per-layer diagnostics on a fixed probe batch, emits the
``EpochEnded``, takes the requests queued on the run control, and calls the
faces' epoch hooks. Plain values only leave here (finite floats or ``None``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from nntui.nn.callbacks import Callback
from nntui.nn.diagnostics import LayerDiagnostics, probe_diagnostics
from nntui.training.control import RunControl
from nntui.training.events import (
    DataSummary,
    EpochEnded,
    LayerInfo,
    LayerStats,
    MetricName,
    RunEvent,
    RunStarted,
    metric_for,
)
from nntui.training.hooks import EpochHook
from nntui.training.numbers import finite_or_none

if TYPE_CHECKING:
    from nntui.config import Config, Task
    from nntui.nn.network import NeuralNetwork
    from nntui.training.datasets import RunData
    from nntui.training.options import TrainingOptions

PROBE_ROWS = 256
"""At most this many training rows form the fixed probe batch of the per-layer diagnostics."""
PROBE_SHARE = 8
"""The probe is at most 1/PROBE_SHARE of the training set (its forward pass is extra work)."""
MIN_PROBE_ROWS = 32


def probe_rows(n_train: int) -> int:
    """Rows in the probe batch: an eighth of the training set, between 32 and 256.

    A fixed probe makes the diagnostics comparable from epoch to epoch; keeping
    it small keeps their cost to a few percent of an epoch.
    """
    return min(n_train, PROBE_ROWS, max(MIN_PROBE_ROWS, n_train // PROBE_SHARE))


def started_event(
    config: Config, network: NeuralNetwork, data: RunData, options: TrainingOptions
) -> RunStarted:
    """The ``RunStarted`` of a run of ``config`` with this network and data."""
    layers = tuple(
        LayerInfo(name=name, output_shape=shape, activation=activation, parameters=int(params))
        for name, shape, activation, params in network.layer_table()
    )
    summary = DataSummary(
        source=data.source,
        n_train=data.n_train,
        n_validation=data.n_validation,
        n_test=data.n_test,
        n_features=data.n_features,
        classes=data.class_names,
        feature_names=data.feature_names,
        input_extent=data.input_extent,
        warnings=data.warnings,
    )
    return RunStarted(
        config=config,
        task=config.task,
        metric=metric_for(config.task),
        epochs=config.training.epochs,
        layer_sizes=tuple(int(size) for size in network.layer_sizes),
        parameter_count=int(network.parameter_count),
        layers=layers,
        summary=network.summary(),
        data=summary,
        loss=network.loss,
        learning_rate=config.training.learning_rate,
        seed=config.data.random_seed,
        optimizer=options.optimizer_text,
        lr_schedule=options.lr_schedule_text,
        early_stopping=options.early_stopping_text,
    )


class TrainingClock:
    """Training time that leaves out the time spent paused (and stops when training does).

    Args:
        already: seconds trained before (a continued run goes on from its first part's).
    """

    def __init__(self, already: float = 0.0) -> None:
        self._start = time.perf_counter() - already
        self._paused = 0.0
        self._stopped: float | None = None

    def elapsed(self) -> float:
        """Seconds of training so far."""
        now = self._stopped if self._stopped is not None else time.perf_counter()
        return now - self._start - self._paused

    def stop(self) -> None:
        """Training is over: the clock holds its reading."""
        if self._stopped is None:
            self._stopped = time.perf_counter()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The time inside the ``with`` block does not count as training."""
        since = time.perf_counter()
        try:
            yield
        finally:
            self._paused += time.perf_counter() - since


class EpochReporter(Callback):
    """The runner's callback: each epoch becomes an ``EpochEnded``, then the hooks run.

    Args:
        network: the network being trained.
        data: its data (the probe batch is taken from the training rows).
        clock: the run's training clock.
        epochs: epochs planned.
        emit: where events go (the runner folds them into its record first).
        control: the run's control (a step ends at each epoch's end).
        hooks: the faces' per-epoch work; a hook that raises is logged and dropped.
        logger: where per-epoch lines (DEBUG) and hook failures go.
    """

    def __init__(
        self,
        network: NeuralNetwork,
        data: RunData,
        clock: TrainingClock,
        *,
        epochs: int,
        emit: Callable[[RunEvent], None],
        control: RunControl,
        hooks: Sequence[EpochHook],
        logger: logging.Logger,
    ) -> None:
        self.network = network
        self.data = data
        self.clock = clock
        self.epochs = epochs
        self.metric: MetricName = "accuracy"
        self._emit = emit
        self._control = control
        self._hooks = list(hooks)
        self._log = logger
        self._probe = np.ascontiguousarray(data.x_train[: probe_rows(data.n_train)])

    def begin(self, task: Task) -> None:
        """Before training: note the task's metric and let the hooks set up."""
        self.metric = metric_for(task)
        self._each_hook(lambda hook: hook.on_run_begin(self.network, self.data, task))

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any]) -> None:
        """Emit the epoch, take queued requests, then run the hooks."""
        event = self.epoch_event(epoch, logs)
        self._log.debug(
            "epoch %d/%d loss=%.6g val_loss=%s lr=%s",
            epoch,
            self.epochs,
            event.loss,
            event.val_loss,
            event.learning_rate,
        )
        self._control.end_of_epoch()  # a step pauses after this epoch
        self._emit(event)
        self._control.drain()
        pausing = self._control.is_paused
        self._each_hook(lambda hook: hook.on_epoch_end(epoch, pausing=pausing))

    def end(self, epoch: int) -> None:
        """Training ended without failing: the hooks see the final weights."""
        self._each_hook(lambda hook: hook.on_run_end(epoch))

    def epoch_event(self, epoch: int, logs: Mapping[str, Any]) -> EpochEnded:
        """The ``EpochEnded`` of ``epoch`` from the engine's ``logs`` and the probe batch."""
        elapsed = self.clock.elapsed()
        metric = self.metric
        probes = probe_diagnostics(self.network, self._probe) if len(self._probe) else []
        return EpochEnded(
            epoch=epoch,
            epochs=self.epochs,
            loss=float(logs["loss"]),
            val_loss=finite_or_none(logs.get("val_loss")),
            metric=metric,
            score=finite_or_none(logs.get(metric)),
            val_score=finite_or_none(logs.get(f"val_{metric}")),
            learning_rate=float(logs["learning_rate"]),
            layers=layer_stats(logs, probes),
            elapsed_s=elapsed,
            samples_per_s=epoch * self.data.n_train / elapsed if elapsed > 0 else 0.0,
        )

    def _each_hook(self, call: Callable[[EpochHook], None]) -> None:
        for hook in list(self._hooks):
            try:
                call(hook)
            except Exception:  # a face's extra work must never cost the run its results
                self._log.exception("epoch hook %r failed; it is dropped", hook)
                self._hooks.remove(hook)


def layer_stats(
    logs: Mapping[str, Any], probes: Sequence[LayerDiagnostics]
) -> tuple[LayerStats, ...]:
    """One :class:`LayerStats` per layer from an epoch's logs and the probe diagnostics."""
    grad_norms = list(logs.get("grad_norms", ()))
    ratios = list(logs.get("update_ratios", ()))
    weight_norms = list(logs.get("weight_norms", ()))
    stats = []
    for index in range(max(len(grad_norms), len(probes))):
        probe = probes[index] if index < len(probes) else None
        weight_norm = weight_norms[index] if index < len(weight_norms) else None
        if weight_norm is None and probe is not None:
            weight_norm = probe.weight_norm
        stats.append(
            LayerStats(
                name=f"dense_{index + 1}",
                grad_norm=finite_or_none(_at(grad_norms, index)),
                update_ratio=finite_or_none(_at(ratios, index)),
                weight_norm=finite_or_none(weight_norm),
                dead_share=None if probe is None else finite_or_none(probe.dead_fraction),
                saturation=None if probe is None else finite_or_none(probe.saturated_fraction),
            )
        )
    return tuple(stats)


def _at(values: Sequence[Any], index: int) -> Any:
    return values[index] if index < len(values) else None
