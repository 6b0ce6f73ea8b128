"""What the listing knows of a run, read from its folder without ever failing.

A run that ended has its final ``summary.json``: one small file is read. A
run whose summary still says ``running`` is either running (another process
holds its lock) or ``crashed`` (nobody does: killed, power cut); its epochs
are then read from ``metrics.jsonl``, every completed one. A folder whose
summary is missing or unreadable is ``damaged``, with the reason.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nntui.runs.folder import METRICS, SUMMARY, SUMMARY_FORMAT, writer_alive
from nntui.training.record import Best

RUNNING = "running"
CRASHED = "crashed"
DAMAGED = "damaged"


@dataclass
class RunSummary:
    """One run as the listing shows it.

    Attributes:
        id: the folder's name.
        path: the folder.
        started: ISO start time (the id for a damaged folder).
        status: ``running``, ``crashed``, ``damaged`` or a results status
            (``completed``, ``early_stopped``, ``interrupted``, ``diverged``, ``error``).
        source, task, metric: the data source, the task, ``accuracy`` or ``r2``.
        epochs_done, epochs_planned: epochs.
        best: ``{"monitor", "epoch", "value"}`` of the metric the run watched
            (early stopping's, else ``val_loss``).
        best_metric: the same for ``val_accuracy``/``val_r2``.
        test: the test metrics (``loss`` and ``accuracy``/``r2``), once the run ended.
        seed: the random seed.
        resumed_from: the id of the run this one continued, or None.
        problem: why a folder is damaged.
        raw: the summary as read.
    """

    id: str
    path: Path
    started: str
    status: str
    source: str = ""
    task: str = ""
    metric: str = ""
    epochs_done: int = 0
    epochs_planned: int = 0
    best: dict[str, Any] = field(default_factory=dict)
    best_metric: dict[str, Any] = field(default_factory=dict)
    test: dict[str, Any] | None = None
    seed: int | None = None
    resumed_from: str | None = None
    problem: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def test_metric(self) -> float | None:
        """The test set's ``accuracy``/``r2``."""
        value = None if self.test is None else self.test.get(self.metric)
        return float(value) if isinstance(value, (int, float)) else None

    @property
    def best_value(self) -> float | None:
        """The best validation ``accuracy``/``r2``."""
        value = self.best_metric.get("value")
        return float(value) if isinstance(value, (int, float)) else None

    def as_dict(self) -> dict[str, Any]:
        """The row as ``runs list --json`` writes it."""
        return {
            "id": self.id,
            "started": self.started,
            "source": self.source,
            "task": self.task,
            "epochs_done": self.epochs_done,
            "epochs_planned": self.epochs_planned,
            "status": self.status,
            "best": self.best,
            "best_metric": self.best_metric,
            "test": self.test,
            "seed": self.seed,
            "resumed_from": self.resumed_from,
            "problem": self.problem,
            "path": str(self.path),
        }


def read_summary(path: Path) -> RunSummary:
    """The run in folder ``path``; a damaged folder gives a ``damaged`` summary (never raises)."""
    try:  # os.path, not pathlib: a listing of 1,000 runs reads 1,000 of these
        with open(os.path.join(path, SUMMARY), encoding="utf-8") as handle:
            raw = json.load(handle)
    except FileNotFoundError:
        return _damaged(path, f"no {SUMMARY}")
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return _damaged(path, f"unreadable {SUMMARY}: {error}")
    if not isinstance(raw, dict) or raw.get("format") != SUMMARY_FORMAT:
        return _damaged(path, f"{SUMMARY} is not an nntui run summary")
    try:
        summary = _from_raw(path, raw)
    except (KeyError, TypeError, ValueError) as error:
        return _damaged(path, f"{SUMMARY}: missing or bad {error}")
    if summary.status == RUNNING and not writer_alive(path):
        summary.status = CRASHED
    if summary.status in (RUNNING, CRASHED):
        _read_epochs(summary)
    return summary


def _from_raw(path: Path, raw: dict[str, Any]) -> RunSummary:
    best = raw.get("best") or {}
    test = raw.get("test")
    return RunSummary(
        id=path.name,
        path=path,
        started=str(raw["started"]),
        status=str(raw["status"]),
        source=str(raw.get("source", "")),
        task=str(raw.get("task", "")),
        metric=str(raw.get("metric", "")),
        epochs_done=int(raw.get("epochs_done", 0)),
        epochs_planned=int(raw.get("epochs_planned", 0)),
        best=dict(best),
        best_metric=dict(raw.get("best_metric") or {}),
        test=dict(test) if isinstance(test, dict) else None,
        seed=raw.get("seed"),
        resumed_from=raw.get("resumed_from"),
        raw=raw,
    )


def epoch_lines(path: Path) -> list[dict[str, Any]]:
    """The epoch lines of a run's ``metrics.jsonl``; a torn or foreign line is skipped."""
    lines: list[dict[str, Any]] = []
    try:
        with (path / METRICS).open(encoding="utf-8", errors="replace") as handle:
            for text in handle:
                try:
                    line = json.loads(text)
                except ValueError:
                    continue  # a line cut short by a crash
                if isinstance(line, dict) and line.get("event") == "epoch":
                    lines.append(line)
    except OSError:
        return []
    return lines


def _read_epochs(summary: RunSummary) -> None:
    """A run that never ended: its epochs and best value from ``metrics.jsonl``."""
    lines = epoch_lines(summary.path)
    summary.epochs_done = len(lines)
    monitor = str(summary.best.get("monitor") or "val_loss")
    summary.best = best_of(lines, monitor).as_dict()
    summary.best_metric = best_of(lines, f"val_{summary.metric or 'accuracy'}").as_dict()


def best_of(lines: list[dict[str, Any]], monitor: str) -> Best:
    """The best value of ``monitor`` over epoch lines (by the one ``higher_is_better`` rule)."""
    best = Best(monitor)
    for line in lines:
        value, epoch = line.get(monitor), line.get("epoch")
        if isinstance(value, (int, float)) and isinstance(epoch, int):
            best = best.update(epoch, float(value))
    return best


def _damaged(path: Path, problem: str) -> RunSummary:
    return RunSummary(id=path.name, path=path, started=path.name, status=DAMAGED, problem=problem)
