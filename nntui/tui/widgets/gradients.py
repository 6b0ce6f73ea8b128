"""The gradients panel: one row per layer with its gradient-norm history.

``dense_1  ▁▂▃▅▇▆▅▄  1.23e-02``: the layer's name, a sparkline of its gradient
L2 norm per epoch, and the latest value, coloured when the norm vanishes
(< 1e-6) or explodes (> 1e3). The panel is a single widget that draws every
row itself: a new network changes the number of rows, and mounting a widget
per row would cost a layout pass right when training starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from textual.widget import Widget

from nntui.tui.formatting import format_norm
from nntui.tui.run_state import GradientSummary
from nntui.tui.widgets.sparkline import MergedSparklineRenderable

NAME_WIDTH = 9
VALUE_WIDTH = 9


@dataclass(frozen=True)
class RowStyles:
    """How rows look: text styles and sparkline colours, per gradient health."""

    text: dict[str, Style]
    spark_min: Color
    spark_max: dict[str, Color]


class GradientRows:
    """A Rich renderable: the rows of :class:`GradientsPanel`."""

    def __init__(self, rows: Sequence[GradientSummary], styles: RowStyles) -> None:
        self.rows = rows
        self.styles = styles

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        spark_width = max(options.max_width - NAME_WIDTH - VALUE_WIDTH - 1, 1)
        spark_options = options.update(width=spark_width, height=1)
        text, spark_max = self.styles.text, self.styles.spark_max
        for index, row in enumerate(self.rows):
            style = text.get(row.health, text["ok"])
            yield Segment(row.name[: NAME_WIDTH - 1].ljust(NAME_WIDTH), style)
            spark = MergedSparklineRenderable(
                row.values,
                width=spark_width,
                height=1,
                min_color=self.styles.spark_min,
                max_color=spark_max.get(row.health, spark_max["ok"]),
            )
            yield from console.render(spark, spark_options)
            yield Segment(" " + format_norm(row.current).rjust(VALUE_WIDTH), style)
            if index < len(self.rows) - 1:
                yield Segment.line()


class GradientsPanel(Widget):
    """Per-layer gradient L2 norms (mean over each epoch's batches).

    Colours come from the stylesheet through component classes:
    ``gradients--row`` (a healthy row's text), ``gradients--spark-min`` and
    ``gradients--spark-max`` (the sparkline ramp), ``gradients--vanishing`` and
    ``gradients--exploding`` (text and sparkline of a flagged row).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "gradients--row",
        "gradients--spark-min",
        "gradients--spark-max",
        "gradients--vanishing",
        "gradients--exploding",
    }

    DEFAULT_CSS = """
    GradientsPanel { height: auto; }
    GradientsPanel > .gradients--spark-min { color: $primary 30%; }
    GradientsPanel > .gradients--spark-max { color: $primary; }
    GradientsPanel > .gradients--vanishing { color: $warning; text-style: bold; }
    GradientsPanel > .gradients--exploding { color: $error; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[GradientSummary] = []

    def set_layers(self, names: Sequence[str]) -> None:
        """One empty row per layer of a new network."""
        self._show([GradientSummary(name, [], None, "ok") for name in names])

    def clear_layers(self) -> None:
        """No rows (a new run is being built)."""
        self.set_layers([])

    def update_gradients(self, summaries: Sequence[GradientSummary]) -> None:
        """Redraw the rows, in layer order."""
        self._show(list(summaries))

    def _show(self, rows: list[GradientSummary]) -> None:
        # A layout pass only when the height follows the rows and their number changed.
        relayout = self.styles.height is None or self.styles.height.is_auto
        self.refresh(layout=relayout and len(rows) != len(self.rows))
        self.rows = rows

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        """One line per layer."""
        return max(len(self.rows), 1)

    def render(self) -> GradientRows | str:
        """The rows, styled from the stylesheet."""
        if not self.rows:
            return "waiting for the first epoch…"
        return GradientRows(self.rows, self._row_styles())

    def _row_styles(self) -> RowStyles:
        _, base = self.background_colors

        def color(component: str) -> Color:
            return (base + self.get_component_styles(f"gradients--{component}").color).rich_color

        def text(component: str) -> Style:
            return self.get_component_rich_style(f"gradients--{component}")

        return RowStyles(
            text={
                "ok": text("row"),
                "vanishing": text("vanishing"),
                "exploding": text("exploding"),
            },
            spark_min=color("spark-min"),
            spark_max={
                "ok": color("spark-max"),
                "vanishing": color("vanishing"),
                "exploding": color("exploding"),
            },
        )
