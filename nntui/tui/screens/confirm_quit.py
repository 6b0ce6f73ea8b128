"""Quitting with unsaved edits in the config editor asks first."""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

QuitChoice = Literal["quit", "save", "stay"]
"""Quit without saving, save the config then quit, or stay."""


class ConfirmQuitScreen(ModalScreen[QuitChoice]):
    """``The config has unsaved edits. y quit without saving · s save, then quit · n stay``.

    Args:
        path: the file the edits would be saved to.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "choose('quit')", "Quit without saving"),
        Binding("s", "choose('save')", "Save, then quit"),
        Binding("n,escape", "choose('stay')", "Stay"),
    ]

    def __init__(self, path: str) -> None:
        super().__init__(id="confirm-quit")
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-quit-body"):
            yield Static(f"The config has unsaved edits ({self.path}).", id="confirm-quit-text")
            yield Static("y  quit without saving\ns  save, then quit\nn  stay (esc)")

    def action_choose(self, choice: QuitChoice) -> None:
        """Close with ``choice``."""
        self.dismiss(choice)
