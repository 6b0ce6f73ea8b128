"""The results document of a run: built once from its record, written atomically, read by gates.

The document is plain JSON so scripts and CI can consume it::

    {"schema_version": 2, "version": "0.1.0", "status": "early_stopped",
     "stop_message": "early stopping: val_loss did not improve for 10 epochs; ...",
     "task": "classification", "config": {...},
     "architecture": {"layer_sizes": [...], ..., "optimizer": "adam(lr=0.001, ...)"},
     "data": {"source": "iris", "n_train": 108, "n_validation": 12, "n_test": 30,
              "n_features": 4, "feature_names": [...], "class_names": ["setosa", ...],
              "warnings": []},
     "history": {"loss": [...], "accuracy": [...], "val_loss": [...], ...,
                 "learning_rate": [...]},
     "test": {"loss": 0.21, "accuracy": 0.94}, "epochs_completed": 100,
     "best_epoch": 23, "best": {"monitor": "val_loss", "epoch": 23, "value": 0.19},
     "diagnostics": [{"layer": "dense_1", "grad_norm": ..., "update_ratio": ...,
                      "weight_norm": ..., "dead_fraction": ..., "saturated_fraction": ...}],
     "classification": {"split": "test", "classes": ["setosa", ...],
                        "confusion_matrix": [[10, 0, 0], [0, 9, 1], [0, 1, 9]],
                        "per_class": {"setosa": {"precision": 1.0, "recall": 1.0,
                                                 "f1": 1.0, "support": 10}, ...},
                        "accuracy": 0.93, "macro_f1": 0.93},
     "diverged": null,
     "wall_time_s": 2.3, "samples_per_s": 35000.0, "seed": 42}

``status`` is one of :data:`STATUSES`; ``diagnostics`` are the last epoch's.
``classification`` (classification runs that finished; else ``null``) is the
test rows' confusion matrix — rows are the true classes, columns the predicted
ones — with per-class precision, recall, F1 (``null`` where undefined: a class
never predicted has no precision) and support; ``flat_metrics`` offers its
``macro_f1`` as ``test_macro_f1`` to ``--expect``.
``diverged`` (``null`` unless the run diverged) is the epoch that exploded:
``{"epoch": 6, "quantity": "loss", "value": null, "loss": null, "grad_norms":
[3.1e+05, null, null], "metrics": {"loss": null, "accuracy": 0.33, ...}}`` —
what was not finite first (``"loss"``, another metric, or ``"gradient norm of
dense_2"``), its value, that epoch's training loss, its gradient norm per layer
(``dense_1`` first) and its metrics, nan and inf written as ``null``
(``stop_message`` says which: ``"diverged at epoch 6: loss is nan — …"``).
Schema version 2 added ``data.n_validation``: ``history``'s ``val_*`` come from
the validation rows (``data.validation_split`` of the training rows; no ``val_*``
keys when it is 0), ``test`` from the test rows, scored once at the end.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nntui._version import __version__
from nntui.files import atomic_write_text
from nntui.training.events import FINAL_STATUSES, Explosion, FinalStatus, RunStarted
from nntui.training.measurements import ClassQuality
from nntui.training.record import RunRecord

SCHEMA_VERSION = 2
STATUSES: tuple[FinalStatus, ...] = FINAL_STATUSES


def json_safe(value: Any) -> Any:
    """Return ``value`` with NaN/inf replaced by ``None`` (JSON has no NaN); tuples become lists.

    The one such helper in nntui: every JSON writer passes its document through it.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def build_results(
    record: RunRecord,
    *,
    status: FinalStatus,
    wall_time_s: float,
    test: Mapping[str, float] | None = None,
    stop_message: str | None = None,
    train_seconds: float | None = None,
    classification: ClassQuality | None = None,
    explosion: Explosion | None = None,
) -> dict[str, Any]:
    """The results document of the run ``record`` holds (its events so far).

    Args:
        record: the run, folded from its events up to (not including) the last one.
        status: how it ended.
        wall_time_s: seconds from the start of the run to now.
        test: the final test metrics (``loss``, ``accuracy``|``r2``), or ``None``
            for a run that failed.
        stop_message: why it ended; by default :func:`stop_message` says it.
        train_seconds: training time without pauses, for ``samples_per_s``;
            by default the last epoch's throughput is reported.
        classification: the test rows' confusion matrix and per-class scores
            (classification runs), written as the ``classification`` block.
        explosion: the epoch a diverged run exploded in, written as the
            ``diverged`` block (by default the record's, if any).

    Returns:
        A plain dict (see the module docstring).
    """
    started = record.started
    config = record.config
    best = record.best
    exploded = explosion if explosion is not None else record.explosion
    return {
        "schema_version": SCHEMA_VERSION,
        "version": __version__,
        "status": status,
        "stop_message": stop_message or describe_stop(record, status),
        "task": record.task,
        "config": None if config is None else config.to_dict(),
        "architecture": {} if started is None else architecture(started),
        "data": data_block(record),
        "history": {key: list(values) for key, values in record.history.items()},
        "test": {key: float(value) for key, value in test.items()} if test else None,
        "epochs_completed": record.epochs_done,
        "best_epoch": best.epoch,
        "best": best.as_dict(),
        "diagnostics": [layer.as_dict() for layer in record.layer_stats],
        "classification": None if classification is None else classification.as_dict(),
        "diverged": None if exploded is None else exploded.as_dict(),
        "wall_time_s": round(wall_time_s, 6),
        "samples_per_s": _samples_per_s(record, train_seconds),
        "seed": _seed(record),
    }


def architecture(started: RunStarted) -> dict[str, Any]:
    """The ``architecture`` block: layer sizes, activations, loss, optimizer and friends."""
    network = started.config.network
    return {
        "layer_sizes": list(started.layer_sizes),
        "activations": [layer.activation for layer in started.layers],
        "loss": started.loss,
        "weight_init": network.weight_init,
        "dtype": started.config.training.dtype,
        "parameter_count": started.parameter_count,
        "optimizer": started.optimizer,
        "lr_schedule": started.lr_schedule,
        "early_stopping": started.early_stopping,
    }


def data_block(record: RunRecord) -> dict[str, Any]:
    """The ``data`` block: source, rows in train/validation/test, features, classes, warnings.

    ``history``'s ``val_*`` come from the ``n_validation`` rows (none when
    ``data.validation_split`` is 0); ``test`` from the ``n_test`` rows, scored
    once after training.
    """
    config = record.config
    if record.started is None:
        return {} if config is None else {"source": config.data.source}
    data = record.started.data
    block: dict[str, Any] = {
        "source": data.source,
        "n_train": data.n_train,
        "n_validation": data.n_validation,
        "n_test": data.n_test,
        "n_features": data.n_features,
        "feature_names": list(data.feature_names),
        "class_names": None if data.classes is None else list(data.classes),
        "warnings": list(data.warnings),
    }
    if data.source == "csv" and config is not None:
        block["path"] = str(config.data.path)
        block["target"] = config.data.target
    return block


def describe_stop(record: RunRecord, status: FinalStatus) -> str:
    """Why a run ended, in one line: ``"completed 30 epochs; best val_loss 0.21 at epoch 28"``."""
    best, done = record.best, record.epochs_done
    if status == "early_stopped" and record.config is not None:
        stopping = record.config.training.early_stopping
        kept = (
            f"best epoch {best.epoch} restored"
            if stopping.restore_best_weights
            else f"best epoch {best.epoch}; the last epoch's weights kept"
        )
        by = f" by {stopping.min_delta:g}" if stopping.min_delta > 0 else ""
        return (
            f"early stopping: {best.monitor} did not improve{by} "
            f"for {stopping.patience} epochs; {kept}"
        )
    if status == "interrupted":
        return f"stopped on request after epoch {done} of {record.epochs}"
    if best.epoch is not None and best.value is not None:
        return (
            f"completed {done} epochs; best {best.monitor} {best.value:.4g} at epoch {best.epoch}"
        )
    return f"completed {done} epochs"


def _samples_per_s(record: RunRecord, train_seconds: float | None) -> float:
    if train_seconds is None:
        return record.last_epoch.samples_per_s if record.last_epoch is not None else 0.0
    n_train = record.started.data.n_train if record.started is not None else 0
    samples = record.epochs_done * n_train
    return samples / train_seconds if train_seconds > 0 else 0.0


def _seed(record: RunRecord) -> int | None:
    if record.started is not None:
        return record.started.seed
    return None if record.config is None else record.config.data.random_seed


def results_to_json(results: Mapping[str, Any]) -> str:
    """Serialise a results document as pretty, strict JSON (NaN written as null)."""
    return json.dumps(json_safe(dict(results)), indent=2, allow_nan=False) + "\n"


def write_results(results: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write ``results`` to ``path`` atomically as JSON.

    Args:
        results: the results document of a run.
        path: destination; its folder is created when missing.

    Returns:
        The path written.
    """
    return atomic_write_text(path, results_to_json(results))


def flat_metrics(results: Mapping[str, Any]) -> dict[str, float]:
    """Flatten a results document into ``name -> value`` for ``--expect`` gates.

    Names: the last epoch's history values (``loss``, ``accuracy``/``r2``,
    ``val_loss``, ``val_accuracy``/``val_r2``, ``learning_rate``), the test
    metrics prefixed with ``test_`` (with ``test_macro_f1`` for classification),
    and ``wall_time_s``, ``samples_per_s``,
    ``epochs_completed``, ``best_epoch``. Missing or non-finite values are left out.
    """
    metrics: dict[str, float] = {}
    for name, series in (results.get("history") or {}).items():
        if series and isinstance(series[-1], int | float):
            metrics[name] = float(series[-1])
    for name, value in (results.get("test") or {}).items():
        if isinstance(value, int | float):
            metrics[f"test_{name}"] = float(value)
    classification = results.get("classification")
    if isinstance(classification, dict) and isinstance(classification.get("macro_f1"), float):
        metrics["test_macro_f1"] = classification["macro_f1"]
    for name in ("wall_time_s", "samples_per_s", "epochs_completed", "best_epoch"):
        value = results.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            metrics[name] = float(value)
    return {name: value for name, value in metrics.items() if math.isfinite(value)}
