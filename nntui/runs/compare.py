"""``nntui runs compare``: how runs differ (config, as dotted keys) and how they did (metrics).

The best value of each metric row is marked with ``*`` (higher is better for
accuracy and R², lower for losses: the one ``higher_is_better`` rule).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from nntui.nn.monitoring import higher_is_better
from nntui.runs.folder import CONFIG
from nntui.runs.summary import RunSummary
from nntui.training.formatting import format_metric

MARK = "*"


def flat_config(run: RunSummary) -> dict[str, Any]:
    """The run's config as ``{"training.learning_rate": 0.01, ...}`` (empty when unreadable)."""
    try:
        loaded = yaml.safe_load((run.path / CONFIG).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return _flatten(loaded) if isinstance(loaded, Mapping) else {}


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def config_differences(runs: Sequence[RunSummary]) -> list[tuple[str, ...]]:
    """Rows ``(dotted key, value in run 1, value in run 2, …)`` of the keys that differ."""
    configs = [flat_config(run) for run in runs]
    keys = list(dict.fromkeys(key for config in configs for key in config))
    rows = []
    for key in keys:
        values = [config.get(key, "–") for config in configs]
        if any(value != values[0] for value in values[1:]):
            rows.append((key, *(_show(value) for value in values)))
    return rows


def metric_rows(runs: Sequence[RunSummary]) -> list[tuple[str, ...]]:
    """Rows of facts and metrics side by side; the best value of each metric marked ``*``."""
    metric = next((run.metric for run in runs if run.metric), "accuracy")
    rows: list[tuple[str, ...]] = [
        ("status", *(run.status for run in runs)),
        ("epochs", *(f"{run.epochs_done}/{run.epochs_planned}" for run in runs)),
    ]
    numbers: list[tuple[str, str, list[float | None]]] = [
        (f"best val_{metric}", f"val_{metric}", [run.best_value for run in runs]),
        (
            "best " + _monitor(runs),
            _monitor(runs),
            [_number(run.best.get("value")) for run in runs],
        ),
        ("test loss", "loss", [_number((run.test or {}).get("loss")) for run in runs]),
        (f"test {metric}", metric, [run.test_metric for run in runs]),
    ]
    for label, key, values in numbers:
        rows.append((label, *_marked(values, higher_is_better(key))))
    return rows


def _monitor(runs: Sequence[RunSummary]) -> str:
    return str(
        next((run.best.get("monitor") for run in runs if run.best.get("monitor")), "val_loss")
    )


def _marked(values: list[float | None], higher: bool) -> list[str]:
    known = [value for value in values if value is not None]
    best = (max(known) if higher else min(known)) if known else None
    marked = len(known) > 1
    return [
        "–" if value is None else format_metric(value) + (MARK if marked and value == best else "")
        for value in values
    ]


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return "null" if value is None else str(value)
