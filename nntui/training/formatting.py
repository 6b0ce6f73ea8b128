"""How numbers read, in both faces: one formatter for metrics and one for the ETA.

The headless progress lines, the summary and every monitor panel print a loss,
an accuracy or an R² with :func:`format_metric` (4 significant digits; an
accuracy reads ``0.9950``, never ``99.5 %``) and a time left with
:func:`format_eta` (``m:ss``). Plain Python, no Rich, no Textual.
"""

from __future__ import annotations

import math

#: Significant digits of every metric shown.
DIGITS = 4
#: Shown for a value nobody knows yet.
UNKNOWN = "–"


def format_metric(value: float | None) -> str:
    """A loss, accuracy or R² with 4 significant digits (``"–"`` when unknown).

    Trailing zeros are kept so a column of values lines up: ``0.9950``, ``1.500``.
    Very large or very small magnitudes use an exponent.

    Example:
        >>> [format_metric(v) for v in (0.995, 0.123456, 1.5, 1234.56, 12345.6, 0.000123, 0.0)]
        ['0.9950', '0.1235', '1.500', '1235', '1.235e+04', '1.230e-04', '0.000']
        >>> format_metric(None), format_metric(float("nan")), format_metric(float("-inf"))
        ('–', 'nan', '-inf')
    """
    if value is None:
        return UNKNOWN
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    magnitude = abs(value)
    if magnitude >= 1e4 or (0 < magnitude < 1e-3):
        return f"{value:.{DIGITS - 1}e}"
    return f"{value:#.{DIGITS}g}".rstrip(".")


def format_eta(seconds: float | None) -> str:
    """Time left as ``m:ss`` (``h:mm:ss`` from an hour on; ``"–"`` when unknown).

    Example:
        >>> format_eta(7.4), format_eta(67), format_eta(3725), format_eta(None)
        ('0:07', '1:07', '1:02:05', '–')
    """
    if seconds is None or not math.isfinite(seconds):
        return UNKNOWN
    minutes, secs = divmod(max(round(seconds), 0), 60)
    if minutes < 60:
        return f"{minutes}:{secs:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"
