"""Checks of a data set's columns before a network sees them: constant, too large, NaN.

Standardising (``(x - mean) / std`` with the training rows' statistics) hides
two kinds of trouble. A column that is constant in the training rows has a
standard deviation of 0: it is fed to the network as zeros, carries no
information, and is worth a **warning** (not an error: a leftover constant
column is harmless to training, and refusing it would stop a run over a
detail). A column whose values are too large to average, or that lands
outside the range of the network's dtype after standardising (a validation
or test value far from every training value, in float32 especially), would
turn the run into NaN: that is an **error** naming the file and the column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nntui.datasets.tabular import DataSourceError
from nntui.nn.preprocessing import Standardizer

__all__ = ["check_standardized", "constant_columns"]


def constant_columns(
    x_train: np.ndarray, standardizer: Standardizer, names: Sequence[str], source: str
) -> tuple[str, ...]:
    """A warning line for each column that is constant in the training rows.

    Args:
        x_train: the raw training inputs.
        standardizer: their statistics (a constant column has ``std`` 1 there).
        names: one name per column.
        source: the file or source, as messages name it.

    Returns:
        One line per constant column, e.g. ``data.csv: column 'id' is constant
        in the 720 training rows (every value 1): it is fed to the network as 0;
        drop it from data.features``.
    """
    if len(x_train) == 0:
        return ()
    with np.errstate(over="ignore", invalid="ignore"):
        constant = x_train.std(axis=0) <= _tiny(standardizer.mean)
    lines = []
    for index in (int(i) for i in np.flatnonzero(constant)):
        lines.append(
            f"{source}: column {names[index]!r} is constant in the {len(x_train)} training rows "
            f"(every value {x_train[0, index]:g}): it is fed to the network as 0; "
            f"drop it from data.features"
        )
    return tuple(lines)


def check_standardized(
    sets: Mapping[str, np.ndarray],
    x_train_raw: np.ndarray,
    standardizer: Standardizer,
    names: Sequence[str],
    source: str,
    dtype: str,
) -> None:
    """Refuse data that would reach the network as NaN or infinity.

    Args:
        sets: ``"training"``/``"validation"``/``"test"`` → standardised inputs (float64).
        x_train_raw: the training inputs before standardising.
        standardizer: the training rows' statistics.
        names: one name per column.
        source: the file or source, as messages name it.
        dtype: the network's dtype (``training.dtype``), e.g. ``"float32"``.

    Raises:
        DataSourceError: naming the file, the column, the value and the fix.
    """
    bad_stats = ~(np.isfinite(standardizer.mean) & np.isfinite(standardizer.std))
    if bad_stats.any():
        index = int(np.flatnonzero(bad_stats)[0])
        raise DataSourceError(
            f"{source}: column {names[index]!r} turns NaN after standardisation: its values "
            f"(up to {np.abs(x_train_raw[:, index]).max():.3g}) are too large for a mean and "
            f"standard deviation in float64; rescale the column (e.g. divide it by 1e100)"
        )
    largest = float(np.finfo(np.dtype(dtype)).max)
    for label, x in sets.items():
        if len(x) == 0 or (np.isfinite(np.sum(x)) and np.abs(x).max() <= largest):
            continue
        column_max = np.nanmax(np.where(np.isfinite(x), np.abs(x), np.inf), axis=0)
        index = int(np.argmax(column_max))
        raise DataSourceError(
            f"{source}: column {names[index]!r} has a {label} value "
            f"{column_max[index]:.3g} standard deviations from the training mean, "
            f"beyond {dtype}'s range (±{largest:.3g}) after standardisation; "
            f"rescale or clip the column"
            + (", or use training.dtype float64" if dtype != "float64" else "")
        )


def _tiny(mean: np.ndarray) -> np.ndarray:
    """A spread this small counts as none (the standardizer's rule for a constant column)."""
    tiny: np.ndarray = 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0)
    return tiny
