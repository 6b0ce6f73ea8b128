"""What the on-demand hooks measure inside a network, as plain values for events and files.

- :class:`Distribution`: a tensor's percentile bands (TensorBoard's
  0/7/16/31/50/69/84/93/100) and a small histogram.
- :class:`LayerDistributions`: one layer's weights, biases, activations (on
  the probe batch) and weight gradients (of the epoch's last batch).
- :class:`DistributionsMeasured`: every layer's, after one epoch (a ``RunEvent``).
- :class:`ClassQuality`: a confusion matrix with per-class precision, recall
  and F1; :class:`ClassQualityMeasured` carries one (a ``RunEvent``): the
  validation rows' while training, the test rows' once at the end.
- :class:`DistributionHistory`: the bands of every layer and quantity over the
  epochs, kept by the :class:`~nntui.training.record.RunRecord`.

Only Python numbers and tuples here, so a face draws them and the JSONL
stream writes them without NumPy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Quantity = Literal["weights", "biases", "activations", "gradients"]
"""What a distribution describes."""

QUANTITIES: tuple[Quantity, ...] = ("weights", "biases", "activations", "gradients")
"""Every :data:`Quantity`, in the order the Distributions tab cycles through them."""

PERCENTILES: tuple[int, ...] = (0, 7, 16, 31, 50, 69, 84, 93, 100)
"""The percentiles of the bands, as TensorBoard's distributions draw them (min … median … max)."""

Split = Literal["validation", "test"]
"""The rows a confusion matrix counts."""

MAX_HISTORY_POINTS = 512
"""A band series keeps at most about this many epochs (older points are thinned)."""


@dataclass(frozen=True)
class Distribution:
    """A sample of one tensor's values, summarised.

    Attributes:
        percentiles: the values at :data:`PERCENTILES` (min, …, median, …, max).
        counts: a histogram of the sample over ``[low, high]`` in equal bins.
        low: the left edge of the histogram (the minimum).
        high: the right edge (the maximum).
        size: how many values the tensor holds.
        sampled: how many of them were summarised (a fixed sample of at most a
            few thousand, the same entries every epoch).
    """

    percentiles: tuple[float, ...]
    counts: tuple[int, ...]
    low: float
    high: float
    size: int
    sampled: int

    @property
    def median(self) -> float:
        """The 50th percentile."""
        return self.percentiles[PERCENTILES.index(50)]


@dataclass(frozen=True)
class LayerDistributions:
    """One layer's distributions after an epoch (``None``: not measured).

    Attributes:
        layer: ``dense_1`` …
        weights: the entries of ``W``.
        biases: the entries of ``b``.
        activations: the layer's ``a`` on the fixed probe batch.
        gradients: ``dL/dW`` of the epoch's last batch.
    """

    layer: str
    weights: Distribution | None = None
    biases: Distribution | None = None
    activations: Distribution | None = None
    gradients: Distribution | None = None

    def of(self, quantity: Quantity) -> Distribution | None:
        """The distribution of ``quantity``."""
        found: Distribution | None = getattr(self, quantity)
        return found

    def as_dict(self) -> dict[str, Any]:
        """The compact JSONL entry: ``{"layer": …, "weights": [9 percentiles], …}``.

        Values keep 6 significant digits (a band plot needs no more).
        """
        entry: dict[str, Any] = {"layer": self.layer}
        for quantity in QUANTITIES:
            found = self.of(quantity)
            entry[quantity] = None if found is None else [_compact(v) for v in found.percentiles]
        return entry


def _compact(value: float) -> float:
    return float(f"{value:.6g}")


@dataclass(frozen=True)
class DistributionsMeasured:
    """Every layer's distributions after epoch ``epoch`` (0: before training).

    Attributes:
        epoch: the epoch the network had completed.
        layers: one entry per layer, input side first.
        final: measured on the weights the run ended with.
    """

    epoch: int
    layers: tuple[LayerDistributions, ...]
    final: bool = False


@dataclass(frozen=True)
class ClassScore:
    """Precision, recall, F1 (``None`` where undefined) and support of one class."""

    name: str
    precision: float | None
    recall: float | None
    f1: float | None
    support: int


@dataclass(frozen=True)
class ClassQuality:
    """A confusion matrix (rows: true class, columns: predicted) and per-class scores.

    Attributes:
        split: ``"validation"`` (while training) or ``"test"`` (at the end).
        classes: the class names, in matrix order.
        matrix: ``matrix[i][j]``: samples of class ``i`` predicted as ``j``.
        scores: one :class:`ClassScore` per class.
        accuracy: the diagonal's share of all samples.
        macro_f1: the mean F1 over the classes where it is defined.
    """

    split: Split
    classes: tuple[str, ...]
    matrix: tuple[tuple[int, ...], ...]
    scores: tuple[ClassScore, ...]
    accuracy: float | None
    macro_f1: float | None

    def as_dict(self) -> dict[str, Any]:
        """The results document's ``classification`` block (see :mod:`nntui.training.results`)."""
        return {
            "split": self.split,
            "classes": list(self.classes),
            "confusion_matrix": [list(row) for row in self.matrix],
            "per_class": {
                score.name: {
                    "precision": score.precision,
                    "recall": score.recall,
                    "f1": score.f1,
                    "support": score.support,
                }
                for score in self.scores
            },
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
        }

    @classmethod
    def from_dict(cls, block: Mapping[str, Any]) -> ClassQuality | None:
        """Read back an :meth:`as_dict` block (``None`` when it is not one)."""
        try:
            classes = tuple(str(name) for name in block["classes"])
            per_class = block["per_class"]
            scores = tuple(
                ClassScore(
                    name=name,
                    precision=per_class[name]["precision"],
                    recall=per_class[name]["recall"],
                    f1=per_class[name]["f1"],
                    support=int(per_class[name]["support"]),
                )
                for name in classes
            )
            return cls(
                split="validation" if block.get("split") == "validation" else "test",
                classes=classes,
                matrix=tuple(tuple(int(n) for n in row) for row in block["confusion_matrix"]),
                scores=scores,
                accuracy=block.get("accuracy"),
                macro_f1=block.get("macro_f1"),
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class ClassQualityMeasured:
    """A confusion matrix measured after epoch ``epoch``."""

    epoch: int
    quality: ClassQuality


Band = tuple[int, tuple[float, ...]]
"""``(epoch, percentiles)``: one column of a band plot."""


@dataclass
class DistributionHistory:
    """The percentile bands of every (layer, quantity) over the epochs, and the latest histograms.

    A series keeps at most about :data:`MAX_HISTORY_POINTS` points: when it
    reaches twice that, every other old point is dropped, so a long run keeps
    its whole span at a coarser step (each point carries its epoch).
    """

    latest: DistributionsMeasured | None = None
    series: dict[tuple[str, Quantity], list[Band]] = field(default_factory=dict)

    def add(self, event: DistributionsMeasured) -> None:
        """Fold one measurement in."""
        self.latest = event
        for layer in event.layers:
            for quantity in QUANTITIES:
                found = layer.of(quantity)
                if found is None:
                    continue
                points = self.series.setdefault((layer.layer, quantity), [])
                if points and points[-1][0] == event.epoch:
                    points[-1] = (event.epoch, found.percentiles)  # the final re-measure
                    continue
                points.append((event.epoch, found.percentiles))
                if len(points) >= 2 * MAX_HISTORY_POINTS:
                    points[:] = [*points[:-1:2], points[-1]]  # the latest stays

    def bands(self, layer: str, quantity: Quantity) -> Sequence[Band]:
        """The ``(epoch, percentiles)`` points of one series, oldest first."""
        return self.series.get((layer, quantity), ())

    @property
    def layers(self) -> tuple[str, ...]:
        """The layers measured so far, input side first."""
        return () if self.latest is None else tuple(entry.layer for entry in self.latest.layers)
