"""``--metrics-jsonl``: a run as JSON lines another program can follow while it trains.

One JSON object per line, written and flushed as each epoch ends::

    {"event": "epoch", "epoch": 3, "epochs": 100, "loss": 0.41, "val_loss": 0.44,
     "accuracy": 0.86, "val_accuracy": 0.84, "learning_rate": 0.01,
     "grad_norms": [...], "diagnostics": [{"layer": "dense_1", ...}, ...],
     "elapsed_s": 0.12, "samples_per_s": 20000.0}

(``r2``/``val_r2`` instead of accuracy for regression), and as the last line
the results document: ``{"event": "result", "status": "completed", ...}``.
Every line is strict JSON: NaN and infinities are written as ``null``.

The lines are read from the run's :class:`~nntui.training.record.RunRecord`
(the headless command folds each event into it before the stream sees it).
A stream to a file is written as it goes (not atomically: it is meant to be
followed), so after a crash the file holds the epochs so far; a FIFO or a
character device (``/dev/null``) is fine as a target for the same reason. On
a stream whose encoding is not UTF-8 (``PYTHONIOENCODING=ascii``) non-ASCII
names are written as JSON ``\\u`` escapes, so every line stays valid JSON.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any, TextIO

from nntui.training.events import EpochEnded, RunEvent
from nntui.training.record import RunRecord
from nntui.training.results import json_safe

STDOUT = "-"


def epoch_record(record: RunRecord) -> dict[str, Any]:
    """The JSON object of the record's latest epoch (see the module docstring).

    Raises:
        ValueError: the record has no epoch yet.
    """
    event = record.last_epoch
    if event is None:
        raise ValueError("the run has no epoch yet")
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
    if not record.has_validation:  # data.validation_split 0: no val_* keys
        del line["val_loss"], line[f"val_{event.metric}"]
    return line


def json_line(record: dict[str, Any], *, ascii_only: bool = False) -> str:
    """``record`` as one line of strict JSON (NaN/inf → null), with the newline.

    Args:
        record: the JSON object.
        ascii_only: escape non-ASCII characters (for a stream that is not UTF-8).
    """
    return json.dumps(json_safe(record), allow_nan=False, ensure_ascii=ascii_only) + "\n"


class MetricsStream:
    """Writes a run's epochs, then its result, one JSON object per line.

    Use it as a listener of the run's events, after they are folded into
    ``record`` (it ignores everything but ``EpochEnded``); then call
    :meth:`write_result` and :meth:`close`. A write that fails (disk full, a
    closed pipe) stops the stream; the run goes on and :attr:`error` says what
    happened.

    Args:
        stream: where the lines go.
        record: the run's record, which already holds each event passed in.
        owned: close ``stream`` in :meth:`close` (a file this object opened).
        name: the target as given (``-`` for stdout), for messages.
    """

    def __init__(
        self, stream: TextIO, record: RunRecord, *, owned: bool = False, name: str = STDOUT
    ) -> None:
        self._stream = stream
        self.record = record
        self._owned = owned
        self.name = name
        self.error: OSError | None = None
        self.lines_written = 0
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
        self._ascii_only = encoding not in ("utf-8", "utf8")

    @property
    def stream(self) -> TextIO:
        """Where the lines go."""
        return self._stream

    @property
    def to_stdout(self) -> bool:
        """Whether the lines go to standard output (``--metrics-jsonl -``)."""
        return self.name == STDOUT

    @classmethod
    def open(
        cls, target: str | os.PathLike[str], stdout: TextIO, record: RunRecord
    ) -> MetricsStream:
        """A stream to ``stdout`` when ``target`` is ``"-"``, else to a new file at ``target``.

        A FIFO (named pipe) must already have a reader: opening it never waits.

        Raises:
            OSError: the file cannot be created, or nothing reads the FIFO.
        """
        if os.fspath(target) == STDOUT:
            return cls(stdout, record)
        path = Path(target)
        if _is_fifo(path):
            handle = _open_fifo(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("w", encoding="utf-8")
        return cls(handle, record, owned=True, name=os.fspath(target))

    def __call__(self, event: RunEvent) -> None:
        """Write the line of an ``EpochEnded``; ignore other events."""
        if isinstance(event, EpochEnded):
            self._write(epoch_record(self.record))

    def write_result(self) -> None:
        """Write the final line: ``{"event": "result", **results}`` (when the run has results)."""
        if self.record.results is not None:
            self._write({"event": "result", **self.record.results})

    def close(self) -> None:
        """Close the file this stream opened (idempotent); a failure to flush is kept in
        :attr:`error`."""
        if self._owned and not self._stream.closed:
            try:
                self._stream.close()
            except OSError as error:
                self.error = self.error or error

    def describe_error(self) -> str:
        """The failure as one line naming the target, e.g. ``--metrics-jsonl /dev/full:
        cannot write: No space left on device (2 lines written)``; ``""`` without one."""
        if self.error is None:
            return ""
        where = "stdout (-)" if self.to_stdout else self.name
        reason = self.error.strerror or str(self.error)
        return (
            f"--metrics-jsonl {where}: cannot write: {reason} ({self.lines_written} lines written)"
        )

    def _write(self, record: dict[str, Any]) -> None:
        if self.error is not None:
            return
        try:
            self._stream.write(json_line(record, ascii_only=self._ascii_only))
            self._stream.flush()  # a follower sees each epoch at once
        except OSError as error:
            self.error = error
        else:
            self.lines_written += 1


def _is_fifo(path: Path) -> bool:
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:
        return False


def _open_fifo(path: Path) -> TextIO:
    """Open a FIFO for writing without waiting for a reader (which would hang the run)."""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise OSError(
                error.errno, "nothing is reading this FIFO; start the reader first"
            ) from None
        raise
    os.set_blocking(fd, True)
    return open(fd, "w", encoding="utf-8")
