"""The runs table: every run of this session, its key settings, what changed, how it ended."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from nntui.tui.formatting import format_metric
from nntui.tui.run_history import RunRecord, show_value

COLUMNS = (
    "#",
    "task",
    "source",
    "hidden",
    "activations",
    "optimizer",
    "lr",
    "batch",
    "epochs",
    "status",
    "val loss",
    "val acc/R²",
    "test acc/R²",
    "changed from the previous run",
)
#: The task as the table shows it (short: the table is wide).
TASK_TEXT = {"classification": "classify", "regression": "regress"}

#: Status → Rich style in the table.
STATUS_STYLES = {
    "completed": "green",
    "early_stopped": "green",
    "interrupted": "yellow",
    "diverged": "bold red",
    "error": "bold red",
    "running": "cyan",
    "paused": "yellow",
    "stopping": "yellow",
    "starting": "cyan",
}


def optimizer_text(training: Mapping[str, Any]) -> str:
    """``sgd``, ``sgd m=0.9 nesterov`` or ``adam``, from a config's ``training`` block."""
    name = str(training.get("optimizer", "sgd"))
    if name != "sgd":
        return name
    momentum = float(training.get("momentum") or 0.0)
    if momentum <= 0:
        return name
    text = f"sgd m={momentum:g}"
    return text + " nesterov" if training.get("nesterov") else text


def changes_text(record: RunRecord) -> str:
    """``training.learning_rate: 0.05 → 0.1; …``, or ``first run``."""
    if record.number == 1:
        return "first run"
    if not record.changes:
        return "same config"
    return "; ".join(str(change) for change in record.changes)


def run_summary(record: RunRecord) -> str:
    """One paragraph about a run: its number, status, stop message and full config diff."""
    results = record.results or {}
    message = results.get("stop_message") or record.reason
    lines = [f"Run {record.number} ({record.task}, {record.status_text})"]
    if message:
        lines[0] += f": {message}"
    lines.append(f"Changed from the previous run: {changes_text(record)}")
    return "\n".join(lines)


def run_cells(record: RunRecord) -> tuple[str | Text, ...]:
    """The table row of one run."""
    config = record.config
    data = config.get("data", {})
    network = config.get("network", {})
    training = config.get("training", {})
    hidden = "-".join(str(units) for units in network.get("hidden_layers", [])) or "none"
    activations = ",".join(str(name) for name in network.get("hidden_activations", [])) or "–"
    planned = training.get("epochs", "?")
    score = record.score_key
    status = Text(record.status_text, style=STATUS_STYLES.get(record.status, ""))
    return (
        str(record.number),
        TASK_TEXT.get(record.task, record.task),
        str(data.get("source", "synthetic")),
        hidden,
        activations,
        optimizer_text(training),
        show_value(training.get("learning_rate")),
        show_value(training.get("batch_size")),
        f"{record.epochs_done}/{planned}",
        status,
        format_metric(record.final_metric("val_loss")),
        format_metric(record.final_metric(f"val_{score}")),
        format_metric(record.test_metric(score)),
        changes_text(record),
    )


class RunsTable(DataTable[Any]):
    """One row per run, newest last; the selected row is the one exports act on."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self._shown: list[tuple[str | Text, ...]] = []

    def on_mount(self) -> None:
        self.add_columns(*COLUMNS)

    def show_runs(self, records: Sequence[RunRecord]) -> None:
        """Show ``records``, changing only the rows that differ.

        The cursor follows the newest run unless the user moved it elsewhere.
        """
        rows = [run_cells(record) for record in records]
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
                        self.update_cell_at((index, column), cell, update_width=True)
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
