"""The Distributions tab: one layer's percentile bands over epochs, and its current histogram.

It draws what the record holds (:class:`~nntui.training.measurements.DistributionHistory`,
filled by the training thread's distributions hook while this tab shows):
no statistics are computed here. Keys choose the layer and the quantity
(weights, biases, activations on the probe batch, weight gradients).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from nntui.training.measurements import PERCENTILES, QUANTITIES, Distribution, Quantity
from nntui.training.record import RunRecord
from nntui.tui.render.bands import (
    MEDIAN,
    SHADES,
    axis_labels,
    band_rows,
    histogram_line,
    pick_columns,
    value_range,
)
from nntui.tui.render.series import format_value

LABEL_WIDTH = 9
HINT = "[ ] layer · v weights → biases → activations → gradients"
EMPTY = (
    "Distributions are measured while this tab shows, a few times a second.\n"
    "Start or resume a run to see them."
)


class DistributionsView(Static):
    """Bands over epochs (top) and the latest histogram (bottom) of one layer's quantity."""

    DEFAULT_CSS = """
    DistributionsView { height: 1fr; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(EMPTY, id=id)
        self.layer_index = 0
        self.quantity: Quantity = "weights"
        self._record: RunRecord | None = None

    def show(self, record: RunRecord | None) -> None:
        """Draw ``record``'s distributions (or the hint when it has none)."""
        self._record = record
        self.update(self.render_text(self.size.width, self.size.height))

    def next_layer(self, step: int = 1) -> None:
        """Show the next (or previous, ``step=-1``) layer."""
        layers = self._layers()
        if layers:
            self.layer_index = (self.layer_index + step) % len(layers)
        self.show(self._record)

    def next_quantity(self) -> None:
        """Show the next quantity: weights → biases → activations → gradients."""
        self.quantity = QUANTITIES[(QUANTITIES.index(self.quantity) + 1) % len(QUANTITIES)]
        self.show(self._record)

    def _layers(self) -> tuple[str, ...]:
        return () if self._record is None else self._record.distributions.layers

    def render_text(self, width: int, height: int) -> Text | str:
        """The whole view for a ``width`` × ``height`` area."""
        layers = self._layers()
        if self._record is None or not layers:
            return EMPTY
        self.layer_index %= len(layers)
        layer = layers[self.layer_index]
        history = self._record.distributions
        points = list(history.bands(layer, self.quantity))
        latest = history.latest
        current = None
        if latest is not None:
            entry = next((e for e in latest.layers if e.layer == layer), None)
            current = None if entry is None else entry.of(self.quantity)
        plot_width = max(8, width - LABEL_WIDTH - 3)
        band_height = max(3, height - 8)
        text = Text(no_wrap=True, overflow="crop")
        epoch = points[-1][0] if points else 0
        text.append(f"{layer} · {self.quantity} · epoch {epoch}", style="bold")
        text.append(f"  ({len(layers)} layers)\n", style="dim")
        self._append_bands(text, points, plot_width, band_height)
        self._append_histogram(text, current, plot_width)
        text.append(HINT, style="dim")
        return text

    def _append_bands(
        self, text: Text, points: list[tuple[int, tuple[float, ...]]], width: int, height: int
    ) -> None:
        if not points:
            text.append("(no measurement of this quantity yet)\n", style="dim")
            return
        low, high = value_range(pick_columns(points, width))
        rows = band_rows(points, width, height)
        for index, row in enumerate(rows):
            label = ""
            if index == 0:
                label = format_value(high)
            elif index == len(rows) - 1:
                label = format_value(low)
            text.append(f"{label:>{LABEL_WIDTH}} ", style="dim")
            text.append(row + "\n", style="cyan")
        first, last = f"epoch {points[0][0]}", f"{points[-1][0]}"
        gap = " " * max(1, width - len(first) - len(last))
        text.append(" " * (LABEL_WIDTH + 1) + first + gap + last + "\n", "dim")
        legend = (
            f"{MEDIAN} median  {SHADES[3]} 31–69%  {SHADES[2]} 16–84%  "
            f"{SHADES[1]} 7–93%  {SHADES[0]} min–max"
        )
        text.append(" " * (LABEL_WIDTH + 1) + legend + "\n", style="dim")

    def _append_histogram(self, text: Text, current: Distribution | None, width: int) -> None:
        if current is None:
            text.append("\n\n")
            return
        median = current.percentiles[PERCENTILES.index(50)]
        text.append(f"{'now':>{LABEL_WIDTH}} ", style="dim")
        text.append(histogram_line(current.counts, width) + "\n", style="green")
        labels = axis_labels(current.low, current.high, width)
        text.append(" " * (LABEL_WIDTH + 1) + labels + "\n", style="dim")
        text.append(
            f"{'':>{LABEL_WIDTH}} median {format_value(median)} · "
            f"{current.sampled:,} of {current.size:,} values\n",
            style="dim",
        )
