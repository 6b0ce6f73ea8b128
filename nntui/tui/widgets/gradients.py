"""The gradients panel: one row per layer, its gradient-norm history and its diagnostics.

``dense_1  ▁▂▃▅▇▆▅▄  1.23e-02  -3.1   4.52   12%     –``: the layer's name, a
sparkline of its gradient L2 norm per epoch (every layer on ONE shared log
scale, named in the header, so a layer whose gradient is 1e-11 while another's
is 0.5 shows as a floor beside a full bar), the latest norm (coloured when it
vanishes, < 1e-6, or explodes, > 1e3), then the diagnostics of the last epoch:
log10 of the update-to-weight ratio ‖ΔW‖/‖W‖ (healthy near −3; coloured below
−4.5 or above −1.5), the weight norm ‖W‖, the share of dead ReLU units and the
share of saturated tanh/sigmoid activations ("–" where the activation has no
such notion). Columns that do not fit a narrow panel are left out: the sparkline
first, then ‖W‖.

A diverged run adds a column after ‖∇‖: each layer's gradient norm in the epoch
that exploded (``‖∇‖ ep 6``; ``inf``, ``nan`` or a huge number, coloured), whose
numbers are in no other column — the rows show the last finite epoch, as a line
under them says. There ‖W‖ is left out before the sparkline.

The panel is a single widget that draws every row itself: a new network changes
the number of rows, and mounting a widget per row would cost a layout pass right
when training starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from textual.widget import Widget

from nntui.tui.formatting import format_metric, format_norm
from nntui.tui.summaries import GradientSummary
from nntui.tui.widgets.sparkline import Scale, SparklineRenderable

NAME_WIDTH = 8
VALUE_WIDTH = 8
RATIO_WIDTH = 6
WEIGHT_WIDTH = 7
FRACTION_WIDTH = 5
#: The exploding epoch's norm: :func:`format_metric` is at most 9 wide for a norm.
EXPLODED_WIDTH = 9
#: The sparkline is drawn only when at least this wide.
MIN_SPARK_WIDTH = 6


def format_ratio(log_ratio: float | None) -> str:
    """log10(‖ΔW‖/‖W‖) with one decimal, ``"–"`` when unknown."""
    return "–" if log_ratio is None else f"{log_ratio:.1f}"


def format_weight_norm(norm: float | None) -> str:
    """‖W‖ in at most 7 characters: ``4.52``, ``0.0312``, ``1.2e+03``."""
    if norm is None:
        return "–"
    if norm == 0 or 0.01 <= abs(norm) < 1000:
        return f"{norm:.3g}"
    return f"{norm:.1e}"


def format_fraction(fraction: float | None) -> str:
    """A share as a whole percentage, ``"–"`` where it does not apply."""
    return "–" if fraction is None else f"{fraction * 100:.0f}%"


@dataclass(frozen=True)
class Columns:
    """Which columns fit a width, and how wide the sparkline is (0: none).

    ``exploded`` is the epoch a diverged run exploded in, whose norms get a
    column of their own (``None``: no such column).
    """

    spark: int
    weight: bool
    exploded: int | None = None

    @classmethod
    def fit(cls, width: int, exploded: int | None = None) -> Columns:
        """The most that fits ``width`` cells: drop the sparkline first, then ‖W‖.

        With an ``exploded`` column (always kept) ‖W‖ goes before the sparkline:
        the trend into the explosion says more than the last finite weight norm.
        """
        fixed = NAME_WIDTH + 1 + VALUE_WIDTH + 1 + RATIO_WIDTH + 2 * (1 + FRACTION_WIDTH)
        if exploded is not None:
            fixed += 1 + EXPLODED_WIDTH
        with_weight = fixed + 1 + WEIGHT_WIDTH
        spark = width - with_weight - 1
        if spark >= MIN_SPARK_WIDTH:
            return cls(spark, True, exploded)
        if exploded is not None and width - fixed - 1 >= MIN_SPARK_WIDTH:
            return cls(width - fixed - 1, False, exploded)
        return cls(0, width >= with_weight, exploded)


def trend_title(scale: Scale | None, width: int) -> str:
    """The trend column's title: the shared scale, e.g. ``‖∇‖ 1e-11–0.5 log``."""
    if scale is None:
        return "‖∇‖ trend"[:width].ljust(width)
    for title in (f"‖∇‖ {scale.label}", scale.label, "‖∇‖ log"):
        if len(title) <= width:
            return title.ljust(width)
    return "log"[:width].ljust(width)


def scale_note(scale: Scale | None, columns: Columns) -> str:
    """The line under the rows: the one log scale every trend is drawn on."""
    if not columns.spark:
        return ""
    if scale is None:
        return "‖∇‖ trends: no data yet"
    return f"‖∇‖ trends share one log scale: {scale.label.removesuffix(' log')}"


def exploded_title(epoch: int) -> str:
    """The exploding epoch's column title: ``‖∇‖ ep 6`` (shorter for huge epoch numbers)."""
    for title in (f"‖∇‖ ep {epoch}", f"ep {epoch}"):
        if len(title) <= EXPLODED_WIDTH:
            return title.rjust(EXPLODED_WIDTH)
    return "exploded".rjust(EXPLODED_WIDTH)


def exploded_note(epoch: int, width: int) -> str:
    """The line under a diverged run's rows: which column is the exploding epoch's.

    Example:
        >>> exploded_note(6, 60)
        '‖∇‖ ep 6: the epoch that exploded · other columns: epoch 5'
        >>> exploded_note(1, 31)
        'ep 1 exploded · no finite epoch'
    """
    rest = f"epoch {epoch - 1}" if epoch > 1 else "no finite epoch"
    forms = (
        f"‖∇‖ ep {epoch}: the epoch that exploded · other columns: {rest}",
        f"‖∇‖ ep {epoch}: the epoch that exploded · rest: {rest}",
        f"ep {epoch} exploded · rest: {rest}",
        f"ep {epoch} exploded · {rest}",
    )
    return next((form for form in forms if len(form) <= width), forms[-1][:width])


def header_text(columns: Columns, scale: Scale | None = None) -> str:
    """The column titles for ``columns`` (the trend's title names the shared ``scale``)."""
    parts = ["layer".ljust(NAME_WIDTH)]
    if columns.spark:
        parts.append(trend_title(scale, columns.spark))
    parts.append("‖∇‖".rjust(VALUE_WIDTH))
    if columns.exploded is not None:
        parts.append(exploded_title(columns.exploded))
    parts.append("Δ/W".rjust(RATIO_WIDTH))
    if columns.weight:
        parts.append("‖W‖".rjust(WEIGHT_WIDTH))
    parts.append("dead".rjust(FRACTION_WIDTH))
    parts.append("sat".rjust(FRACTION_WIDTH))
    return " ".join(parts)


def exploded_epoch(rows: Sequence[GradientSummary]) -> int | None:
    """The epoch a diverged run exploded in, when its rows carry its norms."""
    return next((row.exploded_epoch for row in rows if row.exploded_epoch is not None), None)


@dataclass(frozen=True)
class RowStyles:
    """How rows look: text styles and sparkline colours, per health."""

    text: dict[str, Style]
    spark_min: Color
    spark_max: dict[str, Color]
    header: Style
    flagged: Style
    exploded: Style = field(default_factory=Style)


class GradientRows:
    """A Rich renderable: the header and rows of :class:`GradientsPanel`."""

    def __init__(self, rows: Sequence[GradientSummary], styles: RowStyles) -> None:
        self.rows = rows
        self.styles = styles

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        columns = Columns.fit(options.max_width, exploded_epoch(self.rows))
        # One log scale for every layer: their magnitudes compare at a glance.
        scale = Scale.of(*(row.values for row in self.rows), log=True)
        yield from self._header(columns, scale)
        spark_options = options.update(width=max(columns.spark, 1), height=1)
        text, spark_max = self.styles.text, self.styles.spark_max
        for row in self.rows:
            yield Segment.line()
            style = text.get(row.health, text["ok"])
            yield Segment(row.name[:NAME_WIDTH].ljust(NAME_WIDTH), style)
            if columns.spark:
                yield Segment(" ")
                spark = SparklineRenderable(
                    row.values,
                    width=columns.spark,
                    height=1,
                    min_color=self.styles.spark_min,
                    max_color=spark_max.get(row.health, spark_max["ok"]),
                    scale=scale,
                )
                yield from console.render(spark, spark_options)
            yield Segment(" " + format_norm(row.current).rjust(VALUE_WIDTH), style)
            if columns.exploded is not None:
                exploded = format_metric(row.exploded_norm).rjust(EXPLODED_WIDTH)
                yield Segment(" " + exploded, text.get(row.exploded_health, text["ok"]))
            yield from self._cell(format_ratio(row.update_ratio), RATIO_WIDTH, row.ratio_health)
            if columns.weight:
                yield Segment(" " + format_weight_norm(row.weight_norm).rjust(WEIGHT_WIDTH))
            yield from self._cell(
                format_fraction(row.dead_fraction), FRACTION_WIDTH, row.dead_health
            )
            yield from self._cell(
                format_fraction(row.saturated_fraction), FRACTION_WIDTH, row.saturated_health
            )

        yield Segment.line()
        yield Segment(scale_note(scale, columns), self.styles.header)
        if columns.exploded is not None:
            yield Segment.line()
            yield Segment(exploded_note(columns.exploded, options.max_width), self.styles.exploded)

    def _header(self, columns: Columns, scale: Scale | None) -> RenderResult:
        """The column titles, the exploding epoch's in its own colour."""
        header = header_text(columns, scale)
        if columns.exploded is None:
            yield Segment(header, self.styles.header)
            return
        title = exploded_title(columns.exploded)
        before, _, after = header.partition(title)
        yield Segment(before, self.styles.header)
        yield Segment(title, self.styles.exploded)
        yield Segment(after, self.styles.header)

    def _cell(self, value: str, width: int, health: str) -> RenderResult:
        yield Segment(" ")
        yield Segment(value.rjust(width), self.styles.flagged if health != "ok" else None)


class GradientsPanel(Widget):
    """Per-layer gradient L2 norms (mean over each epoch's batches) and diagnostics.

    Colours come from the stylesheet through component classes:
    ``gradients--row`` (a healthy row's text), ``gradients--spark-min`` and
    ``gradients--spark-max`` (the sparkline ramp), ``gradients--vanishing`` and
    ``gradients--exploding`` (text and sparkline of a flagged row),
    ``gradients--header`` (the column titles) and ``gradients--flagged`` (a
    diagnostic far from healthy).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "gradients--row",
        "gradients--spark-min",
        "gradients--spark-max",
        "gradients--vanishing",
        "gradients--exploding",
        "gradients--header",
        "gradients--flagged",
    }

    DEFAULT_CSS = """
    GradientsPanel { height: auto; }
    GradientsPanel > .gradients--spark-min { color: $primary 30%; }
    GradientsPanel > .gradients--spark-max { color: $primary; }
    GradientsPanel > .gradients--vanishing { color: $warning; text-style: bold; }
    GradientsPanel > .gradients--exploding { color: $error; text-style: bold; }
    GradientsPanel > .gradients--header { color: $text-muted; }
    GradientsPanel > .gradients--flagged { color: $warning; text-style: bold; }
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
        """The header, one line per layer, the trend's scale (and the exploding epoch's note)."""
        if not self.rows:
            return 1
        return len(self.rows) + (3 if exploded_epoch(self.rows) is not None else 2)

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
            header=text("header"),
            flagged=text("flagged"),
            exploded=text("exploding"),
        )
