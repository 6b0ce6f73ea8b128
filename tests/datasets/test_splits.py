"""Train/validation/test splits: sizes, stratification within one row, lone rows, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nntui.datasets.splits import (
    class_counts,
    held_out_count,
    split_counts,
    split_indices,
    split_three_ways,
)


def assert_within_one_row_of_the_whole(labels: np.ndarray, *sets: np.ndarray) -> None:
    """Each class's rows in each set are within one row of the set's size × the class's share."""
    n = len(labels)
    for rows in sets:
        for label in np.unique(labels):
            in_class = np.count_nonzero(labels == label)
            count = np.count_nonzero(labels[rows] == label)
            # Exact in integers: |count - len(rows)·in_class/n| <= 1 (no float rounding).
            assert abs(count * n - len(rows) * in_class) <= n, (label, count, len(rows), n)


def test_fractions_round_up_and_validation_is_a_share_of_the_training_rows() -> None:
    assert split_counts(1000, 0.2, 0.1) == (720, 80, 200)
    assert split_counts(150, 0.2, 0.1) == (108, 12, 30)
    assert split_counts(150, 0.2, 0.0) == (120, 0, 30)
    assert held_out_count(30, 0.1) == 3  # not 4: 0.1 · 30 is 3.0000000000000004
    assert held_out_count(10, 0.01) == 1


def test_iris_like_classes_keep_their_shares_in_every_set() -> None:
    labels = np.repeat([0, 1, 2], 50)
    train, val, test = split_three_ways(150, 0.2, 0.1, np.random.default_rng(0), labels)
    assert [np.bincount(labels[rows]).tolist() for rows in (train, val, test)] == [
        [36, 36, 36],
        [4, 4, 4],
        [10, 10, 10],
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1, 60), min_size=2, max_size=6),
    st.floats(0.05, 0.5),
    st.sampled_from([0.0, 0.05, 0.1, 0.25]),
    st.integers(0, 2**32 - 1),
)
def test_stratified_sets_are_within_one_row_of_the_class_shares(
    sizes: list[int], test_size: float, validation_split: float, seed: int
) -> None:
    labels = np.repeat(np.arange(len(sizes)), sizes)
    rng = np.random.default_rng(seed)
    try:
        train, val, test = split_three_ways(len(labels), test_size, validation_split, rng, labels)
    except ValueError:
        return  # too few rows for these fractions: tested below
    assert sorted(np.concatenate([train, val, test]).tolist()) == list(range(len(labels)))
    assert (len(train), len(val), len(test)) == split_counts(
        len(labels), test_size, validation_split
    )
    assert_within_one_row_of_the_whole(labels, train, val, test)


def test_class_counts_rows_and_columns_add_up() -> None:
    counts = class_counts([7, 13, 80], [72, 8, 20])
    assert counts.sum(axis=1).tolist() == [7, 13, 80]
    assert counts.sum(axis=0).tolist() == [72, 8, 20]


def test_a_lone_row_goes_to_training() -> None:
    labels = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    train, val, test = split_three_ways(10, 0.3, 0.2, np.random.default_rng(0), labels)
    assert 9 in train.tolist()
    assert len(val) and len(test)


def test_a_plain_split_shuffles_every_row_into_one_set() -> None:
    train, val, test = split_three_ways(50, 0.2, 0.1, np.random.default_rng(1))
    assert sorted([*train, *val, *test]) == list(range(50))
    assert (len(train), len(val), len(test)) == (36, 4, 10)
    assert train.tolist() != sorted(train.tolist())


def test_no_validation_rows_with_a_split_of_zero() -> None:
    train, test = split_indices(20, 0.25, np.random.default_rng(0), np.arange(20) % 2)
    assert (len(train), len(test)) == (15, 5)
    _, val, _ = split_three_ways(20, 0.25, 0.0, np.random.default_rng(0))
    assert len(val) == 0


@pytest.mark.parametrize(
    ("n_rows", "test_size", "validation_split", "match"),
    [
        (4, 0.9, 0.0, "too few to split"),
        (10, 0.5, 0.99, "one validation row"),
        (10, 0.0, 0.1, "test_size must be between 0 and 1"),
        (10, 0.2, 1.0, "validation_split must be between 0"),
        (10, 0.2, -0.1, "validation_split must be between 0"),
    ],
)
def test_impossible_splits_say_why(
    n_rows: int, test_size: float, validation_split: float, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        split_counts(n_rows, test_size, validation_split)
