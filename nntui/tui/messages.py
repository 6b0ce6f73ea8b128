"""Messages to the app: from the training thread (through :mod:`nntui.tui.bridge`) and the screen.

Each message carries the ``run_id`` of the run that produced it, so events of a
run that was stopped for a retrain are recognised and ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from nntui.training.boundary import BoundaryComputed
from nntui.training.events import RunEvent
from nntui.training.neuron_maps import NeuronMapsComputed

if TYPE_CHECKING:
    from nntui.config import Config


class RunEventsPosted(Message):
    """Every event of a run since the previous message, oldest first.

    Epochs are batched rather than replaced (no ``can_replace``): each one is a
    point on the sparklines, so none may be dropped.
    """

    def __init__(self, run_id: int, events: tuple[RunEvent, ...]) -> None:
        super().__init__()
        self.run_id = run_id
        self.events = events


class NeuronMapsReady(Message):
    """Neuron maps the training thread computed (the newest of a run replaces a queued one)."""

    def __init__(self, run_id: int, maps: NeuronMapsComputed) -> None:
        super().__init__()
        self.run_id = run_id
        self.maps = maps

    def can_replace(self, message: Message) -> bool:
        """Newer maps of the same run supersede older ones."""
        return isinstance(message, NeuronMapsReady) and message.run_id == self.run_id


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


class RetrainRequested(Message):
    """The editor's text was checked: start a new run of ``config``."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config


class QuitRequested(Message):
    """Leave the app now (e.g. the unsaved config was saved, as the quit dialog asked)."""


class MonitorReady(Message):
    """The monitor screen is built: its panels exist, so a run may start drawing on them."""
