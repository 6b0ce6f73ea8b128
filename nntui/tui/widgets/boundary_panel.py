"""The decision-boundary panel: a legend line over the heat map of a 2-input network.

The grid arrives computed (``BoundaryComputed`` from the training thread); this
panel only hands it to :class:`~nntui.tui.widgets.boundary.DecisionBoundary`
and names the colours.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical

from nntui.training.boundary import BoundaryComputed, GridKind
from nntui.tui.render.heatmap import NEGATIVE_COLOR, POSITIVE_COLOR, class_color
from nntui.tui.widgets.boundary import DecisionBoundary
from nntui.tui.widgets.fitted_label import FittedLabel


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def legend(kind: str, class_names: Sequence[str] | None, epoch: int | None) -> tuple[Text, ...]:
    """``● class_0  ● class_1  · epoch 12``, longest first, then shorter forms."""
    tail = f"  · epoch {epoch}" if epoch is not None else ""
    if kind == "classification":
        names = list(class_names or ("class 0", "class 1"))
        named = Text()
        short = Text()
        for index, name in enumerate(names):
            colour = _hex(class_color(index))
            named.append("● ", colour).append(f"{name}  ")
            short.append("●", colour).append(f"{index} ")
        full = named.copy().append("shade = confidence" + tail, "dim")
        named.append(tail.strip(), "dim")
        short.append(tail.strip(), "dim")
        return full, named, short
    full = Text.assemble(
        ("■ ", _hex(NEGATIVE_COLOR)),
        "low  ",
        ("■ ", "#f7f7f7"),
        "mid  ",
        ("■ ", _hex(POSITIVE_COLOR)),
        "high  ",
        ("● test targets" + tail, "dim"),
    )
    short = Text.assemble(
        ("■", _hex(NEGATIVE_COLOR)), "low ", ("■", _hex(POSITIVE_COLOR)), "high", (tail, "dim")
    )
    return full, short


class BoundaryPanel(Vertical):
    """What a 2-input network predicts over its input plane, live, with the test points.

    Attributes:
        epoch: the epoch of the grid shown (``None`` before the first).
        grid_event: the grid shown, as the training thread computed it.
    """

    DEFAULT_CSS = """
    BoundaryPanel { height: 1fr; }
    BoundaryPanel > #boundary-legend { height: 1; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.epoch: int | None = None
        self.grid_event: BoundaryComputed | None = None
        self._points: object | None = None
        self._class_names: tuple[str, ...] | None = None
        self._kind = "classification"

    def compose(self) -> ComposeResult:
        yield FittedLabel(id="boundary-legend")
        yield DecisionBoundary(
            placeholder="The decision boundary appears after the first epoch.",
            id="boundary-map",
        )

    @property
    def boundary(self) -> DecisionBoundary:
        """The heat map widget."""
        return self.query_one(DecisionBoundary)

    def reset(self, kind: str, class_names: Sequence[str] | None) -> None:
        """A new run: forget the old picture, name the new run's classes."""
        self._kind = kind
        self._class_names = tuple(class_names) if class_names is not None else None
        self.epoch = None
        self.grid_event = None
        self._points = None
        self.boundary.clear()
        self.query_one(FittedLabel).show(*legend(kind, self._class_names, None))

    def show_grid(self, event: BoundaryComputed) -> None:
        """Show a grid the training thread computed."""
        boundary = self.boundary
        kind: GridKind = "regression" if event.kind == "regression" else "classification"
        boundary.set_grid(event.values, kind=kind, extent=event.extent)
        if event.points is not self._points:
            self._points = event.points
            boundary.set_points(event.points, event.labels)
        self.epoch = event.epoch
        self.grid_event = event
        self._kind = kind
        self.query_one(FittedLabel).show(*legend(kind, self._class_names, event.epoch))
