"""The backprop walkthrough of one of a run's samples (the maths is :mod:`nntui.nn.walkthrough`).

A face picks a sample — a misclassified test point, or an index — and asks
for its :class:`~nntui.nn.walkthrough.Walkthrough` on the network as it is
now. Call these when no batch is in progress: on a paused or finished run,
through ``RunControl.submit`` (the network is only read).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from nntui.nn.confusion import class_labels
from nntui.nn.walkthrough import Walkthrough, walk_through
from nntui.training.classification import network_outputs

if TYPE_CHECKING:
    from nntui.nn.arrays import FloatArray
    from nntui.nn.network import NeuralNetwork
    from nntui.training.datasets import RunData

SampleSet = Literal["train", "validation", "test"]
"""Which rows a sample index counts in."""


def sample_rows(data: RunData, rows: SampleSet) -> tuple[FloatArray, FloatArray]:
    """The normalised inputs and the targets of ``rows``."""
    if rows == "train":
        return data.x_train, data.y_train
    if rows == "validation":
        return data.x_val, data.y_val
    return data.x_test, data.y_test


def misclassified(
    network: NeuralNetwork, data: RunData, rows: SampleSet = "test"
) -> tuple[int, ...]:
    """Indices of the samples of ``rows`` the network gets wrong (classification; else ``()``)."""
    if data.class_names is None:
        return ()
    x, y = sample_rows(data, rows)
    if not len(x):
        return ()
    wrong = class_labels(network_outputs(network, x)) != class_labels(y)
    return tuple(int(index) for index in np.flatnonzero(wrong))


def sample_walkthrough(
    network: NeuralNetwork,
    data: RunData,
    index: int,
    *,
    rows: SampleSet = "test",
    learning_rate: float,
) -> Walkthrough:
    """The walkthrough of sample ``index`` of ``rows`` through ``network`` now.

    Args:
        network: the run's network (only read).
        data: the run's data (the sample is taken normalised, as the network sees it).
        index: the sample's row in ``rows``.
        rows: ``"train"``, ``"validation"`` or ``"test"``.
        learning_rate: ``η`` of the SGD step shown (the run's current rate).

    Raises:
        IndexError: there is no such sample.
    """
    x, y = sample_rows(data, rows)
    if not 0 <= index < len(x):
        raise IndexError(f"sample {index} is not one of the {len(x)} {rows} rows")
    return walk_through(network, x[index], y[index], learning_rate=learning_rate)
