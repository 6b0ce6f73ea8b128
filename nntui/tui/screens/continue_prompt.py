"""The ``c`` prompt: how many more epochs to continue a run for."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

#: The most epochs one ``c`` may add.
MAX_MORE = 1_000_000


def parse_more(text: str) -> int | None:
    """``text`` as a count of epochs (1 … :data:`MAX_MORE`), or ``None`` when it is not one.

    Example:
        >>> parse_more(" 40 "), parse_more("0"), parse_more("ten")
        (40, None, None)
    """
    try:
        more = int(text.strip())
    except ValueError:
        return None
    return more if 1 <= more <= MAX_MORE else None


class ContinuePrompt(ModalScreen[int | None]):
    """Ask how many more epochs to train run ``run_id``; dismissed with the count or ``None``.

    Args:
        run_id: the run to continue (shown).
        default: the count offered (the config's epochs).
    """

    DEFAULT_CSS = """
    ContinuePrompt { align: center middle; }
    ContinuePrompt > Vertical {
        width: 64; height: auto; border: thick $accent; padding: 1 2; background: $surface;
    }
    ContinuePrompt #continue-problem { color: $error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, run_id: str, default: int) -> None:
        super().__init__(id="continue-prompt")
        self.run_id = run_id
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Continue run {self.run_id} for how many more epochs?")
            yield Input(str(self.default), type="integer", id="continue-epochs")
            yield Label("enter continues · esc cancels", id="continue-problem")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        more = parse_more(event.value)
        if more is None:
            problem = f"epochs: {event.value!r} is not a whole number from 1 to {MAX_MORE:,}"
            self.query_one("#continue-problem", Label).update(problem)
            return
        self.dismiss(more)

    def action_cancel(self) -> None:
        """Close without continuing."""
        self.dismiss(None)
