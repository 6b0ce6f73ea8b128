"""CurvePlot: a large braille line plot of metric histories against epoch.

One plot shows one quantity (put loss and accuracy in two plots: their scales differ).
Each series is drawn in its own style; the previous run's series are drawn first, in a
muted colour, so the current run sits on top. The legend gives each series' last value
and its best (lowest for losses, highest for accuracy and R²) with the epoch it was reached.

The widget only draws: it keeps the lists it was given and re-renders them to fit its
size. Histories longer than the plot is wide are downsampled with min/max buckets, so a
one-epoch spike stays visible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from nntui.tui.formatting import format_metric
from nntui.tui.render.braille import BrailleCanvas
from nntui.tui.render.series import (
    as_float_array,
    downsample_minmax,
    ema,
    finite_xy,
    format_tick,
    format_value,
    log10_positive,
    log_ticks,
    nice_range,
    nice_ticks,
)

Goal = Literal["min", "max"]
_Transform = Callable[[np.ndarray], np.ndarray]

_HIGHER_IS_BETTER = ("acc", "r2", "r²")
_MIN_WIDTH = 16
_MIN_HEIGHT = 4
_AXIS_STYLE = Style(dim=True)
_FAINT = Style(dim=True)
_LARGEST = 1e150


def goal_for(name: str) -> Goal:
    """Whether lower or higher is better for a metric, guessed from its name.

    ``accuracy``, ``val_accuracy`` and ``r2`` are maximised; everything else (losses) minimised.
    """
    lowered = name.lower()
    return "max" if any(word in lowered for word in _HIGHER_IS_BETTER) else "min"


@dataclass(frozen=True)
class _Series:
    name: str
    values: np.ndarray
    style: Style
    goal: Goal
    dashed: bool = False

    def same_as(self, other: _Series) -> bool:
        """True when ``other`` would draw exactly this line."""
        drawn_alike = (self.name, self.style, self.goal, self.dashed) == (
            (other.name, other.style, other.goal, other.dashed)
        )
        return drawn_alike and np.array_equal(self.values, other.values, equal_nan=True)

    def best(self) -> tuple[float, int] | None:
        """The best finite value and its 1-based epoch, or ``None`` if there is none."""
        finite = np.isfinite(self.values)
        if not finite.any():
            return None
        masked = np.where(finite, self.values, np.inf if self.goal == "min" else -np.inf)
        index = int(np.argmin(masked) if self.goal == "min" else np.argmax(masked))
        return float(self.values[index]), index + 1


@dataclass(frozen=True)
class _Layer:
    """One polyline to draw: epochs, values already in axis space, a style, dashed or solid."""

    epochs: np.ndarray
    values: np.ndarray
    style: Style
    dashed: bool = False


@dataclass(frozen=True)
class _Axis:
    low: float
    high: float
    ticks: list[tuple[float, str]]


class CurvePlot(Widget):
    """A line plot of one or more metric series against epoch, with a legend.

    Args:
        smoothing: EMA weight used when :attr:`smooth` is on, in ``[0, 1)``.
        empty_message: What to show before any series has a finite value.
        name: The widget's name.
        id: The widget's DOM id.
        classes: Space-separated CSS classes.
        disabled: Whether the widget is disabled.
    """

    DEFAULT_CSS = """
    CurvePlot {
        height: 1fr;
        min-height: 6;
    }
    """

    PREVIOUS_STYLE = "grey50"
    """Style of the previous run's curves."""

    log_y: reactive[bool] = reactive(False)
    """Plot ``log10`` of the values; non-positive values are left out."""
    smooth: reactive[bool] = reactive(False)
    """Draw an EMA of each series, with the raw series faint underneath."""
    smoothing: reactive[float] = reactive(0.6)
    """The EMA's weight when :attr:`smooth` is on (TensorBoard's slider), in ``[0, 1)``."""
    planned_epochs: reactive[int] = reactive(0)
    """Make the x axis reach at least this epoch (the run's length), so a live curve grows
    left to right instead of the axis stretching; 0 fits the axis to the data."""

    def __init__(
        self,
        *,
        smoothing: float = 0.6,
        empty_message: str = "waiting for the first epoch…",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        if not 0.0 <= smoothing < 1.0:
            raise ValueError(f"smoothing must be in [0, 1), got {smoothing}")
        self.set_reactive(CurvePlot.smoothing, smoothing)
        self.empty_message = empty_message
        self._series: dict[str, _Series] = {}
        self._previous: dict[str, _Series] = {}
        self._version = 0
        self._cache_key: tuple[object, ...] | None = None
        self._strips: list[Strip] = []

    # ---- data -----------------------------------------------------------------------------

    def set_series(
        self,
        name: str,
        values: Sequence[float],
        *,
        style: str = "cyan",
        goal: Goal | None = None,
    ) -> None:
        """Set (or replace) the whole history of one series; epoch ``i + 1`` is ``values[i]``.

        Args:
            name: Legend label, e.g. ``"loss"`` or ``"val_accuracy"``.
            values: One value per epoch; NaN/inf are left out of the drawing.
            style: Rich style of the line, e.g. ``"cyan"`` or ``"bold #ff8800"``.
            goal: ``"min"`` or ``"max"`` for the legend's best value; guessed from the
                name when omitted (see :func:`goal_for`).

        Raises:
            ValueError: If the values are not numbers, or the style or goal is invalid.
        """
        self._put(self._series, name, self._make_series(name, values, style, goal))

    def set_previous(
        self,
        name: str,
        values: Sequence[float],
        *,
        label: str | None = None,
        style: str | None = None,
        dashed: bool = False,
    ) -> None:
        """Set an earlier run's history of a series, drawn beneath the current one.

        Args:
            name: The series name (usually the same as the current series').
            values: One value per epoch.
            label: The legend's label and the overlay's key (default ``previous NAME``):
                several runs' series of one name are overlaid under distinct labels.
            style: The line's style (default: muted grey, :attr:`PREVIOUS_STYLE`).
            dashed: Draw it dashed (another line style, for overlaid runs told apart).

        Raises:
            ValueError: If the values are not numbers or the style is invalid.
        """
        label = label or f"previous {name}"
        style = style or self.PREVIOUS_STYLE
        series = self._make_series(label, values, style, goal_for(name))
        self._put(self._previous, label, replace(series, dashed=dashed))

    def clear(self) -> None:
        """Remove the current run's series (the previous run's stay)."""
        self._series.clear()
        self._changed()

    def clear_previous(self) -> None:
        """Remove the previous run's series."""
        self._previous.clear()
        self._changed()

    @property
    def series_names(self) -> list[str]:
        """Names of the current series, in the order they were first set."""
        return list(self._series)

    @staticmethod
    def _make_series(name: str, values: Sequence[float], style: str, goal: Goal | None) -> _Series:
        if goal not in (None, "min", "max"):
            raise ValueError(f"goal must be 'min' or 'max', got {goal!r}")
        try:
            parsed = Style.parse(style)
        except Exception as error:  # rich raises StyleSyntaxError, a plain Exception
            raise ValueError(f"invalid style {style!r} for series {name!r}: {error}") from None
        array = as_float_array(values, name=f"series {name!r}")
        return _Series(name, array, parsed, goal or goal_for(name))

    def _put(self, table: dict[str, _Series], label: str, series: _Series) -> None:
        # The monitor sets every series again when the Curves tab is shown: an
        # unchanged series must not redraw the plot (that was most of a tab switch).
        old = table.get(label)
        if old is not None and old.same_as(series):
            return
        table[label] = series
        self._changed()

    def _changed(self) -> None:
        self._version += 1
        self.refresh()

    # ---- actions ----------------------------------------------------------------------------

    def action_toggle_log_y(self) -> None:
        """Switch between a linear and a logarithmic y axis."""
        self.log_y = not self.log_y

    def action_toggle_smooth(self) -> None:
        """Switch EMA smoothing on or off."""
        self.smooth = not self.smooth

    def set_smoothing(self, weight: float) -> None:
        """Smooth with EMA weight ``weight`` (0: off), as TensorBoard's slider does.

        Raises:
            ValueError: If ``weight`` is outside ``[0, 1)``.
        """
        if not 0.0 <= weight < 1.0:
            raise ValueError(f"smoothing must be in [0, 1), got {weight}")
        if weight > 0:
            self.smoothing = weight
        self.smooth = weight > 0

    # ---- rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Render line ``y`` of the plot, rebuilding the plot if the size or data changed."""
        width, height = self.size
        key = (
            width,
            height,
            self._version,
            self.log_y,
            self.smooth,
            self.smoothing,
            self.planned_epochs,
        )
        if key != self._cache_key:
            self._strips = self.render_strips(width, height)
            self._cache_key = key
        if 0 <= y < len(self._strips):
            return self._strips[y].apply_style(self.rich_style)
        return Strip.blank(width, self.rich_style)

    def render_strips(self, width: int, height: int) -> list[Strip]:
        """Draw the whole plot (legend, axes, curves) for a ``width`` × ``height`` area."""
        if width <= 0 or height <= 0:
            return []
        if width < _MIN_WIDTH or height < _MIN_HEIGHT:
            return [_strip([Segment("plot too small", _AXIS_STYLE)], width)]
        legend = self._legend_lines(width)[: max(0, height - _MIN_HEIGHT)]
        strips = [_strip(line, width) for line in legend]
        plot_rows = height - len(legend) - 2
        layers = self._layers()
        finite = [layer.values for layer in layers if layer.values.size]
        if not finite:
            blank = [Strip.blank(width) for _ in range(plot_rows + 2)]
            blank[(plot_rows + 1) // 2] = _strip(
                [Segment(self.empty_message.center(width), _AXIS_STYLE)], width
            )
            return strips + blank
        all_values = np.concatenate(finite)
        axis = self._y_axis(float(all_values.min()), float(all_values.max()), plot_rows)
        label_width = max(len(label) for _, label in axis.ticks) if axis.ticks else 1
        gutter = label_width + 1
        plot_cols = width - gutter - 1
        if plot_cols < 4:
            return [_strip([Segment("plot too small", _AXIS_STYLE)], width)]
        longest = max(int(layer.epochs.max()) for layer in layers if layer.epochs.size)
        x_high = float(max(2, longest, self.planned_epochs))
        canvas = BrailleCanvas(plot_cols, plot_rows)
        to_px, to_py = _mapper(1.0, x_high, canvas.pixel_width, axis, canvas.pixel_height)
        for layer in layers:
            epochs, values = downsample_minmax(layer.epochs, layer.values, 2 * canvas.pixel_width)
            points = zip(to_px(epochs).tolist(), to_py(values).tolist(), strict=True)
            if layer.dashed:
                _dashed_polyline(canvas, points, layer.style)
            else:
                canvas.polyline(points, layer.style)
        tick_rows: dict[int, str] = {}
        for value, tick_label in axis.ticks:
            row = int(to_py(np.array([value]))[0]) // 4
            if 0 <= row < plot_rows and row not in tick_rows:
                tick_rows[row] = tick_label
        for row in range(plot_rows):
            label = tick_rows.get(row)
            segments = [
                Segment((label or "").rjust(label_width), _AXIS_STYLE),
                Segment("┤" if label is not None else "│", _AXIS_STYLE),
                *canvas.row_segments(row),
            ]
            strips.append(_strip(segments, width))
        x_ticks = nice_ticks(1.0, x_high, max(2, plot_cols // 8), min_step=1.0)
        tick_cols = [gutter + int(px) // 2 for px in to_px(np.array(x_ticks)).tolist()]
        strips.append(_strip(_x_axis_line(label_width, plot_cols, tick_cols, gutter), width))
        strips.append(_strip(_x_labels(x_ticks, tick_cols, width), width))
        return strips

    def _layers(self) -> list[_Layer]:
        """Polylines in drawing order, values in axis space (log10 when :attr:`log_y`)."""
        to_axis: _Transform = log10_positive if self.log_y else np.asarray
        layers: list[_Layer] = []
        for series in self._previous.values():
            layer = self._layer(series.values, to_axis, series.style)
            layers.append(replace(layer, dashed=series.dashed))
        for series in self._series.values():
            if self.smooth:
                layers.append(self._layer(series.values, to_axis, series.style + _FAINT))
                smoothed = ema(series.values, self.smoothing)
                layers.append(self._layer(smoothed, to_axis, series.style))
            else:
                layers.append(self._layer(series.values, to_axis, series.style))
        return layers

    @staticmethod
    def _layer(values: np.ndarray, to_axis: _Transform, style: Style) -> _Layer:
        epochs, axis_values = finite_xy(to_axis(values), np.arange(1, values.size + 1))
        # Keep absurd magnitudes from overflowing the axis arithmetic; they still plot at the edge.
        return _Layer(epochs, np.clip(axis_values, -_LARGEST, _LARGEST), style)

    def _y_axis(self, low: float, high: float, plot_rows: int) -> _Axis:
        max_ticks = max(2, min(8, plot_rows // 2 + 1))
        if not self.log_y:
            low, high, step = nice_range(low, high, max_ticks)
            ticks = nice_ticks(low, high, max_ticks)
            return _Axis(low, high, [(tick, format_tick(tick, step)) for tick in ticks])
        pad = max((high - low) * 0.05, 0.02)
        low, high = low - pad, high + pad
        ticks = log_ticks(10.0 ** max(low, -300.0), 10.0 ** min(high, 300.0), max_ticks)
        return _Axis(low, high, [(math.log10(tick), format_value(tick)) for tick in ticks])

    def _legend_lines(self, width: int) -> list[list[Segment]]:
        entries: list[list[Segment]] = []
        for series in self._series.values():
            best = series.best()
            last = float(series.values[-1]) if series.values.size else math.nan
            entry = [Segment("━━ ", series.style), Segment(f"{series.name} ")]
            entry.append(Segment(format_metric(last), Style(bold=True)))
            if best is not None:
                entry.append(Segment(f" best {format_metric(best[0])} @{best[1]}"))
            entries.append(entry)
        for series in self._previous.values():
            best = series.best()
            text = f"{'╍ ╍' if series.dashed else '┄┄'} {series.name}"
            if best is not None:
                text += f" best {format_metric(best[0])} @{best[1]}"
            entries.append([Segment(text, series.style)])
        smoothed = f"smoothing {self.smoothing:g}"
        flags = [flag for flag, on in (("log y", self.log_y), (smoothed, self.smooth)) if on]
        if flags and entries:
            entries.append([Segment(f"[{', '.join(flags)}]", _AXIS_STYLE)])
        return _wrap_entries(entries, width)


def _dashed_polyline(
    canvas: BrailleCanvas, points: Iterable[tuple[int, int]], style: Style, dash: int = 4
) -> None:
    """Draw a polyline on ``canvas`` in dashes of ``dash`` pixel columns (gaps as wide)."""
    scratch = BrailleCanvas(canvas.width, canvas.height)
    scratch.polyline(points)
    for x in range(scratch.pixel_width):
        if (x // dash) % 2 == 0:
            for y in range(scratch.pixel_height):
                if scratch.is_set(x, y):
                    canvas.set(x, y, style)


def _mapper(
    x_low: float, x_high: float, pixel_width: int, axis: _Axis, pixel_height: int
) -> tuple[_Transform, _Transform]:
    """Functions from epochs and axis values to pixel columns and rows."""
    x_scale = (pixel_width - 1) / (x_high - x_low)
    y_scale = (pixel_height - 1) / (axis.high - axis.low)

    def to_px(epochs: np.ndarray) -> np.ndarray:
        return np.rint((epochs - x_low) * x_scale).astype(np.int64)

    def to_py(values: np.ndarray) -> np.ndarray:
        return np.rint((axis.high - values) * y_scale).astype(np.int64)

    return to_px, to_py


def _strip(segments: list[Segment], width: int) -> Strip:
    return Strip(segments).adjust_cell_length(width)


def _wrap_entries(entries: list[list[Segment]], width: int) -> list[list[Segment]]:
    """Lay legend entries out left to right, two spaces apart, wrapping at ``width``."""
    lines: list[list[Segment]] = []
    line: list[Segment] = []
    used = 0
    for entry in entries:
        length = sum(segment.cell_length for segment in entry)
        if line and used + 2 + length > width:
            lines.append(line)
            line, used = [], 0
        if line:
            line.append(Segment("  "))
            used += 2
        line.extend(entry)
        used += length
    if line:
        lines.append(line)
    return lines


def _x_axis_line(
    label_width: int, plot_cols: int, tick_cols: list[int], gutter: int
) -> list[Segment]:
    chars = ["─"] * plot_cols
    for col in tick_cols:
        if 0 <= col - gutter < plot_cols:
            chars[col - gutter] = "┬"
    return [Segment(" " * label_width + "└" + "".join(chars), _AXIS_STYLE)]


def _x_labels(ticks: list[float], tick_cols: list[int], width: int) -> list[Segment]:
    """Epoch numbers centred under their ticks, skipping any that would touch a neighbour."""
    chars = [" "] * width
    free_from = 0
    for tick, col in zip(ticks, tick_cols, strict=True):
        label = str(round(tick))
        start = min(max(0, col - len(label) // 2), width - len(label))
        if start < free_from:
            continue
        chars[start : start + len(label)] = label
        free_from = start + len(label) + 1
    return [Segment("".join(chars), _AXIS_STYLE)]


class _CurvesDemo(App[None]):
    """A manual check: ``python -m nntui.tui.widgets.curves``."""

    BINDINGS = [  # noqa: RUF012 - Textual's convention
        ("l", "flip('log_y')", "Log y"),
        ("s", "flip('smooth')", "Smooth"),
        ("n", "new_run", "New run"),
        ("q", "quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rng = np.random.default_rng(0)
        self.history: dict[str, list[float]] = {
            "loss": [],
            "val_loss": [],
            "accuracy": [],
            "val_accuracy": [],
        }

    def compose(self) -> ComposeResult:
        from textual.widgets import Footer

        yield CurvePlot(id="loss")
        yield CurvePlot(id="accuracy")
        yield Footer()

    def on_mount(self) -> None:
        for plot in self.query(CurvePlot):
            plot.planned_epochs = 400
        self.set_interval(0.05, self.add_epoch)

    def add_epoch(self) -> None:
        epoch = len(self.history["loss"]) + 1
        if epoch > 400:
            return
        loss = 1.2 * math.exp(-epoch / 60) + 0.05 + 0.04 * self.rng.standard_normal()
        if epoch == 150:
            loss += 1.5  # a spike that must survive downsampling
        self.history["loss"].append(abs(loss))
        self.history["val_loss"].append(abs(loss) * 1.1 + 0.02)
        accuracy = 1 - 0.6 * math.exp(-epoch / 50) - 0.03 * abs(self.rng.standard_normal())
        self.history["accuracy"].append(accuracy)
        self.history["val_accuracy"].append(accuracy - 0.03)
        loss_plot = self.query_one("#loss", CurvePlot)
        loss_plot.set_series("loss", self.history["loss"], style="cyan")
        loss_plot.set_series("val_loss", self.history["val_loss"], style="magenta")
        accuracy_plot = self.query_one("#accuracy", CurvePlot)
        accuracy_plot.set_series("accuracy", self.history["accuracy"], style="green")
        accuracy_plot.set_series("val_accuracy", self.history["val_accuracy"], style="yellow")

    def action_flip(self, attribute: str) -> None:
        for plot in self.query(CurvePlot):
            setattr(plot, attribute, not getattr(plot, attribute))

    def action_new_run(self) -> None:
        for plot_id, names in (("#loss", "loss"), ("#accuracy", "accuracy")):
            plot = self.query_one(plot_id, CurvePlot)
            plot.clear_previous()
            for name in (names, f"val_{names}"):
                plot.set_previous(name, self.history[name])
                self.history[name] = []
            plot.clear()


def _demo() -> None:  # pragma: no cover - manual check: python -m nntui.tui.widgets.curves
    _CurvesDemo().run()


if __name__ == "__main__":  # pragma: no cover
    _demo()
