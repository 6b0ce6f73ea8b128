"""The one number check: keep a finite number as a plain float, drop everything else."""

from __future__ import annotations

import math
from typing import Any


def finite_or_none(value: Any) -> float | None:
    """``value`` as a plain float if it is a finite number, else None.

    NumPy scalars become Python floats; ``None``, booleans, NaN, infinities and
    anything that is not a number become ``None``.

    Example:
        >>> finite_or_none(0.5), finite_or_none(float("nan")), finite_or_none(None)
        (0.5, None, None)
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
