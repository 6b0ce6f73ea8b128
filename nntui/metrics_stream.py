"""``--metrics-jsonl``: a run as JSON lines another program can follow while it trains.

One JSON object per line, written and flushed as each epoch ends::

    {"event": "epoch", "epoch": 3, "epochs": 100, "loss": 0.41, "val_loss": 0.44,
     "accuracy": 0.86, "val_accuracy": 0.84, "learning_rate": 0.01,
     "grad_norms": [...], "diagnostics": [{"layer": "dense_1", ...}, ...],
     "elapsed_s": 0.12, "samples_per_s": 20000.0}

(``r2``/``val_r2`` instead of accuracy for regression), and as the last line
the results document: ``{"event": "result", "status": "completed", ...}``.
Every line is strict JSON: NaN and infinities are written as ``null``.

A stream to a file is written as it goes (not atomically: it is meant to be
followed), so after a crash the file holds the epochs so far.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TextIO

from nntui.training.events import EpochEnded, RunEvent
from nntui.training.results import json_safe

STDOUT = "-"


def epoch_record(event: EpochEnded) -> dict[str, Any]:
    """The JSON object of one epoch (see the module docstring)."""
    score = "accuracy" if event.accuracy is not None else "r2"
    return {
        "event": "epoch",
        "epoch": event.epoch,
        "epochs": event.epochs,
        "loss": event.loss,
        "val_loss": event.val_loss,
        score: event.score,
        f"val_{score}": event.val_score,
        "learning_rate": event.learning_rate,
        "grad_norms": list(event.grad_norms),
        "diagnostics": event.layer_diagnostics(),
        "elapsed_s": event.elapsed_s,
        "samples_per_s": event.samples_per_s,
    }


def json_line(record: dict[str, Any]) -> str:
    """``record`` as one line of strict JSON (NaN/inf → null), with the newline."""
    return json.dumps(json_safe(record), allow_nan=False, ensure_ascii=False) + "\n"


class MetricsStream:
    """Writes a run's epochs, then its result, one JSON object per line.

    Use it as the runner's event listener (it ignores everything but
    ``EpochEnded``), then call :meth:`write_result` and :meth:`close`.
    A write that fails (disk full, a closed pipe) stops the stream; the run
    goes on and :attr:`error` says what happened.

    Args:
        stream: where the lines go.
        owned: close ``stream`` in :meth:`close` (a file this object opened).
    """

    def __init__(self, stream: TextIO, *, owned: bool = False) -> None:
        self._stream = stream
        self._owned = owned
        self.error: OSError | None = None

    @classmethod
    def open(cls, target: str | os.PathLike[str], stdout: TextIO) -> MetricsStream:
        """A stream to ``stdout`` when ``target`` is ``"-"``, else to a new file at ``target``.

        Raises:
            OSError: the file cannot be created.
        """
        if os.fspath(target) == STDOUT:
            return cls(stdout)
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(path.open("w", encoding="utf-8"), owned=True)

    def __call__(self, event: RunEvent) -> None:
        """Write an ``EpochEnded`` as a line; ignore other events."""
        if isinstance(event, EpochEnded):
            self._write(epoch_record(event))

    def write_result(self, results: dict[str, Any]) -> None:
        """Write the final line: ``{"event": "result", **results}``."""
        self._write({"event": "result", **results})

    def close(self) -> None:
        """Close the file this stream opened (idempotent)."""
        if self._owned and not self._stream.closed:
            self._stream.close()

    def _write(self, record: dict[str, Any]) -> None:
        if self.error is not None:
            return
        try:
            self._stream.write(json_line(record))
            self._stream.flush()  # a follower sees each epoch at once
        except OSError as error:
            self.error = error
