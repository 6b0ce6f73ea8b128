"""Pure helpers that turn a metric history into something a small plot can show.

Smoothing (EMA), downsampling that keeps spikes (min and max of each bucket), a log-y
transform that tolerates non-positive values, and "nice" axis ticks with short labels.
Every function filters NaN/inf instead of passing them on to a renderer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

_NICE_MANTISSAS = (1.0, 2.0, 5.0, 10.0)


def as_float_array(values: Sequence[float] | np.ndarray, *, name: str = "values") -> np.ndarray:
    """Convert a sequence of numbers to a 1-D float64 array.

    Args:
        values: Numbers (``None`` counts as missing and becomes NaN).
        name: What the values are, for the error message.

    Returns:
        A new 1-D float64 array.

    Raises:
        ValueError: If the values are not a flat sequence of numbers.
    """
    try:
        array = np.array([np.nan if value is None else value for value in values], dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a sequence of numbers ({error})") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be a flat sequence of numbers, got shape {array.shape}")
    return array


def finite_xy(
    y: Sequence[float] | np.ndarray, x: Sequence[float] | np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Drop the points whose ``x`` or ``y`` is NaN or infinite.

    Args:
        y: Values.
        x: Positions of the values; ``0, 1, 2, …`` when omitted.

    Returns:
        ``(x, y)`` arrays holding only the finite points, in their original order.
    """
    y_array = np.asarray(y, dtype=np.float64)
    x_array = (
        np.arange(y_array.size, dtype=np.float64) if x is None else np.asarray(x, dtype=np.float64)
    )
    keep = np.isfinite(x_array) & np.isfinite(y_array)
    return x_array[keep], y_array[keep]


def ema(values: Sequence[float] | np.ndarray, weight: float = 0.6) -> np.ndarray:
    """Exponential moving average with TensorBoard's start-up correction.

    The first smoothed values are divided by ``1 - weight**k`` so the curve does not
    start at zero. Non-finite inputs stay NaN in the output and do not poison the
    values after them.

    Args:
        values: The raw series.
        weight: How much of the previous smoothed value to keep, in ``[0, 1)``; 0 is no smoothing.

    Returns:
        The smoothed series, same length as ``values``.

    Raises:
        ValueError: If ``weight`` is outside ``[0, 1)``.
    """
    if not 0.0 <= weight < 1.0:
        raise ValueError(f"smoothing weight must be in [0, 1), got {weight}")
    smoothed: list[float] = []
    accumulator = 0.0
    kept = 1.0  # weight ** (number of finite values so far), for the start-up correction
    for value in np.asarray(values, dtype=np.float64).tolist():
        if value - value != 0.0:  # NaN or ±inf, without a function call per value
            smoothed.append(math.nan)
            continue
        accumulator = accumulator * weight + (1.0 - weight) * value
        kept *= weight
        smoothed.append(accumulator / (1.0 - kept))
    return np.array(smoothed, dtype=np.float64)


def downsample_minmax(
    x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray, max_points: int
) -> tuple[np.ndarray, np.ndarray]:
    """Reduce a series to at most ``max_points`` points, keeping every bucket's extremes.

    The points are split into ``max_points // 2`` equal buckets by position; each bucket
    keeps its lowest and its highest point in their original order, so a one-epoch spike
    survives however long the history is. Non-finite points are dropped first.

    Args:
        x: Positions, increasing.
        y: Values.
        max_points: Upper bound on the number of points returned (at least 2).

    Returns:
        ``(x, y)`` arrays of at most ``max_points`` finite points.

    Raises:
        ValueError: If ``max_points`` is below 2.
    """
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2, got {max_points}")
    x_finite, y_finite = finite_xy(y, x)
    count = y_finite.size
    if count <= max_points:
        return x_finite, y_finite
    buckets = max_points // 2
    edges = np.linspace(0, count, buckets + 1).round().astype(np.intp)
    keep: list[int] = []
    for start, stop in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):
        if stop <= start:
            continue
        chunk = y_finite[start:stop]
        low, high = start + int(np.argmin(chunk)), start + int(np.argmax(chunk))
        keep.extend(sorted({low, high}))
    index = np.asarray(keep, dtype=np.intp)
    return x_finite[index], y_finite[index]


def log10_positive(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """``log10`` of each value; zero, negative and non-finite values become NaN.

    Args:
        values: Values to transform.

    Returns:
        An array of the same length; NaN marks values a log axis cannot show.
    """
    array = np.asarray(values, dtype=np.float64)
    result = np.full(array.shape, np.nan)
    positive = np.isfinite(array) & (array > 0)
    result[positive] = np.log10(array[positive])
    return result


def nice_step(span: float, max_ticks: int) -> float:
    """The smallest step of the form 1, 2 or 5 × 10^k giving at most ``max_ticks`` ticks.

    Args:
        span: Length of the interval to cover (positive).
        max_ticks: Most ticks wanted (at least 2).

    Returns:
        The step.
    """
    intervals = max(1, max_ticks - 1)
    raw = span / intervals if span > 0 else 1.0
    exponent = math.floor(math.log10(raw))
    for mantissa in _NICE_MANTISSAS:
        step = mantissa * 10.0**exponent
        if step >= raw * (1 - 1e-9):
            return step
    return 10.0 ** (exponent + 1)


def nice_range(lo: float, hi: float, max_ticks: int = 5) -> tuple[float, float, float]:
    """Widen ``[lo, hi]`` outward to multiples of a nice step.

    Args:
        lo: Lowest value to show.
        hi: Highest value to show.
        max_ticks: Most ticks wanted on the axis.

    Returns:
        ``(lo, hi, step)`` of the widened range; a zero-width range is padded first.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"axis range must be finite, got [{lo}, {hi}]")
    lo, hi = min(lo, hi), max(lo, hi)
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, max_ticks)
    widened = (math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step)
    # Widening can add one interval at each end; take a coarser step if it overshoots.
    if round((widened[1] - widened[0]) / step) + 1 > max(2, max_ticks):
        step = nice_step(widened[1] - widened[0], max_ticks)
        widened = (math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step)
    return widened[0], widened[1], step


def nice_ticks(lo: float, hi: float, max_ticks: int = 5, *, min_step: float = 0.0) -> list[float]:
    """Tick values that are multiples of a nice step and lie inside ``[lo, hi]``.

    Args:
        lo: Axis start.
        hi: Axis end.
        max_ticks: Most ticks wanted.
        min_step: Smallest allowed step (1 for epoch numbers).

    Returns:
        Increasing tick values (empty if the range is not finite).
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    lo, hi = min(lo, hi), max(lo, hi)
    step = max(nice_step(hi - lo, max_ticks), min_step) if hi > lo else max(1.0, min_step)
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    ticks = [round(float(k * step), 12) for k in range(first, last + 1)]
    # k·step can land an ulp outside the range far from zero; such a tick is not "inside".
    return [0.0 if tick == 0 else tick for tick in ticks if lo <= tick <= hi]


def log_ticks(lo: float, hi: float, max_ticks: int = 5) -> list[float]:
    """Ticks for a log axis showing ``[lo, hi]`` (values, not logarithms).

    Uses 1-2-5 multiples of powers of ten when they fit in ``max_ticks``, else powers of
    ten (every k-th one over many decades); over a range too narrow for two of those it
    tries 1…9 multiples, then falls back to linear nice ticks.

    Args:
        lo: Smallest value shown (positive).
        hi: Largest value shown.
        max_ticks: Most ticks wanted.

    Returns:
        Increasing positive tick values; empty if ``lo`` is not positive.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo <= 0 or hi < lo:
        return []
    max_ticks = max(2, max_ticks)
    low_exponent = math.floor(math.log10(lo)) - 1
    high_exponent = math.ceil(math.log10(hi)) + 1
    tolerance = 1e-9 * hi

    def in_range(mantissas: tuple[int, ...]) -> list[float]:
        candidates = (
            float(f"{mantissa}e{exponent}")
            for exponent in range(low_exponent, high_exponent + 1)
            for mantissa in mantissas
        )
        return [tick for tick in candidates if lo - tolerance <= tick <= hi + tolerance]

    one_two_five = in_range((1, 2, 5))
    if 2 <= len(one_two_five) <= max_ticks:
        return one_two_five
    powers = in_range((1,))
    if len(powers) >= 2:
        return powers[:: math.ceil(len(powers) / max_ticks)]
    every_digit = in_range(tuple(range(1, 10)))
    if 2 <= len(every_digit) <= max_ticks:
        return every_digit
    return [tick for tick in nice_ticks(lo, hi, max_ticks) if tick > 0]


def _tidy_exponent(text: str) -> str:
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}"


def format_tick(value: float, step: float) -> str:
    """A short label for a linear-axis tick: as many decimals as the step needs.

    Args:
        value: Tick value.
        step: Distance between ticks.

    Returns:
        E.g. ``"0.25"`` with step 0.05, ``"1e-4"`` for tiny or ``"2e6"`` for huge values.
    """
    if value == 0:
        return "0"
    magnitude = max(abs(value), step)
    if magnitude >= 1e5 or magnitude < 1e-3:
        return _tidy_exponent(f"{value:.1e}".replace(".0e", "e"))
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
    return f"{value:.{decimals}f}"


def format_value(value: float, digits: int = 3) -> str:
    """A compact label for any value: ``digits`` significant digits, ``1e-5`` style exponents.

    Args:
        value: The value (NaN and infinities give ``"nan"``, ``"inf"``, ``"-inf"``).
        digits: Significant digits.

    Returns:
        The label.
    """
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    text = f"{value:.{digits}g}"
    return _tidy_exponent(text) if "e" in text else text
