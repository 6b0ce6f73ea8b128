"""The runs table: every run of this session, how it ended and its key settings; details below.

The table fits 120 columns: how each run ended and its numbers first (``val``
numbers come from the validation rows, ``test`` from the test rows scored
once at the end), then the settings that tell runs apart. The selected run's
task, activations, batch size and what changed from the run before are
shown under the table (:func:`run_summary`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from nntui.training.record import Phase, RunRecord
from nntui.tui.formatting import format_metric
from nntui.tui.run_history import ConfigChange, show_value

if TYPE_CHECKING:
    from nntui.config import TrainingConfig

COLUMNS = (
    "#",
    "status",
    "epochs",
    "val loss",
    "val acc/R²",
    "test acc/R²",
    "task",
    "source",
    "hidden",
    "optimizer",
    "lr",
)
#: The widest the table may be (a 120-column terminal, minus its border).
MAX_TABLE_WIDTH = 118
#: The task as the table shows it (short: the table is wide).
TASK_TEXT = {"classification": "classify", "regression": "regress"}

#: Phase → Rich style in the table.
PHASE_STYLES = {
    Phase.COMPLETED: "green",
    Phase.EARLY_STOPPED: "green",
    Phase.INTERRUPTED: "yellow",
    Phase.DIVERGED: "bold red",
    Phase.ERROR: "bold red",
    Phase.RUNNING: "cyan",
    Phase.PAUSED: "yellow",
    Phase.STOPPING: "yellow",
    Phase.STARTING: "cyan",
}


def optimizer_text(training: TrainingConfig) -> str:
    """``sgd``, ``sgd m=0.9 nesterov`` or ``adam``, from a config's ``training`` section."""
    name = str(training.optimizer)
    if name != "sgd" or training.momentum <= 0:
        return name
    text = f"sgd m={training.momentum:g}"
    return text + " nesterov" if training.nesterov else text


def changes_text(record: RunRecord, changes: Sequence[ConfigChange]) -> str:
    """``training.learning_rate: 0.05 → 0.1; …``, or ``first run``."""
    if record.number == 1:
        return "first run"
    if not changes:
        return "same config"
    return "; ".join(str(change) for change in changes)


def run_summary(record: RunRecord, changes: Sequence[ConfigChange]) -> str:
    """A few lines about a run: status and stop message, its settings, its full config diff."""
    message = record.stop_message if record.phase.is_final else None
    lines = [f"Run {record.number} ({record.task}, {record.phase.label})"]
    if message:
        lines[0] += f": {message}"
    config = record.config
    if config is not None:
        network, training = config.network, config.training
        activations = ", ".join(network.hidden_activations) or "none"
        lines.append(
            f"activations {activations} → {network.output_activation} · "
            f"batch {training.batch_size} · {optimizer_text(training)} · "
            f"lr {show_value(training.learning_rate)} ({training.lr_schedule}) · "
            f"l2 {show_value(training.l2)} · seed {config.data.random_seed}"
        )
    lines.append(f"Changed from the previous run: {changes_text(record, changes)}")
    return "\n".join(lines)


def run_cells(record: RunRecord, changes: Sequence[ConfigChange]) -> tuple[str | Text, ...]:
    """The table row of one run."""
    config = record.config
    assert config is not None, "every run of the app starts from a config"
    network, training = config.network, config.training
    hidden = "-".join(str(units) for units in network.hidden_layers) or "none"
    metric = record.metric
    task = record.task or config.task
    return (
        str(record.number),
        Text(record.phase.label, style=PHASE_STYLES.get(record.phase, "")),
        f"{record.epochs_done}/{training.epochs}",
        format_metric(record.final_metric("val_loss")),
        format_metric(record.final_metric(f"val_{metric}")),
        format_metric(record.test_metric(metric)),
        TASK_TEXT.get(task, task),
        str(config.data.source),
        hidden,
        optimizer_text(training),
        show_value(training.learning_rate),
    )


class RunsTable(DataTable[Any]):
    """One row per run, newest last; the selected row is the one exports act on."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self._shown: list[tuple[str | Text, ...]] = []

    def on_mount(self) -> None:
        self.add_columns(*COLUMNS)

    def show_runs(self, rows: Sequence[tuple[str | Text, ...]]) -> None:
        """Show ``rows`` (:func:`run_cells` of each run), changing only those that differ.

        The cursor follows the newest run unless the user moved it elsewhere.
        """
        rows = list(rows)
        if [_plain(row) for row in rows] == [_plain(row) for row in self._shown]:
            return
        at_latest = not self._shown or self.cursor_row >= len(self._shown) - 1
        keep = self.cursor_row
        if len(rows) < len(self._shown) or any(
            str(old[0]) != str(new[0]) for old, new in zip(self._shown, rows, strict=False)
        ):
            self.clear()
            self._shown = []
        for index, row in enumerate(rows):
            key = row[0]
            if index < len(self._shown):
                if _plain(row) != _plain(self._shown[index]):
                    for column, cell in enumerate(row):
                        self.update_cell_at(Coordinate(index, column), cell, update_width=True)
            else:
                self.add_row(*row, key=str(key))
        self._shown = rows
        if rows:
            self.move_cursor(row=len(rows) - 1 if at_latest else min(keep, len(rows) - 1))

    def selected_run(self) -> int | None:
        """The run number of the selected row, or ``None`` when the table is empty."""
        if not self._shown or self.cursor_row < 0:
            return None
        return int(str(self._shown[min(self.cursor_row, len(self._shown) - 1)][0]))


def _plain(row: tuple[str | Text, ...]) -> tuple[str, ...]:
    return tuple(cell.plain if isinstance(cell, Text) else cell for cell in row)
