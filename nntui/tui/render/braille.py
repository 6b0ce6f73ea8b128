"""A canvas of braille dots: each terminal cell holds a 2-wide, 4-tall grid of pixels.

Pixel ``(x, y)`` has its origin at the top-left; ``x`` grows right, ``y`` grows down.
Each cell carries one style (the last one drawn into it wins), so draw muted layers
first and the series that matters last.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style, StyleType
from rich.text import Text

BRAILLE_BLANK = 0x2800
"""Code point of the empty braille pattern; a cell's dots are bits added to it."""

# _DOT_BITS[row][column] is the Unicode bit of the dot at that position inside a cell.
_DOT_BITS: tuple[tuple[int, int], ...] = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))


class BrailleCanvas:
    """A ``width`` × ``height`` cell canvas with ``2·width`` × ``4·height`` pixels.

    Args:
        width: Width in terminal cells.
        height: Height in terminal cells.

    Raises:
        ValueError: If a dimension is negative.
    """

    def __init__(self, width: int, height: int) -> None:
        if width < 0 or height < 0:
            raise ValueError(f"canvas size must not be negative, got {width}×{height}")
        self.width = width
        self.height = height
        self._bits = [[0] * width for _ in range(height)]
        self._styles: list[list[Style | None]] = [[None] * width for _ in range(height)]
        self._parsed: dict[str, Style] = {}

    @property
    def pixel_width(self) -> int:
        """Number of pixel columns (two per cell)."""
        return 2 * self.width

    @property
    def pixel_height(self) -> int:
        """Number of pixel rows (four per cell)."""
        return 4 * self.height

    def _style(self, style: StyleType | None) -> Style | None:
        if style is None or isinstance(style, Style):
            return style
        parsed = self._parsed.get(style)
        if parsed is None:
            parsed = self._parsed[style] = Style.parse(style)
        return parsed

    def set(self, x: int, y: int, style: StyleType | None = None) -> None:
        """Light the pixel at ``(x, y)``; pixels outside the canvas are ignored (clipped).

        Args:
            x: Pixel column, 0 at the left.
            y: Pixel row, 0 at the top.
            style: Style for the pixel's cell, or ``None`` to keep the cell's style.
        """
        if not (0 <= x < 2 * self.width and 0 <= y < 4 * self.height):
            return
        row, col = y >> 2, x >> 1
        self._bits[row][col] |= _DOT_BITS[y & 3][x & 1]
        if style is not None:
            self._styles[row][col] = self._style(style)

    def is_set(self, x: int, y: int) -> bool:
        """Whether the pixel at ``(x, y)`` is lit (``False`` outside the canvas)."""
        if not (0 <= x < 2 * self.width and 0 <= y < 4 * self.height):
            return False
        return bool(self._bits[y >> 2][x >> 1] & _DOT_BITS[y & 3][x & 1])

    def line(self, x0: int, y0: int, x1: int, y1: int, style: StyleType | None = None) -> None:
        """Draw a straight line between two pixels, both ends included (Bresenham).

        Args:
            x0: Start pixel column.
            y0: Start pixel row.
            x1: End pixel column.
            y1: End pixel row.
            style: Style for the cells the line passes through.
        """
        parsed = self._style(style)
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        step_x = 1 if x0 < x1 else -1
        step_y = 1 if y0 < y1 else -1
        error = dx + dy
        x, y = x0, y0
        while True:
            self.set(x, y, parsed)
            if x == x1 and y == y1:
                return
            doubled = 2 * error
            if doubled >= dy:
                error += dy
                x += step_x
            if doubled <= dx:
                error += dx
                y += step_y

    def polyline(self, points: Iterable[tuple[int, int]], style: StyleType | None = None) -> None:
        """Join consecutive pixels with lines; a single point lights one pixel.

        Args:
            points: Pixel ``(x, y)`` pairs in drawing order.
            style: Style for the cells the lines pass through.
        """
        parsed = self._style(style)
        previous: tuple[int, int] | None = None
        for point in points:
            if previous is None:
                self.set(point[0], point[1], parsed)
            else:
                self.line(previous[0], previous[1], point[0], point[1], parsed)
            previous = point

    def char_at(self, col: int, row: int) -> str:
        """The braille character of the cell at ``(col, row)``."""
        return chr(BRAILLE_BLANK + self._bits[row][col])

    def style_at(self, col: int, row: int) -> Style | None:
        """The style of the cell at ``(col, row)`` (``None`` if nothing styled was drawn)."""
        return self._styles[row][col]

    def row_segments(self, row: int) -> list[Segment]:
        """One row of cells as segments, neighbouring cells of equal style merged.

        Empty cells render as spaces with no style, so the widget background shows.
        """
        cells = (
            Segment(" ") if bits == 0 else Segment(chr(BRAILLE_BLANK + bits), style)
            for bits, style in zip(self._bits[row], self._styles[row], strict=True)
        )
        return list(Segment.simplify(cells))

    def lines(self) -> list[list[Segment]]:
        """Every row as a list of segments (see :meth:`row_segments`)."""
        return [self.row_segments(row) for row in range(self.height)]

    def to_text(self) -> Text:
        """The canvas as Rich ``Text``, one line per cell row."""
        text = Text(no_wrap=True, overflow="crop")
        for row in range(self.height):
            if row:
                text.append("\n")
            for segment in self.row_segments(row):
                text.append(segment.text, segment.style)
        return text

    def __str__(self) -> str:
        """The canvas as plain text (blank cells as spaces), for tests and debugging."""
        return "\n".join(
            "".join(" " if bits == 0 else chr(BRAILLE_BLANK + bits) for bits in bits_row)
            for bits_row in self._bits
        )
