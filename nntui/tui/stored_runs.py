"""The Runs tab's recorded runs: earlier sessions' runs listed, marked runs overlaid, one opened.

The run store (``logging.runs_dir``) holds every recorded run; the Runs tab
lists this session's runs from their records and earlier ones from their
folders' ``summary.json``. Runs marked in the table (``v``) are overlaid on the
Curves tab (their histories read from ``metrics.jsonl``); a run opened
(``o``/enter) shows in a :class:`~nntui.tui.screens.past_run.PastRunScreen`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nntui.runs.summary import RunSummary, epoch_lines, read_summary
from nntui.tui.screens.past_run import PastRunScreen, metrics_text
from nntui.tui.widgets.runs import RunsTable, earlier_runs

if TYPE_CHECKING:
    from nntui.tui.screens.monitor import MonitorScreen
    from nntui.tui.widgets.learning_curves import History

#: The series of an epoch line the Curves tab can overlay.
CURVE_KEYS = ("loss", "val_loss", "accuracy", "val_accuracy", "r2", "val_r2")


def history_of(path: Path) -> dict[str, list[float | None]]:
    """A recorded run's per-epoch curves (``loss``, ``val_loss``, …) from its ``metrics.jsonl``."""
    lines = epoch_lines(path)
    return {key: [line.get(key) for line in lines] for key in CURVE_KEYS}


class StoredRuns:
    """What the Runs tab knows of the run store, for one monitor screen.

    Args:
        screen: the monitor (its controller gives the current config and this session's ids).
    """

    def __init__(self, screen: MonitorScreen) -> None:
        self.screen = screen
        #: Runs recorded before this session (or by another nntui), oldest first.
        self.earlier: list[RunSummary] = []
        #: The marks changed since the Curves tab last drew them.
        self.marks_changed = False
        self._histories: dict[str, dict[str, list[float | None]]] = {}

    @property
    def runs_dir(self) -> str | None:
        """The current run's (or the app's) store folder (``None``: recording is off)."""
        record = self.screen.controller.record
        config = record.config if record is not None else getattr(self.screen.app, "config", None)
        return None if config is None else config.logging.runs_dir

    @property
    def title(self) -> str:
        """The Runs table's title: where its runs come from."""
        if self.runs_dir is None:
            return "Every run since nntui opened (logging.runs_dir is null: none recorded)"
        return f"This session's runs and earlier ones recorded in {self.runs_dir}/"

    def reread(self) -> None:
        """List the store's runs again (a run ended, or the tab is shown)."""
        recorded = self.screen.controller.recorded.values()
        self.earlier = earlier_runs(self.runs_dir, recorded)

    def summary(self, key: str | None) -> RunSummary | None:
        """The recorded run of a table key: a run number of this session or a run id."""
        if key is None:
            return None
        if not key.isdigit():
            return next((run for run in self.earlier if run.id == key), None)
        run_id, runs_dir = self.screen.controller.recorded.get(int(key)), self.runs_dir
        if run_id is None or runs_dir is None:
            return None
        return read_summary(Path(runs_dir) / run_id)

    def detail(self, key: str) -> str:
        """The lines under the table for a run of an earlier session."""
        summary = self.summary(key)
        return "No runs yet." if summary is None else metrics_text(summary, {})

    def open(self, key: str | None) -> None:
        """Open a recorded run: architecture, final metrics, decision boundary."""
        summary = self.summary(key)
        if summary is not None:
            self.screen.app.push_screen(PastRunScreen(summary))
        elif key is not None:
            self.screen.notify(
                f"Run {key} is not recorded (logging.runs_dir is null): "
                "its curves are on the Curves tab, its numbers under the table."
            )

    def _table(self) -> RunsTable | None:
        found = self.screen.query(RunsTable)
        return found.first() if found else None

    def toggle_mark(self) -> None:
        """Mark or unmark the selected run for the Curves tab."""
        table = self._table()
        key = table.toggle_mark() if table is not None else None
        if table is None or key is None:
            self.screen.notify("No run selected: open the Runs tab (3) first.")
            return
        self.marks_changed = True
        count = len(table.marked)
        shown = f"{count} run{'s' if count != 1 else ''} marked" if count else "no runs marked"
        self.screen.notify(f"{shown}: press 2 to compare them on the Curves tab", timeout=2)

    def sort(self) -> None:
        """Sort the table by its next column."""
        table = self._table()
        if table is not None:
            name = table.sort_by()
            order = "descending" if table.sort_reverse else "ascending"
            self.screen.notify(f"Runs sorted by {name} ({order})", timeout=1.5)

    def marked_histories(self) -> list[tuple[str, History]]:
        """``(label, curves)`` of each marked run, in the order marked."""
        table = self._table()
        marked: list[tuple[str, History]] = []
        for key in table.marked if table is not None else []:
            if key.isdigit():
                record = self.screen.controller.runs.get(int(key))
                if record is not None:
                    marked.append((f"run {key}", record.history))
                continue
            summary = self.summary(key)
            if summary is not None:
                if key not in self._histories:
                    self._histories[key] = history_of(summary.path)
                marked.append((key, self._histories[key]))
        return marked
