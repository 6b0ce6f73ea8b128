"""The engine's training options from a config: optimizer, schedule, early stopping, l2, clipping.

The config names things (``optimizer: adam``, ``lr_schedule: plateau``); the
engine takes objects. :func:`training_options` turns one into the other, and
gives each a short description for people (``adam(lr=0.001, β1=0.9,
β2=0.999)``) that the summary, the monitor and the results show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nntui.nn.callbacks import Callback
from nntui.nn.early_stopping import EarlyStopping
from nntui.nn.optimizers import SGD, Adam, Optimizer
from nntui.nn.schedules import (
    ConstantSchedule,
    ExponentialDecay,
    LearningRateSchedule,
    ReduceOnPlateau,
    StepDecay,
)

if TYPE_CHECKING:
    from nntui.config import EarlyStoppingConfig, TrainingConfig

PLATEAU_MONITOR = "val_loss"


@dataclass(frozen=True)
class TrainingOptions:
    """What ``NeuralNetwork.train`` takes beyond the data, epochs, rate and batch size.

    Attributes:
        optimizer: the update rule.
        lr_schedule: how the learning rate changes between epochs.
        early_stopping: when to stop before the last epoch, or ``None``.
        l2: the weight decay λ.
        gradient_clip_norm: the global gradient norm limit, or ``None``.
        optimizer_text: e.g. ``"sgd(lr=0.01, momentum=0.9, nesterov)"``.
        lr_schedule_text: e.g. ``"plateau(×0.5 after 5 epochs without val_loss gain)"``.
        early_stopping_text: e.g. ``"val_loss, patience 10"``, or ``None`` when off.
    """

    optimizer: Optimizer
    lr_schedule: LearningRateSchedule
    early_stopping: EarlyStopping | None
    l2: float
    gradient_clip_norm: float | None
    optimizer_text: str
    lr_schedule_text: str
    early_stopping_text: str | None

    def callbacks(self) -> list[Callback]:
        """The engine callbacks these options make: early stopping (if on), then the schedule."""
        stopping: list[Callback] = [] if self.early_stopping is None else [self.early_stopping]
        return [*stopping, self.lr_schedule]


def training_options(training: TrainingConfig) -> TrainingOptions:
    """Build fresh engine objects (they keep state during a run) from the ``training`` section."""
    optimizer, optimizer_text = _optimizer(training)
    schedule, schedule_text = _schedule(training)
    stopping, stopping_text = _early_stopping(training.early_stopping)
    clip = training.gradient_clip_norm
    return TrainingOptions(
        optimizer=optimizer,
        lr_schedule=schedule,
        early_stopping=stopping,
        l2=training.l2,
        gradient_clip_norm=clip,
        optimizer_text=optimizer_text + _extras_text(training.l2, clip),
        lr_schedule_text=schedule_text,
        early_stopping_text=stopping_text,
    )


def _optimizer(training: TrainingConfig) -> tuple[Optimizer, str]:
    rate = f"lr={training.learning_rate:g}"
    if training.optimizer == "adam":
        beta1, beta2 = training.beta1, training.beta2
        text = f"adam({rate}, β1={beta1:g}, β2={beta2:g})"
        return Adam(beta1=beta1, beta2=beta2, epsilon=training.epsilon), text
    momentum, nesterov = training.momentum, training.nesterov
    parts = [rate]
    if momentum > 0:
        parts.append(f"momentum={momentum:g}")
    if nesterov:
        parts.append("nesterov")
    return SGD(momentum=momentum, nesterov=nesterov), f"sgd({', '.join(parts)})"


def _extras_text(l2: float, clip: float | None) -> str:
    extras = [f"l2={l2:g}"] if l2 > 0 else []
    if clip is not None:
        extras.append(f"clip={clip:g}")
    return f" + {', '.join(extras)}" if extras else ""


def _schedule(training: TrainingConfig) -> tuple[LearningRateSchedule, str]:
    name = training.lr_schedule
    factor = training.lr_decay
    min_rate = training.min_learning_rate
    floor = f", min {min_rate:g}" if min_rate > 0 else ""
    if name == "step":
        every = training.lr_step_epochs
        text = f"step(×{factor:g} every {every} epochs{floor})"
        return StepDecay(factor=factor, every=every, min_rate=min_rate), text
    if name == "exponential":
        text = f"exponential(×{factor:g} per epoch{floor})"
        return ExponentialDecay(factor=factor, min_rate=min_rate), text
    if name == "plateau":
        patience = training.lr_patience
        text = f"plateau(×{factor:g} after {patience} epochs without {PLATEAU_MONITOR} gain{floor})"
        schedule = ReduceOnPlateau(
            factor=factor, patience=patience, monitor=PLATEAU_MONITOR, min_rate=min_rate
        )
        return schedule, text
    return ConstantSchedule(), "constant"


def _early_stopping(settings: EarlyStoppingConfig) -> tuple[EarlyStopping | None, str | None]:
    if not settings.enabled:
        return None, None
    monitor, patience, min_delta = settings.monitor, settings.patience, settings.min_delta
    stopping = EarlyStopping(
        monitor=monitor,
        patience=patience,
        min_delta=min_delta,
        restore_best_weights=settings.restore_best_weights,
    )
    delta = f", min_delta {min_delta:g}" if min_delta > 0 else ""
    return stopping, f"{monitor}, patience {patience}{delta}"
