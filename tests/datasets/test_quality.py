"""Column checks before training: a constant column warns; NaN or overflow is an error."""

from __future__ import annotations

import numpy as np
import pytest

from nntui.datasets.quality import check_standardized, constant_columns
from nntui.datasets.tabular import DataSourceError
from nntui.nn.preprocessing import fit_standardizer

NAMES = ("a", "b")


def standardized(train: np.ndarray, **others: np.ndarray) -> dict[str, np.ndarray]:
    with np.errstate(all="ignore"):
        standardizer = fit_standardizer(train)
        return {"training": standardizer.transform(train)} | {
            name: standardizer.transform(x) for name, x in others.items()
        }


def test_a_constant_column_is_a_warning_naming_the_file_and_column() -> None:
    x = np.column_stack([np.arange(10.0), np.full(10, 5.0)])
    (line,) = constant_columns(x, fit_standardizer(x), NAMES, "data.csv")
    assert line.startswith(
        "data.csv: column 'b' is constant in the 10 training rows (every value 5)"
    )
    assert "drop it from data.features" in line


def test_varied_columns_give_no_warning() -> None:
    x = np.column_stack([np.arange(10.0), np.arange(10.0) ** 2])
    assert constant_columns(x, fit_standardizer(x), NAMES, "data.csv") == ()


def test_values_too_large_to_average_are_an_error_naming_the_column() -> None:
    train = np.column_stack([np.arange(4.0), [1e308, 1.5e308, 1e308, 1.7e308]])
    with np.errstate(all="ignore"):
        standardizer = fit_standardizer(train)
    sets = standardized(train)
    with pytest.raises(DataSourceError, match=r"data.csv: column 'b' turns NaN after standard"):
        check_standardized(sets, train, standardizer, NAMES, "data.csv", "float64")


def test_a_test_value_beyond_float32_after_standardising_is_an_error() -> None:
    train = np.column_stack([np.arange(4.0), [0.0, 1.0, 0.0, 1.0]])
    test = np.array([[1.0, 1e39]])
    sets = standardized(train, test=test)
    with pytest.raises(DataSourceError) as caught:
        check_standardized(sets, train, fit_standardizer(train), NAMES, "x.csv", "float32")
    message = str(caught.value)
    assert message.startswith("x.csv: column 'b' has a test value")
    assert "float32's range" in message and "training.dtype float64" in message
    check_standardized(sets, train, fit_standardizer(train), NAMES, "x.csv", "float64")  # fits
