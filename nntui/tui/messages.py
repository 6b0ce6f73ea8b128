"""Messages the training thread posts to the app (through :mod:`nntui.tui.bridge`).

Each message carries the ``run_id`` of the run that produced it, so events of a
run that was stopped for a retrain are recognised and ignored.
"""

from __future__ import annotations

from textual.message import Message

from nntui.training.events import EpochEnded, RunFailed, RunFinished, RunStarted


class RunStartedMessage(Message):
    """A run built its network and starts training."""

    def __init__(self, run_id: int, event: RunStarted) -> None:
        super().__init__()
        self.run_id = run_id
        self.event = event


class EpochsEnded(Message):
    """Every epoch that ended since the previous message, oldest first.

    Epochs are batched rather than replaced (no ``can_replace``): each one is a
    point on the sparklines, so none may be dropped.
    """

    def __init__(self, run_id: int, epochs: tuple[EpochEnded, ...]) -> None:
        super().__init__()
        self.run_id = run_id
        self.epochs = epochs


class RunEnded(Message):
    """The run finished (completed or interrupted) or failed."""

    def __init__(self, run_id: int, event: RunFinished | RunFailed) -> None:
        super().__init__()
        self.run_id = run_id
        self.event = event
