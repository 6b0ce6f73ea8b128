"""Shown instead of the layout when the terminal is smaller than the layout needs."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

#: The smallest terminal the layout is made for.
MIN_WIDTH = 80
MIN_HEIGHT = 24


def too_small_message(width: int, height: int) -> str:
    """What to tell a person whose terminal is ``width`` × ``height``.

    Example:
        >>> too_small_message(60, 20).splitlines()[0]
        'nntui needs a terminal of at least 80×24; this one is 60×20.'
    """
    return (
        f"nntui needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}; "
        f"this one is {width}×{height}.\n"
        "Enlarge the window; training goes on meanwhile.\n"
        "q quits."
    )


def is_too_small(width: int, height: int) -> bool:
    """True when the layout cannot be drawn at ``width`` × ``height``."""
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallNotice(Widget):
    """The size needed and the size there is; the stylesheet shows it when too small."""

    DEFAULT_CSS = """
    TooSmallNotice {
        width: 1fr;
        height: 1fr;
        content-align: center middle;
        text-align: center;
    }
    """

    def render(self) -> RenderResult:
        """The message for the terminal's current size."""
        width, height = self.app.size
        return Text(too_small_message(width, height), justify="center")

    def on_resize(self) -> None:
        """The terminal changed size: say the new one."""
        self.refresh()
