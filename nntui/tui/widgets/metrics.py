"""The metrics panel: a sparkline per metric on a labelled scale, with its current and best value.

Losses are drawn on a log scale (``l`` switches to linear), so a loss that
still falls after the first epochs, or a validation loss that rises again,
stays visible; accuracy and R² on their own range. Train and validation share
one scale per kind, so the two rows compare bar for bar. The best epoch's
column is marked and the columns after it coloured, and the heading says how
far the last value has moved from the best (``↑0.09``), so a rise reads with
``NO_COLOR`` too.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape

from nntui.tui.formatting import format_metric
from nntui.tui.summaries import MetricSummary
from nntui.tui.widgets.fitted_label import FittedLabel
from nntui.tui.widgets.sparkline import MetricSparkline, Scale

#: The keys' hint under the panel.
LOG_HINT = {True: "losses: log scale · l linear", False: "losses: linear · l log scale"}


def metric_headings(summary: MetricSummary) -> tuple[Text, Text, Text]:
    """``val loss  0.3412   best 0.3398 @ epoch 57  ↑0.0014``, then shorter forms.

    The arrow is how far the last value moved from the best (bold red when that is worse).
    """
    current = format_metric(summary.current)
    full = Text.assemble((f"{summary.label:<15}", "bold"), f"{current:>8}")
    short_label = summary.label.replace("accuracy", "acc")
    short = Text.assemble((f"{short_label:<10}", "bold"), f" {current:>7}")
    shortest = short.copy()
    if summary.best is not None:
        best = format_metric(summary.best)
        full.append(f"   best {best} @ epoch {summary.best_epoch}", "dim")
        short.append(f" best {best}@{summary.best_epoch}", "dim")
    moved = summary.since_best
    if moved is not None:
        worse = moved > 0 if summary.is_loss else moved < 0
        arrow = "↑" if moved > 0 else "↓"
        style = "bold red" if worse else "dim"
        full.append(f"  {arrow}{format_metric(abs(moved))}", style)
        short.append(f" {arrow}{format_metric(abs(moved))}", style)
        shortest.append(f" {arrow}{format_metric(abs(moved))}", style)
    return full, short, shortest


class MetricRow(Vertical):
    """One metric: a heading line over a sparkline of its history."""

    def compose(self) -> ComposeResult:
        yield FittedLabel(classes="metric-heading")
        yield MetricSparkline(classes="metric-sparkline")

    def show_metric(self, summary: MetricSummary, scale: Scale | None) -> None:
        """Redraw from ``summary`` (its values are finite plain floats) on ``scale``."""
        self.query_one(FittedLabel).show(*metric_headings(summary))
        # Losses as bars; scores as a line, so an accuracy near 1 is not a wall of blocks.
        self.query_one(MetricSparkline).show(
            summary.values, scale, summary.best_index, fill=summary.is_loss
        )


class MetricsPanel(Vertical):
    """Train/val loss and train/val accuracy (R² for regression).

    Attributes:
        log_losses: losses are drawn on a log scale (``l`` flips it).
    """

    KINDS = ("loss", "loss", "score", "score")

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.log_losses = True
        self._summaries: list[MetricSummary] = []
        self._note: str | None = None

    def compose(self) -> ComposeResult:
        for index, kind in enumerate(self.KINDS):
            yield MetricRow(id=f"metric-{index}", classes=f"-{kind}")

    def on_mount(self) -> None:
        self._show_hint()

    def update_metrics(
        self, summaries: Sequence[MetricSummary], *, note: str | None = None
    ) -> None:
        """Redraw every row, in order (train loss, val loss, train score, val score).

        Args:
            summaries: the four rows.
            note: what to say under the panel instead of the keys' hint
                (e.g. which epoch of a diverged run exploded).
        """
        self._summaries = list(summaries)
        self._note = note
        losses = [summary.values for summary in summaries if summary.is_loss]
        scores = [summary.values for summary in summaries if not summary.is_loss]
        loss_scale = Scale.of(*losses, log=self.log_losses)
        score_scale = Scale.of(*scores)
        for row, summary in zip(self.query(MetricRow), summaries, strict=False):
            scale = loss_scale if summary.is_loss else score_scale
            row.show_metric(summary, scale)
        self._show_hint()

    def toggle_log(self) -> bool:
        """Switch the losses between log and linear scale; returns the new setting."""
        self.log_losses = not self.log_losses
        self.update_metrics(self._summaries, note=self._note)
        return self.log_losses

    def _show_hint(self) -> None:
        if self._note is not None:
            subtitle = f"[bold $error]{escape(self._note)}[/]"
        else:
            subtitle = LOG_HINT[self.log_losses]
        if self.border_subtitle != subtitle:
            self.border_subtitle = subtitle

    @property
    def note(self) -> str | None:
        """What the panel says under it instead of the keys' hint (a diverged run's epoch)."""
        return self._note
