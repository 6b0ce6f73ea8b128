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

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from textual.widgets import Sparkline

#: Colour steps between the min and max colour.
COLOR_STEPS = 16
#: The eight bar heights of one line.
BARS = "▁▂▃▄▅▆▇█"

Summary = Callable[[Sequence[float]], float]
#: Colours of the smallest and largest value when none are given (Textual's defaults).
LOW_COLOR = Color.from_rgb(0, 255, 0)
HIGH_COLOR = Color.from_rgb(255, 0, 0)


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


class SparklineRenderable:
    """A sparkline of ``data``, ``width`` cells wide and ``height`` lines tall.

    Args:
        data: the values (finite floats).
        width: cells; ``None`` takes the width offered.
        height: lines.
        min_color: the colour of the smallest value.
        max_color: the colour of the largest value.
        summary: what a column shows of its share of the data.
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
    ) -> None:
        self.data = data
        self.width = width
        self.height = max(height, 1)
        self.min_color = min_color
        self.max_color = max_color
        self.summary = summary

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = self.width or options.max_width
        height = self.height
        if len(self.data) < 2:
            yield from self._flat(width)
            return
        minimum, maximum = min(self.data), max(self.data)
        extent = (maximum - minimum) or 1
        top = len(BARS) * height - 1
        ratios = [(value - minimum) / extent for value in column_values(self.data, width)]
        bars = [int(ratio * top) for ratio in ratios]
        ramp = color_ramp(self.min_color, self.max_color)
        styles = [ramp[round(ratio * (COLOR_STEPS - 1))] for ratio in ratios]
        for row in reversed(range(height)):
            yield from Segment.simplify(_row_cells(row, bars, styles))
            if row > 0:
                yield Segment.line()

    def _flat(self, width: int) -> Iterator[Segment]:
        """No data: a floor of ``▁``; one point: full bars."""
        empty = not self.data
        for row in range(self.height):
            if empty and row < self.height - 1:
                yield Segment.line()
                continue
            color = self.min_color if empty else self.max_color
            yield Segment(("▁" if empty else "█") * width, Style.from_color(color))
            if not empty and row < self.height - 1:
                yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.width or options.max_width, self.height)


def _row_cells(row: int, bars: Sequence[int], styles: Sequence[Style]) -> Iterator[Segment]:
    """The cells of line ``row`` (0 at the bottom): blank, a partial bar, or a full block."""
    low, high = row * len(BARS), (row + 1) * len(BARS)
    for bar, style in zip(bars, styles, strict=True):
        if bar < low:
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
