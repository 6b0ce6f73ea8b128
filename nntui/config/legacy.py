"""Transition shims for code not yet converted to :class:`~nntui.config.Config` (issue 9).

Each takes a ``Config`` or a plain dict of sections. Remove this module once
nothing imports it: the output head and layer sizes live in
:mod:`nntui.training.task`, and the task is ``config.task``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from nntui.config.defaults import packaged_plain
from nntui.config.errors import ConfigError
from nntui.config.loading import config_from_dict
from nntui.config.model import TASKS, Config, Task
from nntui.config.schema import FIELDS, get_value, set_value, source_class_count
from nntui.config.task import decide_task

AnyConfig = Config | Mapping[str, Any]


def _plain(config: AnyConfig) -> dict[str, Any]:
    return config.to_dict() if isinstance(config, Config) else copy.deepcopy(dict(config))


def fill_defaults(config: AnyConfig) -> dict[str, Any]:
    """A plain dict of ``config`` with every missing key set to its default (nothing is checked)."""
    plain = _plain(config)
    for dotted in FIELDS:
        try:
            get_value(plain, dotted)
        except (KeyError, TypeError):
            set_value(plain, dotted, copy.deepcopy(get_value(packaged_plain(), dotted)))
    return plain


def resolve_task(
    config: AnyConfig, requested: str | None = None, *, source: str = "command line"
) -> Task:
    """The task a run of ``config`` has: ``requested`` when given, else ``config.task``
    (for a plain dict: what the data decides).

    Raises:
        ConfigError: ``requested`` is unknown or the data source cannot serve it,
            or the early-stopping metric does not belong to the task.
    """
    if isinstance(config, Config) and requested in (None, config.task):
        return config.task
    task, problems = decide_task(fill_defaults(config), requested)
    if problems or task is None:
        raise ConfigError(problems, source)
    return task


def as_config(config: AnyConfig, task: str | None = None) -> Config:
    """``config`` as a :class:`Config` (a plain dict is validated)."""
    if isinstance(config, Config):
        return config
    return config_from_dict(config, task=task)


def output_head(
    config: AnyConfig, task: str | None = None, n_classes: int | None = None
) -> tuple[int, str, str]:
    """The output layer a run uses: ``(units, activation, loss)`` (see ``training.task``).

    Raises:
        ValueError: an unknown task, a sigmoid head for more than 2 classes, or
            a csv source without ``n_classes``.
    """
    plain = fill_defaults(config)
    if task is None:
        task = config.task if isinstance(config, Config) else resolve_task(plain)
    if task == "regression":
        return 1, "linear", "mse"
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}: use one of {', '.join(TASKS)}")
    data = plain["data"]
    classes = (
        n_classes
        if n_classes is not None
        else source_class_count(data["source"], data["n_classes"])
    )
    if plain["network"]["output_activation"] == "sigmoid":
        if classes not in (None, 2):
            raise ValueError(
                f"network.output_activation sigmoid has one output unit, for 2 classes; "
                f"the data has {classes}: use softmax"
            )
        return 1, "sigmoid", "binary_cross_entropy"
    if classes is None:
        raise ValueError("a csv file's classes are counted when it is read: pass n_classes")
    return int(classes), "softmax", "cross_entropy"


def network_layer_sizes(
    config: AnyConfig, n_features: int, task: str | None = None, n_classes: int | None = None
) -> tuple[list[int], list[str], str]:
    """``(layer_sizes, activations, loss)`` for ``NeuralNetwork`` (see ``training.task``)."""
    units, activation, loss = output_head(config, task, n_classes)
    network = fill_defaults(config)["network"]
    sizes = [int(n_features), *(int(size) for size in network["hidden_layers"]), units]
    return sizes, [*network["hidden_activations"], activation], loss
