"""DecisionBoundary: the network's output over the input plane, as a half-block heat map.

The widget only maps values to colours. Whoever owns the network (the training worker)
computes the grid with one batched forward pass at the resolution :meth:`grid_shape`
asks for, at the points :func:`nntui.training.boundary.grid_points` lists, and hands it
over with :meth:`DecisionBoundary.set_grid`. When the widget's size changes it posts
:class:`DecisionBoundary.Resized` so the producer can compute the next grid at the new
resolution; until then the last grid is stretched to fit.

Points are drawn over the map with a glyph per class, filled for training
points and hollow for test points (``●``/``○``, ``▲``/``△`` …), and ``×`` where
the network gets a point wrong, each in its true class's colour: the picture
reads without colour too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from nntui.tui.render.heatmap import (
    NO_COLOR_SHADES,
    RGB,
    WRONG_GLYPH,
    DivergingScale,
    Extent,
    Point,
    check_extent,
    class_color,
    class_glyph,
    classification_rgb,
    half_block_lines,
    pixels_of_points,
    regression_rgb,
    resample_nearest,
)

GridKind = Literal["classification", "regression"]
#: Training points cover at most this share of the map's cells (every k-th one beyond),
#: so the map under them stays visible; test points are always all drawn.
TRAIN_POINT_SHARE = 0.1
_KINDS = ("classification", "regression")


class DecisionBoundary(Widget):
    """A heat map of a 2-input network's output, with the test points on top.

    Args:
        placeholder: Text shown until the first grid arrives.
        name: The widget's name.
        id: The widget's DOM id.
        classes: Space-separated CSS classes.
        disabled: Whether the widget is disabled.
    """

    DEFAULT_CSS = """
    DecisionBoundary {
        height: 1fr;
        width: 1fr;
    }
    """

    class Resized(Message):
        """The grid resolution the widget wants has changed: compute a grid of this shape.

        Only the latest one matters, so a queued one is replaced by a newer one.

        Attributes:
            boundary: The widget that wants the grid.
            rows: Pixel rows (twice the widget's height in cells).
            cols: Pixel columns (the widget's width in cells).
        """

        def __init__(self, boundary: DecisionBoundary, rows: int, cols: int) -> None:
            super().__init__()
            self.boundary = boundary
            self.rows = rows
            self.cols = cols

        @property
        def control(self) -> DecisionBoundary:
            """The widget that posted the message (for ``@on(..., "#id")`` selectors)."""
            return self.boundary

        def can_replace(self, message: Message) -> bool:
            """A newer size supersedes an older one from the same widget."""
            return (
                isinstance(message, DecisionBoundary.Resized) and message.boundary is self.boundary
            )

    def __init__(
        self,
        placeholder: str = "The decision boundary appears once a 2-input network is training.",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.placeholder = placeholder
        self._grid: np.ndarray | None = None
        self._kind: GridKind = "classification"
        self._extent: Extent = (-1.0, 1.0, -1.0, 1.0)
        self._scale = DivergingScale()
        self._points_xy = np.empty((0, 2))
        self._point_labels = np.empty(0)
        self._point_test = np.empty(0, dtype=bool)
        self._point_wrong = np.empty(0, dtype=bool)
        self._announced: tuple[int, int] | None = None
        self._version = 0
        self._cache_key: tuple[object, ...] | None = None
        self._strips: list[Strip] = []

    # ---- data -----------------------------------------------------------------------------

    def set_grid(
        self,
        values: np.ndarray | Sequence[object],
        *,
        kind: GridKind,
        extent: tuple[float, float, float, float],
    ) -> None:
        """Show a new prediction grid.

        Args:
            values: ``(rows, cols, n_classes)`` probabilities for classification
                (``n_classes == 1`` means the probability of class 1 of two), or
                ``(rows, cols)`` values for regression. Row 0 is the top (``y_max``) of
                the plane, column 0 its left (``x_min``). Any shape is stretched to fit;
                :meth:`grid_shape` is the one that fits exactly.
            kind: ``"classification"`` or ``"regression"``.
            extent: ``(x_min, x_max, y_min, y_max)`` of the plane the grid covers.

        Raises:
            ValueError: If the kind, the extent or the grid's shape is invalid.
        """
        if kind not in _KINDS:
            raise ValueError(f"kind must be 'classification' or 'regression', got {kind!r}")
        checked_extent = check_extent(extent)
        try:
            grid = np.array(values, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"grid values must be numbers ({error})") from None
        if kind == "regression" and grid.ndim == 3 and grid.shape[2] == 1:
            grid = grid[..., 0]
        wanted = 3 if kind == "classification" else 2
        if grid.ndim != wanted or 0 in grid.shape:
            expected = "(rows, cols, n_classes)" if wanted == 3 else "(rows, cols)"
            raise ValueError(f"a {kind} grid must have shape {expected}, got {grid.shape}")
        self._grid, self._kind, self._extent = grid, kind, checked_extent
        if kind == "regression":
            self._scale = DivergingScale.for_values(grid)
        self._changed()

    def set_points(
        self,
        xy: Sequence[tuple[float, float]] | np.ndarray,
        labels: Sequence[float] | np.ndarray,
        *,
        predicted: Sequence[float] | np.ndarray | None = None,
        train_xy: Sequence[tuple[float, float]] | np.ndarray | None = None,
        train_labels: Sequence[float] | np.ndarray | None = None,
        train_predicted: Sequence[float] | np.ndarray | None = None,
    ) -> None:
        """Overlay the test points (hollow glyphs) and the training points (filled).

        Args:
            xy: ``(n, 2)`` test input coordinates; points outside the extent are not drawn.
            labels: ``n`` class indices (classification) or target values (regression).
            predicted: the network's class per test point; a wrong one is drawn ``×``.
            train_xy: ``(m, 2)`` training input coordinates.
            train_labels: their class indices or target values.
            train_predicted: the network's class per training point.

        Raises:
            ValueError: If the shapes do not match or the values are not numbers.
        """
        test = _checked_points(xy, labels, predicted)
        train = _checked_points(
            np.empty((0, 2)) if train_xy is None else train_xy,
            np.empty(0) if train_labels is None else train_labels,
            train_predicted,
        )
        # Training points first: a test point (and then a wrong one) wins a shared cell.
        order = np.argsort(np.concatenate([train[3], test[3]]), kind="stable")
        self._points_xy = np.concatenate([train[0], test[0]])[order]
        self._point_labels = np.concatenate([train[1], test[1]])[order]
        self._point_test = np.concatenate(
            [np.zeros(len(train[1]), dtype=bool), np.ones(len(test[1]), dtype=bool)]
        )[order]
        self._point_wrong = np.concatenate([train[2], test[2]])[order]
        self._changed()

    def clear(self) -> None:
        """Forget the grid and the points and show the placeholder again."""
        self._grid = None
        self._points_xy, self._point_labels = np.empty((0, 2)), np.empty(0)
        self._point_test = np.empty(0, dtype=bool)
        self._point_wrong = np.empty(0, dtype=bool)
        self._changed()

    @property
    def scale(self) -> DivergingScale:
        """The regression colour scale of the grid shown."""
        return self._scale

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """``(x_min, x_max, y_min, y_max)`` of the plane shown."""
        return self._extent

    @property
    def monochrome(self) -> bool:
        """True under ``NO_COLOR``: classes as greys of distinct lightness, glyphs black/white."""
        return self.is_attached and bool(self.app.no_color)

    @property
    def has_grid(self) -> bool:
        """Whether a grid has been set (the placeholder is gone)."""
        return self._grid is not None

    def grid_shape(self) -> tuple[int, int]:
        """The ``(rows, cols)`` grid that fills the widget exactly: two pixel rows per cell.

        Before the widget has a size this is the smallest grid, ``(2, 1)``.
        """
        width, height = self.size
        return max(2, 2 * height), max(1, width)

    def _changed(self) -> None:
        self._version += 1
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        """Tell the producer when the resolution it should compute has changed."""
        shape = self.grid_shape()
        if shape != self._announced:
            self._announced = shape
            self.post_message(self.Resized(self, *shape))

    # ---- rendering --------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """The widget's colours may have changed: draw the picture again."""
        super().notify_style_update()
        self._cache_key = None

    def render_line(self, y: int) -> Strip:
        """Render line ``y``, rebuilding the picture if the size, data or colours changed."""
        width, height = self.size
        key = (width, height, self._version)
        if key != self._cache_key:
            # Styles are read once per picture, not per line: each read walks every
            # ancestor's styles (~0.1 ms a line, a quarter of the map's cost).
            style = self.rich_style
            strips = self.render_strips(width, height, self.background_colors[1].rgb)
            if self._grid is None:  # the map's cells set their own colours; text does not
                strips = [strip.apply_style(style) for strip in strips]
            self._strips = strips
            self._strips += [Strip.blank(width, style)] * (height - len(self._strips))
            self._cache_key = key
        return self._strips[y] if 0 <= y < len(self._strips) else Strip.blank(width)

    def render_strips(self, width: int, height: int, background: RGB = (0, 0, 0)) -> list[Strip]:
        """Draw the heat map (or the placeholder) for a ``width`` × ``height`` area.

        Args:
            width: Width in cells.
            height: Height in cells.
            background: Colour uncertain regions fade to (the widget's background).

        Returns:
            One strip per line.
        """
        if width <= 0 or height <= 0:
            return []
        if self._grid is None:
            return self._placeholder(width, height)
        monochrome = self.monochrome
        if self._kind == "classification":
            palette = NO_COLOR_SHADES if monochrome else None
            colours = classification_rgb(self._grid, background=background, palette=palette)
        else:
            colours = regression_rgb(self._grid, scale=self._scale, background=background)
        rows, cols = 2 * height, width
        image = resample_nearest(colours, rows, cols)
        lines = half_block_lines(image, self._point_cells(rows, cols), monochrome=monochrome)
        return [Strip(segments, width) for segments in lines]

    def _point_cells(self, rows: int, cols: int) -> dict[tuple[int, int], Point]:
        """Overlay glyph and colour per ``(cell_row, col)``; a later point wins a shared cell."""
        if not self._point_labels.size:
            return {}
        pixel_rows, pixel_cols, inside = pixels_of_points(self._points_xy, self._extent, rows, cols)
        finite_labels = np.isfinite(self._point_labels) & self._thinned(rows // 2 * cols)
        shown = np.flatnonzero(inside & finite_labels)
        places = zip((pixel_rows[shown] // 2).tolist(), pixel_cols[shown].tolist(), strict=True)
        drawn = zip(self._point_glyphs(shown), self._point_colours(shown), strict=True)
        return dict(zip(places, drawn, strict=True))

    def _thinned(self, cells: int) -> np.ndarray:
        """Which points to draw: every test point and wrong point, every k-th training point."""
        train = np.flatnonzero(~self._point_test)
        keep = np.ones(len(self._point_labels), dtype=bool)
        most = max(1, int(cells * TRAIN_POINT_SHARE))
        if len(train) > most:
            keep[train] = False
            keep[train[:: -(-len(train) // most)]] = True
            keep |= self._point_wrong  # a point the network gets wrong always shows
        return keep

    def _point_glyphs(self, shown: np.ndarray) -> list[str]:
        """Per ``shown`` point: ``×`` if the network gets it wrong, else its class's glyph."""
        tests = self._point_test[shown].tolist()
        if self._kind == "regression":
            return ["○" if test else "●" for test in tests]
        labels = self._point_labels[shown].astype(int).tolist()  # finite: only those are shown
        return [
            WRONG_GLYPH if wrong else class_glyph(label, test=test)
            for label, test, wrong in zip(
                labels, tests, self._point_wrong[shown].tolist(), strict=True
            )
        ]

    def _point_colours(self, shown: np.ndarray) -> list[RGB]:
        """Per ``shown`` point: its class's colour, or its value's on the colour scale."""
        if self._kind == "classification":
            return [class_color(label) for label in self._point_labels[shown].astype(int).tolist()]
        full = np.clip(np.rint(self._scale.rgb(self._point_labels[shown])), 0, 255).astype(int)
        return [(red, green, blue) for red, green, blue in full.tolist()]

    def _placeholder(self, width: int, height: int) -> list[Strip]:
        words = self.placeholder.split()
        lines: list[str] = []
        for word in words:
            if lines and len(lines[-1]) + 1 + len(word) <= width:
                lines[-1] += " " + word
            else:
                lines.append(word)
        top = max(0, (height - len(lines)) // 2)
        strips = [Strip.blank(width) for _ in range(height)]
        for offset, line in enumerate(lines[:height]):
            segment = Segment(line[:width].center(width), Style(dim=True))
            strips[min(height - 1, top + offset)] = Strip([segment], width)
        return strips


def _checked_points(
    xy: Sequence[tuple[float, float]] | np.ndarray,
    labels: Sequence[float] | np.ndarray,
    predicted: Sequence[float] | np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(points, labels, wrong, drawing rank)`` of one set of points, checked.

    The rank draws right points before wrong ones, so a ``×`` is never hidden.
    """
    try:
        points = np.array(xy, dtype=np.float64)
        point_labels = np.array(labels, dtype=np.float64)
        guesses = None if predicted is None else np.array(predicted, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"points and labels must be numbers ({error})") from None
    if points.size == 0:
        points = points.reshape(0, 2)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {points.shape}")
    if point_labels.shape != (points.shape[0],):
        raise ValueError(
            f"need one label per point: {points.shape[0]} points, labels {point_labels.shape}"
        )
    wrong = np.zeros(len(point_labels), dtype=bool)
    if guesses is not None and guesses.shape == point_labels.shape:
        wrong = np.isfinite(guesses) & (guesses != point_labels)
    return points, point_labels, wrong, wrong.astype(np.int8)


def _demo() -> None:  # pragma: no cover - manual check: python -m nntui.tui.widgets.boundary
    from textual.app import App, ComposeResult
    from textual.widgets import Footer

    from nntui.training.boundary import grid_points, square_pixel_extent

    extent = (-1.5, 1.5, -1.5, 1.5)

    def fake_spiral_model(points: np.ndarray, phase: float) -> np.ndarray:
        radius = np.hypot(points[:, 0], points[:, 1])
        angle = np.arctan2(points[:, 1], points[:, 0]) - 4.0 * radius + phase
        logit = 4.0 * np.sin(angle)
        p1 = 1.0 / (1.0 + np.exp(-logit))
        return np.column_stack([1 - p1, p1])

    class BoundaryDemo(App[None]):
        BINDINGS = [("r", "toggle_kind", "Classification/regression"), ("q", "quit", "Quit")]  # noqa: RUF012

        def __init__(self) -> None:
            super().__init__()
            self.kind: GridKind = "classification"
            self.phase = 0.0
            rng = np.random.default_rng(0)
            self.points = rng.uniform(-1.4, 1.4, size=(80, 2))

        def compose(self) -> ComposeResult:
            yield DecisionBoundary()
            yield Footer()

        def on_mount(self) -> None:
            self.set_interval(0.2, self.advance)

        def on_decision_boundary_resized(self, message: DecisionBoundary.Resized) -> None:
            self.draw(message.rows, message.cols)

        def advance(self) -> None:
            self.phase += 0.1
            self.draw(*self.query_one(DecisionBoundary).grid_shape())

        def draw(self, rows: int, cols: int) -> None:
            boundary = self.query_one(DecisionBoundary)
            shown = square_pixel_extent(extent, rows, cols)  # keeps the spiral round
            grid = grid_points(shown, rows, cols)
            if self.kind == "classification":
                values = fake_spiral_model(grid, self.phase).reshape(rows, cols, 2)
                labels = fake_spiral_model(self.points, 0.0).argmax(axis=1)
            else:
                values = (grid[:, 0] * grid[:, 1] * 2 + 0.1 * np.sin(self.phase)).reshape(
                    rows, cols
                )
                labels = self.points[:, 0] * self.points[:, 1] * 2
            boundary.set_grid(values, kind=self.kind, extent=shown)
            boundary.set_points(self.points, labels)

        def action_toggle_kind(self) -> None:
            self.kind = "regression" if self.kind == "classification" else "classification"
            self.draw(*self.query_one(DecisionBoundary).grid_shape())

    BoundaryDemo().run()


if __name__ == "__main__":  # pragma: no cover
    _demo()
