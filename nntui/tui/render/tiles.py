"""Neuron tiles: each hidden unit's map of the input plane as a small half-block picture.

A unit's activation is coloured on a diverging scale shared by its layer
(blue below the centre, white at it, red above: centre 0 for tanh, relu,
linear; 0.5 for sigmoid), so the tiles of one layer compare. Under a tile, a
mark shows its strongest outgoing weight: ``+`` (red) or ``−`` (blue), bold
when large.
"""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text

from nntui.tui.render.heatmap import DivergingScale, half_block_lines, regression_rgb

CENTRES = {"sigmoid": 0.5}
"""Where an activation's scale is centred (0 unless listed)."""


def layer_scale(activation: str, low: float, high: float) -> DivergingScale:
    """The colour scale of a layer's tiles: centred on the activation's middle."""
    centre = CENTRES.get(activation, 0.0)
    half = max(abs(high - centre), abs(centre - low))
    return DivergingScale(centre, half if half > 0 else 1.0)


def tile_text(values: np.ndarray, scale: DivergingScale) -> Text:
    """One unit's ``(rows, cols)`` map as half-block text (``rows`` even: ``rows // 2`` lines)."""
    colours = regression_rgb(values, scale=scale, strength=1.0)
    text = Text(no_wrap=True, overflow="crop")
    for index, segments in enumerate(half_block_lines(colours)):
        if index:
            text.append("\n")
        for segment in segments:
            text.append(segment.text, segment.style)
    return text


def weight_mark(weight: float, largest: float, width: int) -> Text:
    """The strongest outgoing weight under a tile: sign and size, e.g. ``+0.83``."""
    sign = "+" if weight >= 0 else "−"
    strong = largest > 0 and abs(weight) >= 0.5 * largest
    style = Style(color="red" if weight >= 0 else "blue", bold=strong)
    label = f"{sign}{abs(weight):.2f}"
    return Text(label[:width].center(width), style=style, no_wrap=True)
