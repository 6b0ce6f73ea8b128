"""The array types the engine's signatures name.

The engine computes in float32 or float64 (chosen per network), so its arrays
are ``FloatArray``; inputs a caller hands in may be anything NumPy can turn
into an array (``ArrayLike``), e.g. integer class labels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.floating[Any]]
"""A float32 or float64 array."""

ArrayLike = npt.ArrayLike
"""Anything ``np.asarray`` accepts: arrays, nested lists, scalars."""

IntArray = npt.NDArray[np.integer[Any]]
"""An array of integers (indices, class labels)."""
