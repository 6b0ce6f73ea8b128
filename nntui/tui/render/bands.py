"""Percentile bands over epochs and a one-line histogram, as text (TensorBoard's distributions).

A band chart has one column per epoch (the nearest measured epoch when there
are more columns than measurements, evenly picked ones when fewer) and one row
per value slice. A cell is shaded by the innermost band it falls in: ``█`` for
the middle 31–69 %, ``▓`` for 16–84 %, ``▒`` for 7–93 %, ``░`` for the whole
range (min–max); the cell holding the median is drawn ``━``. Read with
``NO_COLOR`` as well as with colour.
"""

from __future__ import annotations

from collections.abc import Sequence

from nntui.tui.render.series import format_value

SHADES = ("░", "▒", "▓", "█")
"""From the outermost band (min–max) to the innermost (31–69 %)."""
MEDIAN = "━"
BARS = " ▁▂▃▄▅▆▇█"

Band = tuple[int, tuple[float, ...]]


def pick_columns(points: Sequence[Band], width: int) -> list[Band]:
    """At most ``width`` points, evenly spread over the series (the latest always in)."""
    if width <= 0 or not points:
        return []
    if len(points) <= width:
        return list(points)
    last = len(points) - 1
    return [
        points[round(i * last / (width - 1))] if width > 1 else points[-1] for i in range(width)
    ]


def value_range(points: Sequence[Band]) -> tuple[float, float]:
    """The lowest minimum and highest maximum of the bands (a span around a constant)."""
    lows = [p[0] for _, p in points if p]
    highs = [p[-1] for _, p in points if p]
    if not lows:
        return 0.0, 1.0
    low, high = min(lows), max(highs)
    if high <= low:
        pad = abs(low) * 0.1 or 1.0
        return low - pad, high + pad
    return low, high


def band_rows(points: Sequence[Band], width: int, height: int) -> list[str]:
    """``height`` lines of at most ``width`` cells, the top line the highest values.

    Args:
        points: ``(epoch, 9 percentiles)`` in epoch order (0/7/16/31/50/69/84/93/100).
        width: cells across (one per column of epochs).
        height: lines.
    """
    columns = pick_columns(points, width)
    if not columns or height <= 0:
        return []
    low, high = value_range(columns)
    step = (high - low) / height
    rows = []
    for line in range(height):
        top = high - line * step
        bottom = top - step
        cells = [_cell(percentiles, bottom, top) for _, percentiles in columns]
        rows.append("".join(cells))
    return rows


def _cell(percentiles: tuple[float, ...], bottom: float, top: float) -> str:
    if len(percentiles) != 9:
        return " "
    median = percentiles[4]
    if bottom <= median <= top:
        return MEDIAN
    centre = (bottom + top) / 2
    shade = " "
    for level, (lo, hi) in enumerate(zip(percentiles[:4], percentiles[:4:-1], strict=True)):
        # lo..hi: 0–100, 7–93, 16–84, 31–69 (each pair of the nine, outside in)
        if lo <= centre <= hi or (bottom <= lo <= top) or (bottom <= hi <= top):
            shade = SHADES[level]
    return shade


def histogram_line(counts: Sequence[int], width: int) -> str:
    """The histogram as one line of ``width`` bars (bins merged or repeated to fit)."""
    if width <= 0 or not counts:
        return ""
    bins = len(counts)
    merged = [0] * width
    for index, count in enumerate(counts):
        start = index * width // bins
        stop = max(start + 1, (index + 1) * width // bins)
        for column in range(start, min(stop, width)):
            merged[column] += count
    peak = max(merged) or 1
    return "".join(BARS[round(value / peak * (len(BARS) - 1))] for value in merged)


def axis_labels(low: float, high: float, width: int) -> str:
    """``low`` at the left and ``high`` at the right of a ``width``-cell line."""
    left, right = format_value(low), format_value(high)
    gap = max(1, width - len(left) - len(right))
    return f"{left}{' ' * gap}{right}"
