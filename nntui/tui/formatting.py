"""How numbers look on screen: one place, so every panel agrees."""

from __future__ import annotations


def format_metric(value: float | None) -> str:
    """A loss, accuracy or R² in a fixed, readable width (``"–"`` when unknown).

    Example:
        >>> format_metric(0.123456), format_metric(12345.6), format_metric(None)
        ('0.1235', '1.235e+04', '–')
    """
    if value is None:
        return "–"
    magnitude = abs(value)
    if magnitude >= 1e4 or (0 < magnitude < 1e-3):
        return f"{value:.3e}"
    return f"{value:.4f}"


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
