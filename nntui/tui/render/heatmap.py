"""Half-block heat maps: two pixels per terminal cell, ``▀`` with fg = top and bg = bottom.

Colour scales for a model's output over the input plane:

- classification: each pixel takes the colour of its most likely class, blended toward
  the background as the confidence falls to ``1/n_classes`` (so the boundary itself is dark).
  The class colours are Okabe–Ito's colour-blind-safe palette, whose hues stay apart
  when a 256-colour terminal rounds them; each class also has its own glyph
  (:func:`class_glyph`), so the points read with ``NO_COLOR`` too;
- regression: a diverging blue–white–red scale around 0 (or the data's centre).

The heat map is drawn at ``strength`` (< 1) of the full colour, so points overlaid at full
colour stay visible on a region of their own class.

Grid convention shared with whoever computes the grid (the training thread, with
:func:`nntui.training.boundary.grid_points`, re-exported here): row 0 is
the top of the plane (``y_max``), column 0 its left (``x_min``), and each value is the
prediction at its pixel's centre. ``extent`` is ``(x_min, x_max, y_min, y_max)`` like
Matplotlib's ``imshow``.
"""

from __future__ import annotations

import colorsys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rich.color import Color
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from nntui.training.boundary import Extent, check_extent, grid_points, square_pixel_extent

__all__ = [
    "CLASS_GLYPHS",
    "NO_COLOR_SHADES",
    "RGB",
    "WRONG_GLYPH",
    "DivergingScale",
    "Extent",
    "Point",
    "check_extent",
    "class_color",
    "class_glyph",
    "classification_rgb",
    "contrasting",
    "grid_points",
    "half_block_lines",
    "half_block_text",
    "pixels_of_points",
    "regression_rgb",
    "resample_nearest",
    "square_pixel_extent",
]

RGB = tuple[int, int, int]

HALF_BLOCK = "▀"
POINT_GLYPH = "●"
#: Per class: the glyph of a training point (filled) and of a test point (hollow).
CLASS_GLYPHS: tuple[tuple[str, str], ...] = (
    ("●", "○"),
    ("▲", "△"),
    ("■", "□"),
    ("◆", "◇"),
    ("▼", "▽"),
    ("★", "☆"),
)
#: A point the network gets wrong (in its true class's colour).
WRONG_GLYPH = "×"
HEAT_STRENGTH = 0.75
"""Share of the full colour a confident heat-map pixel gets (points get all of it); at
0.75 the class colours still round to distinct hues in a 256-colour terminal."""

#: Okabe & Ito's colour-blind-safe palette (black left out: it is the background), in an
#: order whose first three stay three hues (blue, brown, mauve) when a 256-colour
#: terminal rounds the shaded map; sky blue and bluish green would both become teal.
CLASS_COLORS: tuple[RGB, ...] = (
    (86, 180, 233),  # sky blue
    (230, 159, 0),  # orange
    (204, 121, 167),  # reddish purple
    (0, 158, 115),  # bluish green
    (240, 228, 66),  # yellow
    (0, 114, 178),  # blue
    (213, 94, 0),  # vermillion
)
#: With ``NO_COLOR`` the class regions are greys of clearly different lightness (the
#: terminal shows no hue), and the glyphs over them black or white, whichever stands out.
NO_COLOR_SHADES: tuple[RGB, ...] = ((235, 235, 235), (140, 140, 140), (70, 70, 70))
NEGATIVE_COLOR: RGB = (33, 102, 172)
NEUTRAL_COLOR: RGB = (247, 247, 247)
POSITIVE_COLOR: RGB = (178, 24, 43)


def class_color(index: int) -> RGB:
    """The colour of class ``index``: a fixed palette, then evenly spread hues beyond it."""
    if 0 <= index < len(CLASS_COLORS):
        return CLASS_COLORS[index]
    hue = (abs(index) * 0.618033988749895) % 1.0
    red, green, blue = colorsys.hsv_to_rgb(hue, 0.65, 0.95)
    return round(red * 255), round(green * 255), round(blue * 255)


def class_glyph(index: int, *, test: bool = False) -> str:
    """The glyph of a class's points: filled for training points, hollow for test points.

    Example:
        >>> class_glyph(0), class_glyph(0, test=True), class_glyph(1), class_glyph(7)
        ('●', '○', '▲', '7')
    """
    if 0 <= index < len(CLASS_GLYPHS):
        return CLASS_GLYPHS[index][1 if test else 0]
    return str(index % 10)


def pixels_of_points(
    xy: np.ndarray, extent: Sequence[float], rows: int, cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Map points of the plane to pixel ``(row, col)`` indices of a ``rows`` × ``cols`` grid.

    Returns:
        ``(pixel_rows, pixel_cols, inside)``: integer indices and a mask of the points that
        lie inside the extent (the indices of the others are meaningless).
    """
    x_min, x_max, y_min, y_max = check_extent(extent)
    points = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    with np.errstate(invalid="ignore"):
        col = np.floor((points[:, 0] - x_min) / (x_max - x_min) * cols)
        row = np.floor((y_max - points[:, 1]) / (y_max - y_min) * rows)
    inside = np.isfinite(col) & np.isfinite(row) & (col >= 0) & (col < cols)
    inside &= (row >= 0) & (row < rows)
    pixel_rows = np.where(inside, row, 0).astype(np.intp)
    pixel_cols = np.where(inside, col, 0).astype(np.intp)
    return pixel_rows, pixel_cols, inside


def _blend_toward(background: RGB, colours: np.ndarray, amount: np.ndarray) -> np.ndarray:
    base = np.asarray(background, dtype=np.float64)
    blended: np.ndarray = base + (colours - base) * amount[..., None]
    return blended


def _to_uint8(colours: np.ndarray) -> np.ndarray:
    clipped: np.ndarray = np.clip(np.rint(colours), 0, 255).astype(np.uint8)
    return clipped


def classification_rgb(
    probabilities: np.ndarray,
    *,
    background: RGB = (0, 0, 0),
    strength: float = HEAT_STRENGTH,
    palette: Sequence[RGB] | None = None,
) -> np.ndarray:
    """Colour each pixel by its most likely class, shaded by confidence.

    Args:
        probabilities: ``(rows, cols, n_classes)`` class probabilities; a single channel
            ``(rows, cols, 1)`` is read as the probability of class 1 of two.
        background: Colour a pixel fades to when the classes are tied (confidence ``1/n``).
        strength: Share of the class colour at full confidence.
        palette: The class colours (repeated when there are more classes); by default
            :func:`class_color`.

    Returns:
        ``(rows, cols, 3)`` uint8 colours; pixels with non-finite values get the background.

    Raises:
        ValueError: If the array is not three-dimensional.
    """
    grid = np.asarray(probabilities, dtype=np.float64)
    if grid.ndim != 3 or grid.shape[2] < 1:
        raise ValueError(
            f"a classification grid must have shape (rows, cols, n_classes), got {grid.shape}"
        )
    if grid.shape[2] == 1:
        grid = np.concatenate([1.0 - grid, grid], axis=2)
    n_classes = grid.shape[2]
    finite = np.asarray(np.isfinite(grid).all(axis=2))
    safe = np.where(finite[..., None], grid, 0.0)
    winner = safe.argmax(axis=2)
    chance = 1.0 / n_classes
    confidence = np.clip((safe.max(axis=2) - chance) / (1.0 - chance), 0.0, 1.0)
    chosen = [
        class_color(index) if palette is None else palette[index % len(palette)]
        for index in range(n_classes)
    ]
    colours = _blend_toward(
        background, np.array(chosen, dtype=np.float64)[winner], strength * confidence
    )
    colours[~finite] = background
    return _to_uint8(colours)


@dataclass(frozen=True)
class DivergingScale:
    """Blue below ``centre``, white at it, red above, saturating at ``centre ± half_range``."""

    centre: float = 0.0
    half_range: float = 1.0

    @classmethod
    def for_values(cls, values: np.ndarray) -> DivergingScale:
        """A scale centred on 0 when the values straddle it, else on their midpoint."""
        array = np.asarray(values, dtype=np.float64)
        finite = array[np.isfinite(array)]
        if finite.size == 0:
            return cls()
        low, high = float(finite.min()), float(finite.max())
        centre = 0.0 if low < 0.0 < high else (low + high) / 2.0
        half_range = max(abs(high - centre), abs(centre - low))
        return cls(centre, half_range if half_range > 0 else 1.0)

    def rgb(self, values: np.ndarray) -> np.ndarray:
        """Full-strength float colours ``(..., 3)``; non-finite values map to white."""
        array = np.asarray(values, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            position = np.clip((array - self.centre) / self.half_range, -1.0, 1.0)
        position = np.where(np.isfinite(position), position, 0.0)
        neutral = np.asarray(NEUTRAL_COLOR, dtype=np.float64)
        end = np.where(
            (position < 0)[..., None],
            np.asarray(NEGATIVE_COLOR, dtype=np.float64),
            np.asarray(POSITIVE_COLOR, dtype=np.float64),
        )
        return neutral + (end - neutral) * np.abs(position)[..., None]


def regression_rgb(
    values: np.ndarray,
    *,
    scale: DivergingScale | None = None,
    background: RGB = (0, 0, 0),
    strength: float = HEAT_STRENGTH,
) -> np.ndarray:
    """Colour each pixel on a diverging scale.

    Args:
        values: ``(rows, cols)`` predictions (``(rows, cols, 1)`` is accepted).
        scale: The scale; by default :meth:`DivergingScale.for_values` of ``values``.
        background: Colour the heat map is blended toward (and of non-finite pixels).
        strength: Share of the scale's colour used.

    Returns:
        ``(rows, cols, 3)`` uint8 colours.

    Raises:
        ValueError: If the array is not two-dimensional.
    """
    grid = np.asarray(values, dtype=np.float64)
    if grid.ndim == 3 and grid.shape[2] == 1:
        grid = grid[..., 0]
    if grid.ndim != 2:
        raise ValueError(f"a regression grid must have shape (rows, cols), got {grid.shape}")
    scale = scale or DivergingScale.for_values(grid)
    colours = _blend_toward(background, scale.rgb(grid), np.full(grid.shape, strength))
    colours[~np.isfinite(grid)] = background
    return _to_uint8(colours)


def resample_nearest(colours: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Stretch or shrink a ``(H, W, 3)`` image to ``rows`` × ``cols`` by nearest pixel."""
    height, width = colours.shape[:2]
    if (height, width) == (rows, cols):
        return colours
    row_index = ((np.arange(rows) + 0.5) * height / rows).astype(np.intp)
    col_index = ((np.arange(cols) + 0.5) * width / cols).astype(np.intp)
    resampled: np.ndarray = colours[np.minimum(row_index, height - 1)][
        :, np.minimum(col_index, width - 1)
    ]
    return resampled


@lru_cache(maxsize=4096)
def _color(rgb: RGB) -> Color:
    return Color.from_rgb(*rgb)


@lru_cache(maxsize=8192)
def _packed_style(packed: int) -> Style:
    """The half block's style for a cell packed as ``top << 24 | bottom`` (:func:`_pack_rgb`)."""
    # Style.from_color: a map's shades change with every grid, so styles are made
    # anew each frame, and Style() parses its arguments (~3× the time).
    return Style.from_color(_packed_color(packed >> 24), _packed_color(packed & 0xFFFFFF))


@lru_cache(maxsize=8192)
def _packed_color(packed: int) -> Color:
    # :func:`_color`'s twin, keyed by an int: for a new grid's ~1000 shades, a
    # tuple key and Color.from_rgb cost ~1.2 ms more per frame.
    return Color.from_triplet(ColorTriplet(packed >> 16 & 0xFF, packed >> 8 & 0xFF, packed & 0xFF))


@lru_cache(maxsize=1024)
def _point_style(point: RGB, behind: RGB) -> Style:
    return Style(color=_color(point), bgcolor=_color(behind), bold=True)


#: An overlaid point: its colour, or ``(glyph, colour)``.
Point = RGB | tuple[str, RGB]


def contrasting(behind: Sequence[int]) -> RGB:
    """Black on a light cell, white on a dark one (for glyphs without colour).

    Example:
        >>> contrasting((235, 235, 235)), contrasting((40, 40, 40))
        ((0, 0, 0), (255, 255, 255))
    """
    red, green, blue = behind
    light = 0.299 * red + 0.587 * green + 0.114 * blue > 110
    return (0, 0, 0) if light else (255, 255, 255)


def half_block_lines(
    colours: np.ndarray,
    points: Mapping[tuple[int, int], Point] | None = None,
    *,
    monochrome: bool = False,
) -> list[list[Segment]]:
    """Render a ``(H, W, 3)`` image as ``H/2`` lines of ``W`` half-block cells.

    Args:
        colours: uint8 (or integer-valued) RGB image with an even number of rows.
        points: Overlay glyphs: ``(cell_row, col) → (glyph, colour)`` (or just a
            colour, for ``●``) draws the glyph in that colour over the cell, on the
            mean of the cell's two pixels.
        monochrome: draw each glyph black or white, whichever stands out on its cell.

    Returns:
        One list of segments per cell row; neighbouring cells of equal style are merged.

    Raises:
        ValueError: If the image is not ``(H, W, 3)`` with ``H`` even.
    """
    image = np.asarray(colours)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"colours must have shape (rows, cols, 3), got {image.shape}")
    if image.shape[0] % 2:
        raise ValueError(f"a half-block image needs an even number of rows, got {image.shape[0]}")
    points = points or {}
    pixels = image.astype(np.int64)
    top, bottom = pixels[0::2], pixels[1::2]
    # One number per cell for its two colours: a run of equal numbers is one segment.
    # Python then loops over runs (a few dozen a line), not over every cell.
    packed = _pack_rgb(top) << 24 | _pack_rgb(bottom)
    cell_rows, width = packed.shape
    # Each point is a cell of its own: a run breaks before and after it.
    alone = np.zeros((cell_rows, width + 1), dtype=bool)
    by_row: dict[int, dict[int, Point]] = {}
    for (cell_row, col), overlay in points.items():
        if 0 <= cell_row < cell_rows and 0 <= col < width:
            by_row.setdefault(cell_row, {})[col] = overlay
            alone[cell_row, col : col + 2] = True
    breaks = np.zeros((cell_rows, width), dtype=bool)
    breaks[:, 0] = True
    breaks[:, 1:] = (packed[:, 1:] != packed[:, :-1]) | alone[:, 1:width]
    behind_cells = (top + bottom) // 2  # what a point is drawn on
    lines: list[list[Segment]] = []
    for cell_row, row in enumerate(packed.tolist()):
        row_points = by_row.get(cell_row)
        behind_row = behind_cells[cell_row].tolist() if row_points else []
        starts = np.flatnonzero(breaks[cell_row]).tolist()
        ends = [*starts[1:], width]
        cells: list[Segment] = []
        for start, end in zip(starts, ends, strict=True):
            point = row_points.get(start) if row_points else None
            if point is None:
                # Neighbouring runs differ in colour, so they never merge with each other.
                cells.append(Segment(HALF_BLOCK * (end - start), _packed_style(row[start])))
                continue
            behind = tuple(behind_row[start])
            glyph, rgb = (POINT_GLYPH, point) if len(point) == 3 else point
            if monochrome:
                rgb = contrasting(behind)
            segment = Segment(str(glyph), _point_style(tuple(rgb), behind))
            # Two points alike side by side share a (cached, so identical) style.
            if cells and cells[-1].style is segment.style:
                segment = Segment(cells.pop().text + segment.text, segment.style)
            cells.append(segment)
        lines.append(cells)
    return lines


def _pack_rgb(rgb: np.ndarray) -> np.ndarray:
    """``(…, 3)`` colours as one integer each, ``0xRRGGBB``."""
    packed: np.ndarray = rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2]
    return packed


def half_block_text(
    colours: np.ndarray, points: Mapping[tuple[int, int], Point] | None = None
) -> Text:
    """:func:`half_block_lines` as Rich ``Text``, one line per cell row."""
    text = Text(no_wrap=True, overflow="crop")
    for index, segments in enumerate(half_block_lines(colours, points)):
        if index:
            text.append("\n")
        for segment in segments:
            text.append(segment.text, segment.style)
    return text
