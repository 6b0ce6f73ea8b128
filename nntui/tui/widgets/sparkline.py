"""A Sparkline that draws the same picture as Textual's for a fraction of the cost.

Textual's sparkline renderable blends a colour and builds a style for every
cell, and yields one segment per cell. This one quantises the colour ramp to
a few steps (cached styles) and merges neighbouring cells of the same style
into one segment. A frame of the monitor has ~1,500 sparkline cells, and under
the interpreter lock every millisecond spent drawing is one the training
thread waits, so this matters.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from textual.renderables._blend_colors import blend_colors
from textual.renderables.sparkline import Sparkline as SparklineRenderable
from textual.widgets import Sparkline

#: Colour steps between the min and max colour (Textual's is continuous).
COLOR_STEPS = 16


@lru_cache(maxsize=256)
def _ramp(min_color: Color, max_color: Color) -> tuple[Style, ...]:
    return tuple(
        Style.from_color(blend_colors(min_color, max_color, step / (COLOR_STEPS - 1)))
        for step in range(COLOR_STEPS)
    )


class MergedSparklineRenderable(SparklineRenderable[float]):
    """Textual's sparkline renderable with stepped colours and merged segments."""

    def _column_values(self, width: int) -> list[float]:
        buckets = tuple(self._buckets(list(self.data), num_buckets=width))
        step = len(buckets) / width
        summary = self.summary_function
        summaries = [summary(bucket) for bucket in buckets]
        # Accumulate the index exactly as Textual does, so the columns match cell for cell.
        columns, index = [], 0.0
        for _ in range(width):
            columns.append(summaries[int(index)])
            index += step
        return columns

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = self.width or options.max_width
        height = self.height or 1
        if len(self.data) < 2 or width < 1:
            yield from super().__rich_console__(console, options)
            return
        minimum, maximum = min(self.data), max(self.data)
        extent = (maximum - minimum) or 1
        levels = len(self.BARS)
        top = levels * height - 1
        ratios = [(value - minimum) / extent for value in self._column_values(width)]
        bar_indices = [int(ratio * top) for ratio in ratios]
        assert self.min_color.color is not None and self.max_color.color is not None
        ramp = _ramp(self.min_color.color, self.max_color.color)
        styles = [ramp[round(ratio * (COLOR_STEPS - 1))] for ratio in ratios]
        for row in reversed(range(height)):
            yield from _merged_row(row, levels, bar_indices, styles, self.BARS)
            if row > 0:
                yield Segment.line()


def _merged_row(
    row: int, levels: int, bar_indices: Sequence[int], styles: Sequence[Style], bars: str
) -> Iterator[Segment]:
    low, high = row * levels, (row + 1) * levels
    run_text: list[str] = []
    run_style: Style | None = None
    for bar_index, style in zip(bar_indices, styles, strict=True):
        if bar_index < low:
            char, cell_style = " ", None
        elif bar_index >= high:
            char, cell_style = "█", style
        else:
            char, cell_style = bars[bar_index % levels], style
        if run_text and cell_style != run_style:
            yield Segment("".join(run_text), run_style)
            run_text = []
        run_text.append(char)
        run_style = cell_style
    if run_text:
        yield Segment("".join(run_text), run_style)


class FastSparkline(Sparkline):
    """``textual.widgets.Sparkline`` with a cheaper renderer; same API, same CSS classes."""

    def render(self) -> MergedSparklineRenderable:
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
        return MergedSparklineRenderable(
            list(self.data or []),
            width=self.size.width,
            height=self.size.height,
            min_color=min_color.rich_color,
            max_color=max_color.rich_color,
            summary_function=self.summary_function,
        )
