"""Problems that involve two keys or more (list lengths, the head and the classes, ...).

These run on the plain dict of checked values, after every key passed its own
check; a key that failed is skipped, so one mistake is reported once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nntui.config.budget import BUDGET_KEYS, memory_problems
from nntui.config.schema import PLANAR_SOURCES, source_class_count
from nntui.datasets.iris import IRIS_ROWS
from nntui.datasets.planar import MIN_SAMPLES as PLANAR_MIN_SAMPLES
from nntui.datasets.planar import PLANAR_REGRESSION
from nntui.datasets.splits import held_out_count

Problem = tuple[str, str]
"""``(dotted key, message)``."""


def cross_key_problems(
    config: dict[str, dict[str, Any]], invalid: set[str], *, memory: bool = True
) -> list[Problem]:
    """Problems that involve two keys, as ``(dotted key, message)``.

    Args:
        config: the plain config with every key filled in.
        invalid: dotted keys that already failed their own check (skipped here).
        memory: also check that a run fits in memory (:mod:`nntui.config.budget`).
    """

    def usable(*keys: str) -> bool:
        return not invalid.intersection(keys)

    network, data = config["network"], config["data"]
    problems: list[Problem] = []
    if usable("network.hidden_layers", "network.hidden_activations"):
        problems += _activation_count_problems(network)
    if usable("data.source", "data.n_classes", "data.n_samples", "data.test_size"):
        problems += _data_problems(data)
        if usable("data.validation_split"):
            problems += _validation_split_problems(data)
    if usable("data.validation_split"):
        problems += _needs_validation_problems(config["training"], data, usable)
    if (
        usable("network.output_activation", "data.n_classes", "data.source")
        and network["output_activation"] == "sigmoid"
    ):
        problems += _sigmoid_problems(data)
    problems += _training_problems(config["training"], usable)
    if memory and not problems and usable(*BUDGET_KEYS):
        problems += memory_problems(config)
    return problems


def _activation_count_problems(network: dict[str, Any]) -> list[Problem]:
    n_layers, n_activations = len(network["hidden_layers"]), len(network["hidden_activations"])
    if n_layers == n_activations:
        return []
    entries = "entry" if n_activations == 1 else "entries"
    return [
        (
            "network.hidden_activations",
            f"has {n_activations} {entries} but network.hidden_layers has {n_layers}",
        )
    ]


def _training_problems(training: dict[str, Any], usable: Callable[..., bool]) -> list[Problem]:
    problems: list[Problem] = []
    if (
        usable("training.nesterov", "training.momentum")
        and training["nesterov"]
        and training["momentum"] == 0
    ):
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


def _csv_problems(data: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for key, example in (("path", "data/houses.csv"), ("target", "price")):
        if data[key] is None:
            problems.append(
                (f"data.{key}", f"is required when data.source is csv (e.g. {key}: {example})")
            )
    features, target = data["features"], data["target"]
    if features is not None and target is not None and target in features:
        problems.append(
            ("data.features", f"lists the target column {target!r}; a column is one or the other")
        )
    return problems


def _data_problems(data: dict[str, Any]) -> list[Problem]:
    source = data["source"]
    if source == "csv":
        return _csv_problems(data)
    if source == "iris":
        return []
    problems: list[Problem] = []
    n_samples, test_size = data["n_samples"], data["test_size"]
    if source in PLANAR_SOURCES and n_samples < PLANAR_MIN_SAMPLES:
        problems.append(
            (
                "data.n_samples",
                f"must be at least {PLANAR_MIN_SAMPLES} for data.source {source}, got {n_samples}",
            )
        )
    elif held_out_count(n_samples, test_size) >= n_samples:
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


def _sigmoid_problems(data: dict[str, Any]) -> list[Problem]:
    if data["source"] in PLANAR_REGRESSION:
        return []
    n_classes = source_class_count(data["source"], data["n_classes"])
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


def _validation_split_problems(data: dict[str, Any]) -> list[Problem]:
    """A ``validation_split`` that leaves no training row (when the row count is known)."""
    share = data["validation_split"]
    n_rows = IRIS_ROWS if data["source"] == "iris" else data["n_samples"]
    if data["source"] == "csv" or share == 0:
        return []  # a csv file's rows are counted when it is read
    n_rest = n_rows - held_out_count(n_rows, data["test_size"])
    n_validation = held_out_count(n_rest, share)
    if n_rest < 1 or n_rest - n_validation >= 1:
        return []
    return [
        (
            "data.validation_split",
            f"{share} of the {n_rest} rows left after the test set validate {n_validation}, "
            f"leaving none to train on; pick a validation_split nearer 0.1, or 0 for none",
        )
    ]


def _needs_validation_problems(
    training: dict[str, Any], data: dict[str, Any], usable: Callable[..., bool]
) -> list[Problem]:
    """With ``validation_split: 0`` there is no ``val_*`` metric to watch."""
    if data["validation_split"] != 0:
        return []
    problems: list[Problem] = []
    stopping = training["early_stopping"]
    monitor_keys = ("training.early_stopping.enabled", "training.early_stopping.monitor")
    if usable(*monitor_keys) and stopping["enabled"] and stopping["monitor"].startswith("val_"):
        problems.append(
            (
                "training.early_stopping.monitor",
                f"{stopping['monitor']} needs a validation set, but data.validation_split is 0; "
                f"monitor {stopping['monitor'][4:]} (the training set) or set "
                f"data.validation_split (e.g. 0.1)",
            )
        )
    if usable("training.lr_schedule") and training["lr_schedule"] == "plateau":
        problems.append(
            (
                "training.lr_schedule",
                "plateau watches val_loss, which needs a validation set, but "
                "data.validation_split is 0; set data.validation_split (e.g. 0.1) "
                "or pick another schedule",
            )
        )
    return problems
