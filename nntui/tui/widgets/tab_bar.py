"""The monitor's row of tab names, drawn as one widget.

Textual's ``TabbedContent`` builds a dozen widgets for the tab row (a scroll
container, a bar, a tab per name, an animated underline) and wraps every pane
in two more full-screen containers. On a tab switch each of them was laid out,
re-rendered and composited again: about a third of the time from key to
screen. This bar is one line of text; the panes sit in a plain
:class:`~textual.widgets.ContentSwitcher` beside it.

The bar shows and reports; the screen decides. A click or ``←``/``→`` while
the bar has focus posts :class:`TabBar.Selected`, and the screen shows that tab
and sets :attr:`TabBar.active`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

__all__ = ["TabBar"]


class TabBar(Widget, can_focus=True):
    """One line of tab names; the active one is marked."""

    DEFAULT_CSS = """
    TabBar { height: 1; width: 1fr; }
    TabBar > .tab-bar--tab { color: $text-muted; }
    TabBar > .tab-bar--active { background: $primary; color: $text; text-style: bold underline; }
    TabBar:focus > .tab-bar--active { background: $accent; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"tab-bar--tab", "tab-bar--active"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Previous tab", show=False),
        Binding("right", "step(1)", "Next tab", show=False),
    ]

    #: The id of the tab shown.
    active: reactive[str] = reactive("")

    class Selected(Message):
        """The user picked a tab on the bar (a click, or an arrow key while focused)."""

        def __init__(self, tab: str) -> None:
            super().__init__()
            self.tab = tab

    def __init__(
        self,
        tabs: Iterable[tuple[str, str]],
        *,
        active: str,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Args:
        tabs: ``(tab id, label)`` in the order shown.
        active: The id of the tab shown first.
        id: The widget's id.
        classes: CSS classes.
        """
        super().__init__(id=id, classes=classes)
        self._labels: dict[str, str] = dict(tabs)
        self.set_reactive(TabBar.active, active)

    @property
    def tabs(self) -> tuple[str, ...]:
        """The tab ids, in the order shown."""
        return tuple(self._labels)

    def label(self, tab: str) -> str:
        """The name shown for ``tab``."""
        return self._labels[tab]

    def set_label(self, tab: str, label: str) -> None:
        """Show ``label`` as the name of ``tab`` (e.g. ``Config ●``)."""
        if self._labels.get(tab) != label:
            self._labels[tab] = label
            self.refresh()

    def _spans(self) -> list[tuple[str, int, int]]:
        """Each tab with the columns it takes: ``(tab, start, end)``."""
        spans: list[tuple[str, int, int]] = []
        start = 0
        for tab, label in self._labels.items():
            end = start + Text(label).cell_len + 2
            spans.append((tab, start, end))
            start = end
        return spans

    def tab_at(self, x: int) -> str | None:
        """The tab drawn at column ``x``, if any."""
        return next((tab for tab, start, end in self._spans() if start <= x < end), None)

    def render(self) -> RenderResult:
        """`` Monitor  Curves  Runs … `` with the active tab marked."""
        plain = self.get_component_rich_style("tab-bar--tab")
        marked = self.get_component_rich_style("tab-bar--active")
        text = Text(no_wrap=True, overflow="ellipsis")
        for tab, label in self._labels.items():
            text.append(f" {label} ", marked if tab == self.active else plain)
        return text

    def on_click(self, event: events.Click) -> None:
        tab = self.tab_at(event.x)
        if tab is not None:
            self.post_message(self.Selected(tab))

    def action_step(self, step: int) -> None:
        """Select the tab ``step`` places along (wrapping around)."""
        tabs = self.tabs
        index = tabs.index(self.active) if self.active in tabs else 0
        self.post_message(self.Selected(tabs[(index + step) % len(tabs)]))
