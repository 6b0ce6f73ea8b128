"""Classification quality of a run: confusion matrices on the validation and test rows.

The maths (counting, precision, recall, F1) is the engine's
(:mod:`nntui.nn.confusion`); here it meets a run's data and class names. The
test rows' matrix is measured once, after training, into the results document
(its ``classification`` block); the validation rows' matrix per epoch only
while a face asks for it, through :class:`ClassQualityHook` (one forward pass
over the validation rows, which leaves the training caches alone).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from nntui.nn.confusion import class_labels, class_scores, confusion_matrix, macro_f1
from nntui.training.hooks import EpochHook
from nntui.training.measurements import ClassQuality, ClassQualityMeasured, ClassScore, Split
from nntui.training.on_demand import Demand, Pacer

if TYPE_CHECKING:
    from nntui.config import Task
    from nntui.nn.network import NeuralNetwork
    from nntui.training.datasets import RunData

_CHUNK = 8192  # rows per forward pass: bounds the memory of a large test set


def network_outputs(network: NeuralNetwork, x: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The output layer's activations (probabilities) for ``x``, caches left alone."""
    if not len(x):
        return np.empty((0, network.layer_sizes[-1]))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        chunks = [
            network.layer_outputs(x[start : start + _CHUNK])[-1]
            for start in range(0, len(x), _CHUNK)
        ]
    return np.concatenate(chunks)


def quality_of(
    outputs: npt.ArrayLike, targets: npt.ArrayLike, classes: Sequence[str], split: Split
) -> ClassQuality:
    """The confusion matrix and per-class scores of a classifier's ``outputs``.

    Args:
        outputs: the network's outputs (softmax rows, or sigmoid ``(n, 1)``).
        targets: the targets as the head takes them (one-hot or 0/1).
        classes: one name per class.
        split: which rows these are.
    """
    n_classes = len(classes)
    matrix = confusion_matrix(class_labels(targets), class_labels(outputs), n_classes)
    scores = class_scores(matrix)
    total = int(matrix.sum())
    return ClassQuality(
        split=split,
        classes=tuple(classes),
        matrix=tuple(tuple(int(count) for count in row) for row in matrix),
        scores=tuple(
            ClassScore(
                name=classes[score.index],
                precision=score.precision,
                recall=score.recall,
                f1=score.f1,
                support=score.support,
            )
            for score in scores
        ),
        accuracy=float(np.trace(matrix)) / total if total else None,
        macro_f1=macro_f1(scores),
    )


def split_quality(network: NeuralNetwork, data: RunData, split: Split) -> ClassQuality | None:
    """The quality on the ``"validation"`` or ``"test"`` rows (``None``: regression or no rows)."""
    if data.class_names is None:
        return None
    x, y = (data.x_val, data.y_val) if split == "validation" else (data.x_test, data.y_test)
    if not len(x):
        return None
    return quality_of(network_outputs(network, x), y, data.class_names, split)


class ClassQualityHook(EpochHook):
    """The per-epoch hook that measures the validation rows' confusion matrix on demand.

    Register it with ``NetworkRunner(..., hooks=[hook])``; it does nothing for
    regression or without validation rows.

    Args:
        demand: the face's switch and pace.
        emit: where the :class:`~nntui.training.measurements.ClassQualityMeasured` go
            (a face passes the runner's ``on_event`` callback).
        clock: monotonic seconds; injectable for tests.
    """

    def __init__(
        self,
        demand: Demand,
        emit: Callable[[ClassQualityMeasured], None],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.demand = demand
        self._emit = emit
        self._pacer = Pacer(demand, clock=clock)
        self.network: NeuralNetwork | None = None
        self.data: RunData | None = None

    def on_run_begin(self, network: NeuralNetwork, data: RunData, task: Task) -> None:
        """Keep the network and data of a classification run with validation rows."""
        usable = task == "classification" and data.n_validation > 0
        self.network, self.data = (network, data) if usable else (None, None)

    def on_epoch_end(self, epoch: int, *, pausing: bool) -> None:
        """Measure when due (always when the run pauses here)."""
        if self.network is not None and self._pacer.due(epoch, force=pausing):
            self._measure(epoch)

    def on_run_end(self, epoch: int) -> None:
        """Measure the weights the run ended with (when the demand is on)."""
        if self.network is not None and self.demand.enabled:
            self._measure(epoch)

    def _measure(self, epoch: int) -> None:
        assert self.network is not None and self.data is not None
        quality = split_quality(self.network, self.data, "validation")
        if quality is not None:
            self._emit(ClassQualityMeasured(epoch=epoch, quality=quality))
