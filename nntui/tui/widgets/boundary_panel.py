"""The decision-boundary panel: a legend line, the heat map of a 2-input network, its axes.

The grid arrives computed (``BoundaryComputed`` from the training thread, with
the network's prediction for every point); this panel only hands it to
:class:`~nntui.tui.widgets.boundary.DecisionBoundary` and says what is drawn:

- the legend names each class by colour *and* glyph, and the point kinds
  (``● train  ○ test  × wrong``), so it reads with ``NO_COLOR``;
- for regression the title says what the colours are (the prediction of the
  target) and the legend is a numbered colour scale;
- the axes line under the map names the two features (CSV columns) and the
  range each spans;
- for data that is not 2-D, the panel says how to get a playground instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical

from nntui.training.boundary import BoundaryComputed, GridKind
from nntui.tui.formatting import format_short
from nntui.tui.render.heatmap import WRONG_GLYPH, DivergingScale, class_color, class_glyph
from nntui.tui.widgets.boundary import DecisionBoundary
from nntui.tui.widgets.fitted_label import FittedLabel

#: The 2-D sources, for the hint shown when the data is not 2-D.
PLAYGROUND_SOURCES = ("spiral", "circles", "xor", "gaussian", "plane", "bump")
#: Steps of the regression colour scale in the legend.
SCALE_STEPS = 7
CLASSIFICATION_TITLE = "Decision boundary"


def _hex(rgb: Sequence[float]) -> str:
    red, green, blue = (round(float(channel)) for channel in rgb)
    return f"#{red:02x}{green:02x}{blue:02x}"


def legend(class_names: Sequence[str] | None) -> tuple[Text, ...]:
    """``● class_0  ▲ class_1  ●/○ train/test  × wrong``, then shorter forms.

    Each class has a glyph as well as a colour; the grid's epoch is in the panel's title.
    """
    names = list(class_names or ("class 0", "class 1"))
    named, short = Text(), Text()
    for index, name in enumerate(names):
        colour = _hex(class_color(index))
        named.append(f"{class_glyph(index)} ", f"bold {colour}").append(f"{name}  ")
        short.append(class_glyph(index), f"bold {colour}").append(f"{index} ")
    kinds = f"{class_glyph(0)}/{class_glyph(0, test=True)} train/test  {WRONG_GLYPH} wrong"
    return (
        named.copy().append(kinds, "dim"),
        named.copy().append(f"{WRONG_GLYPH} wrong", "dim"),
        short.append(f"{WRONG_GLYPH} wrong", "dim"),
    )


def scale_legend(scale: DivergingScale) -> tuple[Text, ...]:
    """A numbered colour scale, ``-1.2 ███████ 1.2 (white 0)  ● train ○ test``, then shorter."""
    low, high = scale.centre - scale.half_range, scale.centre + scale.half_range
    bar = Text()
    for step in range(SCALE_STEPS):
        value = low + (high - low) * step / (SCALE_STEPS - 1)
        bar.append("█", _hex(scale.rgb(np.array(value)).tolist()))
    numbered = Text.assemble(f"{format_short(low)} ", bar, f" {format_short(high)}")
    middle = f" (white {format_short(scale.centre)})"
    return numbered.copy().append(middle + "  ● train ○ test", "dim"), numbered


def axis_names(feature_names: Sequence[str]) -> tuple[str, str]:
    """The two features' names (``x1``, ``x2`` when unnamed)."""
    names = [*feature_names, "x1", "x2"] if len(feature_names) >= 2 else ["x1", "x2"]
    return names[0], names[1]


def axes_text(feature_names: Sequence[str], extent: Sequence[float]) -> tuple[Text, ...]:
    """``→ x1 -1.2 … 1.2   ↑ x2 -0.9 … 0.9``: the features and the range each axis shows."""
    x_name, y_name = axis_names(feature_names)
    x_min, x_max, y_min, y_max = extent
    x_range = f"{format_short(x_min)} … {format_short(x_max)}"
    y_range = f"{format_short(y_min)} … {format_short(y_max)}"
    full = Text.assemble(
        ("→ ", "bold"), f"{x_name} {x_range}   ", ("↑ ", "bold"), f"{y_name} {y_range}"
    )
    short = Text.assemble(f"→{x_name[:8]} {x_range} ↑{y_name[:8]} {y_range}")
    x_tight, y_tight = x_range.replace(" … ", "…"), y_range.replace(" … ", "…")
    shortest = Text.assemble(f"→{x_name[:6]} {x_tight} ↑{y_name[:6]} {y_tight}")
    return full, short, shortest


def playground_hint(n_features: int) -> str:
    """What the panel says when the data is not 2-D: how to get a decision boundary.

    Short, the key part first: it must read in the two lines the panel has at 80×24.
    """
    others = ", ".join(PLAYGROUND_SOURCES[1:])
    return f"{n_features} features, not 2-D: press e, set data.source: spiral (or {others})"


class BoundaryPanel(Vertical):
    """What a 2-input network predicts over its input plane, live, with its points.

    Attributes:
        epoch: the epoch of the grid shown (``None`` before the first).
        grid_event: the grid shown, as the training thread computed it.
        hint: what the panel says instead of a map (data not 2-D), or ``None``.
    """

    DEFAULT_CSS = """
    BoundaryPanel { height: 1fr; }
    BoundaryPanel > #boundary-legend { height: 1; padding: 0 1; }
    BoundaryPanel > #boundary-axes { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.epoch: int | None = None
        self.grid_event: BoundaryComputed | None = None
        self.hint: str | None = None
        self._points: object | None = None
        self._class_names: tuple[str, ...] | None = None
        self._feature_names: tuple[str, ...] = ("x1", "x2")
        self._kind = "classification"
        self._target: str | None = None

    def compose(self) -> ComposeResult:
        yield FittedLabel(id="boundary-legend")
        yield DecisionBoundary(
            placeholder="The decision boundary appears after the first epoch.",
            id="boundary-map",
        )
        yield FittedLabel(id="boundary-axes")

    @property
    def boundary(self) -> DecisionBoundary:
        """The heat map widget."""
        return self.query_one(DecisionBoundary)

    def reset(
        self,
        kind: str,
        class_names: Sequence[str] | None,
        feature_names: Sequence[str] = ("x1", "x2"),
        target: str | None = None,
    ) -> None:
        """A new run of a 2-input network: forget the old picture, name its classes and axes."""
        self._kind = kind
        self._target = target
        self._class_names = tuple(class_names) if class_names is not None else None
        self._feature_names = tuple(feature_names)
        self.epoch = None
        self.grid_event = None
        self.hint = None
        self._points = None
        self.boundary.placeholder = "The decision boundary appears after the first epoch."
        self.boundary.clear()
        self._show_labels(True)
        self.border_title = self._title()
        if kind == "classification":
            self.query_one("#boundary-legend", FittedLabel).show(*legend(class_names))
        else:
            self.query_one("#boundary-legend", FittedLabel).show(Text("colour scale after epoch 1"))
        self.query_one("#boundary-axes", FittedLabel).show(Text(""))

    def show_hint(self, n_features: int) -> None:
        """The data is not 2-D: say how to get a playground instead of a map."""
        self.hint = playground_hint(n_features)
        self.epoch = None
        self.grid_event = None
        self._points = None
        self.border_title = CLASSIFICATION_TITLE
        self.boundary.placeholder = self.hint
        self.boundary.clear()
        self._show_labels(False)

    def show_grid(self, event: BoundaryComputed) -> None:
        """Show a grid the training thread computed."""
        boundary = self.boundary
        kind: GridKind = "regression" if event.kind == "regression" else "classification"
        boundary.set_grid(event.values, kind=kind, extent=event.extent)
        boundary.set_points(
            event.points,
            event.labels,
            predicted=event.predicted,
            train_xy=event.train_points,
            train_labels=event.train_labels,
            train_predicted=event.train_predicted,
        )
        self._points = event.points
        self.epoch = event.epoch
        self.grid_event = event
        self._kind = kind
        if kind == "classification":
            shown = legend(self._class_names)
        else:
            shown = scale_legend(boundary.scale)
        self.query_one("#boundary-legend", FittedLabel).show(*shown)
        self.border_title = self._title()
        self.query_one("#boundary-axes", FittedLabel).show(
            *axes_text(self._feature_names, event.extent)
        )

    def _show_labels(self, shown: bool) -> None:
        """The legend and axes lines (hidden while the panel only says how to get a map)."""
        for label in self.query(FittedLabel):
            label.display = shown

    def _title(self) -> str:
        """What the map shows (for regression, the prediction of what) and of which epoch."""
        if self._kind == "classification":
            title = CLASSIFICATION_TITLE
        else:
            x_name, y_name = axis_names(self._feature_names)
            title = f"Predicted {self._target or 'target'} over ({x_name}, {y_name})"
        return title if self.epoch is None else f"{title} · epoch {self.epoch}"
