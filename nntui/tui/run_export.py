"""Export a run's history: ``nntui-run-3.csv`` (one row per epoch) and ``nntui-run-3.json``.

Both files are written atomically (``nntui.atomic``), so a reader never sees
half a file. Missing and non-finite values are empty CSV cells and JSON ``null``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

from nntui.atomic import atomic_write_text
from nntui.tui.run_history import RunRecord

#: Columns in this order first; any other history key follows, sorted.
COLUMN_ORDER = (
    "loss",
    "accuracy",
    "r2",
    "val_loss",
    "val_accuracy",
    "val_r2",
    "learning_rate",
)


def export_stem(number: int) -> str:
    """``nntui-run-3``: the file name (without suffix) of run 3's exports."""
    return f"nntui-run-{number}"


def history_columns(record: RunRecord) -> list[str]:
    """The history keys of ``record``, Keras' order first."""
    keys = list(record.history)
    ordered = [key for key in COLUMN_ORDER if key in keys]
    return ordered + sorted(key for key in keys if key not in ordered)


def history_csv(record: RunRecord) -> str:
    """``epoch,loss,accuracy,val_loss,…`` then one row per epoch."""
    columns = history_columns(record)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["epoch", *columns])
    for index in range(record.epochs_done):
        row: list[Any] = [index + 1]
        for key in columns:
            values = record.history[key]
            value = values[index] if index < len(values) else None
            row.append("" if value is None else repr(float(value)))
        writer.writerow(row)
    return buffer.getvalue()


def history_document(record: RunRecord) -> dict[str, Any]:
    """The JSON export: the run, its settings, what changed, its history and results."""
    results = record.results or {}
    return _finite(
        {
            "run": record.number,
            "task": record.task,
            "status": record.status,
            "stop_message": results.get("stop_message") or record.reason,
            "config": record.config,
            "changes": [
                {"key": change.key, "old": change.old, "new": change.new}
                for change in record.changes
            ],
            "epochs_completed": record.epochs_done,
            "history": {key: record.history[key] for key in history_columns(record)},
            "test": results.get("test"),
            "best": results.get("best"),
            "diagnostics": results.get("diagnostics"),
        }
    )


def export_run(record: RunRecord, folder: str | Path = ".") -> tuple[Path, Path]:
    """Write ``nntui-run-N.csv`` and ``nntui-run-N.json`` into ``folder``, atomically.

    Returns:
        The two paths written (absolute).

    Raises:
        OSError: a file cannot be written; an existing file is left as it was.
    """
    base = Path(folder).resolve() / export_stem(record.number)
    csv_path = Path(atomic_write_text(base.with_suffix(".csv"), history_csv(record)))
    text = json.dumps(history_document(record), indent=2, allow_nan=False) + "\n"
    json_path = Path(atomic_write_text(base.with_suffix(".json"), text))
    return csv_path, json_path


def _finite(value: Any) -> Any:
    """A copy of a JSON-like value with NaN/inf floats as ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value
