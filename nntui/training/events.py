"""Events the runner emits: the one vocabulary both faces (headless, TUI) speak.

Every value is a plain Python type (``float``, ``int``, ``str``, tuples, dicts)
so a face can show or serialise it without knowing NumPy. Non-finite floats
never appear in an ``EpochEnded``: a non-finite loss ends the run with
``RunFailed`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LayerInfo:
    """One row of the architecture table (Keras' ``model.summary()``)."""

    name: str
    output_shape: str
    activation: str
    parameters: int


@dataclass(frozen=True)
class RunStarted:
    """A run has built its data and network and is about to train.

    Attributes:
        task: ``"classification"`` or ``"regression"``.
        summary: the network's ``summary()`` text.
        layers: the per-layer table behind the summary.
        config: the validated config the run uses (plain dict).
        epochs: number of epochs planned.
        n_train: training samples.
        n_test: held-out samples used for validation and the final test.
        loss: loss function name, e.g. ``"cross_entropy"``.
        learning_rate: the configured learning rate.
        parameter_count: total trainable parameters.
        seed: the random seed used for data and initialisation.
        n_features: inputs per sample (the data decides for csv, iris and 2-D sources).
        optimizer: the update rule, e.g. ``"adam(lr=0.001, β1=0.9, β2=0.999)"`` or
            ``"sgd(lr=0.01, momentum=0.9, nesterov) + l2=0.0001"``.
        lr_schedule: e.g. ``"constant"``, ``"step(×0.5 every 10 epochs)"``.
        early_stopping: e.g. ``"val_loss, patience 10"``, or ``None`` when off.
        data_source: ``data.source``: ``"synthetic"``, ``"csv"``, ``"iris"``, ``"spiral"`` …
        class_names: one name per class (``None`` for regression).
        feature_names: one name per input.
        input_extent: ``(low, high)`` of both inputs for 2-D sources (the plane
            to draw), else ``None``. The network takes the inputs z-scored:
            ``NetworkRunner.predict`` applies that to raw points.
    """

    task: str
    summary: str
    layers: tuple[LayerInfo, ...]
    config: dict[str, Any]
    epochs: int
    n_train: int
    n_test: int
    loss: str
    learning_rate: float
    parameter_count: int
    seed: int
    n_features: int | None = None
    optimizer: str = "sgd"
    lr_schedule: str = "constant"
    early_stopping: str | None = None
    data_source: str = "synthetic"
    class_names: tuple[str, ...] | None = None
    feature_names: tuple[str, ...] = ()
    input_extent: tuple[float, float] | None = None


@dataclass(frozen=True)
class EpochEnded:
    """One epoch of training finished.

    ``accuracy``/``val_accuracy`` are set for classification, ``r2``/``val_r2``
    for regression; the others are ``None``. ``grad_norms`` holds, per layer,
    the L2 norm of that layer's gradient (weights and biases together), averaged
    over the epoch's batches.

    ``extras`` (from the runner) holds:

    - ``"learning_rate"``: the rate used in this epoch (a schedule may change it);
    - ``"update_ratios"``: per layer, log10(‖ΔW‖/‖W‖) of the last step
      (healthy near −3); ``None`` where it is undefined (no update);
    - ``"weight_norms"``: per layer, ‖W‖;
    - ``"diagnostics"``: per layer, a dict ``{"weight_norm", "dead_fraction",
      "saturated_fraction"}`` measured on a fixed probe batch of training
      rows (a fraction is ``None`` where the activation has no such notion).
    """

    epoch: int
    epochs: int
    loss: float
    val_loss: float | None
    accuracy: float | None
    val_accuracy: float | None
    r2: float | None
    val_r2: float | None
    grad_norms: tuple[float, ...]
    elapsed_s: float
    samples_per_s: float
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        """The task's quality metric on the training set (accuracy or R²)."""
        return self.accuracy if self.accuracy is not None else self.r2

    @property
    def val_score(self) -> float | None:
        """The task's quality metric on the validation set (accuracy or R²)."""
        return self.val_accuracy if self.val_accuracy is not None else self.val_r2

    @property
    def learning_rate(self) -> float | None:
        """The learning rate used in this epoch, when the runner reported it."""
        rate = self.extras.get("learning_rate")
        return None if rate is None else float(rate)

    def layer_diagnostics(self) -> list[dict[str, Any]]:
        """Everything known per layer, one dict each, as the results and JSONL stream show it.

        Keys: ``layer`` (``dense_1`` …), ``grad_norm``, ``update_ratio``,
        ``weight_norm``, ``dead_fraction``, ``saturated_fraction`` (``None``
        when not measured or not defined).
        """
        ratios = list(self.extras.get("update_ratios") or ())
        weight_norms = list(self.extras.get("weight_norms") or ())
        probes = list(self.extras.get("diagnostics") or ())
        rows = []
        for index in range(len(self.grad_norms)):
            probe = probes[index] if index < len(probes) else {}
            rows.append(
                {
                    "layer": f"dense_{index + 1}",
                    "grad_norm": self.grad_norms[index],
                    "update_ratio": ratios[index] if index < len(ratios) else None,
                    "weight_norm": weight_norms[index]
                    if index < len(weight_norms)
                    else probe.get("weight_norm"),
                    "dead_fraction": probe.get("dead_fraction"),
                    "saturated_fraction": probe.get("saturated_fraction"),
                }
            )
        return rows


@dataclass(frozen=True)
class RunFinished:
    """The run ended without diverging (completed, early-stopped or interrupted).

    ``results`` is the results document (see ``nntui.training.results``);
    ``results["status"]`` tells ``completed`` from ``early_stopped`` and
    ``interrupted``, and ``results["stop_message"]`` says it for people.
    """

    results: dict[str, Any]

    @property
    def status(self) -> str:
        """``"completed"``, ``"early_stopped"`` or ``"interrupted"``."""
        return str(self.results.get("status", "completed"))

    @property
    def stop_message(self) -> str | None:
        """Why the run ended, e.g. ``"early stopping: val_loss did not improve by 0 for
        10 epochs; best epoch 23 restored"``."""
        message = self.results.get("stop_message")
        return None if message is None else str(message)


@dataclass(frozen=True)
class RunFailed:
    """The run could not go on: it diverged, or an error stopped it.

    Attributes:
        reason: one line for a person, e.g. ``"diverged at epoch 3: loss is nan
            — try a lower training.learning_rate"``.
        status: ``"diverged"`` or ``"error"``.
        results: the results document so far, when there is one.
    """

    reason: str
    status: str = "diverged"
    results: dict[str, Any] | None = None


RunEvent = RunStarted | EpochEnded | RunFinished | RunFailed
