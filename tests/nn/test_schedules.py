"""Learning-rate schedules: each one's sequence of rates, and train() following it."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pytest
from helpers import small_network, three_class_problem

from nntui.nn.callbacks import LambdaCallback
from nntui.nn.schedules import (
    SCHEDULES,
    ConstantSchedule,
    ExponentialDecay,
    LearningRateSchedule,
    ReduceOnPlateau,
    StepDecay,
    make_schedule,
)


def rates(
    schedule: LearningRateSchedule, initial: float, epochs: int, metric: Sequence[float] = ()
) -> list[float]:
    """The rate of epochs 1..epochs, feeding ``val_loss`` values from ``metric``."""
    sequence = [schedule.start(initial)]
    for epoch in range(1, epochs):
        logs = {"val_loss": metric[epoch - 1]} if metric else {}
        sequence.append(schedule.next_rate(epoch, logs))
    return sequence


def test_constant_keeps_the_rate() -> None:
    assert rates(ConstantSchedule(), 0.1, 4) == [0.1, 0.1, 0.1, 0.1]


def test_step_decay_drops_every_n_epochs() -> None:
    # η₀ · f^⌊(e-1)/every⌋
    assert rates(StepDecay(0.5, every=2), 0.8, 7) == [0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.1]


def test_exponential_decay_multiplies_every_epoch() -> None:
    assert rates(ExponentialDecay(0.5), 1.0, 5) == [1.0, 0.5, 0.25, 0.125, 0.0625]
    # Powers, not repeated products: no drift after many epochs.
    assert rates(ExponentialDecay(0.9), 0.1, 51)[-1] == 0.1 * 0.9**50


def test_decay_stops_at_min_rate_and_never_raises_a_lower_start() -> None:
    floored = rates(ExponentialDecay(0.1, min_rate=0.005), 1.0, 5)
    assert floored == pytest.approx([1.0, 0.1, 0.01, 0.005, 0.005], rel=1e-15)
    assert floored[-2:] == [0.005, 0.005]  # exactly the floor
    assert rates(StepDecay(0.5, 1, min_rate=0.3), 1.0, 4) == [1.0, 0.5, 0.3, 0.3]
    assert rates(StepDecay(0.5, 1, min_rate=0.3), 0.1, 3) == [0.1, 0.1, 0.1]


def test_plateau_cuts_the_rate_after_patience_epochs_without_improvement() -> None:
    val_loss = [1.0, 0.8, 0.85, 0.81, 0.7, 0.9, 0.95, 0.96, 0.97]
    # epoch:   1    2    3     4     5    6    7     8     9
    # best:    1.0  0.8  -     -     0.7  -    -     -     -
    # waiting: 0    0    1     2→cut 0    1    2→cut 1     2→cut
    schedule = ReduceOnPlateau(factor=0.5, patience=2)
    assert rates(schedule, 1.0, 10, val_loss) == [
        1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.125,
    ]  # fmt: skip


def test_plateau_honours_min_delta_mode_and_floor() -> None:
    # Improvements smaller than min_delta do not count.
    tiny_gains = [1.0, 0.99, 0.98, 0.97]
    schedule = ReduceOnPlateau(0.5, patience=1, min_delta=0.05, min_rate=0.3)
    assert rates(schedule, 1.0, 5, tiny_gains) == [1.0, 1.0, 0.5, 0.3, 0.3]
    # For accuracy, higher is better.
    accuracy = ReduceOnPlateau(0.5, patience=1, monitor="val_accuracy")
    sequence = [accuracy.start(1.0)]
    for epoch, value in enumerate([0.5, 0.6, 0.55], start=1):
        sequence.append(accuracy.next_rate(epoch, {"val_accuracy": value}))
    assert sequence == [1.0, 1.0, 1.0, 0.5]


def test_start_resets_a_schedule_for_the_next_run() -> None:
    schedule = ReduceOnPlateau(0.5, patience=0)
    first = rates(schedule, 1.0, 3, [1.0, 2.0])
    assert first == [1.0, 1.0, 0.5]
    assert rates(schedule, 1.0, 3, [1.0, 2.0]) == first


def test_make_schedule_builds_by_name() -> None:
    assert set(SCHEDULES) == {"constant", "step", "exponential", "plateau"}
    step = make_schedule("step", factor=0.5, every=3)
    assert isinstance(step, StepDecay) and (step.factor, step.every) == (0.5, 3)
    plateau = make_schedule("plateau", factor=0.1, patience=4, min_rate=1e-5)
    assert isinstance(plateau, ReduceOnPlateau) and plateau.monitor == "val_loss"
    assert repr(make_schedule("constant")) == "ConstantSchedule()"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: make_schedule("cosine"), "Unknown learning-rate schedule 'cosine'. Available:"),
        (lambda: make_schedule("step", factor=0.5), "learning-rate schedule 'step': "),
        (lambda: StepDecay(1.5, 2), "factor must be a number in (0, 1], got 1.5"),
        (lambda: StepDecay(0.5, 0), "every must be a whole number ≥ 1, got 0"),
        (lambda: ExponentialDecay(0), "factor must be a number in (0, 1], got 0"),
        (lambda: ReduceOnPlateau(1.0, 3), "factor must be a number in (0, 1), got 1.0"),
        (lambda: ReduceOnPlateau(0.5, -1), "patience must be a whole number ≥ 0, got -1"),
        (lambda: ReduceOnPlateau(0.5, 1, min_delta=-1), "min_delta must be a number ≥ 0"),
        (lambda: ConstantSchedule(min_rate=-1), "min_rate must be a number ≥ 0, got -1"),
    ],
)
def test_bad_settings_are_reported(build, message: str) -> None:
    with pytest.raises(ValueError) as error:
        build()
    assert str(error.value).startswith(message)


# -------------------------------------------------------------- inside train()


def test_train_uses_each_epochs_rate_and_records_it() -> None:
    x, labels = three_class_problem(48)
    scheduled, by_hand = small_network(), small_network()
    rates_seen: list[float] = []
    history = scheduled.train(
        x, labels, 3, 0.2, 16,
        callbacks=[
            LambdaCallback(on_epoch_end=lambda _, logs: rates_seen.append(logs["learning_rate"])),
            ExponentialDecay(0.5),
        ],
    )  # fmt: skip
    assert history["learning_rate"] == rates_seen == [0.2, 0.1, 0.05]
    for rate in (0.2, 0.1, 0.05):  # the same epochs, one train() call each
        by_hand.train(x, labels, 1, rate, 16)
    np.testing.assert_array_equal(scheduled._parameters, by_hand._parameters)


def test_without_a_schedule_the_history_keeps_its_keys() -> None:
    x, labels = three_class_problem(48)
    assert list(small_network().train(x, labels, 1, 0.1, 16)) == ["loss", "accuracy"]
    with_schedule = small_network().train(
        x, labels, 1, 0.1, 16, callbacks=[make_schedule("constant")]
    )
    assert list(with_schedule) == ["loss", "accuracy", "learning_rate"]


def test_plateau_on_val_loss_without_validation_data_is_reported() -> None:
    x, labels = three_class_problem(48)
    message = "lr_schedule monitors 'val_loss', which needs validation_data (or monitor 'loss'"
    with pytest.raises(ValueError, match=re.escape(message)):
        small_network().train(x, labels, 1, 0.1, 16, callbacks=[ReduceOnPlateau(0.5, 2)])
