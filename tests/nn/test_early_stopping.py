"""Early stopping: the stop rule on scripted metrics, and train() stopping and restoring."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from nntui.nn.callbacks import LambdaCallback
from nntui.nn.early_stopping import EarlyStopping
from nntui.nn.network import NeuralNetwork, TrainingDiverged


def stop_epoch(stopping: EarlyStopping, values: Sequence[float], monitor: str = "val_loss") -> int:
    """Feed ``values`` epoch by epoch; return the epoch it stops after (0: never)."""
    parameters = np.zeros(2)
    stopping.start(parameters)
    for epoch, value in enumerate(values, start=1):
        parameters[:] = epoch  # "weights" that remember their epoch
        if stopping.update(epoch, {monitor: value}, parameters):
            stopping.restore(parameters)
            assert parameters[0] == (
                stopping.best_epoch if stopping.restore_best_weights else epoch
            )
            return epoch
    return 0


def test_stops_after_patience_epochs_without_improvement() -> None:
    stopping = EarlyStopping(patience=2)
    # best at epoch 2 (0.5); epochs 3 and 4 do not beat it → stop after epoch 4.
    assert stop_epoch(stopping, [0.9, 0.5, 0.6, 0.55, 0.1]) == 4
    assert (stopping.best_epoch, stopping.best_value, stopping.stopped_epoch) == (2, 0.5, 4)
    assert type(stopping.best_value) is float


def test_an_improvement_resets_the_count() -> None:
    stopping = EarlyStopping(patience=2)
    assert stop_epoch(stopping, [1.0, 1.1, 0.9, 1.0, 0.8, 0.85, 0.86]) == 7
    assert stopping.best_epoch == 5


def test_min_delta_ignores_tiny_gains_and_patience_zero_stops_at_once() -> None:
    assert stop_epoch(EarlyStopping(patience=1, min_delta=0.1), [1.0, 0.95, 0.5]) == 2
    assert stop_epoch(EarlyStopping(patience=0), [1.0, 0.9, 0.95]) == 3
    assert stop_epoch(EarlyStopping(patience=3), [1.0, 0.9, 0.8]) == 0


def test_accuracy_and_r2_are_maximised() -> None:
    accuracy = EarlyStopping(monitor="val_accuracy", patience=1)
    assert accuracy.mode == "max"
    assert stop_epoch(accuracy, [0.5, 0.7, 0.6], monitor="val_accuracy") == 3
    assert accuracy.best_value == 0.7
    assert EarlyStopping(monitor="r2").mode == "max"
    assert EarlyStopping(monitor="loss").mode == "min"


def test_keeping_the_last_weights_is_a_choice() -> None:
    stopping = EarlyStopping(patience=1, restore_best_weights=False)
    assert stop_epoch(stopping, [0.5, 0.9]) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"patience": -1}, "patience must be a whole number ≥ 0, got -1"),
        ({"patience": 1.5}, "patience must be a whole number ≥ 0, got 1.5"),
        ({"min_delta": -0.1}, "min_delta must be a number ≥ 0, got -0.1"),
        ({"monitor": ""}, "monitor must be a metric name"),
        ({"restore_best_weights": "yes"}, "restore_best_weights must be True or False"),
    ],
)
def test_bad_settings_are_reported(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as error:
        EarlyStopping(**kwargs)
    assert str(error.value).startswith(message)


# -------------------------------------------------------------- inside train()


def problem() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 4))
    labels = (x[:, 0] > 0).astype(int)
    return x, labels, 1 - labels


def network() -> NeuralNetwork:
    return NeuralNetwork([4, 8, 2], ["relu", "softmax"], seed=1)


def train_recording(net: NeuralNetwork, epochs: int, **kwargs: Any) -> tuple[dict, list]:
    """Train; return the history and the parameters after each epoch."""
    snapshots: list[np.ndarray] = []
    record = LambdaCallback(on_epoch_end=lambda _, __: snapshots.append(net.parameters.copy()))
    history = net.train(
        *kwargs.pop("data"), epochs, 0.1, 16,
        callbacks=[record, *kwargs.pop("callbacks", [])], **kwargs,
    )  # fmt: skip
    return history, snapshots


def test_train_stops_at_the_right_epoch_and_restores_the_best_weights() -> None:
    x, labels, flipped = problem()
    net = network()
    # Validating on flipped labels: the better the network learns, the worse val_loss gets.
    history, snapshots = train_recording(
        net, 30, data=(x, labels), validation_data=(x, flipped),
        callbacks=[EarlyStopping(patience=3)],
    )  # fmt: skip
    val_loss = history["val_loss"]
    best = int(np.argmin(val_loss)) + 1
    assert len(val_loss) == best + 3  # the best epoch, then 3 without improvement
    assert net.stop_reason == "early_stopped"
    assert (net.best_epoch, net.best_value) == (best, min(val_loss))
    np.testing.assert_array_equal(net._parameters, snapshots[best - 1])
    assert net.evaluate(x, flipped)["loss"] == pytest.approx(min(val_loss), rel=1e-12)


def test_without_restoring_the_last_epochs_weights_stay() -> None:
    x, labels, flipped = problem()
    net = network()
    _, snapshots = train_recording(
        net, 30, data=(x, labels), validation_data=(x, flipped),
        callbacks=[EarlyStopping(patience=2, restore_best_weights=False)],
    )  # fmt: skip
    assert net.stop_reason == "early_stopped"
    np.testing.assert_array_equal(net._parameters, snapshots[-1])


def test_a_run_that_keeps_improving_completes_with_its_last_weights() -> None:
    x, labels, _ = problem()
    net = network()
    history, snapshots = train_recording(
        net, 5, data=(x, labels), validation_data=(x, labels),
        callbacks=[EarlyStopping(monitor="loss", patience=10)],
    )  # fmt: skip
    assert net.stop_reason == "completed"
    assert len(history["loss"]) == 5
    assert net.best_epoch == int(np.argmin(history["loss"])) + 1
    np.testing.assert_array_equal(net._parameters, snapshots[-1])


def test_stop_reasons_for_completed_interrupted_and_diverged_runs() -> None:
    x, labels, _ = problem()
    net = network()
    assert net.stop_reason is None
    net.train(x, labels, 2, 0.1, 16)
    assert (net.stop_reason, net.best_epoch, net.best_value) == ("completed", None, None)
    net.train(x, labels, 2, 0.1, 16, should_stop=lambda: True)
    assert net.stop_reason == "interrupted"
    regression = NeuralNetwork([4, 8, 1], ["relu", "linear"], "mse", seed=0)
    with pytest.raises(TrainingDiverged):
        regression.train(x, x[:, 0] * 1e3, 50, 10.0, 8)
    assert regression.stop_reason == "diverged"


@pytest.mark.parametrize(
    ("monitor", "validation", "message"),
    [
        ("val_loss", False, "early_stopping monitors 'val_loss', which needs validation_data"),
        ("val_r2", True, "early_stopping monitors 'val_r2', which this network does not report"),
    ],
)
def test_a_monitor_the_run_does_not_report_is_refused(
    monitor: str, validation: bool, message: str
) -> None:
    x, labels, _ = problem()
    kwargs: dict[str, Any] = {"validation_data": (x, labels)} if validation else {}
    with pytest.raises(ValueError, match=re.escape(message)):
        network().train(x, labels, 1, 0.1, 16, callbacks=[EarlyStopping(monitor)], **kwargs)


def test_a_completed_run_also_ends_with_the_best_epochs_weights() -> None:
    # restore_best_weights: "end with the best epoch's weights", however training ends
    # (Keras restores only when it stopped early; nntui always, see the README).
    x, labels, flipped = problem()
    net = network()
    history, snapshots = train_recording(
        net, 6, data=(x, labels), validation_data=(x, flipped),
        callbacks=[EarlyStopping(patience=50)],
    )  # fmt: skip
    assert net.stop_reason == "completed"
    best = int(np.argmin(history["val_loss"])) + 1
    assert best < 6
    np.testing.assert_array_equal(net.parameters, snapshots[best - 1])
    assert net.evaluate(x, flipped)["loss"] == min(history["val_loss"])


def test_an_interrupted_run_ends_with_the_best_epochs_weights_too() -> None:
    x, labels, flipped = problem()
    net = network()
    epochs_seen: list[int] = []
    stop_after_four = LambdaCallback(on_epoch_end=lambda epoch, _: epochs_seen.append(epoch))
    history, snapshots = train_recording(
        net, 30, data=(x, labels), validation_data=(x, flipped),
        callbacks=[EarlyStopping(patience=50), stop_after_four],
        should_stop=lambda: len(epochs_seen) >= 4,
    )  # fmt: skip
    assert net.stop_reason == "interrupted"
    best = int(np.argmin(history["val_loss"])) + 1
    np.testing.assert_array_equal(net.parameters, snapshots[best - 1])


def test_early_stopping_and_schedule_state_resume_a_run_exactly() -> None:
    from nntui.nn.optimizers import Adam
    from nntui.nn.schedules import ReduceOnPlateau

    x, labels, flipped = problem()

    def callbacks() -> tuple[Adam, ReduceOnPlateau, EarlyStopping]:
        return Adam(), ReduceOnPlateau(0.5, 1), EarlyStopping(patience=4)

    reference = network()
    optimizer, schedule, stopping = callbacks()
    saved: dict[str, Any] = {}

    def capture(epoch: int, _: Any) -> None:
        if epoch == 3:
            saved.update(
                theta=reference.parameters.copy(), rng=reference.rng_state,
                optimizer=optimizer.state, schedule=schedule.state, stopping=stopping.state,
            )  # fmt: skip

    full = reference.train(
        x, labels, 12, 0.05, 16, (x, flipped), verbose=False, optimizer=optimizer,
        callbacks=[schedule, stopping, LambdaCallback(on_epoch_end=capture)],
    )  # fmt: skip
    assert reference.stop_reason == "early_stopped"

    resumed = network()
    optimizer, schedule, stopping = callbacks()
    resumed.parameters[...] = saved["theta"]
    resumed.rng_state = saved["rng"]
    optimizer.load_state(saved["optimizer"])
    schedule.load_state(saved["schedule"])
    stopping.load_state(saved["stopping"])
    rest = resumed.train(
        x, labels, 12, 0.05, 16, (x, flipped), verbose=False, optimizer=optimizer,
        callbacks=[schedule, stopping], initial_epoch=3,
    )  # fmt: skip
    assert resumed.stop_reason == "early_stopped"
    for key, values in rest.items():
        assert values == full[key][3:], key
    np.testing.assert_array_equal(resumed.parameters, reference.parameters)
    assert (resumed.best_epoch, resumed.best_value) == (reference.best_epoch, reference.best_value)
