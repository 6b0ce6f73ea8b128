"""``nntui runs export``: a run's epochs as CSV (one row per epoch), or the whole run as JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from nntui.runs.compare import flat_config
from nntui.runs.folder import RESULTS
from nntui.runs.summary import RunSummary, epoch_lines

EPOCH_COLUMNS = ("epoch", "loss", "val_loss", "learning_rate", "elapsed_s", "samples_per_s")


def export_text(run: RunSummary, format: str) -> str:
    """The run as ``csv`` (epochs) or ``json`` (summary, config, results, epochs)."""
    lines = epoch_lines(run.path)
    if format == "json":
        document = {
            "run": run.as_dict(),
            "config": flat_config(run),
            "results": _results(run),
            "epochs": lines,
        }
        return json.dumps(document, indent=1) + "\n"
    metric = run.metric or ("r2" if any("r2" in line for line in lines) else "accuracy")
    columns = [*EPOCH_COLUMNS[:3], metric, f"val_{metric}", *EPOCH_COLUMNS[3:]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for line in lines:
        writer.writerow(["" if line.get(key) is None else line[key] for key in columns])
    return buffer.getvalue()


def _results(run: RunSummary) -> Any:
    try:
        return json.loads((run.path / RESULTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
