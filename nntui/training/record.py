"""One model of a run: a :class:`RunRecord` folded from its events by one reducer.

Every face reads the record instead of the events: the headless summary, the
results document (:mod:`nntui.training.results`), the JSONL stream, the
monitor's status line, metrics, curves and Runs tab. Facts about a run are
computed here once: its phase (one :class:`Phase`), its history, the best
value of the monitored metric (one :class:`Best`, one ``higher_is_better``
rule) and its ETA.

Example:
    >>> record = RunRecord()
    >>> record.phase.label
    'starting'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING, Any

from nntui.nn.monitoring import higher_is_better
from nntui.training.events import (
    EpochEnded,
    Explosion,
    FinalStatus,
    LayerInfo,
    LayerStats,
    MetricName,
    RunEvent,
    RunFailed,
    RunFinished,
    RunPaused,
    RunResumed,
    RunStarted,
    metric_for,
)
from nntui.training.measurements import (
    ClassQuality,
    ClassQualityMeasured,
    DistributionHistory,
    DistributionsMeasured,
    Split,
)
from nntui.training.numbers import finite_or_none

if TYPE_CHECKING:
    from nntui.config import Config, Task

DEFAULT_MONITOR = "val_loss"
"""The metric whose best value a run reports when early stopping does not name one."""


class Phase(Enum):
    """Where a run is: alive (starting … stopping) or over (completed … error)."""

    STARTING = "starting"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPING = "stopping"
    COMPLETED = "completed"
    EARLY_STOPPED = "early_stopped"
    INTERRUPTED = "interrupted"
    DIVERGED = "diverged"
    ERROR = "error"

    @property
    def is_live(self) -> bool:
        """True while a training thread is (or is about to be) running."""
        return self in _LIVE

    @property
    def is_final(self) -> bool:
        """True once the run has ended, however it ended."""
        return not self.is_live

    @property
    def succeeded(self) -> bool:
        """True for a run that completed or stopped early (a headless exit 0)."""
        return self in (Phase.COMPLETED, Phase.EARLY_STOPPED)

    @property
    def label(self) -> str:
        """The phase in words, as the status line and the Runs tab show it."""
        return _LABELS[self]

    @classmethod
    def from_status(cls, status: str) -> Phase:
        """The final phase of a results ``status`` (``"early_stopped"`` → ``EARLY_STOPPED``).

        Raises:
            ValueError: ``status`` is not a :data:`~nntui.training.events.FinalStatus`.
        """
        phase = cls(status)
        if phase.is_live:
            raise ValueError(f"{status!r} is not how a run ends")
        return phase


_LIVE = frozenset({Phase.STARTING, Phase.RUNNING, Phase.PAUSED, Phase.STOPPING})
_LABELS = {
    Phase.STARTING: "starting",
    Phase.RUNNING: "running",
    Phase.PAUSED: "paused",
    Phase.STOPPING: "stopping",
    Phase.COMPLETED: "completed",
    Phase.EARLY_STOPPED: "early stopped",
    Phase.INTERRUPTED: "stopped",
    Phase.DIVERGED: "diverged",
    Phase.ERROR: "failed",
}


@dataclass(frozen=True)
class Best:
    """The best value of one metric so far, and its epoch (``None`` before any).

    Attributes:
        monitor: the metric, e.g. ``"val_loss"``.
        epoch: the epoch of the best value.
        value: the best value.
        min_delta: how much a value must beat the best to count (as in Keras).
    """

    monitor: str
    epoch: int | None = None
    value: float | None = None
    min_delta: float = 0.0

    def update(self, epoch: int, value: float | None) -> Best:
        """The tracker after ``epoch`` with ``value`` (itself when it is no better).

        Example:
            >>> Best("val_loss").update(1, 0.5).update(2, 0.7)
            Best(monitor='val_loss', epoch=1, value=0.5, min_delta=0.0)
        """
        number = finite_or_none(value)
        if number is None:
            return self
        if self.value is not None:
            if higher_is_better(self.monitor):
                better = number > self.value + self.min_delta
            else:
                better = number < self.value - self.min_delta
            if not better:
                return self
        return replace(self, epoch=epoch, value=number)

    def as_dict(self) -> dict[str, Any]:
        """``{"monitor", "epoch", "value"}`` as the results document writes it."""
        return {"monitor": self.monitor, "epoch": self.epoch, "value": self.value}


class RunRecord:
    """Everything known about one run, folded from its events by :meth:`apply`.

    Args:
        number: the run's number in a session (the Runs tab's ``#``); 0 when unnumbered.
        task: the task, when known before ``RunStarted`` (it then comes from the event).
        config: the config, when known before ``RunStarted``.

    Attributes:
        phase: where the run is.
        started: the ``RunStarted`` event, once it came.
        history: Keras history keys (``loss``, ``accuracy``|``r2``, ``val_loss``,
            ``val_…``, ``learning_rate``) → one value per epoch.
        layer_history: layer name → gradient norm per epoch.
        last_epoch: the latest ``EpochEnded``.
        best: the best value of the monitored metric (early stopping's
            ``monitor`` and ``min_delta`` when it is on, else ``val_loss``).
        results: the results document, once the run ended.
        reason: why a failed run failed.
        explosion: for a diverged run, the epoch that exploded (its loss,
            metrics and per-layer gradient norms, nan and inf kept); else ``None``.
        stop_message: why the run ended, for people.
        distributions: percentile bands per layer and quantity over the epochs
            (filled only while a face asks for distributions).
        class_quality: the latest confusion matrix per split, with the epoch it
            was measured after: ``"validation"`` while training (when a face asks),
            ``"test"`` from the results of a classification run that finished.
    """

    def __init__(
        self, number: int = 0, *, task: Task | None = None, config: Config | None = None
    ) -> None:
        self.number = number
        self.config: Config | None = config
        self.task: Task | None = task if task is not None else _config_task(config)
        self.phase = Phase.STARTING
        self.started: RunStarted | None = None
        self.history: dict[str, list[float | None]] = {}
        self.layer_history: dict[str, list[float | None]] = {}
        #: :meth:`best_of` so far, per key: the series it read, how much of it, the best.
        self._bests: dict[str, tuple[list[float | None], int, Best]] = {}
        self.last_epoch: EpochEnded | None = None
        self.best = _monitor_of(config)
        self.results: dict[str, Any] | None = None
        self.reason: str | None = None
        self.explosion: Explosion | None = None
        self.stop_message: str | None = None
        self.paused_at: int | None = None
        self.distributions = DistributionHistory()
        self.class_quality: dict[Split, tuple[int, ClassQuality]] = {}

    # -- the reducer --------------------------------------------------------------

    def apply(self, event: RunEvent) -> RunRecord:
        """Fold one event into the record (the one reducer); returns the record."""
        if isinstance(event, RunStarted):
            self._start(event)
        elif isinstance(event, EpochEnded):
            self._add_epoch(event)
        elif isinstance(event, RunPaused):
            self.paused_at = event.epoch
            if self.phase in (Phase.STARTING, Phase.RUNNING):
                self.phase = Phase.PAUSED
        elif isinstance(event, RunResumed):
            self.paused_at = None
            if self.phase is Phase.PAUSED:
                self.phase = Phase.RUNNING
        elif isinstance(event, RunFinished):
            self._end(event.status, event.results)
            self.stop_message = event.stop_message
        elif isinstance(event, RunFailed):
            self._end(event.status, event.results)
            self.reason = event.reason
            self.explosion = event.explosion
            self.stop_message = event.reason
        elif isinstance(event, DistributionsMeasured):
            self.distributions.add(event)
        elif isinstance(event, ClassQualityMeasured):
            self.class_quality[event.quality.split] = (event.epoch, event.quality)
        return self

    def mark_stopping(self) -> None:
        """A stop was asked for; the run's last event is on its way."""
        if self.phase.is_live:
            self.phase = Phase.STOPPING

    def _start(self, event: RunStarted) -> None:
        self.started = event
        self.config = event.config
        self.task = event.task
        self.best = _monitor_of(event.config)
        if self.phase is Phase.STARTING:
            self.phase = Phase.RUNNING
        metric = event.metric
        keys = ("loss", metric, "val_loss", f"val_{metric}", "learning_rate")
        # Without validation rows (data.validation_split 0) there are no val_* series at all.
        self.history = {key: [] for key in keys if self.has_validation or not _is_val(key)}
        self.layer_history = {layer.name: [] for layer in event.layers}

    def _add_epoch(self, event: EpochEnded) -> None:
        self.last_epoch = event
        for key, value in event.metrics().items():
            if self.has_validation or not _is_val(key):
                self.history.setdefault(key, []).append(finite_or_none(value))
        for layer in event.layers:
            self.layer_history.setdefault(layer.name, []).append(finite_or_none(layer.grad_norm))
        self.best = self.best.update(event.epoch, event.metrics().get(self.best.monitor))

    def _end(self, status: FinalStatus, results: dict[str, Any] | None) -> None:
        self.phase = Phase.from_status(status)
        self.results = results
        self.paused_at = None
        block = None if results is None else results.get("classification")
        quality = ClassQuality.from_dict(block) if isinstance(block, dict) else None
        if quality is not None:
            self.class_quality["test"] = (self.epochs_done, quality)

    # -- what the faces read ---------------------------------------------------------

    @property
    def status(self) -> FinalStatus | None:
        """The results ``status`` once the run ended, else ``None``."""
        return None if self.phase.is_live else _STATUS[self.phase]

    @property
    def metric(self) -> MetricName:
        """``"accuracy"`` or ``"r2"``: the task's quality metric."""
        if self.started is not None:
            return self.started.metric
        return metric_for(self.task or "classification")

    @property
    def epochs(self) -> int:
        """Epochs planned (0 before anyone knows)."""
        if self.last_epoch is not None:
            return self.last_epoch.epochs
        if self.started is not None:
            return self.started.epochs
        return self.config.training.epochs if self.config is not None else 0

    @property
    def has_validation(self) -> bool:
        """Whether ``val_*`` metrics exist: the run has validation rows (unknown: assumed)."""
        return self.started is None or self.started.data.n_validation > 0

    @property
    def epochs_done(self) -> int:
        """Epochs completed so far."""
        return self.last_epoch.epoch if self.last_epoch is not None else 0

    @property
    def elapsed_s(self) -> float:
        """Training seconds so far (pauses left out)."""
        return self.last_epoch.elapsed_s if self.last_epoch is not None else 0.0

    @property
    def samples_per_s(self) -> float | None:
        """Training throughput: the results' once the run ended, else the latest epoch's."""
        if self.results is not None and "samples_per_s" in self.results:
            return finite_or_none(self.results["samples_per_s"])
        return None if self.last_epoch is None else finite_or_none(self.last_epoch.samples_per_s)

    @property
    def learning_rate(self) -> float | None:
        """The rate of the latest epoch (a schedule may change it), else the configured one."""
        if self.last_epoch is not None:
            return finite_or_none(self.last_epoch.learning_rate)
        return None if self.started is None else finite_or_none(self.started.learning_rate)

    @property
    def layers(self) -> tuple[LayerInfo, ...]:
        """The architecture table (empty before ``RunStarted``)."""
        return () if self.started is None else self.started.layers

    @property
    def layer_stats(self) -> tuple[LayerStats, ...]:
        """The latest epoch's per-layer stats (empty before the first epoch)."""
        return () if self.last_epoch is None else self.last_epoch.layers

    @property
    def eta_s(self) -> float | None:
        """Seconds of training left at the current pace, while the run is alive."""
        done, elapsed = self.epochs_done, self.elapsed_s
        if self.phase not in (Phase.RUNNING, Phase.PAUSED) or done <= 0 or elapsed <= 0:
            return None
        return max(self.epochs - done, 0) * elapsed / done

    def series(self, key: str) -> list[float]:
        """The finite values of one history series (``loss``, ``val_accuracy`` …), oldest first."""
        return [value for value in self.history.get(key, ()) if value is not None]

    def final_metric(self, key: str) -> float | None:
        """The last epoch's value of a history series, or ``None``."""
        values = self.history.get(key)
        return values[-1] if values else None

    def best_of(self, key: str) -> Best:
        """The best value of any history series, by the same rule as :attr:`best`."""
        values = self.history.get(key, [])
        seen, read, best = self._bests.get(key, (values, 0, Best(key)))
        if seen is not values or read > len(values):  # a new run's series: start again
            read, best = 0, Best(key)
        # The history only grows, so each epoch is weighed once, not on every redraw.
        for epoch in range(read + 1, len(values) + 1):
            best = best.update(epoch, values[epoch - 1])
        self._bests[key] = (values, len(values), best)
        return best

    def test_metric(self, name: str) -> float | None:
        """A final test metric (``loss``, ``accuracy``, ``r2``) from the results, or ``None``."""
        test = None if self.results is None else self.results.get("test")
        return finite_or_none(test.get(name)) if isinstance(test, dict) else None


_STATUS: dict[Phase, FinalStatus] = {
    Phase.COMPLETED: "completed",
    Phase.EARLY_STOPPED: "early_stopped",
    Phase.INTERRUPTED: "interrupted",
    Phase.DIVERGED: "diverged",
    Phase.ERROR: "error",
}


def _monitor_of(config: Config | None) -> Best:
    """The tracker of the metric a run reports its best of (early stopping's, if on)."""
    if config is None:
        return Best(DEFAULT_MONITOR)
    stopping = config.training.early_stopping
    if not stopping.enabled:
        # Without a validation set (data.validation_split 0) the best is the training loss's.
        return Best(DEFAULT_MONITOR if config.data.validation_split > 0 else "loss")
    return Best(stopping.monitor, min_delta=float(stopping.min_delta))


def _is_val(key: str) -> bool:
    return key.startswith("val_")


def _config_task(config: Config | None) -> Task | None:
    return None if config is None else config.task


def fold(events: Iterable[RunEvent], record: RunRecord | None = None) -> RunRecord:
    """A record with every event of ``events`` applied in order (a fresh one by default)."""
    record = record if record is not None else RunRecord()
    for event in events:
        record.apply(event)
    return record
