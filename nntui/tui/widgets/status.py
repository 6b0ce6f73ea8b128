"""The status bar: state, epoch n/N, learning rate, elapsed, samples/s, ETA; how a run ended.

The line under it says why a run failed (red) or how it ended — for an
early-stopped run, why it stopped (the runner's ``stop_message``) — and the
test set's score, which (unlike every ``val`` number, from the validation rows
after each epoch) is measured once, at the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label

from nntui.tui.formatting import (
    format_duration,
    format_eta,
    format_learning_rate,
    format_metric,
    format_rate,
)
from nntui.tui.summaries import badge
from nntui.tui.widgets.fitted_label import FittedLabel

if TYPE_CHECKING:
    from nntui.training.record import RunRecord

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


def final_test_score(record: RunRecord) -> tuple[str, str] | None:
    """The test score of a finished run, long and short.

    ``test set (40 rows, scored once at the end): loss 0.3120 · accuracy 0.9000``
    and ``test: loss 0.3120 · accuracy 0.9000``.
    """
    loss = record.test_metric("loss")
    score = record.test_metric(record.metric)
    if loss is None and score is None:
        return None
    rows = record.started.data.n_test if record.started is not None else None
    where = f"test set ({rows} rows, scored once at the end)" if rows else "test set"
    parts = [f"loss {format_metric(loss)}"] if loss is not None else []
    if score is not None:
        parts.append(f"{'R²' if record.metric == 'r2' else 'accuracy'} {format_metric(score)}")
    numbers = " · ".join(parts)
    return f"{where}: {numbers}", f"test: {numbers}"


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
        #: The seed of a run started with a new random seed (``R``), shown in the line.
        self.seed: int | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="status-line"):
            yield Label("IDLE", id="status-phase")
            yield FittedLabel(id="status-text")
        yield FittedLabel(id="status-reason")

    def show_run(self, record: RunRecord | None, task: str) -> None:
        """Redraw from the current run's ``record`` (``None`` before the first run of ``task``)."""
        # Fixed-size labels: layout=False spares a layout pass on every update.
        phase = badge(record)
        phase_label = self.query_one("#status-phase", Label)
        phase_label.update(phase.upper(), layout=False)
        for name in _PHASES:
            phase_label.set_class(name == phase, f"-{name}")
        if record is not None:
            task = record.task or task
        self.query_one("#status-text", FittedLabel).show(*self._status_lines(record, task))
        # One line under the status: why a run failed (red), or how it ended.
        reason = record.reason if record is not None else None
        note = record.stop_message if record is not None and record.phase.is_final else None
        tested = final_test_score(record) if record is not None else None
        forms: list[str] = [reason] if reason else []
        if not reason and tested:
            forms = [f"{note} · {form}" if note else form for form in tested]
        if not forms and note:
            forms = [note]
        elif note and not reason:
            forms.append(note)
        line = self.query_one("#status-reason", FittedLabel)
        if line.display != bool(forms):
            line.display = bool(forms)
        line.set_class(reason is None, "-note")
        line.show(*(forms or [""]))

    def _status_lines(self, record: RunRecord | None, task: str) -> tuple[str, ...]:
        """The status line, longest first, then shorter forms for narrow terminals."""
        done = record.epochs_done if record is not None else 0
        epoch = f"epoch {done}/{(record.epochs if record is not None else 0) or '?'}"
        if self.seed is not None:
            epoch += f" · seed {self.seed}"
        lr = format_learning_rate(record.learning_rate if record is not None else None)
        if not self.show_timing:
            return (
                "  ·  ".join(part for part in (task, epoch, lr) if part),
                " · ".join(part for part in (epoch, lr) if part),
                epoch,
            )
        elapsed = format_duration(record.elapsed_s if record is not None else 0.0)
        rate = format_rate(record.samples_per_s if record is not None else None)
        eta_s = record.eta_s if record is not None else None
        # The record's ETA comes from the training clock, which stops while paused.
        eta = f"ETA {format_eta(eta_s)}" if eta_s is not None else ""
        full = [task, epoch, lr, f"elapsed {elapsed}", rate, eta]
        short = [task, epoch, lr, elapsed, rate, eta]
        shortest = [epoch, lr, elapsed, eta]
        return (
            "  ·  ".join(part for part in full if part),
            " · ".join(part for part in short if part),
            " · ".join(part for part in shortest if part),
        )
