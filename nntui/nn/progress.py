"""``train(verbose=True)``: one Keras-style line per epoch on standard output.

::

    Epoch 1/20 - loss: 1.0342 - accuracy: 0.4812 - val_loss: 0.9215 - val_accuracy: 0.5900
    Epoch 2/20 - loss: 0.8120 - accuracy: 0.6437 - val_loss: 0.7302 - val_accuracy: 0.7100

A long run prints every N-th epoch (and always its first and last), so 1000
epochs make about ten lines, not a thousand. The monitor and the headless
command never use it: they listen to the runner's events instead.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, TextIO

from nntui.nn.callbacks import Callback, Logs

if TYPE_CHECKING:
    from nntui.nn.network import NeuralNetwork

EVERY_EPOCH_UP_TO = 20
"""With ``verbose=True``, runs of at most this many epochs print every epoch."""
LINES_FOR_LONG_RUNS = 10
"""With ``verbose=True``, longer runs print about this many lines."""

_SHOWN = ("loss", "accuracy", "r2", "val_loss", "val_accuracy", "val_r2")


class ProgressLogger(Callback):
    """Print ``Epoch e/E - loss: … - accuracy: …`` after every ``every``-th epoch.

    Args:
        epochs: the last epoch of the run (for ``e/E``).
        every: print every this many epochs (the first and last always).
        stream: where to write (default: ``sys.stdout`` at the time of printing).
    """

    def __init__(self, epochs: int, every: int = 1, stream: TextIO | None = None) -> None:
        self.epochs = epochs
        self.every = max(1, every)
        self.stream = stream
        self._first: int | None = None

    def on_train_begin(self, network: NeuralNetwork) -> None:
        """Start counting from the run's first epoch."""
        self._first = None

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        """Print the epoch's line when it is due."""
        if self._first is None:
            self._first = epoch
        due = epoch == self._first or epoch == self.epochs or epoch % self.every == 0
        if due:
            print(format_epoch_line(epoch, self.epochs, logs), file=self.stream or sys.stdout)


def format_epoch_line(epoch: int, epochs: int, logs: Logs) -> str:
    """``"Epoch 3/20 - loss: 0.4123 - accuracy: 0.8750"`` (the metrics of ``logs`` it has)."""
    parts = [f"Epoch {epoch}/{epochs}"]
    parts += [f"{key}: {logs[key]:.4f}" for key in _SHOWN if key in logs]
    return " - ".join(parts)


def progress_callbacks(verbose: bool | int, epochs: int, initial_epoch: int = 0) -> list[Callback]:
    """The printing callback ``train(verbose=...)`` asks for (none when silent).

    Raises:
        ValueError: ``verbose`` is not True/False or a whole number ≥ 0.
    """
    if not isinstance(verbose, int) or verbose < 0:
        raise ValueError(f"verbose must be True, False or a whole number ≥ 0, got {verbose!r}")
    if not verbose:
        return []
    if verbose is True:
        total = epochs - initial_epoch
        every = 1 if total <= EVERY_EPOCH_UP_TO else math.ceil(total / LINES_FOR_LONG_RUNS)
    else:
        every = int(verbose)
    return [ProgressLogger(epochs, every)]
