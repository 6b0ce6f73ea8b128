"""L2 weight decay, global-norm gradient clipping and the per-epoch update diagnostics."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

from nntui.nn.callbacks import LambdaCallback
from nntui.nn.network import NeuralNetwork
from nntui.nn.optimizers import SGD, Adam


def problem() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((40, 3))
    return x, (x[:, 0] + x[:, 1] > 0).astype(int) + (x[:, 2] > 0.5)


def network(**kwargs: Any) -> NeuralNetwork:
    return NeuralNetwork([3, 6, 5, 3], ["relu", "tanh", "softmax"], seed=7, **kwargs)


def reference_gradients(net: NeuralNetwork, x: np.ndarray, labels: np.ndarray) -> list[tuple]:
    """Per layer ``(W, b, dL/dW, dL/db)`` at the network's current weights, on the full batch."""
    net.forward(x)
    net.backward(labels)
    return [
        (
            layer.weights.copy(),
            layer.biases.copy(),
            layer.grad_weights.copy(),
            layer.grad_biases.copy(),
        )
        for layer in net.layers
    ]


# ------------------------------------------------------------------------- L2


@pytest.mark.parametrize("optimizer", [None, SGD(momentum=0.5)], ids=["sgd", "momentum"])
def test_l2_adds_lambda_w_to_the_weight_gradients_only(optimizer: SGD | None) -> None:
    x, labels = problem()
    trained, reference = network(), network()
    lam, rate = 0.3, 0.1
    trained.train(x, labels, 1, rate, len(x), shuffle=False, l2=lam, optimizer=optimizer)
    # One full batch from rest: momentum's first step is plain SGD's, v = -η·g.
    for layer, (w, b, grad_w, grad_b) in zip(
        trained.layers, reference_gradients(reference, x, labels), strict=True
    ):
        np.testing.assert_allclose(layer.grad_weights, grad_w + lam * w, rtol=1e-12)  # + λ·W
        np.testing.assert_allclose(layer.grad_biases, grad_b, rtol=1e-12)  # biases: no decay
        np.testing.assert_allclose(layer.weights, w - rate * (grad_w + lam * w), rtol=1e-12)
        np.testing.assert_allclose(layer.biases, b - rate * grad_b, rtol=1e-12, atol=1e-15)


def test_l2_adds_half_lambda_sum_of_squared_weights_to_the_training_loss() -> None:
    x, labels = problem()
    plain, decayed = network(), network()
    lam = 0.05
    history = decayed.train(
        x, labels, 1, 0.1, len(x), shuffle=False, l2=lam, validation_data=(x, labels)
    )
    data_loss = plain.evaluate(x, labels)["loss"]  # the batch's loss at the starting weights
    penalty = 0.5 * lam * sum(float(np.sum(layer.weights**2)) for layer in decayed.layers)
    assert history["loss"][0] == pytest.approx(data_loss + penalty, rel=1e-12)
    # The validation loss is the data loss alone (comparable across λ).
    assert history["val_loss"][0] == pytest.approx(decayed.evaluate(x, labels)["loss"], rel=1e-12)


def test_bad_l2_and_clip_values_are_reported() -> None:
    x, labels = problem()
    with pytest.raises(ValueError, match=re.escape("l2 must be a number ≥ 0, got -0.1")):
        network().train(x, labels, 1, 0.1, 8, l2=-0.1)
    with pytest.raises(ValueError, match="gradient_clip_norm must be a positive number or None"):
        network().train(x, labels, 1, 0.1, 8, gradient_clip_norm=0)


# ------------------------------------------------------------------- clipping


@pytest.mark.parametrize("optimizer", [None, SGD(momentum=0.5)], ids=["sgd", "momentum"])
def test_clipping_scales_the_global_gradient_norm_down_to_the_limit(
    optimizer: SGD | None,
) -> None:
    x, labels = problem()
    clipped, reference = network(), network()
    rate, limit = 0.1, 0.05
    expected = reference_gradients(reference, x, labels)
    global_norm = math.sqrt(sum(np.sum(gw**2) + np.sum(gb**2) for _, _, gw, gb in expected))
    assert global_norm > limit  # so the clip is active
    clipped.train(
        x, labels, 1, rate, len(x), shuffle=False, gradient_clip_norm=limit, optimizer=optimizer
    )
    factor = limit / global_norm  # every gradient scaled alike: same direction, norm = limit
    for layer, (w, b, grad_w, grad_b) in zip(clipped.layers, expected, strict=True):
        np.testing.assert_allclose(layer.weights, w - rate * factor * grad_w, rtol=1e-12)
        np.testing.assert_allclose(layer.biases, b - rate * factor * grad_b, atol=1e-15)
        np.testing.assert_allclose(layer.grad_weights, factor * grad_w, rtol=1e-12)
    left = math.sqrt(
        sum(float(np.dot(g, g)) for g in (layer.gradients for layer in clipped.layers))
    )
    assert left == pytest.approx(limit, rel=1e-12)


def test_a_limit_above_the_norm_changes_nothing() -> None:
    x, labels = problem()
    free, loosely_clipped = network(), network()
    free.train(x, labels, 3, 0.1, 8, optimizer=Adam())
    loosely_clipped.train(x, labels, 3, 0.1, 8, optimizer=Adam(), gradient_clip_norm=1e9)
    np.testing.assert_array_equal(free._parameters, loosely_clipped._parameters)


def test_gradient_norms_are_reported_before_clipping() -> None:
    x, labels = problem()
    logs: dict[str, Any] = {}
    reference = network()
    expected = reference_gradients(reference, x, labels)
    network().train(
        x, labels, 1, 0.1, len(x), shuffle=False, gradient_clip_norm=1e-3,
        callbacks=[LambdaCallback(on_epoch_end=lambda _, got: logs.update(got))],
    )  # fmt: skip
    norms = [math.sqrt(np.sum(gw**2) + np.sum(gb**2)) for _, _, gw, gb in expected]
    np.testing.assert_allclose(logs["grad_norms"], norms, rtol=1e-10)


# ---------------------------------------------------------- update diagnostics


def test_logs_carry_one_update_ratio_and_weight_norm_per_layer() -> None:
    x, labels = problem()
    net, reference = network(), network()
    before = [layer.weights.copy() for layer in reference.layers]
    logs: dict[str, Any] = {}
    net.train(
        x, labels, 1, 0.1, len(x), shuffle=False, optimizer=Adam(),
        callbacks=[LambdaCallback(on_epoch_end=lambda _, got: logs.update(got))],
    )  # fmt: skip
    assert len(logs["update_ratios"]) == len(logs["weight_norms"]) == 3
    for index, layer in enumerate(net.layers):
        change = np.linalg.norm(layer.weights - before[index])
        expected = math.log10(change / np.linalg.norm(before[index]))  # log10(‖ΔW‖/‖W‖)
        assert logs["update_ratios"][index] == pytest.approx(expected, rel=1e-9)
        assert logs["weight_norms"][index] == pytest.approx(np.linalg.norm(layer.weights))
        assert type(logs["weight_norms"][index]) is float


def test_update_ratio_tracks_the_learning_rate() -> None:
    x, labels = problem()
    ratios = {}
    for rate in (1e-4, 1e-2):
        seen: list[dict[str, Any]] = []
        network().train(
            x, labels, 1, rate, 8,
            callbacks=[LambdaCallback(on_epoch_end=lambda _, got, seen=seen: seen.append(got))],
        )  # fmt: skip
        ratios[rate] = seen[-1]["update_ratios"]
    # Plain SGD's step is η·g: a 100× rate is +2 on the log10 scale (about).
    for low, high in zip(ratios[1e-4], ratios[1e-2], strict=True):
        assert high - low == pytest.approx(2.0, abs=0.2)


def test_a_layer_that_did_not_move_has_no_update_ratio() -> None:
    x, labels = problem()
    net = network()
    net.layers[0].biases = np.full(6, -100.0)  # every relu unit is off for every input...
    logs: dict[str, Any] = {}
    net.train(
        x,
        labels,
        1,
        0.1,
        8,
        callbacks=[LambdaCallback(on_epoch_end=lambda _, got: logs.update(got))],
    )
    # ...so no gradient reaches W₁, nor W₂ (its inputs are all 0); W₃ still learns (via b₂).
    first, second, third = logs["update_ratios"]
    assert first is None and second is None
    assert third is not None and math.isfinite(third)
