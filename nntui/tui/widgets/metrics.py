"""The metrics panel: a sparkline per metric with its current and best value."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline

from nntui.tui.formatting import format_metric
from nntui.tui.summaries import MetricSummary
from nntui.tui.widgets.fitted_label import FittedLabel
from nntui.tui.widgets.sparkline import FastSparkline


def metric_headings(summary: MetricSummary) -> tuple[Text, Text]:
    """``train loss  0.3412   best 0.3398 @ epoch 57``, and a short form for narrow panels."""
    current = format_metric(summary.current)
    full = Text.assemble((f"{summary.label:<15}", "bold"), f"{current:>10}")
    short_label = summary.label.replace("accuracy", "acc")
    short = Text.assemble((f"{short_label:<10}", "bold"), f" {current:>7}")
    if summary.best is not None:
        best = format_metric(summary.best)
        full.append(f"   best {best} @ epoch {summary.best_epoch}", "dim")
        short.append(f" best {best}@{summary.best_epoch}", "dim")
    return full, short


class MetricRow(Vertical):
    """One metric: a heading line over a sparkline of its history."""

    def compose(self) -> ComposeResult:
        yield FittedLabel(classes="metric-heading")
        yield FastSparkline([], classes="metric-sparkline")

    def show_metric(self, summary: MetricSummary) -> None:
        """Redraw from ``summary`` (its values are finite plain floats)."""
        self.query_one(FittedLabel).show(*metric_headings(summary))
        # A new list each time: the reactive ignores an in-place change.
        self.query_one(Sparkline).data = list(summary.values)


class MetricsPanel(Vertical):
    """Train/val loss and train/val accuracy (R² for regression)."""

    KINDS = ("loss", "loss", "score", "score")

    def compose(self) -> ComposeResult:
        for index, kind in enumerate(self.KINDS):
            yield MetricRow(id=f"metric-{index}", classes=f"-{kind}")

    def update_metrics(self, summaries: Sequence[MetricSummary]) -> None:
        """Redraw every row, in order (train loss, val loss, train score, val score)."""
        for row, summary in zip(self.query(MetricRow), summaries, strict=False):
            row.show_metric(summary)
