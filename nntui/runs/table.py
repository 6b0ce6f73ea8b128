"""The runs as a table: the rows of ``nntui runs list``, their sort keys and filters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from nntui.runs.summary import RunSummary
from nntui.training.formatting import format_metric

COLUMNS = ("id", "started", "source", "task", "epochs", "status", "best val", "test")
"""The table's headings."""

SORT_KEYS: dict[str, Callable[[RunSummary], Any]] = {
    "id": lambda run: run.id,
    "started": lambda run: run.started,
    "source": lambda run: run.source,
    "task": lambda run: run.task,
    "epochs": lambda run: run.epochs_done,
    "status": lambda run: run.status,
    "best": lambda run: run.best_value,
    "test": lambda run: run.test_metric,
}
"""``--sort`` keys; every sort is descending (newest, most epochs, best metric first)."""

FILTER_KEYS = ("source", "task", "status", "id", "resumed_from")
"""``--filter KEY=VALUE`` keys."""


class TableError(ValueError):
    """A bad ``--sort`` or ``--filter``; the message names it and what is allowed."""


def sort_runs(runs: Sequence[RunSummary], key: str) -> list[RunSummary]:
    """``runs`` sorted by ``key``, descending, runs without a value last.

    Raises:
        TableError: an unknown key.
    """
    if key not in SORT_KEYS:
        raise TableError(f"--sort {key}: unknown key; allowed: {', '.join(SORT_KEYS)}")
    value = SORT_KEYS[key]
    known = [run for run in runs if value(run) is not None]
    unknown = [run for run in runs if value(run) is None]
    return sorted(known, key=value, reverse=True) + unknown


def filter_runs(runs: Sequence[RunSummary], filters: Sequence[str]) -> list[RunSummary]:
    """The runs matching every ``KEY=VALUE`` (``source=spiral``).

    Raises:
        TableError: a filter that is not ``KEY=VALUE`` with a known key.
    """
    wanted: list[tuple[str, str]] = []
    for text in filters:
        key, equals, value = text.partition("=")
        if not equals or key.strip() not in FILTER_KEYS:
            raise TableError(
                f"--filter {text}: expected KEY=VALUE with KEY one of {', '.join(FILTER_KEYS)}"
            )
        wanted.append((key.strip(), value.strip()))
    return [
        run
        for run in runs
        if all(str(run.as_dict().get(key) or "") == value for key, value in wanted)
    ]


def row(run: RunSummary) -> tuple[str, ...]:
    """One run's cells, in :data:`COLUMNS` order."""
    metric = f" {run.metric}" if run.metric else ""
    best = format_metric(run.best_value) if run.best_value is not None else "–"
    test = format_metric(run.test_metric) if run.test_metric is not None else "–"
    epochs = f"{run.epochs_done}/{run.epochs_planned}" if run.epochs_planned else "–"
    return (
        run.id,
        run.started[:16].replace("T", " "),
        run.source or "–",
        run.task or "–",
        epochs,
        run.status if run.problem is None else f"{run.status}: {run.problem}",
        best + (metric if run.best_value is not None else ""),
        test,
    )


def plain_table(rows: Sequence[tuple[str, ...]], headings: Sequence[str] = COLUMNS) -> str:
    """Rows as aligned plain text (for pipes), one line per row under a heading line."""
    table = [tuple(headings), *rows]
    widths = [max(len(cells[i]) for cells in table) for i in range(len(headings))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        for cells in table
    ]
    return "\n".join(line.rstrip() for line in lines)
