"""What the gradient panel's columns mean, one key (``d``) away."""

from __future__ import annotations

from typing import ClassVar

from rich import box
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from nntui.tui.summaries import (
    EXPLODING_ABOVE,
    FRACTION_WARN_ABOVE,
    RATIO_HIGH_ABOVE,
    RATIO_LOW_BELOW,
    VANISHING_BELOW,
)

#: ``(column, what it measures, how to read it)``, in the panel's order.
COLUMN_HELP: tuple[tuple[str, str, str], ...] = (
    (
        "‖∇‖",
        "L2 norm of the layer's gradient (weights and biases), averaged over the epoch's "
        "batches; the sparkline is its history.",
        f"Below {VANISHING_BELOW:g} the layer has stopped learning (vanishing gradients: "
        f"try relu or he init); above {EXPLODING_ABOVE:g} steps are huge (exploding: "
        "lower the learning rate or clip gradients).",
    ),
    (
        "‖∇‖ ep N",
        "A diverged run only: each layer's gradient norm in epoch N, the epoch that "
        "exploded (nan, inf or huge); the other columns show the last finite epoch.",
        "The layer with inf or nan, or the largest norm, blew up first: lower the "
        "learning rate, or clip gradients (training.gradient_clip_norm).",
    ),
    (
        "Δ/W",
        "log10 of ‖ΔW‖/‖W‖: how big the epoch's last update was next to the weights "
        "(learning rate and optimizer included).",
        f"Healthy near −3 (each step changes the weights by about 0.1 %). Below "
        f"{RATIO_LOW_BELOW:g} the layer barely moves (raise the learning rate); above "
        f"{RATIO_HIGH_ABOVE:g} every step rewrites it (lower the learning rate).",
    ),
    (
        "‖W‖",
        "L2 norm of the layer's weights.",
        "Slow growth is normal; a steady climb with a rising loss hints at too high a "
        "rate, and training.l2 keeps it in check.",
    ),
    (
        "dead",
        "relu / leaky_relu layers: share of units that were never positive on a fixed "
        "probe batch of training rows.",
        f"A dead unit passes no gradient and never recovers; above "
        f"{FRACTION_WARN_ABOVE:.0%} of a layer is a problem: lower the learning rate, or "
        "use leaky_relu. '–' for other activations.",
    ),
    (
        "sat",
        "tanh / sigmoid layers: share of activations at their limits on the probe batch "
        "(tanh |a| > 0.97; sigmoid a < 0.03 or > 0.97).",
        f"Saturated units have near-zero slope, so gradients fade; above "
        f"{FRACTION_WARN_ABOVE:.0%} try smaller initial weights (xavier), a lower rate, or "
        "relu. '–' for other activations.",
    ),
)


def diagnostics_table() -> Table:
    """The columns, what each measures, and how to read it."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
    table.add_column("Column", style="bold", no_wrap=True)
    table.add_column("Measures", ratio=1)
    table.add_column("How to read it", ratio=1)
    for column, measures, reading in COLUMN_HELP:
        table.add_row(column, measures, reading)
    return table


class DiagnosticsHelpScreen(ModalScreen[None]):
    """A modal explaining the gradient panel's columns; escape, q or d closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,d", "close", "Close")]

    def __init__(self) -> None:
        super().__init__(id="diagnostics-help-screen")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="diagnostics-help-body") as body:
            body.border_title = "What the gradient panel's columns mean"
            body.border_subtitle = "esc to close"
            yield Static(diagnostics_table(), id="diagnostics-help-text")

    def action_close(self) -> None:
        """Close the explanation."""
        self.dismiss(None)
