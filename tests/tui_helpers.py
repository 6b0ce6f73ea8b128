"""Helpers shared by the monitor's Pilot tests (tests/tui/)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from nntui.tui.app import NNTuiApp

SIZE = (120, 36)
FINAL = ("finished", "stopped", "diverged", "failed")
#: Epochs of a run that must still be training when the test acts on it.
LONG = 1_000_000


def finished(app: NNTuiApp) -> bool:
    """True once the app's current run has ended, however it ended."""
    return app.state.phase in FINAL


def static_text(widget: Static) -> str:
    """What a Static (or Label) shows, as plain text (rendered when it holds a Rich renderable)."""
    content = widget.content
    if isinstance(content, str):
        return content
    if isinstance(content, (Text, Content)):
        return content.plain
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(content)
    return capture.get()
