"""The help screen: every key, and how to edit the config and retrain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HOW_TO_EDIT = """\
Edit and retrain
  e        open the Config tab with the keyboard in the YAML editor
  ctrl+r   apply the edited config and start a new run (panels reset)
  ctrl+s   save the edited config (written atomically; the path is shown)
  esc      leave the editor so the single-letter keys work again

A config with problems is never applied or saved: each problem is listed
under the editor with its line and key, and the cursor jumps to the first.
The running (or finished) model is untouched until a valid config is applied."""

PLAYGROUND = """\
Playground
  2-input data (data.source circles, xor, gaussian, spiral, plane, bump): the
  Monitor shows the decision boundary, redrawn as the network learns, with the
  test points on top. Pause (p), then n trains one epoch at a time.
  Curves (2) plots loss and accuracy with the previous run muted underneath;
  Runs (3) lists every run since nntui opened and what changed between them."""


def keys_table(keys: Sequence[tuple[str, str]]) -> Table:
    """A two-column table of ``(keys, what they do)``."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("Key", style="bold", no_wrap=True)
    table.add_column("Action")
    for key, description in keys:
        table.add_row(key, description)
    return table


class HelpScreen(ModalScreen[None]):
    """A modal listing the app's keys; any of escape, q, f1 or ? closes it.

    Args:
        keys: ``(key, description)`` pairs, in the order to show them.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "close", "Close help")
    ]

    def __init__(self, keys: Sequence[tuple[str, str]]) -> None:
        super().__init__(id="help-screen")
        self.keys = list(keys)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "nntui help"
            body.border_subtitle = "esc to close"
            sections = (keys_table(self.keys), Text(HOW_TO_EDIT), Text(PLAYGROUND))
            parts = [part for section in sections for part in (section, Text(""))][:-1]
            yield Static(Group(*parts), id="help-text")

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
