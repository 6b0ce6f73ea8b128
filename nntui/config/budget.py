"""The memory check of a config: a network or data set that cannot be built is a config error.

Before anything is allocated, the parameters, the largest activation and
gradient buffers (a training batch, a forward pass over the largest
decision-boundary grid) and the data are estimated from the config alone
(:mod:`nntui.memory` does the arithmetic). Beyond the limit — half the
available memory, or ``NNTUI_MEMORY_LIMIT`` — the part that dominates is
named::

    network.hidden_layers: needs 74.5 GiB of memory (parameters 72.1 GiB for
    1,207,959,552 weights, activations 2.4 GiB, data 0.1 GiB), more than the
    11.2 GiB allowed (half of the 22.4 GiB available; NNTUI_MEMORY_LIMIT overrides it)

The check runs with the other cross-key checks, so every config (a file,
overrides, the TUI editor's text) is checked. A csv file's width is known only
once it is read: :func:`data_memory_problem` checks again then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nntui.config.errors import ConfigProblem
from nntui.config.schema import source_class_count
from nntui.datasets.iris import IRIS_FEATURES, IRIS_ROWS
from nntui.memory import (
    INFERENCE_ROWS,
    PARAMETER_COPIES,
    MemoryLimit,
    MemoryLimitError,
    format_bytes,
    memory_limit,
    network_bytes,
    parameter_count,
    too_big,
)

if TYPE_CHECKING:
    from nntui.config.model import Config

__all__ = ["DATA_COPIES", "MemoryEstimate", "check_memory", "data_memory_problem", "estimate"]

DATA_COPIES = 5
"""Copies of the data a run holds at its peak: generated or read, split, standardised,
cast to the network's dtype, and the generator's temporaries."""
BUDGET_KEYS = (
    "data.source",
    "data.n_samples",
    "data.n_features",
    "data.n_classes",
    "network.hidden_layers",
    "training.batch_size",
    "training.dtype",
)
"""The keys the estimate reads (it is skipped when one of them is invalid)."""


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes a run of a config needs, by part.

    Attributes:
        parameters: weights and biases with their gradient and optimizer state.
        activations: the largest activation and gradient buffers (a batch, a forward pass).
        data: the data set's copies.
        weights: the number of parameters.
        blame: the dotted key of the part that dominates.
    """

    parameters: int
    activations: int
    data: int
    weights: int
    blame: str

    @property
    def total(self) -> int:
        """Every part together."""
        return self.parameters + self.activations + self.data

    def detail(self) -> str:
        """The parts: ``"parameters 72.1 GiB for 1,207,959,552 weights, activations …"``."""
        return (
            f"parameters {format_bytes(self.parameters)} for {_count(self.weights)} weights, "
            f"activations {format_bytes(self.activations)}, data {format_bytes(self.data)}"
        )


def estimate(
    plain: Mapping[str, Any], *, n_rows: int | None = None, n_features: int | None = None
) -> MemoryEstimate:
    """The memory a run of the plain config ``plain`` needs.

    Args:
        plain: a checked plain config (``Config.to_dict()`` or the validator's dict).
        n_rows: rows of the data, when known (a csv file once read); by default
            ``data.n_samples`` (150 for Iris, 0 for a csv file not yet read).
        n_features: inputs per row, when known; by default ``data.n_features``
            (2 for the 2-D sources, 4 for Iris, 1 for a csv file not yet read).
    """
    data, training = plain["data"], plain["training"]
    rows, width = _data_shape(data)
    rows = rows if n_rows is None else n_rows
    width = width if n_features is None else n_features
    outputs = source_class_count(data["source"], data["n_classes"]) or 1
    sizes = [width, *plain["network"]["hidden_layers"], outputs]
    itemsize = 4 if training["dtype"] == "float32" else 8
    batch = min(training["batch_size"], rows) if rows else training["batch_size"]
    weights = parameter_count(sizes)
    parameters = weights * PARAMETER_COPIES * itemsize
    activations = network_bytes(sizes, itemsize, batch_rows=batch, parameter_copies=0)
    data_bytes = rows * (width + outputs) * 8 * DATA_COPIES
    blame = "network.hidden_layers"
    if data_bytes > max(parameters, activations):
        blame = "data.n_features" if width > rows else "data.n_samples"
    elif activations > parameters and batch > INFERENCE_ROWS:
        blame = "training.batch_size"
    return MemoryEstimate(parameters, activations, data_bytes, weights, blame)


def memory_problems(
    plain: Mapping[str, Any], limit: MemoryLimit | None = None
) -> list[tuple[str, str]]:
    """``(dotted key, message)`` when a run of ``plain`` needs more memory than allowed.

    Args:
        plain: a checked plain config.
        limit: the limit; by default :func:`~nntui.memory.memory_limit` (the
            environment's ``NNTUI_MEMORY_LIMIT`` or half the available memory).
    """
    try:
        allowed = memory_limit() if limit is None else limit
    except MemoryLimitError as error:
        key, _, message = str(error).partition(": ")
        return [(key, message)]
    needed = estimate(plain)
    problem = too_big(needed.total, allowed, needed.detail())
    return [] if problem is None else [(needed.blame, problem)]


def check_memory(config: Config, limit: MemoryLimit | None = None) -> list[ConfigProblem]:
    """The memory problems of ``config`` (empty when it fits), for a face to show.

    A face calls it before building a run from a config it did not load through
    :func:`~nntui.config.load_config` (which already checks this).
    """
    return [
        ConfigProblem(key, message) for key, message in memory_problems(config.to_dict(), limit)
    ]


def data_memory_problem(
    config: Config, n_rows: int, n_features: int, limit: MemoryLimit | None = None
) -> str | None:
    """Why data of ``n_rows`` × ``n_features`` is too large for ``config``'s run, or ``None``.

    Called once a csv file is read, before it is split or a network is built.
    """
    try:
        allowed = memory_limit() if limit is None else limit
    except MemoryLimitError as error:
        return str(error)
    needed = estimate(config.to_dict(), n_rows=n_rows, n_features=n_features)
    problem = too_big(needed.total, allowed, needed.detail())
    if problem is None:
        return None
    return f"{n_rows} rows × {n_features} features with network.hidden_layers {problem}"


def _data_shape(data: Mapping[str, Any]) -> tuple[int, int]:
    source = data["source"]
    if source == "csv":
        return 0, 1
    if source == "iris":
        return IRIS_ROWS, IRIS_FEATURES
    if source == "synthetic":
        return int(data["n_samples"]), int(data["n_features"])
    return int(data["n_samples"]), 2


def _count(number: int) -> str:
    """``1,207,959,552``; an astronomical count as ``about 10^400``."""
    return f"{number:,}" if number < 10**15 else f"about 10^{len(str(number)) - 1}"
