"""How numbers look on screen: one place, so every panel agrees.

Metrics and the ETA use the formatter both faces share
(:mod:`nntui.training.formatting`), so the monitor and the headless lines read alike.
"""

from __future__ import annotations

from nntui.training.formatting import format_eta, format_metric

__all__ = [
    "format_count",
    "format_duration",
    "format_eta",
    "format_learning_rate",
    "format_metric",
    "format_norm",
    "format_range",
    "format_rate",
]


def format_norm(value: float | None) -> str:
    """A gradient norm in scientific notation (``"–"`` when unknown)."""
    return "–" if value is None else f"{value:.2e}"


def format_duration(seconds: float | None) -> str:
    """``"4.2s"``, ``"3m 07s"`` or ``"1h 02m"`` (``"–"`` when unknown)."""
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def format_rate(samples_per_s: float | None) -> str:
    """Throughput with thousands separators, e.g. ``"412,345 samples/s"``."""
    return "–" if samples_per_s is None else f"{samples_per_s:,.0f} samples/s"


def format_count(count: int) -> str:
    """An integer with thousands separators, like Keras' ``Total params: 13,475``."""
    return f"{count:,}"


def format_learning_rate(rate: float | None) -> str:
    """``"lr 0.01"``, ``"lr 3.13e-05"`` (``""`` when unknown, so it can be left out).

    Example:
        >>> format_learning_rate(0.01), format_learning_rate(0.0000313), format_learning_rate(None)
        ('lr 0.01', 'lr 3.13e-05', '')
    """
    return "" if rate is None else f"lr {rate:.3g}"


def format_range(low: float, high: float) -> str:
    """The range a plot is drawn on, short: ``"0.1–1.25"``, ``"1e-11–0.5"``.

    Example:
        >>> format_range(0.1, 1.25), format_range(1e-11, 0.5), format_range(0.9, 0.9)
        ('0.1–1.25', '1e-11–0.5', '0.9')
    """
    low_text, high_text = format_short(low), format_short(high)
    return low_text if low_text == high_text else f"{low_text}–{high_text}"


def format_short(value: float) -> str:
    """A value in at most ~6 characters, 3 significant digits: ``0.123``, ``1e-11``, ``4.5e+03``.

    Example:
        >>> format_short(0.12345), format_short(1e-11), format_short(4512.0), format_short(-2.5)
        ('0.123', '1e-11', '4.51e+03', '-2.5')
    """
    text = f"{value:.3g}"
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa}e{int(exponent)}" if abs(int(exponent)) >= 5 else text
    return text
