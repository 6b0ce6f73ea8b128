"""Export a run's history: ``nntui-run-3.csv`` (one row per epoch) and ``nntui-run-3.json``.

The JSON is the run's results document, the same schema the headless command
writes (:mod:`nntui.training.results`). Both files are written atomically
(:mod:`nntui.files`), so a reader never sees half a file. Missing and
non-finite values are empty CSV cells and JSON ``null``.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from nntui.files import atomic_write_text
from nntui.training.record import RunRecord
from nntui.training.results import build_results, json_safe
from nntui.tui.run_history import ConfigChange

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
    for index in range(len(record.history.get("loss", ()))):
        row: list[Any] = [index + 1]
        for key in columns:
            values = record.history[key]
            value = values[index] if index < len(values) else None
            row.append("" if value is None else repr(float(value)))
        writer.writerow(row)
    return buffer.getvalue()


def history_document(record: RunRecord, changes: Sequence[ConfigChange] = ()) -> dict[str, Any]:
    """The JSON export: the run's results document (the headless schema), plus its number
    in this session and what changed from the run before.

    A run still training is exported as it stands, with status ``interrupted``
    and a stop message saying so.
    """
    results = record.results
    if results is None:
        results = build_results(
            record,
            status="interrupted",
            wall_time_s=record.elapsed_s,
            stop_message=(
                f"exported while {record.phase.label}, after epoch {record.epochs_done} "
                f"of {record.epochs}"
            ),
        )
    document = {
        **results,
        "run": record.number,
        "changes": [
            {"key": change.key, "old": change.old, "new": change.new} for change in changes
        ],
    }
    return cast("dict[str, Any]", json_safe(document))


def free_stem(folder: Path, stem: str, suffixes: Sequence[str], *, limit: int = 10_000) -> Path:
    """``folder/stem`` if no ``stem + suffix`` exists there, else the first free ``stem-N``.

    Both files of an export share one name, so a later export never replaces
    either file of an earlier one.

    Raises:
        FileExistsError: every name up to ``limit`` is taken.
    """
    for number in range(1, limit + 1):
        base = folder / (stem if number == 1 else f"{stem}-{number}")
        if not any(os.path.lexists(base.with_name(base.name + suffix)) for suffix in suffixes):
            return base
    raise FileExistsError(f"{folder / stem}: every name up to -{limit} is taken")


def export_run(
    record: RunRecord, changes: Sequence[ConfigChange] = (), folder: str | Path = "."
) -> tuple[Path, Path]:
    """Write ``nntui-run-N.csv`` and ``.json`` into ``folder`` (``nntui-run-N-2.*`` if taken…).

    Files are written atomically and never replace an existing file.

    Returns:
        The two paths written (absolute).

    Raises:
        OSError: a file cannot be written (``FileExistsError`` when no name is free).
    """
    base = free_stem(Path(folder).resolve(), export_stem(record.number), (".csv", ".json"))
    csv_path = base.with_name(base.name + ".csv")
    atomic_write_text(csv_path, history_csv(record), overwrite=False)
    text = json.dumps(history_document(record, changes), indent=2, allow_nan=False) + "\n"
    json_path = base.with_name(base.name + ".json")
    atomic_write_text(json_path, text, overwrite=False)
    return csv_path, json_path
