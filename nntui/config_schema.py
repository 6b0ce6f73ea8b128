"""The shape of an nntui config: its sections, its keys, and what each key accepts.

Every key has a *check*: a function that returns the value in its normal form
(``1e-3`` written as text becomes a float, ``info`` becomes ``INFO``) or raises
:class:`InvalidValueError` with a message naming the bad value and what is allowed. The
default values are not here: they live in the packaged ``default_config.yaml``
(see :func:`nntui.config.default_config`). Allowed names come from the engine's
registries, so a new activation added there is accepted here without an edit.

A section maps names to keys; a key is a :class:`Field` (one value) or a
:class:`Group` (a mapping of its own fields, one level deep, like
``training.early_stopping``). Code that needs every key walks :data:`FIELDS`,
dotted names (``training.early_stopping.patience``) to fields, in file order.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from nntui.nn.activations import ACTIVATIONS
from nntui.nn.initializers import INITIALIZERS
from nntui.nn.planar import MIN_SAMPLES as PLANAR_MIN_SAMPLES
from nntui.nn.planar import PLANAR_CLASSIFICATION, PLANAR_REGRESSION

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DTYPES = ("float32", "float64")
OUTPUT_ACTIVATIONS = ("softmax", "sigmoid")
HIDDEN_ACTIVATIONS = tuple(sorted(ACTIVATIONS))
WEIGHT_INITS = tuple(sorted(INITIALIZERS))
DATA_SOURCES = ("synthetic", "csv", "iris", *PLANAR_CLASSIFICATION, *PLANAR_REGRESSION)
PLANAR_SOURCES = (*PLANAR_CLASSIFICATION, *PLANAR_REGRESSION)
# Each optimizer and schedule has its own keys below, so these lists are spelled out here.
OPTIMIZERS = ("sgd", "adam")
LR_SCHEDULES = ("constant", "step", "exponential", "plateau")
MONITORS = ("val_loss", "val_accuracy", "val_r2", "loss", "accuracy", "r2")
CLASSIFICATION_MONITORS = ("val_accuracy", "accuracy")
REGRESSION_MONITORS = ("val_r2", "r2")
IRIS_CLASSES = 3

# PyYAML follows YAML 1.1, which reads `1e-3` (no dot) as text; accept it as the number meant.
_EXPONENT_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+")
_SHOWN_CHARS = 60


class InvalidValueError(ValueError):
    """A value a key does not accept; ``str(error)`` says why (``must be ..., got ...``)."""


Check = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    """One config key.

    Attributes:
        check: returns the normalised value or raises :class:`InvalidValueError`.
        help: a short line shown as the key's comment in a written config.
        choices: the allowed names, for keys that take one of a few names.
        text: whether the value is text (so a typed-in override is not read as YAML).
    """

    check: Check
    help: str
    choices: tuple[str, ...] | None = None
    text: bool = False


def show(value: Any) -> str:
    """Render a bad value for a message: strings quoted, booleans as YAML writes them."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "an empty value"
    elif isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list):
        text = "[" + ", ".join(show(item) for item in value) + "]"
    else:
        text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def did_you_mean(value: Any, names: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` when ``value`` is a near miss of one of ``names``, else ``""``."""
    if not isinstance(value, str):
        return ""
    by_lower = {name.lower(): name for name in names}
    matches = difflib.get_close_matches(value.lower(), list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean {by_lower[matches[0]]!r}?)" if matches else ""


def _quoted_number_hint(value: Any) -> str:
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return ""
        return " (a quoted number is text in YAML: remove the quotes)"
    return ""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def integer(minimum: int, wanted: str) -> Check:
    """A check for an integer ``>= minimum``; ``wanted`` reads e.g. ``a positive integer``."""

    def check(value: Any) -> int:
        if not _is_int(value) or value < minimum:
            raise InvalidValueError(
                f"must be {wanted}, got {show(value)}{_quoted_number_hint(value)}"
            )
        return int(value)

    return check


def _as_float(value: Any) -> float | None:
    if _is_int(value) or isinstance(value, float):
        return float(value)
    if isinstance(value, str) and _EXPONENT_NUMBER.fullmatch(value.strip()):
        return float(value)
    return None


def number(
    low: float,
    high: float,
    wanted: str,
    *,
    include_low: bool = False,
    include_high: bool = False,
) -> Check:
    """A check for a finite number between ``low`` and ``high``.

    The bounds are excluded unless ``include_low``/``include_high`` say otherwise.
    """

    def inside(result: float) -> bool:
        above = result >= low if include_low else result > low
        below = result <= high if include_high else result < high
        return above and below

    def check(value: Any) -> float:
        result = _as_float(value)
        if result is None or not math.isfinite(result) or not inside(result):
            raise InvalidValueError(
                f"must be {wanted}, got {show(value)}{_quoted_number_hint(value)}"
            )
        return result

    return check


def one_of(names: tuple[str, ...], *, upper: bool = False) -> Check:
    """A check for one of ``names`` (``upper``: compared and returned in capitals)."""

    def check(value: Any) -> str:
        candidate = value.upper() if upper and isinstance(value, str) else value
        if isinstance(candidate, str) and candidate in names:
            return candidate
        raise InvalidValueError(
            f"must be one of {', '.join(names)}, got {show(value)}{did_you_mean(value, names)}"
        )

    return check


def boolean(value: Any) -> bool:
    """Check for ``true``/``false``."""
    if not isinstance(value, bool):
        raise InvalidValueError(f"must be true or false, got {show(value)}")
    return value


def optional(check: Check) -> Check:
    """``check``, but ``null`` (an empty value) is also accepted, as ``None``."""

    def optional_check(value: Any) -> Any:
        return None if value is None else check(value)

    return optional_check


def column_name(value: Any) -> str:
    """Check for a CSV column name: non-empty text."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(f"must be a column name such as species, got {show(value)}")
    return value


def column_names(value: Any) -> list[str]:
    """Check for a non-empty list of distinct column names."""
    if not isinstance(value, list) or not value:
        raise InvalidValueError(
            f"must be a list of column names such as [sepal_length, petal_length], "
            f"or null for every column but the target, got {show(value)}"
        )
    for position, item in enumerate(value, start=1):
        if not isinstance(item, str) or not item.strip():
            raise InvalidValueError(f"item {position} must be a column name, got {show(item)}")
    repeated = sorted({item for item in value if value.count(item) > 1})
    if repeated:
        raise InvalidValueError(f"lists {', '.join(map(repr, repeated))} more than once")
    return list(value)


def file_path(value: Any) -> str:
    """Check for a non-empty path string."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(f"must be a file path such as logs/app.log, got {show(value)}")
    return value


def layer_sizes(value: Any) -> list[int]:
    """Check for a list of positive integers (an empty list means no hidden layer)."""
    if not isinstance(value, list):
        raise InvalidValueError(
            f"must be a list of positive integers such as [128, 64, 32], got {show(value)}"
        )
    for position, item in enumerate(value, start=1):
        if not _is_int(item) or item < 1:
            raise InvalidValueError(f"item {position} must be a positive integer, got {show(item)}")
    return [int(item) for item in value]


def hidden_activations(value: Any) -> list[str]:
    """Check for a list of hidden-layer activation names."""
    allowed = ", ".join(HIDDEN_ACTIVATIONS)
    if not isinstance(value, list):
        raise InvalidValueError(
            f"must be a list with one activation per hidden layer such as [relu, relu], "
            f"got {show(value)}"
        )
    for position, item in enumerate(value, start=1):
        if not isinstance(item, str) or item not in HIDDEN_ACTIVATIONS:
            hint = did_you_mean(item, HIDDEN_ACTIVATIONS)
            raise InvalidValueError(
                f"item {position} must be one of {allowed}, got {show(item)}{hint}"
            )
    return list(value)


def output_activation(value: Any) -> str:
    """Check for a classification head: softmax or sigmoid."""
    if isinstance(value, str) and value in OUTPUT_ACTIVATIONS:
        return value
    if isinstance(value, str) and value in ACTIVATIONS:
        raise InvalidValueError(
            f"{value!r} cannot be a classification head: use softmax (with cross-entropy) "
            f"or sigmoid (with binary cross-entropy, 2 classes only); "
            f"--task regression uses a linear output + MSE automatically"
        )
    hint = did_you_mean(value, OUTPUT_ACTIVATIONS)
    raise InvalidValueError(f"must be one of softmax, sigmoid, got {show(value)}{hint}")


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

SCHEMA: dict[str, dict[str, Entry]] = {
    "logging": {
        "level": Field(
            one_of(LOG_LEVELS, upper=True),
            "DEBUG, INFO, WARNING, ERROR or CRITICAL; env LOG_LEVEL wins",
            choices=LOG_LEVELS,
            text=True,
        ),
        "file": Field(file_path, "rotating log file; folder made if missing", text=True),
    },
    "data": {
        "source": Field(
            one_of(DATA_SOURCES),
            "synthetic, csv, iris; 2-D: circles, xor, gaussian, spiral, plane, bump",
            choices=DATA_SOURCES,
            text=True,
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
        "n_samples": Field(
            integer(1, "a positive integer"), "samples generated (synthetic and 2-D sources)"
        ),
        "n_features": Field(
            integer(1, "a positive integer"), "synthetic only; other sources: the data decides"
        ),
        "n_classes": Field(
            integer(2, "an integer of at least 2"),
            "synthetic and spiral; other sources: the data decides",
        ),
        "random_seed": Field(
            integer(0, "a non-negative integer"),
            "data and initial weights; env RANDOM_SEED wins",
        ),
        "test_size": Field(
            number(0.0, 1.0, "a number in (0, 1)"),
            "held out; also the per-epoch validation set",
        ),
    },
    "network": {
        "hidden_layers": Field(layer_sizes, "units per hidden layer"),
        "hidden_activations": Field(
            hidden_activations,
            "per hidden layer: " + ", ".join(HIDDEN_ACTIVATIONS),
            choices=HIDDEN_ACTIVATIONS,
        ),
        "output_activation": Field(
            output_activation,
            "classification head: softmax, or sigmoid for 2 classes",
            choices=OUTPUT_ACTIVATIONS,
            text=True,
        ),
        "weight_init": Field(
            one_of(WEIGHT_INITS),
            " or ".join([", ".join(WEIGHT_INITS[:-1]), WEIGHT_INITS[-1]]),
            choices=WEIGHT_INITS,
            text=True,
        ),
    },
    "training": {
        "epochs": Field(integer(1, "a positive integer"), "passes over the training set"),
        "learning_rate": Field(
            number(0.0, math.inf, "a positive number"), "initial step size (lr_schedule changes it)"
        ),
        "batch_size": Field(integer(1, "a positive integer"), "samples per gradient step"),
        "dtype": Field(
            one_of(DTYPES), "float64 or float32 (faster, less precise)", choices=DTYPES, text=True
        ),
        "shuffle": Field(boolean, "reshuffle the training set every epoch"),
        "optimizer": Field(one_of(OPTIMIZERS), "sgd or adam", choices=OPTIMIZERS, text=True),
        "momentum": Field(
            number(0.0, 1.0, "a number in [0, 1)", include_low=True),
            "sgd: 0 = plain SGD, 0.9 is typical",
        ),
        "nesterov": Field(boolean, "sgd: Nesterov momentum (needs momentum > 0)"),
        "beta1": Field(
            number(0.0, 1.0, "a number in [0, 1)", include_low=True),
            "adam: decay of the gradient average",
        ),
        "beta2": Field(
            number(0.0, 1.0, "a number in [0, 1)", include_low=True),
            "adam: decay of the squared-gradient average",
        ),
        "epsilon": Field(number(0.0, math.inf, "a positive number"), "adam: keeps steps finite"),
        "l2": Field(
            number(0.0, math.inf, "a number of at least 0", include_low=True),
            "weight decay λ: λ·W on weight gradients, 0.5·λ·ΣW² in the loss",
        ),
        "gradient_clip_norm": Field(
            optional(number(0.0, math.inf, "a positive number or null")),
            "clip the global gradient norm to this; null = off",
        ),
        "lr_schedule": Field(
            one_of(LR_SCHEDULES),
            "constant, step, exponential or plateau",
            choices=LR_SCHEDULES,
            text=True,
        ),
        "lr_decay": Field(
            number(0.0, 1.0, "a number in (0, 1]", include_high=True),
            "step, exponential, plateau: multiply the rate by this",
        ),
        "lr_step_epochs": Field(integer(1, "a positive integer"), "step: epochs between decays"),
        "lr_patience": Field(
            integer(0, "a non-negative integer"),
            "plateau: epochs without val_loss improvement first",
        ),
        "min_learning_rate": Field(
            number(0.0, math.inf, "a number of at least 0", include_low=True),
            "schedules never lower the rate below this",
        ),
        "early_stopping": Group(
            {
                "enabled": Field(boolean, "true: stop early; false: train every epoch"),
                "patience": Field(
                    integer(0, "a non-negative integer"),
                    "epochs without improvement before stopping",
                ),
                "min_delta": Field(
                    number(0.0, math.inf, "a number of at least 0", include_low=True),
                    "the smallest change that counts as improvement",
                ),
                "monitor": Field(
                    one_of(MONITORS), ", ".join(MONITORS), choices=MONITORS, text=True
                ),
                "restore_best_weights": Field(boolean, "end with the best epoch's weights"),
            },
            "stop when the monitored metric stops improving",
        ),
    },
}

SECTIONS = tuple(SCHEMA)


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
    """The value at a dotted key, e.g. ``get_value(config, "training.early_stopping.patience")``."""
    value: Any = config
    for part in dotted.split("."):
        value = value[part]
    return value


def set_value(config: dict[str, Any], dotted: str, value: Any) -> None:
    """Set the value at a dotted key, creating the mappings on the way."""
    *parents, last = dotted.split(".")
    target = config
    for part in parents:
        if not isinstance(target.get(part), dict):
            target[part] = {}
        target = target[part]
    target[last] = value


def source_tasks(source: str) -> tuple[str, ...]:
    """The tasks a ``data.source`` can serve, the default first."""
    if source in PLANAR_REGRESSION:
        return ("regression",)
    if source in ("synthetic", "csv"):
        return ("classification", "regression")
    return ("classification",)


def source_class_count(data: dict[str, Any]) -> int | None:
    """How many classes the ``data`` section's source has, or ``None`` when only the file knows.

    ``n_classes`` counts for ``synthetic`` and ``spiral``; the other 2-D
    classification sources have 2 classes and Iris has 3.
    """
    source = data["source"]
    if source in ("synthetic", "spiral"):
        return int(data["n_classes"])
    if source in PLANAR_CLASSIFICATION:
        return 2
    if source == "iris":
        return IRIS_CLASSES
    return None


def unknown_section_message(name: Any) -> str:
    """Explain an unknown top-level name, pointing at the section or key that was meant."""
    if isinstance(name, str):
        owners = [dotted for dotted in DOTTED_KEYS if dotted.endswith(f".{name}")]
        if owners:
            return f"unknown section (did you mean {owners[0]!r}? keys go inside their section)"
        hint = did_you_mean(name, SECTIONS)
        if hint:
            return f"unknown section{hint}"
    return f"unknown section; the sections are {', '.join(SECTIONS)}"


def unknown_key_message(parent: str, name: Any) -> str:
    """Explain an unknown key inside ``parent`` (a section or group), with the nearest key."""
    keys = keys_of(parent)
    hint = did_you_mean(name, keys)
    if hint:
        return f"unknown key{hint}"
    if isinstance(name, str):
        elsewhere = [dotted for dotted in DOTTED_KEYS if dotted.endswith(f".{name}")]
        if elsewhere:
            return f"unknown key in {parent} (did you mean {elsewhere[0]!r}?)"
        hint = did_you_mean(name, DOTTED_KEYS)
        if hint:
            return f"unknown key{hint}"
    return f"unknown key; {parent} takes {', '.join(keys)}"


def cross_key_problems(
    config: dict[str, dict[str, Any]], invalid: set[str]
) -> list[tuple[str, str]]:
    """Problems that involve two keys, as ``(dotted key, message)``.

    Args:
        config: the config with every key filled in.
        invalid: dotted keys that already failed their own check (skipped here).
    """
    problems: list[tuple[str, str]] = []

    def usable(*keys: str) -> bool:
        return not invalid.intersection(keys)

    network, data, training = config["network"], config["data"], config["training"]
    if usable("network.hidden_layers", "network.hidden_activations"):
        n_layers, n_activations = len(network["hidden_layers"]), len(network["hidden_activations"])
        if n_layers != n_activations:
            problems.append(
                (
                    "network.hidden_activations",
                    f"has {n_activations} {'entry' if n_activations == 1 else 'entries'} "
                    f"but network.hidden_layers has {n_layers}",
                )
            )
    if usable("data.source", "data.n_classes", "data.n_samples", "data.test_size"):
        problems += _data_problems(data)
    if (
        usable("network.output_activation", "data.n_classes", "data.source")
        and network["output_activation"] == "sigmoid"
    ):
        problems += _sigmoid_problems(data)
    nesterov_without_momentum = training["nesterov"] and training["momentum"] == 0
    if usable("training.nesterov", "training.momentum") and nesterov_without_momentum:
        problems.append(
            (
                "training.nesterov",
                "needs training.momentum above 0 (e.g. 0.9); "
                "Nesterov's look-ahead step is a momentum step",
            )
        )
    if (
        usable("training.lr_schedule", "training.lr_decay")
        and training["lr_schedule"] == "plateau"
        and training["lr_decay"] == 1
    ):
        problems.append(
            (
                "training.lr_decay",
                "must be below 1 for lr_schedule plateau (1 would never lower the rate), got 1",
            )
        )
    if (
        usable("training.min_learning_rate", "training.learning_rate")
        and training["min_learning_rate"] >= training["learning_rate"]
    ):
        problems.append(
            (
                "training.min_learning_rate",
                f"must be below training.learning_rate {training['learning_rate']:g}, "
                f"got {training['min_learning_rate']:g}",
            )
        )
    return problems


def _data_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    source = data["source"]
    problems: list[tuple[str, str]] = []
    if source == "csv":
        for key, example in (("path", "data/houses.csv"), ("target", "price")):
            if data[key] is None:
                problems.append(
                    (f"data.{key}", f"is required when data.source is csv (e.g. {key}: {example})")
                )
        features, target = data["features"], data["target"]
        if features is not None and target is not None and target in features:
            problems.append(
                (
                    "data.features",
                    f"lists the target column {target!r}; a column is one or the other",
                )
            )
        return problems
    if source == "iris":
        return problems
    n_samples, test_size = data["n_samples"], data["test_size"]
    if source in PLANAR_SOURCES and n_samples < PLANAR_MIN_SAMPLES:
        problems.append(
            (
                "data.n_samples",
                f"must be at least {PLANAR_MIN_SAMPLES} for data.source {source}, got {n_samples}",
            )
        )
    elif n_samples * test_size < 1 or n_samples * (1 - test_size) < 1:
        problems.append(
            (
                "data.test_size",
                f"{test_size} of data.n_samples {n_samples} leaves an empty training or "
                f"test set; raise data.n_samples or pick a test_size nearer 0.2",
            )
        )
    if source == "spiral" and data["n_classes"] > n_samples // 2:
        problems.append(
            (
                "data.n_classes",
                f"spiral needs at least 2 samples per class: {data['n_classes']} classes "
                f"need data.n_samples of at least {2 * data['n_classes']}, got {n_samples}",
            )
        )
    return problems


def _sigmoid_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    if data["source"] in PLANAR_REGRESSION:
        return []
    n_classes = source_class_count(data)
    if n_classes is None or n_classes == 2:
        return []  # a csv file's classes are counted when it is read
    if data["source"] in ("synthetic", "spiral"):
        message = (
            f"sigmoid has one output unit, so it needs data.n_classes: 2, got {n_classes}; "
            f"use softmax for more classes"
        )
    else:
        message = (
            f"sigmoid has one output unit, for 2 classes, but data.source {data['source']} "
            f"has {n_classes}; use softmax"
        )
    return [("network.output_activation", message)]
