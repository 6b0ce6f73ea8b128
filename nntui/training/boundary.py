"""The decision boundary of a 2-input network: its output over the input plane.

A face that draws the boundary registers a :class:`BoundaryHook` with the
runner and tells it the resolution it wants through a :class:`BoundaryRequest`;
the hook computes the grid in the training thread — one batched forward pass
between epochs, throttled by a :class:`BoundaryProducer` — and hands it to the
face as a :class:`BoundaryComputed`, together with the network's prediction
for each train and test point (so a face can mark the misclassified ones). The
face only maps values to colours and glyphs; the runner knows no pixels.

The plane drawn frames the data: the points' range plus a margin
(:data:`DATA_MARGIN`), as TensorFlow Playground does, so a spiral fills the
panel instead of sitting in the middle of the source's square.

Grid convention: row 0 is the top of the plane (``y_max``), column 0 its left
(``x_min``), each value is the prediction at its pixel's centre, and ``extent``
is ``(x_min, x_max, y_min, y_max)`` like Matplotlib's ``imshow``. The grid is in
the *raw* input plane: the network sees z-scored inputs, so the points are
standardised with the run's statistics before the forward pass.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from nntui.nn.arrays import FloatArray
from nntui.training.hooks import EpochHook
from nntui.training.on_demand import check_pace

if TYPE_CHECKING:
    from nntui.config import Task
    from nntui.nn.network import NeuralNetwork
    from nntui.nn.preprocessing import Standardizer
    from nntui.training.datasets import RunData

Extent = tuple[float, float, float, float]
GridKind = Literal["classification", "regression"]

#: Never compute grids more often than this (seconds): ~5 a second.
MIN_INTERVAL_S = 0.2
#: Nor more often than every this many epochs.
EVERY_EPOCHS = 1
#: The largest grid computed (pixels); a bigger request is capped, keeping its aspect.
MAX_PIXELS = 40_000
#: Share of the data's span added on each side of the plane drawn.
DATA_MARGIN = 0.08
#: How far the plane may stretch one axis against the other to fill the panel: a pixel at
#: most twice as tall as wide (or wide as tall). A 2:1 panel (the Monitor's) is filled by
#: data that spans a square; a wider one widens the plane instead of distorting further.
MAX_STRETCH = 2.0
#: At most this many training points are overlaid (every k-th one beyond it).
MAX_TRAIN_POINTS = 400


def check_extent(extent: Sequence[float]) -> Extent:
    """Validate an ``(x_min, x_max, y_min, y_max)`` extent.

    Raises:
        ValueError: If it is not four finite numbers with ``x_min < x_max`` and ``y_min < y_max``.
    """
    try:
        x_min, x_max, y_min, y_max = (float(value) for value in extent)
    except (TypeError, ValueError):
        raise ValueError(
            f"extent must be four numbers (x_min, x_max, y_min, y_max), got {extent!r}"
        ) from None
    if not all(math.isfinite(value) for value in (x_min, x_max, y_min, y_max)):
        raise ValueError(f"extent must be finite, got {extent!r}")
    if not (x_min < x_max and y_min < y_max):
        raise ValueError(f"extent needs x_min < x_max and y_min < y_max, got {extent!r}")
    return x_min, x_max, y_min, y_max


def square_pixel_extent(
    extent: Sequence[float], rows: int, cols: int, *, max_stretch: float = 1.0
) -> Extent:
    """Widen ``extent`` on one axis so a ``rows`` × ``cols`` grid's pixels are near square.

    Half-block pixels are about square on screen, so with ``max_stretch=1`` circles stay
    round however wide the panel is. A larger ``max_stretch`` lets a pixel be up to that
    many times taller than wide (or wider than tall) before the plane is widened: the
    data then fills more of a wide panel, as a plot with its own scale per axis does
    (the axis labels give both ranges). The original extent stays centred and inside.

    Args:
        extent: ``(x_min, x_max, y_min, y_max)`` that must be visible.
        rows: Pixel rows of the grid.
        cols: Pixel columns of the grid.
        max_stretch: the largest ratio of a pixel's height to its width (or back) kept.

    Returns:
        The widened extent.
    """
    x_min, x_max, y_min, y_max = check_extent(extent)
    if rows <= 0 or cols <= 0:
        return x_min, x_max, y_min, y_max
    width, height = x_max - x_min, y_max - y_min
    pixel_width, pixel_height = width / cols, height / rows
    if pixel_height > pixel_width * max_stretch:
        half = pixel_height / max_stretch * cols / 2
        middle = (x_min + x_max) / 2
        return middle - half, middle + half, y_min, y_max
    if pixel_width > pixel_height * max_stretch:
        half = pixel_width / max_stretch * rows / 2
        middle = (y_min + y_max) / 2
        return x_min, x_max, middle - half, middle + half
    return x_min, x_max, y_min, y_max


def grid_points(extent: Sequence[float], rows: int, cols: int) -> np.ndarray:
    """The input points to predict on for a ``rows`` × ``cols`` grid.

    Args:
        extent: ``(x_min, x_max, y_min, y_max)`` of the plane.
        rows: Pixel rows (row 0 is the top, ``y_max``).
        cols: Pixel columns (column 0 is the left, ``x_min``).

    Returns:
        A ``(rows * cols, 2)`` array of pixel centres in row-major order, so
        ``predict(points).reshape(rows, cols, -1)`` is the grid to display.
    """
    x_min, x_max, y_min, y_max = check_extent(extent)
    xs = x_min + (np.arange(cols) + 0.5) * (x_max - x_min) / cols
    ys = y_max - (np.arange(rows) + 0.5) * (y_max - y_min) / rows
    grid_x, grid_y = np.meshgrid(xs, ys)
    return np.column_stack([grid_x.ravel(), grid_y.ravel()])


def plane_extent(input_extent: tuple[float, float] | None, *points: np.ndarray) -> Extent | None:
    """The plane to draw: the data's box plus a margin of :data:`DATA_MARGIN` on each side.

    Args:
        input_extent: ``(low, high)`` of both inputs (2-D sources), or ``None``;
            only used when there are no finite points.
        points: ``(n, 2)`` raw inputs (e.g. train and test) to take the box from.

    Returns:
        ``(x_min, x_max, y_min, y_max)``, or ``None`` if there is nothing finite to draw.
    """
    box = data_box(*points)
    if box is not None:
        return box
    if input_extent is not None:
        low, high = (float(value) for value in input_extent)
        return check_extent((low, high, low, high))
    return None


def data_box(*points: np.ndarray) -> Extent | None:
    """The box of the finite points, widened by :data:`DATA_MARGIN` of its span on each side."""
    stacked = [np.asarray(block, dtype=np.float64).reshape(-1, 2) for block in points]
    if not stacked:
        return None
    xy = np.concatenate(stacked)
    xy = xy[np.isfinite(xy).all(axis=1)]
    if not len(xy):
        return None
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(high - low, 1e-9)
    low, high = low - DATA_MARGIN * span, high + DATA_MARGIN * span
    return check_extent((low[0], high[0], low[1], high[1]))


def boundary_grid(
    network: NeuralNetwork,
    standardizer: Standardizer,
    extent: Sequence[float],
    rows: int,
    cols: int,
    *,
    kind: GridKind,
) -> np.ndarray:
    """The network's output at the centre of every pixel of a ``rows`` × ``cols`` grid.

    One batched forward pass over the raw-plane points, z-scored like the training data.
    Call it when no batch is in progress (between epochs, or after the run).

    Args:
        network: a network with two inputs.
        standardizer: the run's input statistics (``RunData.standardizer``).
        extent: ``(x_min, x_max, y_min, y_max)`` of the raw input plane.
        rows: pixel rows (row 0 is ``y_max``).
        cols: pixel columns (column 0 is ``x_min``).
        kind: ``"classification"``: ``(rows, cols, n_outputs)`` probabilities (one
            sigmoid output is the probability of class 1); ``"regression"``:
            ``(rows, cols)`` values of the first output.

    Returns:
        A new read-only float array.

    Raises:
        ValueError: the network does not take two inputs, or the shape is empty.
    """
    if network.layer_sizes[0] != 2:
        raise ValueError(
            f"a decision boundary needs a network with 2 inputs, this one has "
            f"{network.layer_sizes[0]}"
        )
    if rows <= 0 or cols <= 0:
        raise ValueError(f"a grid needs at least one row and column, got {rows}×{cols}")
    points = grid_points(extent, rows, cols)
    inputs = standardizer.transform(points)
    output = network.predict_proba(inputs) if network.is_classification else network.predict(inputs)
    values: FloatArray
    if kind == "classification":
        values = output.reshape(rows, cols, -1)
    else:
        values = np.ascontiguousarray(output[:, 0]).reshape(rows, cols)
    values.flags.writeable = False
    return values


class BoundaryRequest:
    """The grid resolution a face wants, shared with the training thread (thread-safe).

    The face calls :meth:`set_shape` whenever its panel changes size (0 × 0, or
    :meth:`clear`, when nothing is shown); the runner reads :meth:`shape`
    between epochs.

    Args:
        every_epochs: compute at most every this many epochs.
        min_interval_s: and at most once per this many seconds (whichever is rarer);
            a face may change both attributes at any time, e.g. to the pace at
            which it actually redraws.

    Example:
        >>> request = BoundaryRequest()
        >>> request.shape() is None
        True
        >>> request.set_shape(40, 60); request.shape()
        (40, 60)
    """

    def __init__(
        self, *, every_epochs: int = EVERY_EPOCHS, min_interval_s: float = MIN_INTERVAL_S
    ) -> None:
        check_pace(every_epochs, min_interval_s)
        self.every_epochs = every_epochs
        self.min_interval_s = min_interval_s
        self._lock = threading.Lock()
        self._shape: tuple[int, int] | None = None
        self._version = 0

    def set_shape(self, rows: int, cols: int) -> None:
        """Ask for grids of ``rows`` × ``cols`` pixels (nothing when either is 0)."""
        shape = (int(rows), int(cols)) if rows > 0 and cols > 0 else None
        with self._lock:
            if shape != self._shape:
                self._shape = shape
                self._version += 1

    def clear(self) -> None:
        """Nothing is shown: stop computing grids."""
        self.set_shape(0, 0)

    def shape(self) -> tuple[int, int] | None:
        """The wanted ``(rows, cols)``, or ``None`` when no grid is wanted."""
        with self._lock:
            return self._shape

    def snapshot(self) -> tuple[tuple[int, int] | None, int]:
        """``(shape, version)``: the version changes whenever the shape does."""
        with self._lock:
            return self._shape, self._version


@dataclass(frozen=True, eq=False)
class BoundaryComputed:
    """A decision-boundary grid, computed in the training thread.

    Attributes:
        epoch: the epoch the network had completed (0: before training).
        rows: pixel rows of ``values``.
        cols: pixel columns of ``values``.
        extent: ``(x_min, x_max, y_min, y_max)`` the grid covers (the data's box and a
            margin, widened where a pixel would stretch more than :data:`MAX_STRETCH`).
        kind: ``"classification"`` or ``"regression"``.
        values: read-only ``(rows, cols, n_outputs)`` probabilities or ``(rows, cols)``
            regression values; row 0 is the top of the plane.
        points: the test points, ``(n, 2)`` raw coordinates, read-only; the same
            array object in every event of a run.
        labels: one class index (classification) or target value (regression) per point.
        final: True for the grid of the network the run ended with.
        predicted: the network's class index (or value) for each test point, now.
        train_points: up to :data:`MAX_TRAIN_POINTS` training points, ``(m, 2)``, read-only.
        train_labels: their class indices or target values.
        train_predicted: the network's class index (or value) for each of them, now.
    """

    epoch: int
    rows: int
    cols: int
    extent: Extent
    kind: str
    values: np.ndarray
    points: np.ndarray
    labels: np.ndarray
    final: bool = False
    predicted: np.ndarray = field(default_factory=lambda: np.empty(0))
    train_points: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    train_labels: np.ndarray = field(default_factory=lambda: np.empty(0))
    train_predicted: np.ndarray = field(default_factory=lambda: np.empty(0))


class BoundaryProducer:
    """Decide when to compute a boundary grid during a run, and compute it.

    Lives in the training thread: the runner calls :meth:`after_epoch` after each
    epoch and :meth:`final` once training is over.

    Args:
        request: the face's wanted resolution and throttle.
        network: the run's network (2 inputs).
        standardizer: the run's input statistics.
        extent: the raw plane to draw, before widening for square pixels.
        kind: ``"classification"`` or ``"regression"``.
        points: the test points, raw coordinates.
        labels: their class indices or target values.
        emit: where the events go (the runner's ``on_event``).
        clock: monotonic seconds; injectable for tests.
    """

    def __init__(
        self,
        request: BoundaryRequest,
        network: NeuralNetwork,
        standardizer: Standardizer,
        extent: Extent,
        kind: GridKind,
        points: np.ndarray,
        labels: np.ndarray,
        emit: Callable[[BoundaryComputed], None],
        *,
        clock: Callable[[], float] = time.monotonic,
        train_points: np.ndarray | None = None,
        train_labels: np.ndarray | None = None,
    ) -> None:
        self.request = request
        self.network = network
        self.standardizer = standardizer
        self.extent = check_extent(extent)
        self.kind: GridKind = kind
        self.points = _read_only(np.asarray(points, dtype=np.float64).reshape(-1, 2))
        self.labels = _read_only(np.asarray(labels, dtype=np.float64).reshape(-1))
        train_xy = np.empty((0, 2)) if train_points is None else np.asarray(train_points)
        train_y = np.empty(0) if train_labels is None else np.asarray(train_labels)
        keep = _every_kth(len(train_xy), MAX_TRAIN_POINTS)
        self.train_points = _read_only(train_xy.astype(np.float64).reshape(-1, 2)[keep])
        self.train_labels = _read_only(train_y.astype(np.float64).reshape(-1)[keep])
        self._emit = emit
        self._clock = clock
        self._last_epoch: int | None = None
        self._last_time = -math.inf
        self._last_version = -1
        self.computed = 0

    def after_epoch(self, epoch: int, *, force: bool = False) -> bool:
        """Compute and emit a grid if one is due (or ``force``, e.g. the run pauses here).

        Due when the request is new or changed, or when both ``every_epochs``
        epochs and ``min_interval_s`` seconds have passed since the last grid.

        Returns:
            Whether a grid was emitted.
        """
        shape, version = self.request.snapshot()
        if shape is None:
            return False
        now = self._clock()
        if not (force or version != self._last_version):
            epochs_ok = (
                self._last_epoch is None or epoch - self._last_epoch >= self.request.every_epochs
            )
            if not epochs_ok or now - self._last_time < self.request.min_interval_s:
                return False
        self._compute(epoch, shape, version, now, final=False)
        return True

    def final(self, epoch: int) -> bool:
        """Emit the grid of the network the run ended with (always, if a grid is wanted)."""
        shape, version = self.request.snapshot()
        if shape is None:
            return False
        self._compute(epoch, shape, version, self._clock(), final=True)
        return True

    def compute(self, epoch: int, rows: int, cols: int, *, final: bool = False) -> BoundaryComputed:
        """The grid for ``rows`` × ``cols`` pixels now, as an event (not emitted)."""
        rows, cols = _capped(rows, cols)
        extent = square_pixel_extent(self.extent, rows, cols, max_stretch=MAX_STRETCH)
        values = boundary_grid(self.network, self.standardizer, extent, rows, cols, kind=self.kind)
        return BoundaryComputed(
            predicted=self.predict_points(self.points),
            train_points=self.train_points,
            train_labels=self.train_labels,
            train_predicted=self.predict_points(self.train_points),
            epoch=epoch,
            rows=rows,
            cols=cols,
            extent=extent,
            kind=self.kind,
            values=values,
            points=self.points,
            labels=self.labels,
            final=final,
        )

    def predict_points(self, points: np.ndarray) -> np.ndarray:
        """The network's class index (or first output, for regression) at raw ``points``."""
        if not len(points):
            return _read_only(np.empty(0))
        inputs = self.standardizer.transform(points)
        network = self.network
        output = (
            network.predict_proba(inputs) if network.is_classification else network.predict(inputs)
        )
        # A sigmoid's probability rounds to its class; a softmax's largest wins.
        return _read_only(point_labels(output, self.kind))

    def _compute(
        self, epoch: int, shape: tuple[int, int], version: int, now: float, *, final: bool
    ) -> None:
        event = self.compute(epoch, *shape, final=final)
        self._last_epoch, self._last_time, self._last_version = epoch, now, version
        self.computed += 1
        self._emit(event)


def point_labels(y: np.ndarray, kind: GridKind) -> np.ndarray:
    """Per-point labels for the overlay: class indices from one-hot/sigmoid targets, or values.

    Args:
        y: targets as the network's head takes them: one-hot ``(n, k)``, ``(n, 1)``
            0/1 for a sigmoid head, or ``(n, 1)`` regression values.
        kind: ``"classification"`` or ``"regression"``.
    """
    targets: FloatArray = np.asarray(y, dtype=np.float64)
    if targets.ndim == 1:
        targets = targets.reshape(-1, 1)
    labels: FloatArray
    if kind == "regression":
        labels = targets[:, 0].copy()
    elif targets.shape[1] == 1:
        labels = np.rint(targets[:, 0])
    else:
        labels = targets.argmax(axis=1).astype(np.float64)
    return labels


def _every_kth(count: int, most: int) -> slice:
    """Every k-th row, so at most ``most`` of ``count`` rows are kept (all when they fit)."""
    return slice(None, None, max(1, math.ceil(count / most)))


def _capped(rows: int, cols: int) -> tuple[int, int]:
    rows, cols = max(int(rows), 1), max(int(cols), 1)
    pixels = rows * cols
    if pixels <= MAX_PIXELS:
        return rows, cols
    scale = math.sqrt(MAX_PIXELS / pixels)
    return max(1, int(rows * scale)), max(1, int(cols * scale))


def _read_only(array: np.ndarray) -> np.ndarray:
    copy = np.array(array)
    copy.flags.writeable = False
    return copy


class BoundaryHook(EpochHook):
    """The per-epoch hook that computes decision-boundary grids for a face.

    Register it with ``NetworkRunner(..., hooks=[hook])``. It is active for
    networks with 2 inputs and does nothing otherwise.

    Args:
        request: the face's wanted resolution and throttle.
        emit: where the grids go, called in the training thread.
        clock: monotonic seconds; injectable for tests.
    """

    def __init__(
        self,
        request: BoundaryRequest,
        emit: Callable[[BoundaryComputed], None],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.request = request
        self._emit = emit
        self._clock = clock
        self.producer: BoundaryProducer | None = None
        self._epoch = 0

    def on_run_begin(self, network: NeuralNetwork, data: RunData, task: Task) -> None:
        """Set up the grid maths when the network has 2 inputs."""
        self.producer = None
        if data.n_features != 2:
            return
        extent = plane_extent(data.input_extent, data.x_train_raw, data.x_test_raw)
        if extent is None:
            return
        self.producer = BoundaryProducer(
            self.request,
            network,
            data.standardizer,
            extent,
            task,
            data.x_test_raw,
            point_labels(data.y_test, task),
            self._emit,
            clock=self._clock,
            train_points=data.x_train_raw,
            train_labels=point_labels(data.y_train, task),
        )

    def on_epoch_end(self, epoch: int, *, pausing: bool) -> None:
        """Compute a grid when one is due (always when the run pauses here)."""
        self._epoch = epoch
        if self.producer is not None:
            self.producer.after_epoch(epoch, force=pausing)

    def on_run_end(self, epoch: int) -> None:
        """The grid of the network the run ended with (best weights restored, if so)."""
        self._epoch = epoch
        if self.producer is not None:
            self.producer.final(epoch)

    def grid_now(self, rows: int, cols: int) -> BoundaryComputed | None:
        """The grid of the network as it is now, at ``rows`` × ``cols`` (not emitted).

        For a face whose panel was resized when no epoch will end any more.
        Call it when no batch is in progress (after the run, or through
        ``RunControl.submit``).

        Returns:
            The grid, or ``None`` when this run makes no grids (not 2 inputs).
        """
        if self.producer is None:
            return None
        return self.producer.compute(self._epoch, rows, cols, final=True)
