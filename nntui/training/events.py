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


@dataclass(frozen=True)
class EpochEnded:
    """One epoch of training finished.

    ``accuracy``/``val_accuracy`` are set for classification, ``r2``/``val_r2``
    for regression; the others are ``None``. ``grad_norms`` holds, per layer,
    the L2 norm of that layer's gradient (weights and biases together), averaged
    over the epoch's batches.
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


@dataclass(frozen=True)
class RunFinished:
    """The run ended without diverging (completed or interrupted).

    ``results`` is the results document (see ``nntui.training.results``);
    ``results["status"]`` tells ``completed`` from ``interrupted``.
    """

    results: dict[str, Any]

    @property
    def status(self) -> str:
        """``"completed"`` or ``"interrupted"``."""
        return str(self.results.get("status", "completed"))


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
