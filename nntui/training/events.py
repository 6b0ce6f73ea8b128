"""Events the runner emits: the one vocabulary both faces (headless, TUI) speak.

A run emits ``RunStarted``, then ``EpochEnded`` once per epoch (with
``RunPaused``/``RunResumed`` around any pause), then exactly one
``RunFinished`` or ``RunFailed``. Every value is a plain Python type
(``float``, ``int``, ``str``, tuples, the frozen ``Config``) so a face can show
or serialise it without knowing NumPy. Non-finite floats never appear in an
``EpochEnded``: a non-finite loss ends the run with ``RunFailed`` instead, whose
:class:`Explosion` keeps the numbers of the epoch that exploded.

Fold the events into a :class:`nntui.training.record.RunRecord` rather than
reading them one by one: it is the one model of a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from nntui.training.measurements import ClassQualityMeasured, DistributionsMeasured
from nntui.training.numbers import finite_or_none

if TYPE_CHECKING:
    from nntui.config import Config, Task

MetricName = Literal["accuracy", "r2"]
"""The task's quality metric: accuracy for classification, R² for regression."""

FinalStatus = Literal["completed", "early_stopped", "interrupted", "diverged", "error"]
"""How a run ended: the ``status`` of its results document."""

FINAL_STATUSES: tuple[FinalStatus, ...] = (
    "completed",
    "early_stopped",
    "interrupted",
    "diverged",
    "error",
)
"""Every :data:`FinalStatus`, in the order the results format documents them."""


def metric_for(task: Task) -> MetricName:
    """The quality metric of ``task``: the one place that chooses accuracy or R².

    Example:
        >>> metric_for("classification"), metric_for("regression")
        ('accuracy', 'r2')
    """
    return "accuracy" if task == "classification" else "r2"


@dataclass(frozen=True)
class LayerInfo:
    """One row of the architecture table (Keras' ``model.summary()``).

    Attributes:
        name: ``dense_1`` … (input side first).
        output_shape: e.g. ``"(None, 16)"``.
        activation: the layer's activation function.
        parameters: trainable parameters (weights and biases).
        kind: the layer type; ``"Dense"`` for every layer today.
    """

    name: str
    output_shape: str
    activation: str
    parameters: int
    kind: str = "Dense"


@dataclass(frozen=True)
class DataSummary:
    """What a run's data holds.

    Attributes:
        source: ``data.source``: ``"synthetic"``, ``"csv"``, ``"iris"``, ``"spiral"`` …
        n_train: training rows.
        n_validation: rows evaluated after each epoch (``val_*``; 0 without validation).
        n_test: held-out rows of the final test.
        n_features: inputs per row.
        classes: one name per class, or ``None`` for regression.
        feature_names: one name per input.
        input_extent: ``(low, high)`` of both inputs for 2-D sources (the plane
            to draw), else ``None``.
        warnings: lines about the data worth showing (e.g. a constant column).
    """

    source: str
    n_train: int
    n_validation: int
    n_test: int
    n_features: int
    classes: tuple[str, ...] | None
    feature_names: tuple[str, ...]
    input_extent: tuple[float, float] | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunStarted:
    """A run has built its data and network and is about to train.

    Attributes:
        config: the validated config the run uses.
        task: ``"classification"`` or ``"regression"``.
        metric: the task's quality metric (see :func:`metric_for`).
        epochs: epochs planned.
        layer_sizes: input width, then each layer's width, e.g. ``(4, 16, 3)``.
        parameter_count: total trainable parameters.
        layers: the per-layer table behind ``summary``.
        summary: the network's ``summary()`` text.
        data: what the data holds.
        loss: loss function name, e.g. ``"cross_entropy"``.
        learning_rate: the configured (first epoch's) learning rate.
        seed: the random seed of data and initialisation.
        optimizer: e.g. ``"adam(lr=0.001, β1=0.9, β2=0.999)"``.
        lr_schedule: e.g. ``"constant"``, ``"step(×0.5 every 10 epochs)"``.
        early_stopping: e.g. ``"val_loss, patience 10"``, or ``None`` when off.
    """

    config: Config
    task: Task
    metric: MetricName
    epochs: int
    layer_sizes: tuple[int, ...]
    parameter_count: int
    layers: tuple[LayerInfo, ...]
    summary: str
    data: DataSummary
    loss: str
    learning_rate: float
    seed: int
    optimizer: str
    lr_schedule: str
    early_stopping: str | None


@dataclass(frozen=True)
class LayerStats:
    """One layer's health after an epoch (``None`` where not measured or not defined).

    Attributes:
        name: ``dense_1`` …
        grad_norm: L2 norm of the layer's gradient, averaged over the epoch's batches.
        update_ratio: log10(‖ΔW‖/‖W‖) of the epoch's last step (healthy near −3).
        weight_norm: ‖W‖.
        dead_share: share of ReLU units never positive on the probe batch.
        saturation: share of tanh/sigmoid activations in their flat tails.
    """

    name: str
    grad_norm: float | None
    update_ratio: float | None
    weight_norm: float | None
    dead_share: float | None
    saturation: float | None

    def as_dict(self) -> dict[str, Any]:
        """The layer as the results document and the JSONL stream write it.

        Keys: ``layer``, ``grad_norm``, ``update_ratio``, ``weight_norm``,
        ``dead_fraction``, ``saturated_fraction``.
        """
        return {
            "layer": self.name,
            "grad_norm": self.grad_norm,
            "update_ratio": self.update_ratio,
            "weight_norm": self.weight_norm,
            "dead_fraction": self.dead_share,
            "saturated_fraction": self.saturation,
        }


@dataclass(frozen=True)
class EpochEnded:
    """One epoch of training finished.

    Attributes:
        epoch: the epoch just finished, counting from 1.
        epochs: epochs planned.
        loss: training loss.
        val_loss: validation loss (``None`` without validation data).
        metric: ``"accuracy"`` or ``"r2"``: what ``score`` and ``val_score`` are.
        score: the metric on the training set.
        val_score: the metric on the validation set.
        learning_rate: the rate used in this epoch (a schedule may change it).
        layers: one :class:`LayerStats` per layer, input side first.
        elapsed_s: training seconds so far (pauses left out).
        samples_per_s: training throughput so far.
    """

    epoch: int
    epochs: int
    loss: float
    val_loss: float | None
    metric: MetricName
    score: float | None
    val_score: float | None
    learning_rate: float
    layers: tuple[LayerStats, ...]
    elapsed_s: float
    samples_per_s: float

    @property
    def grad_norms(self) -> tuple[float | None, ...]:
        """Per layer, the gradient norm (the Gradients panel's series)."""
        return tuple(layer.grad_norm for layer in self.layers)

    def metrics(self) -> dict[str, float | None]:
        """The epoch under Keras' history names, in history order.

        ``loss``, ``accuracy``|``r2``, ``val_loss``, ``val_accuracy``|``val_r2``,
        ``learning_rate``.
        """
        return {
            "loss": self.loss,
            self.metric: self.score,
            "val_loss": self.val_loss,
            f"val_{self.metric}": self.val_score,
            "learning_rate": self.learning_rate,
        }


@dataclass(frozen=True)
class RunPaused:
    """The run parked between two batches after ``epoch`` epochs (its weights hold still)."""

    epoch: int


@dataclass(frozen=True)
class RunResumed:
    """A paused run goes on training (after ``epoch`` completed epochs)."""

    epoch: int


@dataclass(frozen=True)
class RunFinished:
    """The run ended without failing: completed, early-stopped or interrupted.

    Attributes:
        status: ``"completed"``, ``"early_stopped"`` or ``"interrupted"``.
        stop_message: why it ended, for people, e.g. ``"early stopping: val_loss
            did not improve for 10 epochs; best epoch 23 restored"``.
        results: the results document (see :mod:`nntui.training.results`).
    """

    status: FinalStatus
    stop_message: str
    results: dict[str, Any]


@dataclass(frozen=True)
class Explosion:
    """The epoch in which a run diverged, as it was: its numbers may be nan or inf.

    The one place non-finite floats travel in an event: the epochs before it
    (the ``EpochEnded`` events) stay finite.

    Attributes:
        epoch: the epoch that exploded, counting from 1 (one after the last
            ``EpochEnded``).
        quantity: what was not finite first: ``"loss"``, another metric
            (``"val_loss"`` …) or ``"gradient norm of dense_2"``.
        value: its value (nan or inf).
        loss: that epoch's training loss (finite when another quantity exploded).
        grad_norms: that epoch's gradient norm per layer, ``dense_1`` first
            (mean over its batches).
        metrics: that epoch's metrics under Keras' history names (``loss``,
            ``accuracy``|``r2``, ``val_…``).
    """

    epoch: int
    quantity: str
    value: float
    loss: float
    grad_norms: tuple[float, ...]
    metrics: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        """The results document's ``diverged`` block (nan and inf written as ``None``).

        Keys: ``epoch``, ``quantity``, ``value``, ``loss``, ``grad_norms`` (a
        list, ``dense_1`` first), ``metrics``.

        Example:
            >>> nan, inf = float("nan"), float("inf")
            >>> block = Explosion(6, "loss", nan, nan, (2.5, inf), {"loss": nan}).as_dict()
            >>> block["value"], block["grad_norms"], block["metrics"]
            (None, [2.5, None], {'loss': None})
        """
        return {
            "epoch": self.epoch,
            "quantity": self.quantity,
            "value": finite_or_none(self.value),
            "loss": finite_or_none(self.loss),
            "grad_norms": [finite_or_none(norm) for norm in self.grad_norms],
            "metrics": {key: finite_or_none(value) for key, value in self.metrics.items()},
        }


@dataclass(frozen=True)
class RunFailed:
    """The run could not go on: it diverged, or an error stopped it.

    Attributes:
        status: ``"diverged"`` or ``"error"``.
        reason: one line for a person, e.g. ``"diverged at epoch 3: loss is nan
            — try a lower training.learning_rate"``.
        results: the results document so far, when there is one.
        explosion: for a diverged run, the epoch that exploded (its loss,
            metrics and per-layer gradient norms); ``None`` otherwise.
    """

    status: FinalStatus
    reason: str
    results: dict[str, Any] | None
    explosion: Explosion | None = None


RunEvent = (
    RunStarted
    | EpochEnded
    | RunPaused
    | RunResumed
    | RunFinished
    | RunFailed
    | DistributionsMeasured
    | ClassQualityMeasured
)
"""Every event a run emits.

``DistributionsMeasured`` and ``ClassQualityMeasured`` (see
:mod:`nntui.training.measurements`) come only when a face asks for them (an
on-demand hook), after the ``EpochEnded`` of their epoch; the test set's
``ClassQualityMeasured`` of a classification run comes just before ``RunFinished``.
"""

RUN_EVENT_TYPES: tuple[type, ...] = (
    RunStarted,
    EpochEnded,
    RunPaused,
    RunResumed,
    RunFinished,
    RunFailed,
    DistributionsMeasured,
    ClassQualityMeasured,
)
"""The members of :data:`RunEvent`, for ``isinstance`` checks."""
