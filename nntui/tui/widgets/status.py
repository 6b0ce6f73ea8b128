"""The status bar: state, epoch n/N, learning rate, elapsed, samples/s, ETA; how a run ended.

The line under it says why a run failed (red) or how it ended — for an
early-stopped run, why it stopped (the runner's ``stop_message``).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label

from nntui.tui.formatting import format_duration, format_learning_rate, format_rate
from nntui.tui.run_state import RunState
from nntui.tui.widgets.fitted_label import FittedLabel

#: Every phase class the panel may carry, so the old one can be removed.
_PHASES = (
    "idle",
    "starting",
    "running",
    "paused",
    "stopping",
    "finished",
    "stopped",
    "diverged",
    "failed",
)


class StatusPanel(Vertical):
    """One glance at the run: what it is doing and how far it got.

    Args:
        show_timing: show elapsed, samples/s and ETA. Off for screenshots and
            snapshot tests, where anything time-dependent would differ per run.
    """

    def __init__(
        self,
        *,
        show_timing: bool = True,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.show_timing = show_timing

    def compose(self) -> ComposeResult:
        with Horizontal(id="status-line"):
            yield Label("IDLE", id="status-phase")
            yield FittedLabel(id="status-text")
        yield FittedLabel(id="status-reason")

    def show_state(self, state: RunState) -> None:
        """Redraw from ``state``."""
        # Fixed-size labels: layout=False spares a layout pass on every update.
        phase_label = self.query_one("#status-phase", Label)
        phase_label.update(state.phase.upper(), layout=False)
        for phase in _PHASES:
            phase_label.set_class(phase == state.phase, f"-{phase}")

        total = state.total_epochs or "?"
        epoch = f"epoch {state.epoch}/{total}"
        lr = format_learning_rate(state.learning_rate)
        if not self.show_timing:
            self.query_one("#status-text", FittedLabel).show(
                "  ·  ".join(part for part in (state.task, epoch, lr) if part),
                " · ".join(part for part in (epoch, lr) if part),
                epoch,
            )
        else:
            elapsed = format_duration(state.elapsed_s)
            rate = format_rate(state.samples_per_s)
            eta = f"ETA {format_duration(state.eta_s)}" if state.eta_s is not None else ""
            full = [state.task, epoch, lr, f"elapsed {elapsed}", rate, eta]
            short = [state.task, epoch, lr, elapsed, rate, eta]
            shortest = [epoch, lr, elapsed, eta]
            self.query_one("#status-text", FittedLabel).show(
                "  ·  ".join(part for part in full if part),
                " · ".join(part for part in short if part),
                " · ".join(part for part in shortest if part),
            )

        # One line under the status: why a run failed (red), or how it ended.
        line = self.query_one("#status-reason", FittedLabel)
        text = state.reason or state.note
        if line.display != (text is not None):
            line.display = text is not None
        line.set_class(state.reason is None, "-note")
        line.show(text or "")
