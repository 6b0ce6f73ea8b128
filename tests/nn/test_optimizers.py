"""Optimizers: each update rule against its equations, written out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import small_network, three_class_problem

from nntui.datasets.synthetic import generate_classification_data
from nntui.nn.network import NeuralNetwork
from nntui.nn.optimizers import OPTIMIZERS, SGD, Adam, make_optimizer
from nntui.nn.preprocessing import normalize_features

THETA = np.array([1.0, -2.0, 0.5])
G1 = np.array([0.5, 0.1, -1.0])
G2 = np.array([-0.2, 0.3, 0.4])


def two_steps(optimizer, rate: float = 0.1, dtype: str = "float64") -> list[np.ndarray]:
    """θ after each of two steps with gradients G1 then G2 (scaled as the optimizer asks)."""
    theta = THETA.astype(dtype)
    optimizer.bind(theta)
    seen = []
    for g in (G1, G2):
        gradients = (g * optimizer.gradient_scale(rate)).astype(dtype)
        before = gradients.copy()
        optimizer.step(theta, gradients, rate)
        np.testing.assert_array_equal(gradients, before)  # the gradients are left alone
        seen.append(theta.copy())
    return seen


def test_plain_sgd_takes_eta_times_the_gradient() -> None:
    sgd = SGD()
    assert sgd.gradient_scale(0.1) == 0.1  # η is folded into the backward pass
    first, second = two_steps(sgd)
    np.testing.assert_allclose(first, THETA - 0.1 * G1, rtol=1e-15)  # θ - η·g
    np.testing.assert_allclose(second, THETA - 0.1 * G1 - 0.1 * G2, rtol=1e-15)


def test_momentum_accumulates_a_velocity() -> None:
    first, second = two_steps(SGD(momentum=0.9))
    # v₁ = -η·g₁;  θ₁ = θ₀ + v₁
    v1 = -0.1 * G1
    np.testing.assert_allclose(first, THETA + v1, rtol=1e-15)
    # v₂ = μ·v₁ - η·g₂;  θ₂ = θ₁ + v₂
    v2 = 0.9 * v1 - 0.1 * G2
    np.testing.assert_allclose(second, THETA + v1 + v2, rtol=1e-15)


def test_nesterov_steps_with_the_look_ahead() -> None:
    first, second = two_steps(SGD(momentum=0.9, nesterov=True))
    # v₁ = -η·g₁;  θ₁ = θ₀ + μ·v₁ - η·g₁
    v1 = -0.1 * G1
    theta1 = THETA + 0.9 * v1 - 0.1 * G1
    np.testing.assert_allclose(first, theta1, rtol=1e-15)
    # v₂ = μ·v₁ - η·g₂;  θ₂ = θ₁ + μ·v₂ - η·g₂
    v2 = 0.9 * v1 - 0.1 * G2
    np.testing.assert_allclose(second, theta1 + 0.9 * v2 - 0.1 * G2, rtol=1e-15)


def test_adam_follows_the_paper_with_bias_correction() -> None:
    beta1, beta2, eps, rate = 0.9, 0.999, 1e-8, 0.01
    first, second = two_steps(Adam(beta1, beta2, eps), rate)
    theta, m, s = THETA.copy(), np.zeros(3), np.zeros(3)
    expected = []
    for t, g in enumerate((G1, G2), start=1):
        m = beta1 * m + (1 - beta1) * g  # m ← β₁·m + (1-β₁)·g
        s = beta2 * s + (1 - beta2) * g**2  # s ← β₂·s + (1-β₂)·g²
        m_hat = m / (1 - beta1**t)
        s_hat = s / (1 - beta2**t)
        theta = theta - rate * m_hat / (np.sqrt(s_hat) + eps)
        expected.append(theta)
    np.testing.assert_allclose(first, expected[0], rtol=1e-13)
    np.testing.assert_allclose(second, expected[1], rtol=1e-13)
    # With bias correction the first step moves each parameter by about η.
    np.testing.assert_allclose(np.abs(first - THETA), rate, rtol=1e-6)


def test_adam_in_float32_stays_float32_and_agrees_with_float64() -> None:
    adam32, adam64 = Adam(), Adam()
    steps32 = two_steps(adam32, 0.01, "float32")
    steps64 = two_steps(adam64, 0.01, "float64")
    assert all(step.dtype == np.float32 for step in steps32)
    np.testing.assert_allclose(steps32[1], steps64[1], rtol=1e-6)


def test_state_continues_on_the_same_vector_and_restarts_on_another() -> None:
    adam = Adam()
    theta = THETA.copy()
    adam.bind(theta)
    adam.step(theta, G1.copy(), 0.01)
    adam.bind(theta)  # same vector: keep the moments
    assert adam.steps == 1
    adam.bind(THETA.copy())  # another network: start afresh
    assert adam.steps == 0
    adam.step(theta, G1.copy(), 0.01)
    adam.reset()
    assert adam.steps == 0


def test_make_optimizer_builds_by_name() -> None:
    assert set(OPTIMIZERS) == {"sgd", "adam"}
    momentum = make_optimizer("sgd", momentum=0.5, nesterov=True)
    assert isinstance(momentum, SGD) and momentum.momentum == 0.5 and momentum.nesterov
    adam = make_optimizer("adam", beta2=0.99)
    assert isinstance(adam, Adam) and adam.beta2 == 0.99
    assert repr(adam) == "Adam(beta1=0.9, beta2=0.99, epsilon=1e-08)"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: make_optimizer("rmsprop"), "Unknown optimizer 'rmsprop'. Available: sgd, adam"),
        (lambda: make_optimizer("sgd", beta1=0.9), "optimizer 'sgd': "),
        (lambda: SGD(momentum=1.0), "momentum must be a number in [0, 1), got 1.0"),
        (lambda: SGD(momentum=-0.1), "momentum must be a number in [0, 1)"),
        (lambda: SGD(nesterov=True), "nesterov needs a momentum above 0"),
        (lambda: SGD(0.9, nesterov="yes"), "nesterov must be True or False"),
        (lambda: Adam(beta1=1.5), "beta1 must be a number in [0, 1), got 1.5"),
        (lambda: Adam(beta2=float("nan")), "beta2 must be a number in [0, 1)"),
        (lambda: Adam(epsilon=0), "epsilon must be a positive number, got 0"),
    ],
)
def test_bad_settings_are_reported(build, message: str) -> None:
    with pytest.raises(ValueError) as error:
        build()
    assert str(error.value).startswith(message)


# -------------------------------------------------------------- inside train()


@pytest.mark.parametrize("optimizer", [SGD(momentum=0.9), SGD(0.9, nesterov=True), Adam()])
def test_train_applies_the_optimizer_to_the_true_gradient(optimizer) -> None:
    x, labels = three_class_problem(64)
    network, reference = small_network("tanh"), small_network("tanh")
    network.train(x, labels, 1, 0.05, len(x), shuffle=False, optimizer=optimizer)
    # One full batch: the step is the optimizer's first step on dL/dθ at the start.
    reference.forward(x)
    reference.backward(labels)
    expected = reference._parameters.copy()
    type(optimizer)(**_settings(optimizer)).step(expected, reference._gradients.copy(), 0.05)
    np.testing.assert_allclose(network._parameters, expected, rtol=1e-12)
    # The gradients left behind are the plain gradients of that batch.
    np.testing.assert_allclose(network._gradients, reference._gradients, rtol=1e-12)


def _settings(optimizer) -> dict:
    if isinstance(optimizer, Adam):
        return {"beta1": optimizer.beta1, "beta2": optimizer.beta2, "epsilon": optimizer.epsilon}
    return {"momentum": optimizer.momentum, "nesterov": optimizer.nesterov}


def test_a_second_train_call_continues_the_momentum() -> None:
    x, labels = three_class_problem(64)
    once, twice = small_network("tanh"), small_network("tanh")
    once.train(x, labels, 2, 0.05, 16, optimizer=SGD(momentum=0.9))
    optimizer = SGD(momentum=0.9)
    twice.train(x, labels, 1, 0.05, 16, optimizer=optimizer)
    twice.train(x, labels, 1, 0.05, 16, optimizer=optimizer)
    np.testing.assert_array_equal(once._parameters, twice._parameters)


def test_an_optimizer_name_is_accepted_and_a_wrong_type_is_reported() -> None:
    x, labels = three_class_problem(64)
    history = small_network("tanh").train(x, labels, 1, 0.01, 16, optimizer="adam")
    assert len(history["loss"]) == 1
    with pytest.raises(ValueError, match="optimizer must be an Optimizer"):
        small_network("tanh").train(x, labels, 1, 0.01, 16, optimizer=0.9)


def epochs_to_reach(losses: list[float], target: float) -> float:
    return next((epoch for epoch, loss in enumerate(losses, 1) if loss < target), math.inf)


def test_momentum_and_adam_reach_a_target_loss_in_fewer_epochs_than_sgd() -> None:
    x_train, x_test, y_train, _ = generate_classification_data()
    x_train, _ = normalize_features(x_train, x_test)

    def losses(optimizer, rate: float) -> list[float]:
        network = NeuralNetwork([20, 128, 64, 32, 3], ["relu", "relu", "relu", "softmax"], seed=42)
        return network.train(x_train, y_train, 15, rate, 32, optimizer=optimizer)["loss"]

    target = 0.15
    sgd = epochs_to_reach(losses(None, 0.01), target)
    momentum = epochs_to_reach(losses(SGD(momentum=0.9), 0.01), target)
    nesterov = epochs_to_reach(losses(SGD(momentum=0.9, nesterov=True), 0.01), target)
    adam = epochs_to_reach(losses(Adam(), 0.001), target)
    assert sgd > 5  # plain SGD needs a while (about 10 epochs)...
    assert max(momentum, nesterov, adam) <= sgd / 2  # ...the others half as many or fewer


@pytest.mark.parametrize("name", ["adam", "sgd"])
def test_a_second_train_with_the_same_name_continues_the_network_s_optimizer(name: str) -> None:
    # Keras: a second fit() goes on with the optimizer's state (Adam's moments and t).
    x, labels = three_class_problem(64)
    once, twice = small_network("tanh"), small_network("tanh")
    once.train(x, labels, 2, 0.01, 16, verbose=False, optimizer=name)
    twice.train(x, labels, 1, 0.01, 16, verbose=False, optimizer=name)
    kept = twice.optimizer
    twice.train(x, labels, 1, 0.01, 16, verbose=False, optimizer=name)
    assert twice.optimizer is kept
    np.testing.assert_array_equal(once.parameters, twice.parameters)
    if name == "adam":
        assert isinstance(kept, Adam) and kept.steps == 2 * 4  # 64 rows / 16, twice
        twice.train(x, labels, 1, 0.01, 16, verbose=False, optimizer=Adam())
        assert twice.optimizer is not kept  # a new instance starts afresh


def test_optimizer_state_round_trips_and_continues_exactly() -> None:
    x, labels = three_class_problem(64)
    for make in (lambda: SGD(momentum=0.9, nesterov=True), Adam):
        reference, resumed = small_network("tanh"), small_network("tanh")
        optimizer = make()
        reference.train(x, labels, 1, 0.01, 16, verbose=False, optimizer=optimizer)
        state, theta, rng = optimizer.state, reference.parameters.copy(), reference.rng_state
        reference.train(x, labels, 2, 0.01, 16, verbose=False, optimizer=optimizer, initial_epoch=1)

        fresh = make()
        fresh.load_state(state)
        resumed.parameters[...] = theta
        resumed.rng_state = rng
        resumed.train(x, labels, 2, 0.01, 16, verbose=False, optimizer=fresh, initial_epoch=1)
        np.testing.assert_array_equal(resumed.parameters, reference.parameters)
        assert all(isinstance(v, (np.ndarray, int, float)) for v in state.values())


def test_a_state_of_the_wrong_size_is_reported() -> None:
    x, labels = three_class_problem(16)
    adam = Adam()
    adam.load_state({"steps": 1, "alpha": 1.0, "scaled_m": np.zeros(3), "scaled_s": np.zeros(3)})
    with pytest.raises(ValueError, match="'scaled_m' has 3 values"):
        small_network("tanh").train(x, labels, 1, 0.01, 16, verbose=False, optimizer=adam)
    with pytest.raises(ValueError, match="'velocity'"):
        SGD(momentum=0.5).load_state({})


def test_adam_exposes_the_textbook_moments() -> None:
    adam = Adam(beta1=0.9, beta2=0.99)
    theta = THETA.copy()
    adam.step(theta, G1, 0.1)
    np.testing.assert_allclose(adam.m, 0.1 * G1, rtol=1e-14)  # m = (1-β₁)·g
    np.testing.assert_allclose(adam.s, 0.01 * G1 * G1, rtol=1e-14)  # s = (1-β₂)·g²
