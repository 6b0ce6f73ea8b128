"""Problems that involve two keys or more (list lengths, the head and the classes, ...).

These run on the plain dict of checked values, after every key passed its own
check; a key that failed is skipped, so one mistake is reported once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nntui.config.schema import PLANAR_SOURCES, source_class_count
from nntui.datasets.planar import MIN_SAMPLES as PLANAR_MIN_SAMPLES
from nntui.datasets.planar import PLANAR_REGRESSION

Problem = tuple[str, str]
"""``(dotted key, message)``."""


def cross_key_problems(config: dict[str, dict[str, Any]], invalid: set[str]) -> list[Problem]:
    """Problems that involve two keys, as ``(dotted key, message)``.

    Args:
        config: the plain config with every key filled in.
        invalid: dotted keys that already failed their own check (skipped here).
    """

    def usable(*keys: str) -> bool:
        return not invalid.intersection(keys)

    network, data = config["network"], config["data"]
    problems: list[Problem] = []
    if usable("network.hidden_layers", "network.hidden_activations"):
        problems += _activation_count_problems(network)
    if usable("data.source", "data.n_classes", "data.n_samples", "data.test_size"):
        problems += _data_problems(data)
    if (
        usable("network.output_activation", "data.n_classes", "data.source")
        and network["output_activation"] == "sigmoid"
    ):
        problems += _sigmoid_problems(data)
    return problems + _training_problems(config["training"], usable)


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
