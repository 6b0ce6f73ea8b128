"""Messages the training thread posts to the app (through :mod:`nntui.tui.bridge`).

Each message carries the ``run_id`` of the run that produced it, so events of a
run that was stopped for a retrain are recognised and ignored.
"""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from nntui.training.boundary import BoundaryComputed
from nntui.training.events import RunEvent


class RunEventsPosted(Message):
    """Every event of a run since the previous message, oldest first.

    Epochs are batched rather than replaced (no ``can_replace``): each one is a
    point on the sparklines, so none may be dropped.
    """

    def __init__(self, run_id: int, events: tuple[RunEvent, ...]) -> None:
        super().__init__()
        self.run_id = run_id
        self.events = events


class BoundaryReady(Message):
    """A decision-boundary grid the training thread computed.

    Only the newest grid of a run matters: a queued one is replaced by a newer one.
    """

    def __init__(self, run_id: int, event: BoundaryComputed) -> None:
        super().__init__()
        self.run_id = run_id
        self.event = event

    def can_replace(self, message: Message) -> bool:
        """A newer grid of the same run supersedes an older one."""
        return isinstance(message, BoundaryReady) and message.run_id == self.run_id


class ModelSaved(Message):
    """A model save requested from the app finished (in the training thread or at once).

    Attributes:
        number: the run whose network was saved.
        path: the file written, or ``None`` if saving failed.
        error: why it failed, for a person.
    """

    def __init__(self, number: int, path: Path | None, error: str | None = None) -> None:
        super().__init__()
        self.number = number
        self.path = path
        self.error = error
