"""Initialisers: the documented variances, zero biases, reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from nntui.nn.initializers import INITIALIZERS, RANDOM_NORMAL_STD, get_initializer
from nntui.nn.layers import DenseLayer

FAN_IN, FAN_OUT = 600, 400  # 240,000 weights: the sample variance is within ~0.3%

EXPECTED_VARIANCE = {
    "he": 2 / FAN_IN,
    "xavier": 2 / (FAN_IN + FAN_OUT),
    "random_normal": RANDOM_NORMAL_STD**2,
}


def test_registry_has_the_documented_names() -> None:
    assert set(INITIALIZERS) == {"xavier", "he", "random_normal"}


@pytest.mark.parametrize("name", list(EXPECTED_VARIANCE))
def test_weight_variance_on_a_large_layer(name: str) -> None:
    layer = DenseLayer(FAN_IN, FAN_OUT, "relu", name, np.random.default_rng(0), "float64")
    assert layer.weights.var() == pytest.approx(EXPECTED_VARIANCE[name], rel=0.03)
    assert abs(layer.weights.mean()) < 0.05 * np.sqrt(EXPECTED_VARIANCE[name])
    assert np.all(layer.biases == 0)


def test_same_seed_gives_same_weights_and_float32_is_the_rounded_float64() -> None:
    first = DenseLayer(5, 3, "relu", "he", 7, "float64")
    second = DenseLayer(5, 3, "relu", "he", 7, "float64")
    single = DenseLayer(5, 3, "relu", "he", 7, "float32")
    np.testing.assert_array_equal(first.weights, second.weights)
    assert single.weights.dtype == np.float32
    np.testing.assert_array_equal(single.weights, first.weights.astype(np.float32))
    assert not np.array_equal(first.weights, DenseLayer(5, 3, "relu", "he", 8).weights)


def test_unknown_initializer_lists_the_available_ones() -> None:
    with pytest.raises(ValueError) as error:
        get_initializer("orthogonal")
    assert str(error.value) == (
        "Unknown weight initialization 'orthogonal'. Available: xavier, he, random_normal"
    )
