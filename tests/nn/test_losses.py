"""Losses: values, gradients against central differences, fused gradients, clipping."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nntui.nn.activations import ACTIVATIONS
from nntui.nn.gradcheck import numerical_gradient, relative_error
from nntui.nn.losses import LOSSES, get_loss
from nntui.nn.preprocessing import one_hot

RNG = np.random.default_rng(0)
SCORES = RNG.standard_normal((6, 4))
ONE_HOT = one_hot(RNG.integers(4, size=6), 4)
ZERO_ONE = (RNG.random((6, 4)) > 0.5).astype(float)
VALUES = RNG.standard_normal((6, 4))

# (loss, predictions strictly inside (0, 1) where needed, targets)
CASES = {
    "cross_entropy": (ACTIVATIONS["softmax"].forward(SCORES), ONE_HOT),
    "binary_cross_entropy": (ACTIVATIONS["sigmoid"].forward(SCORES), ZERO_ONE),
    "mse": (SCORES.copy(), VALUES),
}


def test_registry_has_the_documented_names() -> None:
    assert set(LOSSES) == {"cross_entropy", "binary_cross_entropy", "mse"}


@pytest.mark.parametrize("name", list(LOSSES))
def test_gradient_matches_central_differences(name: str) -> None:
    loss = LOSSES[name]
    y_pred, y_true = (array.copy() for array in CASES[name])
    numeric = numerical_gradient(lambda: loss.value(y_pred, y_true), y_pred)
    assert relative_error(numeric, loss.gradient(y_pred, y_true)) < 1e-6


@pytest.mark.parametrize("name", ["cross_entropy", "binary_cross_entropy"])
def test_fused_delta_is_the_gradient_with_respect_to_the_scores(name: str) -> None:
    loss = LOSSES[name]
    activation = ACTIVATIONS[loss.output_activation]
    _, y_true = CASES[name]
    z = SCORES.copy()
    numeric = numerical_gradient(lambda: loss.value(activation.forward(z), y_true), z)
    p = activation.forward(z)
    fused = loss.fused_delta(p, y_true)
    chained = activation.backward(p, loss.gradient(p, y_true))  # the long way round
    assert relative_error(numeric, fused) < 1e-6
    assert relative_error(chained, fused) < 1e-9


def test_known_values() -> None:
    uniform = np.full((2, 4), 0.25)
    assert LOSSES["cross_entropy"].value(uniform, one_hot([0, 3], 4)) == pytest.approx(math.log(4))
    half = np.full((3, 1), 0.5)
    targets = np.array([[0.0], [1.0], [1.0]])
    assert LOSSES["binary_cross_entropy"].value(half, targets) == pytest.approx(math.log(2))
    assert LOSSES["mse"].value(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]])) == 2.5


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_confident_wrong_predictions_cost_a_large_finite_loss(dtype: str) -> None:
    wrong = np.array([[1.0, 0.0], [0.0, 1.0]], dtype)
    targets = np.array([[0.0, 1.0], [1.0, 0.0]], dtype)
    cross_entropy = LOSSES["cross_entropy"].value(wrong, targets)
    binary = LOSSES["binary_cross_entropy"].value(wrong, targets)
    for value in (cross_entropy, binary):
        assert math.isfinite(value)
        assert value > 10
    assert np.all(np.isfinite(LOSSES["cross_entropy"].gradient(wrong, targets)))
    assert np.all(np.isfinite(LOSSES["binary_cross_entropy"].gradient(wrong, targets)))


@pytest.mark.parametrize("name", list(LOSSES))
def test_float32_stays_float32(name: str) -> None:
    y_pred, y_true = (array.astype(np.float32) for array in CASES[name])
    loss = LOSSES[name]
    assert isinstance(loss.value(y_pred, y_true), float)
    assert loss.gradient(y_pred, y_true).dtype == np.float32
    if loss.output_activation:
        assert loss.fused_delta(y_pred, y_true).dtype == np.float32


def test_mse_has_no_fused_delta() -> None:
    with pytest.raises(NotImplementedError):
        LOSSES["mse"].fused_delta(VALUES, VALUES)


def test_unknown_loss_lists_the_available_ones() -> None:
    with pytest.raises(ValueError) as error:
        get_loss("hinge")
    assert str(error.value) == (
        "Unknown loss 'hinge'. Available: cross_entropy, binary_cross_entropy, mse"
    )


def test_cross_entropy_from_logits_is_exact_at_any_scale() -> None:
    loss = get_loss("cross_entropy")
    for scale in (1.0, 25.0, 40.0, 1e4, 1e300):
        logits = np.array([[scale, 0.0, 0.0], [0.0, 1.0, 2.0]])
        y = one_hot([1, 2], 3)
        probabilities = ACTIVATIONS["softmax"].forward(logits.copy())
        # -log softmax(z)_true = lse(z) - z_true, written out for each row
        row1 = scale + math.log1p(2 * math.exp(-scale))
        row2 = math.log1p(math.exp(-1.0) + math.exp(-2.0))
        exact = (row1 + row2) / 2
        got = loss.value_from_logits(logits, probabilities, y)
        assert got == pytest.approx(exact, rel=1e-15)
    # the clipped form caps a confidently wrong prediction near -log(ε) ≈ 36
    logits = np.array([[40.0, 0.0]])
    capped = loss.value(ACTIVATIONS["softmax"].forward(logits.copy()), one_hot([1], 2))
    assert capped < 37 < loss.value_from_logits(logits, logits, one_hot([1], 2))


def test_cross_entropy_from_logits_keeps_tiny_losses() -> None:
    loss = get_loss("cross_entropy")
    logits = np.array([[50.0, 0.0]])
    assert loss.value_from_logits(logits, logits, one_hot([0], 2)) == pytest.approx(
        math.exp(-50.0), rel=1e-15
    )


def test_binary_cross_entropy_from_logits_is_softplus() -> None:
    loss = get_loss("binary_cross_entropy")
    z = np.array([[-800.0, -40.0, -1.0, 0.0, 3.0, 40.0, 800.0]])
    for target in (0.0, 1.0):
        y = np.full_like(z, target)
        # softplus(z) - y·z, written with the stable split for each sign
        exact = [max(v, 0.0) - target * v + math.log1p(math.exp(-abs(v))) for v in z[0].tolist()]
        got = loss.value_from_logits(z, ACTIVATIONS["sigmoid"].forward(z.copy()), y)
        assert got == pytest.approx(sum(exact) / z.size, rel=1e-15)


def test_matching_losses_agree_with_the_probability_form_where_it_is_exact() -> None:
    for name, targets in (("cross_entropy", ONE_HOT), ("binary_cross_entropy", ZERO_ONE)):
        loss = get_loss(name)
        output = ACTIVATIONS["softmax" if name == "cross_entropy" else "sigmoid"].forward(
            SCORES.copy()
        )
        assert loss.value_from_logits(SCORES, output, targets) == pytest.approx(
            loss.value(output, targets), rel=1e-13
        )
