"""The shape of an nntui config: its sections, its keys, what each accepts, a line of help.

A section maps names to keys; a key is a :class:`Field` (one value) or a
:class:`Group` (a mapping of its own fields, one level deep, like
``training.early_stopping``). Code that needs every key walks :data:`FIELDS`,
dotted names (``training.early_stopping.patience``) to fields, in file order.
The default values are not here: they live in the packaged
``default_config.yaml``. Allowed names of activations and initialisers come
from the engine's registries, so a new one added there is accepted here
without an edit. The JSON Schema for editors (:mod:`nntui.config.json_schema`)
is generated from this table too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, get_args

from nntui.config.checks import (
    Check,
    boolean,
    column_name,
    column_names,
    file_path,
    head,
    integer,
    layer_sizes,
    name_list,
    number,
    one_of,
    optional,
)
from nntui.config.model import (
    DataSource,
    DType,
    LogLevel,
    LrSchedule,
    Monitor,
    OptimizerName,
    OutputActivation,
    Task,
)
from nntui.datasets.planar import PLANAR_CLASSIFICATION, PLANAR_REGRESSION
from nntui.nn.activations import ACTIVATIONS
from nntui.nn.initializers import INITIALIZERS

LOG_LEVELS: tuple[LogLevel, ...] = get_args(LogLevel)
DTYPES: tuple[DType, ...] = get_args(DType)
OUTPUT_ACTIVATIONS: tuple[OutputActivation, ...] = get_args(OutputActivation)
HIDDEN_ACTIVATIONS = tuple(sorted(ACTIVATIONS))
WEIGHT_INITS = tuple(sorted(INITIALIZERS))
DATA_SOURCES: tuple[DataSource, ...] = get_args(DataSource)
PLANAR_SOURCES = (*PLANAR_CLASSIFICATION, *PLANAR_REGRESSION)
OPTIMIZERS: tuple[OptimizerName, ...] = get_args(OptimizerName)
LR_SCHEDULES: tuple[LrSchedule, ...] = get_args(LrSchedule)
MONITORS: tuple[Monitor, ...] = get_args(Monitor)
CLASSIFICATION_MONITORS = ("val_accuracy", "accuracy")
REGRESSION_MONITORS = ("val_r2", "r2")
IRIS_CLASSES = 3


@dataclass(frozen=True)
class Field:
    """One config key.

    Attributes:
        check: returns the normalised value or raises ``InvalidValueError``.
        help: a short line shown as the key's comment in a written config.
        choices: the allowed names, for keys that take one of a few names.
        text: whether the value is text (so a typed-in override is not read as YAML).
    """

    check: Check
    help: str
    choices: tuple[str, ...] | None = None
    text: bool = False


@dataclass(frozen=True)
class Group:
    """A key whose value is a mapping of its own keys (one level of nesting).

    A group given as ``null`` keeps every default; a missing inner key takes its default.

    Attributes:
        fields: the inner keys, in file order.
        help: a short line shown as the group's comment in a written config.
    """

    fields: dict[str, Field]
    help: str


Entry = Field | Group


def _choice(names: tuple[str, ...], help_text: str, *, upper: bool = False) -> Field:
    return Field(one_of(names, upper=upper), help_text, choices=names, text=True)


_POSITIVE = integer(1, "a positive integer")
_NON_NEGATIVE = integer(0, "a non-negative integer")
_AT_LEAST_ZERO = number(0.0, math.inf, "a number of at least 0", include_low=True)
_FRACTION = number(0.0, 1.0, "a number in [0, 1)", include_low=True)

SCHEMA: dict[str, dict[str, Entry]] = {
    "logging": {
        "level": _choice(
            LOG_LEVELS, "DEBUG, INFO, WARNING, ERROR or CRITICAL; env LOG_LEVEL wins", upper=True
        ),
        "file": Field(file_path, "rotating log file; folder made if missing", text=True),
        "runs_dir": Field(
            optional(file_path), "a folder per run (nntui runs); null = record nothing", text=True
        ),
    },
    "data": {
        "source": _choice(
            DATA_SOURCES, "synthetic, csv, iris; 2-D: circles, xor, gaussian, spiral, plane, bump"
        ),
        "path": Field(
            optional(file_path), "csv: the file, relative to the folder nntui runs in", text=True
        ),
        "target": Field(optional(column_name), "csv: the column to predict", text=True),
        "features": Field(
            optional(column_names), "csv: input columns; null = every column but the target"
        ),
        "noise": Field(
            number(0.0, 0.5, "a number from 0 to 0.5", include_low=True, include_high=True),
            "2-D sources: 0 (clean) to 0.5 (hard)",
        ),
        "n_samples": Field(_POSITIVE, "samples generated (synthetic and 2-D sources)"),
        "n_features": Field(_POSITIVE, "synthetic only; other sources: the data decides"),
        "n_classes": Field(
            integer(2, "an integer of at least 2"),
            "synthetic and spiral; other sources: the data decides",
        ),
        "random_seed": Field(_NON_NEGATIVE, "data and initial weights; env RANDOM_SEED wins"),
        "test_size": Field(
            number(0.0, 1.0, "a number in (0, 1)"), "held out for the test, scored once at the end"
        ),
        "validation_split": Field(
            _FRACTION, "share of the training rows that validate each epoch (val_*); 0 = none"
        ),
    },
    "network": {
        "hidden_layers": Field(layer_sizes, "units per hidden layer"),
        "hidden_activations": Field(
            name_list(HIDDEN_ACTIVATIONS),
            "per hidden layer: " + ", ".join(HIDDEN_ACTIVATIONS),
            choices=HIDDEN_ACTIVATIONS,
        ),
        "output_activation": Field(
            head(OUTPUT_ACTIVATIONS, ACTIVATIONS),
            "classification head: softmax, or sigmoid for 2 classes",
            choices=OUTPUT_ACTIVATIONS,
            text=True,
        ),
        "weight_init": _choice(
            WEIGHT_INITS, " or ".join([", ".join(WEIGHT_INITS[:-1]), WEIGHT_INITS[-1]])
        ),
    },
    "training": {
        "epochs": Field(_POSITIVE, "passes over the training set"),
        "learning_rate": Field(
            number(0.0, math.inf, "a positive number"), "initial step size (lr_schedule changes it)"
        ),
        "batch_size": Field(_POSITIVE, "samples per gradient step"),
        "dtype": _choice(DTYPES, "float64 or float32 (faster, less precise)"),
        "shuffle": Field(boolean, "reshuffle the training set every epoch"),
        "optimizer": _choice(OPTIMIZERS, "sgd or adam"),
        "momentum": Field(_FRACTION, "sgd: 0 = plain SGD, 0.9 is typical"),
        "nesterov": Field(boolean, "sgd: Nesterov momentum (needs momentum > 0)"),
        "beta1": Field(_FRACTION, "adam: decay of the gradient average"),
        "beta2": Field(_FRACTION, "adam: decay of the squared-gradient average"),
        "epsilon": Field(number(0.0, math.inf, "a positive number"), "adam: keeps steps finite"),
        "l2": Field(
            _AT_LEAST_ZERO, "weight decay λ: λ·W on weight gradients, 0.5·λ·ΣW² in the loss"
        ),
        "gradient_clip_norm": Field(
            optional(number(0.0, math.inf, "a positive number or null")),
            "clip the global gradient norm to this; null = off",
        ),
        "lr_schedule": _choice(LR_SCHEDULES, "constant, step, exponential or plateau"),
        "lr_decay": Field(
            number(0.0, 1.0, "a number in (0, 1]", include_high=True),
            "step, exponential, plateau: multiply the rate by this",
        ),
        "lr_step_epochs": Field(_POSITIVE, "step: epochs between decays"),
        "lr_patience": Field(_NON_NEGATIVE, "plateau: epochs without val_loss improvement first"),
        "min_learning_rate": Field(_AT_LEAST_ZERO, "schedules never lower the rate below this"),
        "early_stopping": Group(
            {
                "enabled": Field(boolean, "true: stop early; false: train every epoch"),
                "patience": Field(_NON_NEGATIVE, "epochs without improvement before stopping"),
                "min_delta": Field(
                    _AT_LEAST_ZERO, "the smallest change that counts as improvement"
                ),
                "monitor": _choice(MONITORS, ", ".join(MONITORS)),
                "restore_best_weights": Field(boolean, "end with the best epoch's weights"),
            },
            "stop when the monitored metric stops improving",
        ),
    },
}

SECTIONS = tuple(SCHEMA)
SECTION_HELP = {
    "logging": "where nntui logs: a rotating file, never the terminal",
    "data": "the data source, how much of it, and the train/validation/test split",
    "network": "the hidden layers and the classification head",
    "training": "the optimizer, the learning-rate schedule and early stopping",
}
"""A line of help per section (the JSON Schema's descriptions)."""


def _leaf_fields() -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for section, entries in SCHEMA.items():
        for key, entry in entries.items():
            if isinstance(entry, Group):
                for inner, field in entry.fields.items():
                    fields[f"{section}.{key}.{inner}"] = field
            else:
                fields[f"{section}.{key}"] = entry
    return fields


FIELDS: dict[str, Field] = _leaf_fields()
"""Every key that holds a value, by dotted name, in file order."""
GROUPS: dict[str, Group] = {
    f"{section}.{key}": entry
    for section, entries in SCHEMA.items()
    for key, entry in entries.items()
    if isinstance(entry, Group)
}
"""Every nested mapping, by dotted name."""
DOTTED_KEYS = tuple(FIELDS)


def keys_of(parent: str) -> tuple[str, ...]:
    """The key names inside a section (``training``) or a group (``training.early_stopping``)."""
    if parent in GROUPS:
        return tuple(GROUPS[parent].fields)
    return tuple(SCHEMA[parent])


def get_value(config: dict[str, Any], dotted: str) -> Any:
    """The value at a dotted key of a plain config dict (``"training.early_stopping.patience"``)."""
    value: Any = config
    for part in dotted.split("."):
        value = value[part]
    return value


def set_value(config: dict[str, Any], dotted: str, value: Any) -> None:
    """Set the value at a dotted key of a plain config dict, creating the mappings on the way."""
    *parents, last = dotted.split(".")
    target = config
    for part in parents:
        if not isinstance(target.get(part), dict):
            target[part] = {}
        target = target[part]
    target[last] = value


def source_tasks(source: str) -> tuple[Task, ...]:
    """The tasks a ``data.source`` can serve, the default first."""
    if source in PLANAR_REGRESSION:
        return ("regression",)
    if source in ("synthetic", "csv"):
        return ("classification", "regression")
    return ("classification",)


def source_class_count(source: str, n_classes: int) -> int | None:
    """How many classes a source has, or ``None`` when only the file knows (csv).

    ``n_classes`` (``data.n_classes``) counts for ``synthetic`` and ``spiral``;
    the other 2-D classification sources have 2 classes and Iris has 3.
    """
    if source in ("synthetic", "spiral"):
        return int(n_classes)
    if source in PLANAR_CLASSIFICATION:
        return 2
    if source == "iris":
        return IRIS_CLASSES
    return None
