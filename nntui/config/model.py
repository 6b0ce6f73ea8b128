"""The typed config: a frozen tree whose attribute names are the YAML keys.

A :class:`Config` is built once, by :mod:`nntui.config.loading` (from a file)
or :func:`nntui.config.with_overrides` (from another config), and is valid by
construction: every value has passed its check, lists are tuples, and the
task is resolved. Code downstream reads ``config.training.early_stopping.patience``
and never looks at the YAML again::

    config = load_config("config.yaml").config
    config.training.optimizer        # "sgd" or "adam"
    config.to_dict()                 # plain dict for JSON and YAML
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Literal

Task = Literal["classification", "regression"]
TASKS: tuple[Task, ...] = ("classification", "regression")
"""The tasks a run can have; the one list of them in nntui."""

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
DataSource = Literal[
    "synthetic", "csv", "iris", "circles", "xor", "gaussian", "spiral", "plane", "bump"
]
OutputActivation = Literal["softmax", "sigmoid"]
DType = Literal["float32", "float64"]
OptimizerName = Literal["sgd", "adam"]
LrSchedule = Literal["constant", "step", "exponential", "plateau"]
Monitor = Literal["val_loss", "val_accuracy", "val_r2", "loss", "accuracy", "r2"]


@dataclass(frozen=True, slots=True)
class LoggingConfig:
    """``logging``: where and how much nntui logs."""

    level: LogLevel
    file: str
    runs_dir: str | None


@dataclass(frozen=True, slots=True)
class DataConfig:
    """``data``: the data source and how it is generated and split."""

    source: DataSource
    path: str | None
    target: str | None
    features: tuple[str, ...] | None
    noise: float
    n_samples: int
    n_features: int
    n_classes: int
    random_seed: int
    test_size: float
    validation_split: float


@dataclass(frozen=True, slots=True)
class NetworkConfig:
    """``network``: the hidden layers and the classification head."""

    hidden_layers: tuple[int, ...]
    hidden_activations: tuple[str, ...]
    output_activation: OutputActivation
    weight_init: str


@dataclass(frozen=True, slots=True)
class EarlyStoppingConfig:
    """``training.early_stopping``: stop when the monitored metric stops improving."""

    enabled: bool
    patience: int
    min_delta: float
    monitor: Monitor
    restore_best_weights: bool


@dataclass(frozen=True, slots=True)
class TrainingConfig:
    """``training``: the optimizer, the schedule and early stopping."""

    epochs: int
    learning_rate: float
    batch_size: int
    dtype: DType
    shuffle: bool
    optimizer: OptimizerName
    momentum: float
    nesterov: bool
    beta1: float
    beta2: float
    epsilon: float
    l2: float
    gradient_clip_norm: float | None
    lr_schedule: LrSchedule
    lr_decay: float
    lr_step_epochs: int
    lr_patience: int
    min_learning_rate: float
    early_stopping: EarlyStoppingConfig


@dataclass(frozen=True, slots=True)
class Config:
    """A validated config: the four sections and the task the data source decided.

    Attributes:
        logging: the ``logging`` section.
        data: the ``data`` section.
        network: the ``network`` section.
        training: the ``training`` section.
        task: ``"classification"`` or ``"regression"`` (not a YAML key: the data
            source decides it, or ``--task``).
    """

    logging: LoggingConfig
    data: DataConfig
    network: NetworkConfig
    training: TrainingConfig
    task: Task

    def to_dict(self) -> dict[str, Any]:
        """The four sections as plain nested dicts (lists, not tuples), without the task."""
        return {
            "logging": _plain(self.logging),
            "data": _plain(self.data),
            "network": _plain(self.network),
            "training": _plain(self.training),
        }


def _plain(section: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for field in fields(section):
        value = getattr(section, field.name)
        if isinstance(value, tuple):
            value = list(value)
        elif is_dataclass(value):
            value = _plain(value)
        result[field.name] = value
    return result


def build_config(plain: dict[str, Any], task: Task) -> Config:
    """A :class:`Config` from a complete, already validated plain dict (lists become tuples)."""
    training = dict(plain["training"])
    training["early_stopping"] = EarlyStoppingConfig(**training["early_stopping"])
    return Config(
        logging=LoggingConfig(**plain["logging"]),
        data=DataConfig(**_tuples(plain["data"])),
        network=NetworkConfig(**_tuples(plain["network"])),
        training=TrainingConfig(**training),
        task=task,
    )


def _tuples(section: dict[str, Any]) -> dict[str, Any]:
    return {
        key: tuple(value) if isinstance(value, list) else value for key, value in section.items()
    }
