"""Per-epoch work a face adds to a run, e.g. the decision-boundary grid of the monitor.

The runner calls a hook in the training thread, between epochs, when no batch
is in progress, so a hook may read the network (predict on a grid, take a
snapshot). The runner knows nothing of what a hook computes or draws; a hook
sends its results to its face itself. A hook that raises is logged and
dropped for the rest of the run: extra work never costs a run its results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nntui.config import Task
    from nntui.nn.network import NeuralNetwork
    from nntui.training.datasets import RunData


class EpochHook:
    """A no-op base: override the moments you need."""

    def on_run_begin(self, network: NeuralNetwork, data: RunData, task: Task) -> None:
        """Training is about to begin on ``data`` with ``network`` (after ``RunStarted``)."""

    def on_epoch_end(self, epoch: int, *, pausing: bool) -> None:
        """Epoch ``epoch`` ended (after its ``EpochEnded``); ``pausing``: the run pauses here."""

    def on_run_end(self, epoch: int) -> None:
        """Training ended without failing (the weights are final), before ``RunFinished``."""
