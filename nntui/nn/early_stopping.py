"""Early stopping: end training when a metric stops improving, and keep the best weights.

Trained long enough, a network starts to learn its training set by heart: the
training loss keeps falling while the validation loss turns back up. Early
stopping watches a metric (``val_loss`` by default) and stops once it has not
improved by more than ``min_delta`` for ``patience`` epochs in a row
(``patience=0`` stops at the first epoch without improvement, as in Keras).

With ``restore_best_weights`` training always **ends with the best epoch's
weights**: when it stops early, when it reaches its last epoch, and when it is
interrupted (not when it diverges). This differs from Keras, whose
``EarlyStopping`` restores only when it stopped training itself, so a run
that used all its epochs there keeps the last epoch's weights even when an
earlier one was better.

It is a :class:`~nntui.nn.callbacks.Callback`: pass it to ``train`` in
``callbacks``. At the end of each epoch it notes the best value (also as the
network's ``best_epoch`` and ``best_value``) and, when patience runs out, sets
``network.stop_training``; in ``on_train_end`` it puts the best weights back.
:attr:`EarlyStopping.state` is its watch as a plain dict (with the best
weights), and after :meth:`EarlyStopping.load_state` the next ``train``
continues that watch instead of starting afresh (to resume a run).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from nntui.nn.arrays import FloatArray
from nntui.nn.callbacks import Callback, Logs
from nntui.nn.monitoring import ImprovementTracker, check_monitor, check_patience

if TYPE_CHECKING:
    from nntui.nn.network import NeuralNetwork


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs.

    Args:
        monitor: the metric to watch; smaller is better for losses, larger for
            ``accuracy``/``r2`` (and their ``val_`` forms).
        patience: epochs without improvement to wait before stopping.
        min_delta: the smallest change that counts as an improvement.
        restore_best_weights: end training with the best epoch's weights
            (however it ends, short of diverging).

    Attributes:
        mode: ``"min"`` or ``"max"``, inferred from ``monitor``.
        best_epoch: the epoch with the best value so far (None before any).
        best_value: that value, a plain float (None before any).
        stopped_epoch: the epoch training stopped after, or None.

    Example:
        >>> stopping = EarlyStopping(patience=2)
        >>> stopping.mode
        'min'
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 10,
        min_delta: float = 0.0,
        restore_best_weights: bool = True,
    ) -> None:
        self._tracker = ImprovementTracker(monitor, min_delta)
        self.monitor = monitor
        self.mode = self._tracker.mode
        self.min_delta = self._tracker.min_delta
        self.patience = check_patience(patience)
        if not isinstance(restore_best_weights, bool):
            raise ValueError(
                f"restore_best_weights must be True or False, got {restore_best_weights!r}"
            )
        self.restore_best_weights = restore_best_weights
        self.stopped_epoch: int | None = None
        self._best_parameters: FloatArray = np.zeros(0)
        self._network: NeuralNetwork | None = None
        self._loaded = False

    @property
    def state(self) -> dict[str, Any]:
        """The watch: ``best_value``, ``best_epoch``, ``epochs_without_improvement``,
        ``stopped_epoch`` and ``best_parameters`` (a copy; empty without restoring)."""
        return {
            **self._tracker.state,
            "stopped_epoch": self.stopped_epoch,
            "best_parameters": self._best_parameters.copy(),
        }

    def load_state(self, state: Mapping[str, Any]) -> None:
        """Put back a :attr:`state`: the next ``on_train_begin`` continues the watch.

        Raises:
            ValueError: a key is missing (named).
        """
        self._tracker.load_state(state)
        if "best_parameters" not in state or "stopped_epoch" not in state:
            raise ValueError("early stopping state needs 'best_parameters' and 'stopped_epoch'")
        stopped = state["stopped_epoch"]
        self.stopped_epoch = None if stopped is None else int(stopped)
        self._best_parameters = np.array(state["best_parameters"], copy=True)
        self._loaded = True

    @property
    def best_epoch(self) -> int | None:
        """The epoch with the best monitored value so far."""
        return self._tracker.best_epoch

    @property
    def best_value(self) -> float | None:
        """The best monitored value so far."""
        return self._tracker.best_value

    def on_train_begin(self, network: NeuralNetwork) -> None:
        """Check the monitored metric is reported, and start watching ``network``.

        Raises:
            ValueError: ``monitor`` is not one of the epoch's metrics (e.g.
                ``val_loss`` without validation data).
        """
        check_monitor(self.monitor, network.metric_keys, "early_stopping")
        self._network = network
        if self._loaded and self._best_parameters.shape in ((0,), network.parameters.shape):
            self._loaded = False  # resuming: keep the loaded watch
            if self.restore_best_weights and self._best_parameters.size == 0:
                self._best_parameters = np.array(network.parameters, copy=True)
            return
        self._loaded = False
        self.start(network.parameters)

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        """Note the epoch's value; when patience has run out, stop training."""
        network = self._network
        if network is None:
            raise RuntimeError("EarlyStopping.on_epoch_end before on_train_begin")
        stop = self.update(epoch, logs, network.parameters)
        network.best_epoch, network.best_value = self.best_epoch, self.best_value
        if stop:
            network.stop_training = True

    def on_train_end(self, network: NeuralNetwork) -> None:
        """End with the best epoch's weights (when ``restore_best_weights``)."""
        self.restore(network.parameters)

    def start(self, parameters: FloatArray) -> None:
        """Reset for a new run of the network whose flat parameter vector is ``parameters``."""
        self._tracker.reset()
        self.stopped_epoch = None
        if self.restore_best_weights:
            # One preallocated copy, refreshed (not reallocated) at each new best.
            self._best_parameters = np.array(parameters, copy=True)

    def update(self, epoch: int, logs: Mapping[str, float], parameters: FloatArray) -> bool:
        """Record ``epoch``'s metrics; return True when training should stop now.

        Args:
            epoch: the epoch that just ended (from 1).
            logs: its metrics; must hold ``monitor``.
            parameters: the network's flat parameter vector after that epoch.
        """
        if self._tracker.update(epoch, logs):
            if self.restore_best_weights:
                np.copyto(self._best_parameters, parameters)
            return False
        if self._tracker.epochs_without_improvement >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def restore(self, parameters: FloatArray) -> None:
        """Copy the best epoch's weights back into ``parameters`` (when asked to keep them)."""
        if self.restore_best_weights and self.best_epoch is not None:
            np.copyto(parameters, self._best_parameters)

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience!r}, "
            f"min_delta={self.min_delta!r}, restore_best_weights={self.restore_best_weights!r})"
        )
