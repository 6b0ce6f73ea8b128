"""Every run since the app opened, and what changed in the config from one to the next.

Plain Python, no Textual: the runs table, the curves' previous-run overlay and
the export read from it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nntui.training.record import RunRecord

if TYPE_CHECKING:
    from nntui.config import Config


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


class RunHistory:
    """The runs of this app session, oldest first, and what changed between them.

    Each run is a :class:`~nntui.training.record.RunRecord` (the one model of a
    run, folded from its events); this only numbers them and remembers how each
    one's config differs from the one before.

    Example:
        >>> from nntui.config import default_config, with_overrides
        >>> runs = RunHistory()
        >>> first = runs.new_run(with_overrides(default_config(), {"training.epochs": 5}))
        >>> second = runs.new_run(with_overrides(default_config(), {"training.epochs": 9}))
        >>> [str(change) for change in runs.changes(second)]
        ['training.epochs: 5 → 9']
    """

    def __init__(self) -> None:
        self._records: list[RunRecord] = []
        self._changes: dict[int, list[ConfigChange]] = {}

    def new_run(self, config: Config) -> RunRecord:
        """Record a run that is about to start, with what changed from the previous one."""
        previous = self.latest
        record = RunRecord(len(self._records) + 1, config=config)
        self._changes[record.number] = (
            config_diff(
                _plain(previous.config),
                _plain(config),
                old_task=previous.task,
                new_task=config.task,
            )
            if previous is not None and previous.config is not None
            else []
        )
        self._records.append(record)
        return record

    def changes(self, record: RunRecord) -> list[ConfigChange]:
        """What differs in ``record``'s config from the run before (empty for the first)."""
        return self._changes.get(record.number, [])

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


def _plain(config: Config | None) -> dict[str, Any]:
    return {} if config is None else config.to_dict()
