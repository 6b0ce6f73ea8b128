"""Splitting rows into training, validation and test sets (stratified for classes).

The test set is ``test_size`` of all rows; the validation set is
``validation_split`` of the rows left for training (Keras' meaning), so with
``test_size=0.2, validation_split=0.1`` 1000 rows become 720 / 80 / 200. Both
fractions round up, so a fraction above 0 always holds out at least one row.

For classification every set keeps the classes' shares: the rows of class
``k`` in a set of ``m`` rows are within one row of ``m · n_k / n`` (a
"controlled rounding" of the table classes × sets, whose rows sum to the class
sizes and whose columns sum to the set sizes). A class with a single row puts
it in the training set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["SplitCounts", "held_out_count", "split_counts", "split_indices", "split_three_ways"]

SplitCounts = tuple[int, int, int]
"""Rows in ``(train, validation, test)``."""


def held_out_count(n_rows: int, fraction: float) -> int:
    """Rows a ``fraction`` of ``n_rows`` holds out: rounded up, 0 only for a fraction of 0.

    Example:
        >>> held_out_count(1000, 0.2), held_out_count(800, 0.1), held_out_count(10, 0.01)
        (200, 80, 1)
    """
    if fraction <= 0:
        return 0
    # The small slack keeps 0.1 · 30 = 3.0000000000000004 at 3.
    return max(1, math.ceil(n_rows * fraction - 1e-9))


def split_counts(n_rows: int, test_size: float, validation_split: float = 0.0) -> SplitCounts:
    """Rows in the training, validation and test sets.

    Args:
        n_rows: rows to split.
        test_size: fraction of all rows for the test set, in (0, 1).
        validation_split: fraction of the remaining rows for validation, in [0, 1).

    Raises:
        ValueError: a fraction is out of range, or a set (training, test, or
            validation when asked for) would be empty.
    """
    _check_fraction("test_size", test_size, low_inclusive=False)
    _check_fraction("validation_split", validation_split, low_inclusive=True)
    n_test = held_out_count(n_rows, test_size)
    n_validation = held_out_count(n_rows - n_test, validation_split)
    n_train = n_rows - n_test - n_validation
    if n_test >= n_rows or n_train < 1:
        validation = f" and validation_split={validation_split}" if validation_split else ""
        raise ValueError(
            f"{n_rows} rows are too few to split with test_size={test_size}{validation}: "
            f"need at least one training row"
            + (", one validation row" if validation_split else "")
            + " and one test row"
        )
    return n_train, n_validation, n_test


def split_three_ways(
    n_rows: int,
    test_size: float,
    validation_split: float,
    rng: np.random.Generator,
    labels: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shuffled ``(train, validation, test)`` row indices, stratified by ``labels`` when given.

    Args:
        n_rows: rows to split.
        test_size: fraction of all rows for the test set, in (0, 1).
        validation_split: fraction of the rows left after the test set for
            validation, in [0, 1); 0 gives an empty validation set.
        rng: the source of the shuffle.
        labels: integer class of each row, or ``None`` for a plain shuffled split.

    Raises:
        ValueError: see :func:`split_counts`.
    """
    sizes = split_counts(n_rows, test_size, validation_split)
    if labels is None:
        order = rng.permutation(n_rows)
        n_train, n_validation, _ = sizes
        cuts = np.split(order, [n_train, n_train + n_validation])
        return cuts[0], cuts[1], cuts[2]
    classes = [np.flatnonzero(labels == label) for label in np.unique(labels)]
    table = class_counts([len(rows) for rows in classes], sizes)
    parts: list[list[np.ndarray]] = [[], [], []]
    for rows, counts in zip(classes, table, strict=True):
        shuffled = rng.permutation(rows)
        for part, piece in zip(parts, np.split(shuffled, np.cumsum(counts)[:-1]), strict=True):
            part.append(piece)
    train, validation, test = (rng.permutation(np.concatenate(part)) for part in parts)
    return train, validation, test


def split_indices(
    n_samples: int,
    test_size: float,
    rng: np.random.Generator,
    labels: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled train and test row indices, stratified by ``labels`` when given.

    Args:
        n_samples: number of rows to split.
        test_size: fraction of rows for the test set, strictly between 0 and 1.
        rng: source of the shuffle.
        labels: integer class of each row, or ``None`` for a plain shuffled split.

    Returns:
        ``(train_indices, test_indices)``, each shuffled.

    Raises:
        ValueError: ``test_size`` is not strictly between 0 and 1, or there
            are too few rows to give both sets at least one.
    """
    train, _, test = split_three_ways(n_samples, test_size, 0.0, rng, labels)
    return train, test


def class_counts(class_sizes: Sequence[int], set_sizes: Sequence[int]) -> np.ndarray:
    """Rows of each class in each set: ``counts[k, s]`` within one row of its share.

    Every entry is ``m_s · n_k / n`` rounded down or up; rows sum to the class
    sizes and columns to the set sizes (set 0, training, takes a lone row).

    Example:
        >>> class_counts([50, 50, 50], [108, 12, 30]).tolist()
        [[36, 4, 10], [36, 4, 10], [36, 4, 10]]
    """
    sizes = np.asarray(class_sizes, dtype=np.int64)
    sets = np.asarray(set_sizes, dtype=np.int64)
    n = int(sizes.sum())
    products = np.outer(sizes, sets)
    counts = products // n
    remainders = products % n  # > 0 where the share is not whole: may round up
    row_need = sizes - counts.sum(axis=1)
    column_need = sets - counts.sum(axis=0)
    # Lone rows first (they go to training), then the classes with most rows to place.
    for k in sorted(range(len(sizes)), key=lambda k: (sizes[k] != 1, -row_need[k])):
        for _ in range(int(row_need[k])):
            s = _next_set(k, remainders, column_need, lone=sizes[k] == 1)
            counts[k, s] += 1
            column_need[s] -= 1
            remainders[k, s] = -1  # rounded up: once only
    return counts


def _next_set(k: int, remainders: np.ndarray, column_need: np.ndarray, *, lone: bool) -> int:
    """The set that takes one more row of class ``k``: the one still short of the most rows."""
    open_sets = [s for s in range(len(column_need)) if column_need[s] > 0]
    if lone and 0 in open_sets:
        return 0
    rounding = [s for s in open_sets if remainders[k, s] > 0] or open_sets
    return max(rounding, key=lambda s: (int(column_need[s]), int(remainders[k, s])))


def _check_fraction(name: str, value: object, *, low_inclusive: bool) -> None:
    ok = (
        not isinstance(value, bool)
        and isinstance(value, int | float | np.floating)
        and (0 <= value < 1 if low_inclusive else 0 < value < 1)
    )
    if not ok:
        interval = "0 (inclusive) and 1 (exclusive)" if low_inclusive else "0 and 1 (exclusive)"
        raise ValueError(f"{name} must be between {interval}, got {value!r}")
