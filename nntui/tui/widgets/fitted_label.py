"""A one-line label that shows the longest of its alternatives that fits.

The monitor has to read well at 120 columns and still work at 80: a heading
like ``train accuracy  0.9375   best 0.9500 @ epoch 57`` becomes
``train acc  0.9375 best 0.9500@57`` when the panel is narrow, instead of
wrapping or being cut. The choice is made at render time, so resizing the
terminal picks the right one without the app doing anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget


class FittedLabel(Widget):
    """One line of text; :meth:`show` takes alternatives, longest first."""

    DEFAULT_CSS = """
    FittedLabel { height: 1; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.alternatives: tuple[Text, ...] = (Text(""),)

    def show(self, *alternatives: str | Text) -> None:
        """Show the first of ``alternatives`` that fits (the last one if none does)."""
        texts = tuple(Text(item) if isinstance(item, str) else item for item in alternatives)
        if texts and texts != self.alternatives:
            self.alternatives = texts
            self.refresh()

    @property
    def text(self) -> str:
        """The text shown at the current width."""
        return self.choose(self.size.width).plain

    def choose(self, width: int) -> Text:
        """The alternative shown at ``width`` cells."""
        return _first_fitting(self.alternatives, width)

    def render(self) -> RenderResult:
        """The alternative that fits the widget's width, never wrapped."""
        chosen = self.choose(self.size.width).copy()
        chosen.no_wrap = True
        chosen.overflow = "ellipsis"
        return chosen


def _first_fitting(alternatives: Sequence[Text], width: int) -> Text:
    for text in alternatives:
        if text.cell_len <= width:
            return text
    return alternatives[-1]
