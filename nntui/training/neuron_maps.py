"""Neuron maps: every hidden unit's activation over the input plane (TensorFlow Playground's view).

For a network with two inputs, each hidden unit computes a function of the
point ``(x1, x2)``; drawn over the plane it is a small picture of what the unit
has learnt to detect (a line, a wedge, a blob). :class:`NeuronMapsHook`
computes all of them in the training thread with **one** batched forward pass
over a grid of points (:meth:`NeuralNetwork.layer_outputs
<nntui.nn.network.NeuralNetwork.layer_outputs>`, which leaves the training
caches alone), on the same plane as the decision boundary
(:mod:`nntui.training.boundary`: the data's box plus a margin, widened for
square pixels), and hands them to the face as a :class:`NeuronMapsComputed`.

Beside each map: the unit's strongest outgoing weight (sign and size), i.e.
how much, and which way, the unit speaks to the next layer; and an order of
the units by how much their activation varies over the plane, so a face that
cannot show a large layer whole shows its most active units first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from nntui.training.boundary import Extent, grid_points, plane_extent, square_pixel_extent
from nntui.training.hooks import EpochHook
from nntui.training.on_demand import Demand, Pacer

if TYPE_CHECKING:
    from nntui.config import Task
    from nntui.nn.network import NeuralNetwork
    from nntui.nn.preprocessing import Standardizer
    from nntui.training.datasets import RunData

TILE_ROWS = 6
"""Default pixel rows of one tile (3 text rows of half blocks)."""
TILE_COLS = 10
"""Default pixel columns of one tile."""
MAX_TILE_PIXELS = 4096
"""A tile is never computed larger than this many pixels."""


@dataclass(frozen=True, eq=False)
class LayerMaps:
    """The maps of one hidden layer's units.

    Attributes:
        layer: ``dense_1`` …
        activation: the layer's activation function.
        values: read-only ``(units, rows, cols)`` activations over the plane;
            row 0 is the top of the plane (as in the boundary grid).
        low: the smallest value in the layer's maps.
        high: the largest.
        outgoing: per unit, its strongest outgoing weight (largest in size,
            with its sign) to the next layer.
        order: unit indices, the most varied over the plane first.
    """

    layer: str
    activation: str
    values: npt.NDArray[Any]
    low: float
    high: float
    outgoing: tuple[float, ...]
    order: tuple[int, ...]

    @property
    def units(self) -> int:
        """Units in the layer."""
        return int(self.values.shape[0])


@dataclass(frozen=True, eq=False)
class NeuronMapsComputed:
    """Every hidden unit's map after epoch ``epoch`` (not a ``RunEvent``: it holds arrays).

    Attributes:
        epoch: the epoch the network had completed.
        rows: pixel rows of a tile.
        cols: pixel columns of a tile.
        extent: ``(x_min, x_max, y_min, y_max)`` of the raw input plane.
        layers: one entry per hidden layer, input side first.
        final: computed on the weights the run ended with.
    """

    epoch: int
    rows: int
    cols: int
    extent: Extent
    layers: tuple[LayerMaps, ...]
    final: bool = False


class NeuronMapsRequest(Demand):
    """The tile size a face wants, and whether it wants maps at all (thread-safe).

    Args:
        rows: pixel rows of a tile.
        cols: pixel columns of a tile.
        enabled: wanted from the start.
        every_epochs: compute at most every this many epochs.
        min_interval_s: and at most once per this many seconds.
    """

    def __init__(
        self,
        rows: int = TILE_ROWS,
        cols: int = TILE_COLS,
        *,
        enabled: bool = False,
        every_epochs: int = 1,
        min_interval_s: float = 0.2,
    ) -> None:
        super().__init__(enabled=enabled, every_epochs=every_epochs, min_interval_s=min_interval_s)
        self._tile_lock = threading.Lock()
        self._tile = _checked_tile(rows, cols)

    def set_tile(self, rows: int, cols: int) -> None:
        """Ask for tiles of ``rows`` × ``cols`` pixels (computed again at the next epoch)."""
        tile = _checked_tile(rows, cols)
        with self._tile_lock:
            if tile == self._tile:
                return
            self._tile = tile
        self.changed()

    @property
    def tile(self) -> tuple[int, int]:
        """``(rows, cols)`` of a tile."""
        with self._tile_lock:
            return self._tile


def neuron_maps(
    network: NeuralNetwork,
    standardizer: Standardizer,
    extent: Extent,
    rows: int,
    cols: int,
) -> tuple[LayerMaps, ...]:
    """Every hidden unit's activation over a ``rows`` × ``cols`` grid of the raw input plane.

    Args:
        network: a network with two inputs (not changed).
        standardizer: the run's input statistics (the grid is z-scored like the data).
        extent: ``(x_min, x_max, y_min, y_max)`` of the raw plane.
        rows: pixel rows (row 0 is ``y_max``).
        cols: pixel columns (column 0 is ``x_min``).

    Returns:
        One :class:`LayerMaps` per hidden layer (none for a network without one).

    Raises:
        ValueError: the network does not take two inputs.
    """
    if network.layer_sizes[0] != 2:
        raise ValueError(
            f"neuron maps need a network with 2 inputs, this one has {network.layer_sizes[0]}"
        )
    points = standardizer.transform(grid_points(extent, rows, cols))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        outputs = network.layer_outputs(points)  # one batched pass, caches left alone
    maps = []
    for index, activations in enumerate(outputs[:-1]):
        units = activations.shape[1]
        values = np.ascontiguousarray(activations.T).reshape(units, rows, cols)
        values.flags.writeable = False
        spread = values.reshape(units, -1).std(axis=1)
        maps.append(
            LayerMaps(
                layer=f"dense_{index + 1}",
                activation=network.activations[index],
                values=values,
                low=float(np.nanmin(values)) if values.size else 0.0,
                high=float(np.nanmax(values)) if values.size else 0.0,
                outgoing=strongest_outgoing(network.layers[index + 1].weights),
                order=tuple(int(unit) for unit in np.argsort(-spread, kind="stable")),
            )
        )
    return tuple(maps)


def strongest_outgoing(weights: npt.ArrayLike) -> tuple[float, ...]:
    """Per row of ``W`` (one unit of the layer below), the entry largest in size, with its sign.

    Example:
        >>> strongest_outgoing([[0.5, -2.0], [0.1, 0.3]])
        (-2.0, 0.3)
    """
    matrix = np.asarray(weights, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        return ()
    columns = np.abs(matrix).argmax(axis=1)
    return tuple(float(value) for value in matrix[np.arange(len(matrix)), columns])


class NeuronMapsHook(EpochHook):
    """The per-epoch hook that computes neuron maps while its request is on.

    Register it with ``NetworkRunner(..., hooks=[hook])``. It is active for
    networks with 2 inputs and at least one hidden layer, and does nothing otherwise.

    Args:
        request: the face's tile size, switch and pace.
        emit: where the :class:`NeuronMapsComputed` go, called in the training thread.
        clock: monotonic seconds; injectable for tests.
    """

    def __init__(
        self,
        request: NeuronMapsRequest,
        emit: Callable[[NeuronMapsComputed], None],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.request = request
        self._emit = emit
        self._pacer = Pacer(request, clock=clock)
        self.network: NeuralNetwork | None = None
        self.standardizer: Standardizer | None = None
        self.extent: Extent | None = None
        self._epoch = 0
        self.computed = 0

    @property
    def active(self) -> bool:
        """Whether this run has maps to draw (2 inputs, a hidden layer)."""
        return self.network is not None

    def on_run_begin(self, network: NeuralNetwork, data: RunData, task: Task) -> None:
        """Keep the network and the plane of a 2-input network with a hidden layer."""
        self.network = self.standardizer = self.extent = None
        if data.n_features != 2 or len(network.layers) < 2:
            return
        extent = plane_extent(data.input_extent, data.x_train_raw, data.x_test_raw)
        if extent is None:
            return
        self.network, self.standardizer, self.extent = network, data.standardizer, extent

    def on_epoch_end(self, epoch: int, *, pausing: bool) -> None:
        """Compute maps when due (always when the run pauses here)."""
        self._epoch = epoch
        if self.network is not None and self._pacer.due(epoch, force=pausing):
            self._emit_maps(epoch, final=False)

    def on_run_end(self, epoch: int) -> None:
        """The maps of the network the run ended with (when the request is on)."""
        self._epoch = epoch
        if self.network is not None and self.request.enabled:
            self._emit_maps(epoch, final=True)

    def maps_now(self) -> NeuronMapsComputed | None:
        """The maps of the network as it is now, not emitted (``None``: no maps for this run).

        Call it when no batch is in progress (after the run, or through
        ``RunControl.submit``), e.g. after the face changed its tile size.
        """
        if self.network is None or self.standardizer is None or self.extent is None:
            return None
        rows, cols = self.request.tile
        extent = square_pixel_extent(self.extent, rows, cols)
        layers = neuron_maps(self.network, self.standardizer, extent, rows, cols)
        return NeuronMapsComputed(self._epoch, rows, cols, extent, layers, final=True)

    def _emit_maps(self, epoch: int, *, final: bool) -> None:
        computed = self.maps_now()
        if computed is None:
            return
        self.computed += 1
        self._emit(
            NeuronMapsComputed(
                epoch, computed.rows, computed.cols, computed.extent, computed.layers, final
            )
        )


def _checked_tile(rows: int, cols: int) -> tuple[int, int]:
    rows, cols = int(rows), int(cols)
    if rows < 1 or cols < 1:
        raise ValueError(f"a tile needs at least one pixel row and column, got {rows}×{cols}")
    if rows * cols > MAX_TILE_PIXELS:
        raise ValueError(f"a tile has at most {MAX_TILE_PIXELS} pixels, got {rows}×{cols}")
    return rows, cols
