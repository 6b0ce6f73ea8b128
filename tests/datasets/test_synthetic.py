"""Synthetic data, one-hot labels and feature standardisation."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from nntui.datasets.synthetic import generate_classification_data, generate_regression_data
from nntui.nn.preprocessing import Standardizer, fit_standardizer, normalize_features, one_hot


def test_classification_data_shapes_and_integer_labels() -> None:
    x_train, x_test, y_train, y_test = generate_classification_data()
    assert x_train.shape == (800, 20)
    assert x_test.shape == (200, 20)
    assert y_train.shape == (800,)
    assert y_test.shape == (200,)
    assert y_train.dtype.kind == "i"
    counts = np.bincount(np.concatenate([y_train, y_test]))
    assert counts.tolist() == [334, 333, 333]  # balanced classes


def test_regression_data_shapes() -> None:
    x_train, x_test, y_train, y_test = generate_regression_data(n_samples=50, n_features=3)
    assert (x_train.shape, x_test.shape, y_train.shape, y_test.shape) == (
        (40, 3), (10, 3), (40, 1), (10, 1),
    )  # fmt: skip
    assert 0.5 < float(np.vstack([y_train, y_test]).std()) < 2.0


@pytest.mark.parametrize("generate", [generate_classification_data, generate_regression_data])
def test_same_seed_same_data_other_seed_other_data(generate: Callable[..., tuple]) -> None:
    first, second, other = generate(random_seed=3), generate(random_seed=3), generate(random_seed=4)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_features_are_on_different_scales() -> None:
    x_train, *_ = generate_classification_data()
    spreads = x_train.std(axis=0)
    assert spreads.max() / spreads.min() > 2  # so normalising them matters


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_classes": 1}, "n_classes must be at least 2, got 1"),
        ({"n_samples": 0}, "n_samples must be a positive integer, got 0"),
        ({"n_features": -2}, "n_features must be a positive integer, got -2"),
        ({"test_size": 0}, "test_size must be between 0 and 1 (exclusive), got 0"),
        ({"test_size": 1.5}, "test_size must be between 0 and 1 (exclusive), got 1.5"),
        ({"n_samples": 1}, "n_samples=1 is too few to split with test_size=0.2"),
        ({"random_seed": -1}, "random_seed must be a non-negative integer or None, got -1"),
    ],
)
def test_classification_arguments_are_validated(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as error:
        generate_classification_data(**kwargs)  # type: ignore[arg-type]
    assert str(error.value).startswith(message)


def test_regression_arguments_are_validated() -> None:
    with pytest.raises(ValueError, match="test_size must be between 0 and 1"):
        generate_regression_data(test_size=1.0)
    with pytest.raises(ValueError, match="n_samples=2 is too few"):
        generate_regression_data(n_samples=2, test_size=0.9)


def test_small_configurations_still_work() -> None:
    x_train, _, _, y_test = generate_classification_data(10, 1, 4, test_size=0.3)
    assert x_train.shape == (7, 1)
    assert y_test.shape == (3,)


def test_one_hot() -> None:
    np.testing.assert_array_equal(one_hot([2, 0, 1], 3), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    assert one_hot(np.array([0.0, 3.0])).shape == (2, 4)
    assert one_hot([1], 2, dtype="float32").dtype == np.float32
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\)"):
        one_hot([0, 3], 3)
    with pytest.raises(ValueError, match="whole numbers"):
        one_hot([0.5], 2)


def test_normalize_features_uses_training_statistics() -> None:
    x_train = np.array([[1.0, 10.0], [3.0, 30.0]])
    x_test = np.array([[2.0, 50.0]])
    train_n, test_n = normalize_features(x_train, x_test)
    np.testing.assert_allclose(train_n, [[-1.0, -1.0], [1.0, 1.0]])
    np.testing.assert_allclose(test_n, [[0.0, 3.0]])


def test_constant_feature_becomes_zero_not_nan() -> None:
    x_train = np.array([[5.0, 1.0], [5.0, 2.0], [5.0, 3.0]])
    train_n, test_n = normalize_features(x_train, np.array([[5.0, 2.0], [7.0, 2.0]]))
    assert np.all(np.isfinite(train_n))
    np.testing.assert_array_equal(train_n[:, 0], 0.0)
    np.testing.assert_allclose(test_n[:, 0], [0.0, 2.0])


def test_nearly_constant_feature_from_rounding_is_treated_as_constant() -> None:
    x_train = np.full((7, 1), 0.1) * 3  # mean and std suffer rounding
    assert np.all(fit_standardizer(x_train).std == 1.0)


def test_standardizer_keeps_statistics_and_round_trips() -> None:
    x = np.random.default_rng(0).standard_normal((50, 3)) * [1, 10, 100] + [0, 5, -5]
    standardizer = fit_standardizer(x)
    assert isinstance(standardizer, Standardizer)
    np.testing.assert_allclose(standardizer.mean, x.mean(axis=0))
    np.testing.assert_allclose(standardizer.inverse_transform(standardizer.transform(x)), x)
    x32 = x.astype(np.float32)
    assert Standardizer.fit(x32).transform(x32).dtype == np.float32


def test_mismatched_feature_counts_are_reported() -> None:
    with pytest.raises(ValueError, match="x has 3 features but the standardizer was fit on 2"):
        normalize_features(np.ones((3, 2)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="must be 2-D"):
        normalize_features(np.ones(3), np.ones(3))
