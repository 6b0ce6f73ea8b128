"""Distributions inside the network over time: percentile bands and histograms per layer.

TensorBoard's distributions view, computed in the training thread: after an
epoch (when a face asks), every layer's weights, biases, activations on the
fixed probe batch and weight gradients of the epoch's last batch are
summarised as the percentiles :data:`~nntui.training.measurements.PERCENTILES`
(0/7/16/31/50/69/84/93/100) and a small histogram. A learner sees a sigmoid
layer saturate (activations piling up at 0 and 1), ReLU units die (a band
stuck at 0), or weights grow without bound (the outer bands fanning out).

Cost: each tensor is summarised on a fixed sample of at most
:data:`MAX_SAMPLES` values (the same entries every epoch, so epochs compare),
with one sort per tensor; the probe batch's forward pass leaves the training
caches alone. A face turns the work on and off with a
:class:`~nntui.training.on_demand.Demand`.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from nntui.training.hooks import EpochHook
from nntui.training.measurements import (
    PERCENTILES,
    QUANTITIES,
    Distribution,
    DistributionsMeasured,
    LayerDistributions,
    Quantity,
)
from nntui.training.on_demand import Demand, Pacer
from nntui.training.reporting import probe_rows

if TYPE_CHECKING:
    from nntui.config import Task
    from nntui.nn.network import NeuralNetwork
    from nntui.training.datasets import RunData

MAX_SAMPLES = 2048
"""At most this many values of one tensor are summarised."""
HISTOGRAM_BINS = 24
"""Bins of the histogram of a distribution."""
SAMPLE_SEED = 0
"""Seeds the choice of the sampled entries (fixed: the same entries every epoch)."""

_FRACTIONS = np.asarray(PERCENTILES, dtype=np.float64) / 100.0


def fixed_sample(
    size: int, most: int = MAX_SAMPLES, seed: int = SAMPLE_SEED
) -> npt.NDArray[np.intp] | None:
    """Sorted indices of at most ``most`` entries of a tensor of ``size`` (``None``: all of them).

    The same ``size`` and ``seed`` give the same entries, so a tensor is
    sampled alike from epoch to epoch.
    """
    if size <= most:
        return None
    rng = np.random.default_rng(seed)
    chosen: npt.NDArray[np.intp] = np.sort(rng.choice(size, size=most, replace=False))
    return chosen


def summarize(
    values: npt.ArrayLike, *, size: int | None = None, bins: int = HISTOGRAM_BINS
) -> Distribution | None:
    """Percentiles and a histogram of the finite ``values`` (``None`` when there are none).

    Percentiles interpolate linearly between the sorted values, as
    ``numpy.percentile`` does by default; the histogram has ``bins`` equal bins
    from the minimum to the maximum (the last one closed). One sort does both.

    Args:
        values: the (sampled) values, any shape.
        size: the size of the tensor they were sampled from (default: their count).
        bins: histogram bins.

    Example:
        >>> summarize([1.0, 2.0, 3.0, 4.0, 5.0], bins=2).counts
        (2, 3)
    """
    flat = np.asarray(values, dtype=np.float64).ravel()
    total = flat.size
    if not np.isfinite(flat.sum()):  # a sum is finite only when every value is
        flat = flat[np.isfinite(flat)]
    count = flat.size
    if count == 0:
        return None
    ordered = np.sort(flat)
    below, above, weight = _interpolation(count)
    percentiles = ordered[below] * (1 - weight) + ordered[above] * weight
    low, high = float(ordered[0]), float(ordered[-1])
    if high > low:
        edges = np.empty(bins + 1, dtype=np.intp)  # index of each bin's first value
        edges[0], edges[-1] = 0, count
        edges[1:-1] = ordered.searchsorted(low + (high - low) * _edge_fractions(bins))
        counts = (edges[1:] - edges[:-1]).tolist()
    else:
        counts = [0] * bins
        counts[bins // 2] = count
    return Distribution(
        percentiles=tuple(percentiles.tolist()),
        counts=tuple(counts),
        low=low,
        high=high,
        size=int(total if size is None else size),
        sampled=int(count),
    )


@functools.lru_cache(maxsize=64)
def _interpolation(
    count: int,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[Any]]:
    """Where each percentile falls among ``count`` sorted values: below, above, weight."""
    positions = _FRACTIONS * (count - 1)
    below = np.floor(positions).astype(np.intp)
    return below, np.minimum(below + 1, count - 1), positions - below


@functools.lru_cache(maxsize=8)
def _edge_fractions(bins: int) -> npt.NDArray[np.float64]:
    """The inner bin edges of a histogram over [0, 1]."""
    fractions: npt.NDArray[np.float64] = np.arange(1, bins, dtype=np.float64) / bins
    return fractions


class TensorSampler:
    """The fixed sample of each tensor (one index per tensor size), chosen once per run."""

    def __init__(self, most: int = MAX_SAMPLES, seed: int = SAMPLE_SEED) -> None:
        self.most = most
        self.seed = seed
        self._indices: dict[int, npt.NDArray[np.intp] | None] = {}

    def sample(self, tensor: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """``tensor``'s sampled entries (all of them when it is small), flat."""
        flat = tensor.reshape(-1)
        if flat.size not in self._indices:
            self._indices[flat.size] = fixed_sample(flat.size, self.most, self.seed)
        index = self._indices[flat.size]
        return flat if index is None else flat[index]

    def summarize(self, tensor: npt.NDArray[Any]) -> Distribution | None:
        """The distribution of ``tensor``'s sampled entries."""
        return summarize(self.sample(tensor), size=tensor.size)


def measure_layers(
    network: NeuralNetwork,
    probe: npt.NDArray[Any],
    sampler: TensorSampler,
    quantities: tuple[Quantity, ...] = QUANTITIES,
) -> tuple[LayerDistributions, ...]:
    """Every layer's distributions now.

    Call it when no batch is in progress (between epochs, after the run).

    Args:
        network: the network (not changed; its training caches are left alone).
        probe: the fixed probe batch for the activations (no rows: none measured).
        sampler: the run's fixed samples.
        quantities: which quantities to measure.
    """
    outputs: list[Any] = [None] * len(network.layers)
    if "activations" in quantities and len(probe):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            outputs = list(network.layer_outputs(probe))
    tensors: dict[Quantity, Callable[[int], Any]] = {
        "weights": lambda index: network.layers[index].weights,
        "biases": lambda index: network.layers[index].biases,
        "activations": lambda index: outputs[index],
        "gradients": lambda index: network.layers[index].grad_weights,
    }
    layers = []
    for index in range(len(network.layers)):
        found: dict[str, Distribution | None] = {}
        for quantity in quantities:
            tensor = tensors[quantity](index)
            found[quantity] = None if tensor is None else sampler.summarize(np.asarray(tensor))
        layers.append(LayerDistributions(layer=f"dense_{index + 1}", **found))
    return tuple(layers)


class DistributionsHook(EpochHook):
    """The per-epoch hook that measures distributions while its demand is on.

    Register it with ``NetworkRunner(..., hooks=[hook])``; it sends each
    :class:`~nntui.training.measurements.DistributionsMeasured` to ``emit``
    (a face passes the same callback as the runner's ``on_event``, so the
    event is folded into its record like any other), in the training thread.

    Args:
        demand: the face's switch and pace (e.g. on while the tab shows, ~5 a second).
        emit: where the events go.
        clock: monotonic seconds; injectable for tests.
        quantities: which quantities to measure (all by default).
    """

    def __init__(
        self,
        demand: Demand,
        emit: Callable[[DistributionsMeasured], None],
        *,
        clock: Callable[[], float] = time.monotonic,
        quantities: tuple[Quantity, ...] = QUANTITIES,
    ) -> None:
        self.demand = demand
        self._emit = emit
        self._pacer = Pacer(demand, clock=clock)
        self.quantities = quantities
        self.network: NeuralNetwork | None = None
        self.probe: npt.NDArray[Any] = np.empty((0, 0))
        self.sampler = TensorSampler()
        self.measured = 0

    def on_run_begin(self, network: NeuralNetwork, data: RunData, task: Task) -> None:
        """Keep the network and the same probe batch as the layer diagnostics."""
        self.network = network
        self.probe = np.ascontiguousarray(data.x_train[: probe_rows(data.n_train)])
        self.sampler = TensorSampler()

    def on_epoch_end(self, epoch: int, *, pausing: bool) -> None:
        """Measure when due (always when the run pauses here)."""
        if self._pacer.due(epoch, force=pausing):
            self._measure(epoch, final=False)

    def on_run_end(self, epoch: int) -> None:
        """Measure the weights the run ended with (when the demand is on)."""
        if self.demand.enabled:
            self._measure(epoch, final=True)

    def measure_now(self, epoch: int) -> DistributionsMeasured | None:
        """The distributions now, not emitted (``None`` before the run began)."""
        if self.network is None:
            return None
        layers = measure_layers(self.network, self.probe, self.sampler, self.quantities)
        return DistributionsMeasured(epoch=epoch, layers=layers)

    def _measure(self, epoch: int, *, final: bool) -> None:
        if self.network is None:
            return
        layers = measure_layers(self.network, self.probe, self.sampler, self.quantities)
        self.measured += 1
        self._emit(DistributionsMeasured(epoch=epoch, layers=layers, final=final))
