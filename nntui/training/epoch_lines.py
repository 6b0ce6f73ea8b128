"""A run's epochs as JSON lines: the one format of ``--metrics-jsonl`` and the run store.

One JSON object per epoch::

    {"event": "epoch", "epoch": 3, "epochs": 100, "loss": 0.41, "val_loss": 0.44,
     "accuracy": 0.86, "val_accuracy": 0.84, "learning_rate": 0.01,
     "grad_norms": [...], "diagnostics": [{"layer": "dense_1", ...}, ...],
     "elapsed_s": 0.12, "samples_per_s": 20000.0}

(``r2``/``val_r2`` for regression; no ``val_*`` keys without validation rows).
Every line is strict JSON: NaN and infinities are written as ``null``.
:func:`epoch_from_line` reads a line back into an :class:`EpochEnded`.
"""

from __future__ import annotations

import json
from typing import Any

from nntui.training.events import EpochEnded, LayerStats, MetricName
from nntui.training.numbers import finite_or_none
from nntui.training.results import json_safe


def epoch_line(event: EpochEnded, *, has_validation: bool = True) -> dict[str, Any]:
    """The JSON object of one epoch (see the module docstring)."""
    line: dict[str, Any] = {
        "event": "epoch",
        "epoch": event.epoch,
        "epochs": event.epochs,
        "loss": event.loss,
        "val_loss": event.val_loss,
        event.metric: event.score,
        f"val_{event.metric}": event.val_score,
        "learning_rate": event.learning_rate,
        "grad_norms": list(event.grad_norms),
        "diagnostics": [layer.as_dict() for layer in event.layers],
        "elapsed_s": event.elapsed_s,
        "samples_per_s": event.samples_per_s,
    }
    if not has_validation:  # data.validation_split 0: no val_* keys
        del line["val_loss"], line[f"val_{event.metric}"]
    return line


def json_line(record: dict[str, Any], *, ascii_only: bool = False) -> str:
    """``record`` as one line of strict JSON (NaN/inf → null), with the newline.

    Args:
        record: the JSON object.
        ascii_only: escape non-ASCII characters (for a stream that is not UTF-8).
    """
    return json.dumps(json_safe(record), allow_nan=False, ensure_ascii=ascii_only) + "\n"


def epoch_from_line(line: dict[str, Any], *, epochs: int | None = None) -> EpochEnded:
    """The :class:`EpochEnded` an epoch line describes (``epochs``: a new plan's total).

    Raises:
        KeyError, TypeError, ValueError: the line is not an epoch line.
    """
    metric: MetricName = "r2" if "r2" in line else "accuracy"
    layers = tuple(
        LayerStats(
            name=str(layer["layer"]),
            grad_norm=finite_or_none(layer.get("grad_norm")),
            update_ratio=finite_or_none(layer.get("update_ratio")),
            weight_norm=finite_or_none(layer.get("weight_norm")),
            dead_share=finite_or_none(layer.get("dead_fraction")),
            saturation=finite_or_none(layer.get("saturated_fraction")),
        )
        for layer in line.get("diagnostics", ())
    )
    return EpochEnded(
        epoch=int(line["epoch"]),
        epochs=int(line["epochs"] if epochs is None else epochs),
        loss=float(line["loss"]),
        val_loss=finite_or_none(line.get("val_loss")),
        metric=metric,
        score=finite_or_none(line.get(metric)),
        val_score=finite_or_none(line.get(f"val_{metric}")),
        learning_rate=float(line["learning_rate"]),
        layers=layers,
        elapsed_s=float(line.get("elapsed_s") or 0.0),
        samples_per_s=float(line.get("samples_per_s") or 0.0),
    )
