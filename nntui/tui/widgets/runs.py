"""The runs table: this session's runs and earlier recorded ones, how they ended; details below.

The table fits 120 columns: how each run ended and its numbers first (``val``
numbers come from the validation rows, ``test`` from the test rows scored
once at the end), then the settings that tell runs apart. The selected run's
task, activations, batch size and what changed from the run before are
shown under the table (:func:`run_summary`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from nntui.runs.store import RunStore
from nntui.training.record import Phase, RunRecord
from nntui.tui.formatting import format_metric
from nntui.tui.run_history import ConfigChange, show_value

if TYPE_CHECKING:
    from nntui.config import TrainingConfig
    from nntui.runs.summary import RunSummary

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

#: A recorded run's status → Rich style in the table.
STORE_STYLES = {
    "completed": "green",
    "early_stopped": "green",
    "interrupted": "yellow",
    "running": "cyan",
    "crashed": "bold red",
    "diverged": "bold red",
    "error": "bold red",
    "damaged": "bold red",
}
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


def store_cells(summary: RunSummary) -> tuple[str | Text, ...]:
    """The table row of a run recorded earlier (read from its folder's ``summary.json``)."""
    task = summary.task
    status = summary.status if summary.problem is None else "damaged"
    val_loss = summary.best.get("value") if summary.best.get("monitor") == "val_loss" else None
    return (
        summary.id,
        Text(status, style=STORE_STYLES.get(status, "")),
        f"{summary.epochs_done}/{summary.epochs_planned}",
        format_metric(val_loss),
        format_metric(summary.best_metric.get("value")),
        format_metric(summary.test_metric),
        TASK_TEXT.get(task, task),
        summary.source,
        "",
        "",
        "",
    )


def sort_key(cell: str | Text) -> tuple[int, float, str]:
    """Numbers by value (``3/10`` by its first number), then words, then blanks (``—``)."""
    text = cell.plain if isinstance(cell, Text) else cell
    head = text.split("/", 1)[0].strip()
    try:
        return 0, float(head), text
    except ValueError:
        return (2, 0.0, text) if head in ("", "—", "-") else (1, 0.0, text)


class RunsTable(DataTable[Any]):
    """One row per run, newest last; the selected row is the one exports act on.

    Sorted by a column when asked (:meth:`sort_by`); runs may be marked
    (:meth:`toggle_mark`, shown ``◆``) to be overlaid on the Curves tab.
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self._shown: list[tuple[str | Text, ...]] = []
        self._given: list[tuple[str | Text, ...]] = []
        #: The column the rows are sorted by (``None``: as given) and whether reversed.
        self.sort_column: int | None = None
        self.sort_reverse = False
        #: The keys (first cells) of the marked runs.
        self.marked: list[str] = []

    def on_mount(self) -> None:
        self.add_columns(*COLUMNS)

    def sort_by(self, column: int | None = None) -> str:
        """Sort by ``column`` (again: reversed); ``None``: the next column. Returns its name."""
        if column is None:
            column = 0 if self.sort_column is None else (self.sort_column + 1) % len(COLUMNS)
        self.sort_reverse = column == self.sort_column and not self.sort_reverse
        self.sort_column = column
        self._redisplay()
        return COLUMNS[column]

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(event.column_index)

    def toggle_mark(self) -> str | None:
        """Mark or unmark the selected run; returns its key (``None``: no rows)."""
        key = self.selected_key()
        if key is not None:
            if key in self.marked:
                self.marked.remove(key)
            else:
                self.marked.append(key)
            self._redisplay()
        return key

    def show_runs(self, rows: Sequence[tuple[str | Text, ...]]) -> None:
        """Show ``rows`` (:func:`run_cells` or :func:`store_cells` of each), sorted and marked."""
        self._given = list(rows)
        self._redisplay()

    def _redisplay(self) -> None:
        rows = self._given
        if self.sort_column is not None:
            column = self.sort_column
            rows = sorted(rows, key=lambda row: sort_key(row[column]), reverse=self.sort_reverse)
        self._show_rows([self._with_mark(row) for row in rows])

    def _with_mark(self, row: tuple[str | Text, ...]) -> tuple[str | Text, ...]:
        if str(row[0]) not in self.marked:
            return row
        return (Text("◆ ", style="bold magenta") + Text(str(row[0])), *row[1:])

    def _show_rows(self, rows: list[tuple[str | Text, ...]]) -> None:
        """Show ``rows``, changing only those that differ; the cursor follows the newest run."""
        if [_plain(row) for row in rows] == [_plain(row) for row in self._shown]:
            return
        at_latest = not self._shown or self.cursor_row >= len(self._shown) - 1
        keep = self.cursor_row
        if len(rows) < len(self._shown) or any(
            _key(old) != _key(new) for old, new in zip(self._shown, rows, strict=False)
        ):
            self.clear()
            self._shown = []
        for index, row in enumerate(rows):
            if index < len(self._shown):
                if _plain(row) != _plain(self._shown[index]):
                    for column, cell in enumerate(row):
                        self.update_cell_at(Coordinate(index, column), cell, update_width=True)
            else:
                self.add_row(*row, key=_key(row))
        self._shown = rows
        if rows:
            self.move_cursor(row=len(rows) - 1 if at_latest else min(keep, len(rows) - 1))

    def selected_key(self) -> str | None:
        """The selected row's key: a run number of this session, or a recorded run's id."""
        if not self._shown or self.cursor_row < 0:
            return None
        return _key(self._shown[min(self.cursor_row, len(self._shown) - 1)])

    def selected_run(self) -> int | None:
        """The selected row's run number, or ``None`` (empty, or a run of an earlier session)."""
        key = self.selected_key()
        return int(key) if key is not None and key.isdigit() else None


def _key(row: tuple[str | Text, ...]) -> str:
    cell = row[0]
    return (cell.plain if isinstance(cell, Text) else cell).removeprefix("◆ ")


def _plain(row: tuple[str | Text, ...]) -> tuple[str, ...]:
    return tuple(cell.plain if isinstance(cell, Text) else cell for cell in row)


def earlier_runs(runs_dir: str | None, recorded: Iterable[str]) -> list[RunSummary]:
    """The runs in ``runs_dir`` that are not this session's (``recorded`` ids), oldest first.

    ``None`` (recording off) or a store that cannot be read: none.
    """
    if runs_dir is None:
        return []
    mine = set(recorded)
    try:
        summaries = RunStore(runs_dir).summaries()
    except OSError:
        return []
    return [run for run in reversed(summaries) if run.id not in mine]
