"""The architecture panel: the data, then the network as Keras' ``model.summary()`` shows it.

The Data line says where each number on screen comes from: ``train`` rows fit
the weights, ``validation`` rows give every ``val_*`` number after each epoch,
and ``test`` rows are scored once, at the end.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.table import Table
from textual.app import ComposeResult, RenderResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from nntui.training.events import DataSummary, LayerInfo
from nntui.tui.formatting import format_count
from nntui.tui.widgets.fitted_label import FittedLabel

#: Below this width the table uses short column titles.
FULL_TITLES_WIDTH = 46


def summary_table(layers: Sequence[LayerInfo], *, compact: bool = False) -> Table:
    """A ``Layer (type) | Output Shape | Activation | Param #`` table of ``layers``.

    ``compact`` (a narrow panel): short titles and the layer's name without its type.
    """
    titles = (
        ("Layer", "Shape", "Act.", "Params")
        if compact
        else (
            "Layer (type)",
            "Output Shape",
            "Activation",
            "Param #",
        )
    )
    table = Table(
        box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0)
    )
    for index, title in enumerate(titles):
        table.add_column(title, no_wrap=True, justify="right" if index == 3 else "left")
    for layer in layers:
        table.add_row(
            layer.name if compact else f"{layer.name} ({layer.kind})",
            layer.output_shape,
            layer.activation,
            format_count(layer.parameters),
        )
    return table


class SummaryTable(Widget):
    """The layer table; short column titles when the panel is narrow."""

    DEFAULT_CSS = """
    SummaryTable { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.layer_rows: tuple[LayerInfo, ...] = ()

    def show_layers(self, layers: Sequence[LayerInfo]) -> None:
        """Show ``layers`` (a layout pass only when the network changed)."""
        rows = tuple(layers)
        if rows != self.layer_rows:
            self.layer_rows = rows
            self.refresh(layout=True)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        """A title line, a rule, then one line per layer."""
        return len(self.layer_rows) + 2 if self.layer_rows else 1

    def render(self) -> RenderResult:
        """The table at the widget's width."""
        if not self.layer_rows:
            return "waiting for the network…"
        return summary_table(self.layer_rows, compact=self.size.width < FULL_TITLES_WIDTH)


class ArchitecturePanel(Vertical):
    """The Data line, the layer table, then the parameter counts, loss and optimizer."""

    def compose(self) -> ComposeResult:
        yield FittedLabel(id="architecture-data", classes="data-line")
        yield FittedLabel(id="architecture-data-shape", classes="data-line")
        yield SummaryTable(id="architecture-table")
        yield Static("", id="architecture-totals")

    def show_data(self, data: DataSummary, seed: int) -> None:
        """The Data lines: source and train/validation/test rows; features, classes, seed."""
        classes = f"{len(data.classes)} classes" if data.classes else "regression target"
        rows = f"{data.n_train} train / {data.n_validation} validation / {data.n_test} test"
        self.query_one("#architecture-data", FittedLabel).show(
            f"Data: {data.source} · {rows} rows",
            f"Data: {data.source} · {rows}",
            f"Data: {data.source} · {data.n_train} train / {data.n_validation} val / "
            f"{data.n_test} test",
            f"{data.source} · {data.n_train}/{data.n_validation}/{data.n_test} rows",
        )
        self.query_one("#architecture-data-shape", FittedLabel).show(
            f"{data.n_features} features · {classes} · seed {seed}",
            f"{data.n_features} features · {classes}",
        )

    @property
    def data_text(self) -> str:
        """The Data lines as shown (for tests)."""
        lines = self.query(".data-line").results(FittedLabel)
        return "\n".join(line.text for line in lines)

    def show_network(
        self,
        layers: Sequence[LayerInfo],
        *,
        parameter_count: int,
        loss: str,
        learning_rate: float,
        optimizer: str | None = None,
    ) -> None:
        """Show a run's network: its layers, parameter counts, loss and optimizer."""
        self.query_one(SummaryTable).show_layers(layers)
        trainable = sum(layer.parameters for layer in layers) if layers else parameter_count
        fixed = max(parameter_count - trainable, 0)
        how = f"optimizer {optimizer}" if optimizer else f"learning rate {learning_rate:g}"
        lines = [
            f"Total params: {format_count(parameter_count)}",
            f"Trainable: {format_count(trainable)} · non-trainable: {format_count(fixed)}",
            f"loss {loss} · {how}",
        ]
        # Always three lines, so the fixed-height totals never need a layout pass.
        self.query_one("#architecture-totals", Static).update("\n".join(lines), layout=False)

    @property
    def totals_text(self) -> str:
        """The totals as shown (for tests and screenshots)."""
        return str(self.query_one("#architecture-totals", Static).content)
