"""Every run since the app opened: its config, history, results, status, and what changed.

Plain Python, no Textual: the app records events here, the runs table, the
curves' previous-run overlay and the export read from it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from nntui.training.events import EpochEnded, RunFailed, RunFinished, RunStarted
from nntui.tui.run_state import finite_or_none

#: How a run's status reads in the runs table.
STATUS_TEXT = {
    "starting": "starting",
    "running": "running",
    "paused": "paused",
    "stopping": "stopping",
    "completed": "completed",
    "early_stopped": "early stopped",
    "interrupted": "stopped",
    "diverged": "diverged",
    "error": "failed",
}
#: Statuses of a run whose thread is still alive.
LIVE_STATUSES = frozenset({"starting", "running", "paused", "stopping"})


@dataclass(frozen=True)
class ConfigChange:
    """One setting that differs from the previous run (``key`` is dotted, e.g. ``training.lr``)."""

    key: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.key}: {show_value(self.old)} → {show_value(self.new)}"


def show_value(value: Any) -> str:
    """A config value as YAML would show it: ``[16, 8]``, ``true``, ``null``, ``0.01``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show_value(item) for item in value) + "]"
    return str(value)


def flatten_config(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"training": {"epochs": 5}}`` → ``{"training.epochs": 5}`` (nested mappings only)."""
    flat: dict[str, Any] = {}
    for key, value in config.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten_config(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def config_diff(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    old_task: str | None = None,
    new_task: str | None = None,
) -> list[ConfigChange]:
    """What changed from ``old`` to ``new``, as dotted keys in the new config's order.

    A changed task (classification ⇄ regression) comes first, as the key ``task``.

    Example:
        >>> [str(c) for c in config_diff({"t": {"lr": 0.1}}, {"t": {"lr": 0.05}})]
        ['t.lr: 0.1 → 0.05']
    """
    changes: list[ConfigChange] = []
    if old_task is not None and new_task is not None and old_task != new_task:
        changes.append(ConfigChange("task", old_task, new_task))
    before, after = flatten_config(old), flatten_config(new)
    for key, value in after.items():
        if key not in before:
            changes.append(ConfigChange(key, None, value))
        elif before[key] != value:
            changes.append(ConfigChange(key, before[key], value))
    changes.extend(ConfigChange(key, before[key], None) for key in before if key not in after)
    return changes


@dataclass
class RunRecord:
    """One run of the app, from launch to its end.

    Attributes:
        number: 1 for the app's first run, then 2, 3 …
        task: ``"classification"`` or ``"regression"``.
        config: the config the run was started with.
        changes: what differs from the previous run (empty for the first).
        status: ``starting``/``running``/``paused``/``stopping`` while alive, then
            the results' status: ``completed``, ``early_stopped``, ``interrupted``,
            ``diverged`` or ``error``.
        started: the run's ``RunStarted`` (``None`` until it arrives).
        history: per-epoch values under Keras' keys (``loss``, ``val_loss``,
            ``accuracy``/``r2``, ``val_accuracy``/``val_r2``, ``learning_rate``);
            a missing or non-finite value is ``None``.
        results: the results document once the run ended.
        reason: why a failed run failed.
    """

    number: int
    task: str
    config: dict[str, Any]
    changes: list[ConfigChange] = field(default_factory=list)
    status: str = "starting"
    started: RunStarted | None = None
    history: dict[str, list[float | None]] = field(default_factory=dict)
    results: dict[str, Any] | None = None
    reason: str | None = None

    @property
    def score_key(self) -> str:
        """``"accuracy"`` or ``"r2"``."""
        return "accuracy" if self.task == "classification" else "r2"

    @property
    def epochs_done(self) -> int:
        """Epochs recorded so far."""
        return len(self.history.get("loss", ()))

    @property
    def is_live(self) -> bool:
        """True while the run's thread is alive."""
        return self.status in LIVE_STATUSES

    @property
    def status_text(self) -> str:
        """The status as the runs table shows it."""
        return STATUS_TEXT.get(self.status, self.status)

    def add_epochs(self, epochs: Iterable[EpochEnded]) -> None:
        """Record epochs, oldest first."""
        score = self.score_key
        for event in epochs:
            row = {
                "loss": event.loss,
                "val_loss": event.val_loss,
                score: event.score,
                f"val_{score}": event.val_score,
                "learning_rate": event.learning_rate,
            }
            for key, value in row.items():
                self.history.setdefault(key, []).append(finite_or_none(value))

    def finish(self, event: RunFinished | RunFailed) -> None:
        """The run ended; its results' history, when there is one, is the authoritative one."""
        if isinstance(event, RunFinished):
            self.status = event.status
            self.results = event.results
        else:
            self.status = event.status if event.status in STATUS_TEXT else "error"
            self.results = event.results
            self.reason = event.reason
        history = (self.results or {}).get("history")
        if isinstance(history, Mapping) and history.get("loss"):
            self.history = {
                str(key): [finite_or_none(value) for value in values]
                for key, values in history.items()
                if isinstance(values, (list, tuple))
            }

    def series(self, key: str) -> list[float]:
        """One history key's finite values, in epoch order (for a plot)."""
        return [value for value in self.history.get(key, []) if value is not None]

    def final_metric(self, key: str) -> float | None:
        """The last finite value of a history key (``val_loss`` …), or ``None``."""
        for value in reversed(self.history.get(key, [])):
            if value is not None:
                return value
        return None

    def test_metric(self, name: str) -> float | None:
        """A test metric (``loss``, ``accuracy``, ``r2``) from the results, or ``None``."""
        test = (self.results or {}).get("test")
        return finite_or_none(test.get(name)) if isinstance(test, Mapping) else None


class RunHistory:
    """The runs of this app session, oldest first.

    Example:
        >>> runs = RunHistory()
        >>> first = runs.new_run("classification", {"training": {"epochs": 5}})
        >>> second = runs.new_run("classification", {"training": {"epochs": 9}})
        >>> [str(change) for change in second.changes]
        ['training.epochs: 5 → 9']
    """

    def __init__(self) -> None:
        self._records: list[RunRecord] = []

    def new_run(self, task: str, config: Mapping[str, Any]) -> RunRecord:
        """Record a run that is about to start, with what changed from the previous one."""
        previous = self.latest
        snapshot = copy.deepcopy(dict(config))
        changes = (
            config_diff(previous.config, snapshot, old_task=previous.task, new_task=task)
            if previous is not None
            else []
        )
        record = RunRecord(len(self._records) + 1, task, snapshot, changes)
        self._records.append(record)
        return record

    @property
    def latest(self) -> RunRecord | None:
        """The newest run, or ``None`` before the first."""
        return self._records[-1] if self._records else None

    def previous(self, record: RunRecord) -> RunRecord | None:
        """The run before ``record``, or ``None`` for the first."""
        index = record.number - 2
        return self._records[index] if 0 <= index < len(self._records) else None

    def get(self, number: int) -> RunRecord | None:
        """Run ``number`` (1-based), or ``None``."""
        return self._records[number - 1] if 1 <= number <= len(self._records) else None

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[RunRecord]:
        return iter(list(self._records))
