"""Callbacks: code that runs at fixed points of :meth:`NeuralNetwork.train`.

The protocol is Keras': a callback is an object with three methods, all
optional (the :class:`Callback` base class has them as no-ops):

- ``on_train_begin(network)``: before the first epoch; a callback that needs
  the network (to read or set its learning rate, to copy its weights) keeps
  it here.
- ``on_epoch_end(epoch, logs)``: after every epoch (``epoch`` counts from 1),
  with that epoch's ``logs``: the metrics (``loss``, ``accuracy`` or ``r2``,
  and their ``val_`` forms with validation data), ``learning_rate`` (the
  epoch's rate) and, one entry per layer, ``grad_norms``, ``weight_norms`` and
  ``update_ratios``.
- ``on_train_end(network)``: once training has ended (completed, stopped
  early or interrupted; not when it diverged): early stopping puts the best
  weights back here.

A callback steers training through two attributes of the network:
``network.learning_rate`` (the rate of the next epoch; see
:mod:`nntui.nn.schedules`) and ``network.stop_training`` (set it to True to
end training after this epoch; see :mod:`nntui.nn.early_stopping`). The
callbacks run in the order given, so a later one sees what an earlier one did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nntui.nn.network import NeuralNetwork

Logs = dict[str, Any]
"""An epoch's logs: metric name -> float, and per-layer lists (see the module notes)."""


class Callback:
    """Base class of training callbacks: both methods do nothing.

    Attributes:
        changes_learning_rate: True for a callback that sets
            ``network.learning_rate`` (a schedule); the history then also
            records ``learning_rate``.
    """

    changes_learning_rate: bool = False

    def on_train_begin(self, network: NeuralNetwork) -> None:
        """Called once before the first epoch.

        Args:
            network: The network being trained.
        """

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        """Called after every epoch.

        Args:
            epoch: The epoch that just ended, counting from 1.
            logs: Its metrics and per-layer statistics (see the module notes).
        """

    def on_train_end(self, network: NeuralNetwork) -> None:
        """Called once when training ends (not when it diverged).

        Args:
            network: The network being trained.
        """


class LambdaCallback(Callback):
    """A callback made of plain functions (as Keras' ``LambdaCallback``).

    Args:
        on_epoch_end: Called as ``on_epoch_end(epoch, logs)`` after each epoch.
        on_train_begin: Called as ``on_train_begin(network)`` before the first epoch.

    Example:
        >>> seen = []
        >>> callback = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    """

    def __init__(
        self,
        on_epoch_end: Callable[[int, Logs], None] | None = None,
        on_train_begin: Callable[[NeuralNetwork], None] | None = None,
    ) -> None:
        self._on_epoch_end = on_epoch_end
        self._on_train_begin = on_train_begin

    def on_train_begin(self, network: NeuralNetwork) -> None:
        """Call the ``on_train_begin`` function, if any."""
        if self._on_train_begin is not None:
            self._on_train_begin(network)

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        """Call the ``on_epoch_end`` function, if any."""
        if self._on_epoch_end is not None:
            self._on_epoch_end(epoch, logs)
