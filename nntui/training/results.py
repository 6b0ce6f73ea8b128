"""The results document of a run: built once, written atomically, read by gates.

The document is plain JSON so scripts and CI can consume it::

    {"schema_version": 1, "version": "0.1.0", "status": "early_stopped",
     "stop_message": "early stopping: val_loss did not improve by 0 for 10 epochs; ...",
     "task": "classification", "config": {...},
     "architecture": {"layer_sizes": [...], ..., "optimizer": "adam(lr=0.001, ...)"},
     "data": {"source": "iris", "n_train": 120, "n_test": 30, "n_features": 4,
              "feature_names": [...], "class_names": ["setosa", ...]},
     "history": {"loss": [...], "accuracy": [...], "val_loss": [...], ...,
                 "learning_rate": [...]},
     "test": {"loss": 0.21, "accuracy": 0.94}, "epochs_completed": 100,
     "best_epoch": 23, "best": {"monitor": "val_loss", "epoch": 23, "value": 0.19},
     "diagnostics": [{"layer": "dense_1", "grad_norm": ..., "update_ratio": ...,
                      "weight_norm": ..., "dead_fraction": ..., "saturated_fraction": ...}],
     "wall_time_s": 2.3, "samples_per_s": 35000.0, "seed": 42}

``status`` is one of :data:`STATUSES`; ``diagnostics`` are the last epoch's.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from nntui.atomic import atomic_write_text

SCHEMA_VERSION = 1
STATUSES = ("completed", "early_stopped", "diverged", "interrupted", "error")


def json_safe(value: Any) -> Any:
    """Return ``value`` with NaN/inf replaced by ``None`` (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def results_to_json(results: dict[str, Any]) -> str:
    """Serialise a results document as pretty, strict JSON (NaN written as null)."""
    return json.dumps(json_safe(results), indent=2, allow_nan=False) + "\n"


def write_results(results: dict[str, Any], path: str | Path) -> Path:
    """Write ``results`` to ``path`` atomically as JSON.

    Args:
        results: the document returned by ``NetworkRunner.run()``.
        path: destination; its folder is created when missing.

    Returns:
        The path written.
    """
    return atomic_write_text(path, results_to_json(results))


def flat_metrics(results: dict[str, Any]) -> dict[str, float]:
    """Flatten a results document into ``name -> value`` for ``--expect`` gates.

    Names: the last epoch's history values (``loss``, ``accuracy``/``r2``,
    ``val_loss``, ``val_accuracy``/``val_r2``, ``learning_rate``), the test
    metrics prefixed with ``test_``, and ``wall_time_s``, ``samples_per_s``,
    ``epochs_completed``, ``best_epoch``. Missing or non-finite values are left out.
    """
    metrics: dict[str, float] = {}
    for name, series in (results.get("history") or {}).items():
        if series and isinstance(series[-1], int | float):
            metrics[name] = float(series[-1])
    for name, value in (results.get("test") or {}).items():
        if isinstance(value, int | float):
            metrics[f"test_{name}"] = float(value)
    for name in ("wall_time_s", "samples_per_s", "epochs_completed", "best_epoch"):
        value = results.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            metrics[name] = float(value)
    return {name: value for name, value in metrics.items() if math.isfinite(value)}
