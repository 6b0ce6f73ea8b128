"""The Neurons tab: each hidden unit's activation over the input plane, layer by layer.

TensorFlow Playground's view for 2-D data. Each layer is a column of tiles
(the most varied units first, so a large layer shows its busiest units on the
first page); under each tile, the unit's strongest outgoing weight. The tiles
come from the training thread (:mod:`nntui.training.neuron_maps`, computed
while this tab shows); here they are only coloured and laid out.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from nntui.training.neuron_maps import LayerMaps, NeuronMapsComputed
from nntui.tui.render.tiles import layer_scale, tile_text, weight_mark

GAP = 1
HEADER_LINES = 2
HINT = "[ ] page through the units · most varied first · mark: strongest outgoing weight"
EMPTY = (
    "Neuron maps are drawn for 2-D data (data.source: spiral, circles, xor, gaussian, plane,\n"
    "bump) with at least one hidden layer, while this tab shows."
)


def layout(
    layers: int, tile_cols: int, tile_lines: int, width: int, height: int
) -> tuple[int, int]:
    """``(sub-columns per layer, tiles per sub-column)`` that fit ``width`` × ``height``."""
    columns = max(1, (width + GAP) // (tile_cols + GAP))
    per_layer = max(1, columns // max(layers, 1))
    rows = max(1, (height - HEADER_LINES - 1) // (tile_lines + 1))
    return per_layer, rows


class NeuronsView(Static):
    """Tiles of every hidden layer's units, paged."""

    DEFAULT_CSS = """
    NeuronsView { height: 1fr; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(EMPTY, id=id)
        self.page = 0
        self.maps: NeuronMapsComputed | None = None

    def show(self, maps: NeuronMapsComputed | None) -> None:
        """Draw ``maps`` (``None``: the hint)."""
        self.maps = maps
        self.update(self.render_text(self.size.width, self.size.height))

    def next_page(self, step: int = 1) -> None:
        """Show the next (or previous) page of units."""
        self.page = max(0, self.page + step)
        self.show(self.maps)

    def pages(self, width: int, height: int) -> int:
        """How many pages the largest layer needs at this size."""
        maps = self.maps
        if maps is None or not maps.layers:
            return 1
        per_layer, rows = layout(len(maps.layers), maps.cols, maps.rows // 2, width, height)
        largest = max(layer.units for layer in maps.layers)
        return max(1, -(-largest // (per_layer * rows)))

    def render_text(self, width: int, height: int) -> Text | str:
        """The tiles for a ``width`` × ``height`` area."""
        maps = self.maps
        if maps is None or not maps.layers:
            return EMPTY
        tile_lines = maps.rows // 2
        per_layer, rows = layout(len(maps.layers), maps.cols, tile_lines, width, height)
        pages = self.pages(width, height)
        self.page = min(self.page, pages - 1)
        shown = per_layer * rows
        text = Text(no_wrap=True, overflow="crop")
        text.append(f"epoch {maps.epoch} · page {self.page + 1}/{pages}", style="bold")
        text.append(f"  {HINT}\n", style="dim")
        group = per_layer * (maps.cols + GAP)
        for layer in maps.layers:
            label = f"{layer.layer} {layer.activation} ({layer.units})"
            text.append(f"{label[: group - GAP]:<{group}}", style="dim")
        text.append("\n")
        columns = [self._layer_cells(layer, shown, tile_lines, maps.cols) for layer in maps.layers]
        for slot in range(rows):
            for line in range(tile_lines + 1):
                for cells in columns:
                    for sub in range(per_layer):
                        index = slot * per_layer + sub
                        cell = cells[index][line] if index < len(cells) else None
                        text.append(cell if cell is not None else " " * maps.cols)
                        text.append(" " * GAP)
                text.append("\n")
        return text

    def _layer_cells(self, layer: LayerMaps, shown: int, lines: int, cols: int) -> list[list[Text]]:
        """Per unit on this page: its tile's lines and its weight mark."""
        order = layer.order[self.page * shown : (self.page + 1) * shown]
        scale = layer_scale(layer.activation, layer.low, layer.high)
        largest = max((abs(w) for w in layer.outgoing), default=0.0)
        cells = []
        for unit in order:
            tile = tile_text(layer.values[unit][: 2 * lines], scale).split("\n")
            weight = layer.outgoing[unit] if unit < len(layer.outgoing) else 0.0
            cells.append([*list(tile)[:lines], weight_mark(weight, largest, cols)])
        return cells
