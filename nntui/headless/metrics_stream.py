"""``--metrics-jsonl``: a run as JSON lines another program can follow while it trains.

One JSON object per line, written and flushed as each epoch ends::

    {"event": "epoch", "epoch": 3, "epochs": 100, "loss": 0.41, "val_loss": 0.44,
     "accuracy": 0.86, "val_accuracy": 0.84, "learning_rate": 0.01,
     "grad_norms": [...], "diagnostics": [{"layer": "dense_1", ...}, ...],
     "elapsed_s": 0.12, "samples_per_s": 20000.0}

(``r2``/``val_r2`` instead of accuracy for regression). The headless command's
stream also measures each layer's distributions after every epoch and puts
them in the epoch's line, one compact entry per layer — the values at the
percentiles 0/7/16/31/50/69/84/93/100 (TensorBoard's bands) of its weights,
biases, activations on the fixed probe batch and weight gradients of the
epoch's last batch, 6 significant digits::

    "distributions": [{"layer": "dense_1", "weights": [-0.61, -0.33, ..., 0.64],
                       "biases": [...], "activations": [...], "gradients": [...]}, ...]

And as the last line
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
import os
import stat
from pathlib import Path
from typing import Any, TextIO

from nntui.training.epoch_lines import epoch_line, json_line
from nntui.training.events import EpochEnded, RunEvent
from nntui.training.measurements import DistributionsMeasured
from nntui.training.record import RunRecord

STDOUT = "-"

__all__ = ["STDOUT", "MetricsStream", "epoch_record", "json_line"]


def epoch_record(record: RunRecord) -> dict[str, Any]:
    """The JSON object of the record's latest epoch (see the module docstring).

    Raises:
        ValueError: the record has no epoch yet.
    """
    event = record.last_epoch
    if event is None:
        raise ValueError("the run has no epoch yet")
    return epoch_line(event, has_validation=record.has_validation)


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
        #: Each epoch's line carries the distributions a hook measures after it.
        self.with_distributions = False
        self._waiting: dict[str, Any] | None = None
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
        """Write the line of an ``EpochEnded`` (with its ``DistributionsMeasured``, if expected).

        With :attr:`with_distributions` an epoch's line waits for the
        distributions of the same epoch (measured by a hook right after it, in
        the same thread) and carries them as ``"distributions"``; any other
        event writes a waiting line as it is.
        """
        if isinstance(event, DistributionsMeasured):
            waiting = self._waiting
            if waiting is not None and waiting["epoch"] == event.epoch and not event.final:
                waiting["distributions"] = [layer.as_dict() for layer in event.layers]
            self._write_waiting()
            return
        self._write_waiting()
        if isinstance(event, EpochEnded):
            line = epoch_record(self.record)
            if self.with_distributions:
                self._waiting = line
            else:
                self._write(line)

    def _write_waiting(self) -> None:
        if self._waiting is not None:
            line, self._waiting = self._waiting, None
            self._write(line)

    def write_result(self) -> None:
        """Write the final line: ``{"event": "result", **results}`` (when the run has results)."""
        self._write_waiting()
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
