"""Our own sparkline: a small Rich renderable and the widget that draws it.

It draws the same bars as Textual's sparkline (each column is the ``max`` of
its share of the data, eight bar heights per line) for a fraction of the cost:
the colour ramp between the min and max colour is quantised to a few cached
styles, and neighbouring cells of one style become one segment
(``Segment.simplify``). A frame of the monitor has ~1,500 sparkline cells, and
under the interpreter lock every millisecond spent drawing is one the training
thread waits, so this matters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from textual.widgets import Sparkline

from nntui.tui.formatting import format_range, format_short

#: Colour steps between the min and max colour.
COLOR_STEPS = 16
#: The eight bar heights of one line.
BARS = "▁▂▃▄▅▆▇█"

Summary = Callable[[Sequence[float]], float]
#: Colours of the smallest and largest value when none are given (Textual's defaults).
LOW_COLOR = Color.from_rgb(0, 255, 0)
HIGH_COLOR = Color.from_rgb(255, 0, 0)
#: What an empty sparkline says (never a zero baseline: there is nothing to draw).
NO_DATA = "no data"


@dataclass(frozen=True)
class Scale:
    """The range a sparkline is drawn on: ``low`` at the floor, ``high`` at the top.

    Attributes:
        low: the value drawn as the lowest bar.
        high: the value drawn as a full bar.
        log: positions are taken on ``log10`` of the values (``low`` must be positive).
    """

    low: float
    high: float
    log: bool = False

    @classmethod
    def of(cls, *series: Sequence[float], log: bool = False) -> Scale | None:
        """The range of every finite value in ``series`` (positive ones only when ``log``).

        ``None`` when there is no value to draw.

        Example:
            >>> Scale.of([1e-11, 0.5], [0.01], log=True)
            Scale(low=1e-11, high=0.5, log=True)
        """
        values = [
            value
            for values in series
            for value in values
            if math.isfinite(value) and (value > 0 or not log)
        ]
        if not values:
            return None
        return cls(min(values), max(values), log)

    def position(self, value: float) -> float:
        """Where ``value`` sits between the floor (0) and the top (1), clipped."""
        low, high, value = self.low, self.high, value
        if self.log:
            low, high = math.log10(low), math.log10(high)
            value = math.log10(value) if value > 0 else low
        if high <= low:
            return 0.0
        return min(max((value - low) / (high - low), 0.0), 1.0)

    @property
    def label(self) -> str:
        """``"0.1–1.25"``, ``"1e-11–0.5 log"``: what a reader needs to read the bars."""
        return format_range(self.low, self.high) + (" log" if self.log else "")


@dataclass(frozen=True)
class Marks:
    """A point of the series to single out: the best epoch, and every epoch after it.

    Attributes:
        index: the data index of the best value.
        best: the style of the best value's column.
        after: the style of the columns after it (a rise from the best shows).
    """

    index: int
    best: Style
    after: Style


def blend(low: Color, high: Color, share: float) -> Color:
    """The colour ``share`` of the way from ``low`` to ``high`` in RGB (``high`` if not RGB).

    Example:
        >>> blend(Color.from_rgb(0, 0, 0), Color.from_rgb(200, 100, 50), 0.5).triplet
        ColorTriplet(red=100, green=50, blue=25)
    """
    if low.triplet is None or high.triplet is None:
        return high
    mixed = (a + (b - a) * share for a, b in zip(low.triplet, high.triplet, strict=True))
    red, green, blue = (int(channel) for channel in mixed)
    return Color.from_rgb(red, green, blue)


@lru_cache(maxsize=256)
def color_ramp(low: Color, high: Color) -> tuple[Style, ...]:
    """:data:`COLOR_STEPS` styles from ``low`` to ``high``."""
    return tuple(
        Style.from_color(blend(low, high, step / (COLOR_STEPS - 1))) for step in range(COLOR_STEPS)
    )


def column_values(data: Sequence[float], width: int, summary: Summary = max) -> list[float]:
    """One value per column: ``summary`` of each column's share of ``data``.

    With fewer points than columns, a point spans several columns.

    Example:
        >>> column_values([1.0, 5.0, 2.0, 3.0], 2)
        [5.0, 3.0]
    """
    count = len(data)
    buckets = [data[count * i // width : count * (i + 1) // width] for i in range(width)]
    summaries = [summary(bucket) for bucket in buckets if bucket]
    # The index accumulates as in Textual's sparkline, so the columns match cell for cell.
    step, index, columns = len(summaries) / width, 0.0, []
    for _ in range(width):
        columns.append(summaries[int(index)])
        index += step
    return columns


def column_indices(count: int, width: int) -> list[int]:
    """The last data index each column of :func:`column_values` covers.

    Example:
        >>> column_indices(4, 2), column_indices(2, 4)
        ([1, 3], [0, 0, 1, 1])
    """
    if count >= width:
        return [max(count * (i + 1) // width - 1, 0) for i in range(width)]
    step, index, columns = count / width, 0.0, []
    for _ in range(width):
        columns.append(int(index))
        index += step
    return columns


class SparklineRenderable:
    """A sparkline of ``data``, ``width`` cells wide and ``height`` lines tall.

    Args:
        data: the values (finite floats).
        width: cells; ``None`` takes the width offered.
        height: lines.
        min_color: the colour of the smallest value.
        max_color: the colour of the largest value.
        summary: what a column shows of its share of the data.
        scale: the range drawn on; by default the data's own min–max (linear).
        marks: a value to single out (the best) and the columns after it.
        fill: draw each column as a bar from the floor; ``False`` draws only its top
            cell, a line (an accuracy near 1 is then not a solid wall of blocks).
    """

    def __init__(
        self,
        data: Sequence[float],
        *,
        width: int | None = None,
        height: int = 1,
        min_color: Color = LOW_COLOR,
        max_color: Color = HIGH_COLOR,
        summary: Summary = max,
        scale: Scale | None = None,
        marks: Marks | None = None,
        fill: bool = True,
    ) -> None:
        self.data = data
        self.fill = fill
        self.scale = scale
        self.marks = marks
        self.width = width
        self.height = max(height, 1)
        self.min_color = min_color
        self.max_color = max_color
        self.summary = summary

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = self.width or options.max_width
        height = self.height
        scale = self.scale or Scale.of(self.data)
        if not self.data or scale is None or (len(self.data) < 2 and self.scale is None):
            yield from self._flat(width)
            return
        top = len(BARS) * height - 1
        ratios = [scale.position(value) for value in column_values(self.data, width, self.summary)]
        bars = [int(ratio * top) for ratio in ratios]
        ramp = color_ramp(self.min_color, self.max_color)
        styles = [ramp[round(ratio * (COLOR_STEPS - 1))] for ratio in ratios]
        if self.marks is not None:
            styles = self._marked(styles, width)
        for row in reversed(range(height)):
            yield from Segment.simplify(_row_cells(row, bars, styles, fill=self.fill))
            if row > 0:
                yield Segment.line()

    def _marked(self, styles: list[Style], width: int) -> list[Style]:
        """The best value's column and the columns after it, in the marks' styles."""
        assert self.marks is not None
        best, previous, marked = self.marks.index, -1, []
        for style, last in zip(styles, column_indices(len(self.data), width), strict=True):
            if last == best or (last > best and previous < best):
                marked.append(self.marks.best)  # the column holding the best value
            elif last > best:
                marked.append(self.marks.after)
            else:
                marked.append(style)
            previous = last
        return marked

    def _flat(self, width: int) -> Iterator[Segment]:
        """No data: ``no data`` (never a zero baseline); one point: full bars."""
        empty = not self.data
        for row in range(self.height):
            if empty:
                text = NO_DATA if row == (self.height - 1) // 2 else ""
                yield Segment(text[:width].center(width), Style(dim=True))
            else:
                yield Segment("█" * width, Style.from_color(self.max_color))
            if row < self.height - 1:
                yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.width or options.max_width, self.height)


def _row_cells(
    row: int, bars: Sequence[int], styles: Sequence[Style], *, fill: bool = True
) -> Iterator[Segment]:
    """The cells of line ``row`` (0 at the bottom): blank, a partial bar, or a full block.

    Without ``fill``, only each bar's top cell is drawn.
    """
    low, high = row * len(BARS), (row + 1) * len(BARS)
    for bar, style in zip(bars, styles, strict=True):
        if bar < low or (not fill and bar >= high):
            yield Segment(" ")
        elif bar >= high:
            yield Segment("█", style)
        else:
            yield Segment(BARS[bar % len(BARS)], style)


class FastSparkline(Sparkline):
    """``textual.widgets.Sparkline`` drawn by :class:`SparklineRenderable`; same API and CSS."""

    def render(self) -> SparklineRenderable:
        """Render the data (a list of finite floats) at the widget's size."""
        _, base = self.background_colors
        min_color = base + (
            self.get_component_styles("sparkline--min-color").color
            if self.min_color is None
            else self.min_color
        )
        max_color = base + (
            self.get_component_styles("sparkline--max-color").color
            if self.max_color is None
            else self.max_color
        )
        return SparklineRenderable(
            list(self.data or []),
            width=self.size.width,
            height=self.size.height,
            min_color=min_color.rich_color,
            max_color=max_color.rich_color,
            summary=self.summary_function,
        )


class AxisSparkline:
    """A sparkline with the range it is drawn on: labels in a gutter, or after a one-line one.

    Taller than one line, the top value sits left of the top line and the bottom
    value left of the bottom line (a small y axis); one line tall, ``low–high``
    (and ``log``) follows the bars. Too narrow for labels, the bars alone.

    Args:
        spark: the bars (its ``scale`` is the one labelled).
        label_style: the labels' style.
    """

    #: Fewest cells of bars worth keeping the labels for.
    MIN_BARS = 6

    def __init__(self, spark: SparklineRenderable, label_style: Style | None = None) -> None:
        self.spark = spark
        self.label_style = label_style or Style(dim=True)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = self.spark.width or options.max_width
        height = self.spark.height
        scale = self.spark.scale
        gutter = self._gutter(scale, height)
        right = f" {scale.label}" if scale is not None and height == 1 else ""
        bars_width = width - max((len(label) for label in gutter), default=0) - len(right)
        if scale is None or not self.spark.data or bars_width < self.MIN_BARS:
            yield from console.render(self.spark, options.update(width=width, height=height))
            return
        gutter_width = max((len(label) for label in gutter), default=0)
        self.spark.width = bars_width
        lines = console.render_lines(self.spark, options.update(width=bars_width, height=height))
        for row, line in enumerate(lines):
            if gutter:
                yield Segment(gutter[row].rjust(gutter_width), self.label_style)
            yield from line
            if right:
                yield Segment(right, self.label_style)
            if row < height - 1:
                yield Segment.line()

    @staticmethod
    def _gutter(scale: Scale | None, height: int) -> list[str]:
        """The labels left of each line (none for a one-line sparkline)."""
        if scale is None or height < 2:
            return []
        labels = [""] * height
        labels[0] = format_short(scale.high) + " "
        labels[-1] = format_short(scale.low) + " "
        if height >= 3 and scale.log:
            labels[height // 2] = "log "
        return labels

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.spark.width or options.max_width, self.spark.height)


class MetricSparkline(FastSparkline):
    """A metric's sparkline on a labelled scale, with its best epoch marked.

    Colours: ``sparkline--min-color``/``--max-color`` (the ramp),
    ``metric-sparkline--best`` (the best epoch's column),
    ``metric-sparkline--after`` (the epochs after it: a rise from the best
    shows) and ``metric-sparkline--label`` (the range labels).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "metric-sparkline--best",
        "metric-sparkline--after",
        "metric-sparkline--label",
    }
    DEFAULT_CSS = """
    MetricSparkline > .metric-sparkline--best { color: $accent; text-style: bold; }
    MetricSparkline > .metric-sparkline--after { color: $error; }
    MetricSparkline > .metric-sparkline--label { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__([], id=id, classes=classes)
        self.scale: Scale | None = None
        self.best_index: int | None = None
        self.fill = True

    def show(
        self,
        values: Sequence[float],
        scale: Scale | None,
        best_index: int | None,
        *,
        fill: bool = True,
    ) -> None:
        """Draw ``values`` on ``scale``, marking ``best_index`` and what follows it.

        ``fill=False`` draws a line of each column's top cell instead of bars.
        """
        self.scale, self.best_index, self.fill = scale, best_index, fill
        self.data = list(values)  # a new list: the reactive ignores an in-place change
        self.refresh()

    def render(self) -> AxisSparkline:  # type: ignore[override]
        """The bars on their scale, with the labels."""
        spark = super().render()
        spark.scale = self.scale
        spark.fill = self.fill
        if self.best_index is not None and 0 <= self.best_index < len(spark.data):
            spark.marks = Marks(
                self.best_index,
                self.get_component_rich_style("metric-sparkline--best"),
                self.get_component_rich_style("metric-sparkline--after"),
            )
        return AxisSparkline(spark, self.get_component_rich_style("metric-sparkline--label"))
