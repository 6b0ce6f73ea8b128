"""Fixtures for the monitor's tests: fake runner events and tiny configs."""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import textual.constants
from textual.pilot import Pilot

from nntui.config import default_config, with_overrides
from nntui.training.events import EpochEnded, LayerInfo, RunStarted

#: The tiny run of the monitor's tests: a fraction of a second, still learnable.
TINY = {
    "data.n_samples": 200,
    "data.n_features": 8,
    "data.n_classes": 3,
    "data.random_seed": 7,
    "network.hidden_layers": [16],
    "network.hidden_activations": ["relu"],
    "training.epochs": 10,
    "training.batch_size": 32,
    "training.learning_rate": 0.05,
}
#: A tiny 2-D run: the decision boundary panel shows for it.
PLANAR = {
    "data.source": "spiral",
    "data.n_samples": 200,
    "data.noise": 0.1,
    "data.random_seed": 7,
    "network.hidden_layers": [12, 12],
    "network.hidden_activations": ["tanh", "tanh"],
    "training.epochs": 30,
    "training.batch_size": 32,
    "training.learning_rate": 0.02,
    "training.optimizer": "adam",
}
#: Generous: the box running the tests may be busy; a pass never waits this long.
DEADLINE_S = 30.0

Waiter = Callable[..., Awaitable[None]]

EpochFactory = Callable[..., EpochEnded]
StartedFactory = Callable[..., RunStarted]


def _layers(sizes: tuple[int, ...]) -> tuple[LayerInfo, ...]:
    layers = []
    for index, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        last = index == len(sizes) - 2
        layers.append(
            LayerInfo(
                name=f"dense_{index + 1}",
                output_shape=f"(None, {fan_out})",
                activation="softmax" if last else "relu",
                parameters=fan_in * fan_out + fan_out,
            )
        )
    return tuple(layers)


@pytest.fixture(autouse=True)
def no_animations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps made in a test skip animations (as ``TEXTUAL_ANIMATIONS=none`` would).

    The Pilot waits for animations to finish after each key, and switching tabs
    animates the underline for ~0.5 s; the end state drawn is the same.
    """
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def make_started() -> StartedFactory:
    """``make_started(sizes=(8, 16, 3), epochs=10, task=...)`` → a ``RunStarted``."""

    def make(
        sizes: tuple[int, ...] = (8, 16, 3), epochs: int = 10, task: str = "classification"
    ) -> RunStarted:
        layers = _layers(sizes)
        return RunStarted(
            task=task,
            summary="",
            layers=layers,
            config={},
            epochs=epochs,
            n_train=160,
            n_test=40,
            loss="cross_entropy",
            learning_rate=0.05,
            parameter_count=sum(layer.parameters for layer in layers),
            seed=42,
        )

    return make


@pytest.fixture
def make_epoch() -> EpochFactory:
    """``make_epoch(epoch, loss=..., grad_norms=...)`` → an ``EpochEnded`` (classification)."""

    def make(epoch: int, epochs: int = 10, **fields: Any) -> EpochEnded:
        values: dict[str, Any] = {
            "epoch": epoch,
            "epochs": epochs,
            "loss": 1.0 / epoch,
            "val_loss": 1.1 / epoch,
            "accuracy": 1.0 - 0.5 / epoch,
            "val_accuracy": 1.0 - 0.6 / epoch,
            "r2": None,
            "val_r2": None,
            "grad_norms": (0.1 / epoch, 0.2 / epoch),
            "elapsed_s": 0.5 * epoch,
            "samples_per_s": 320.0,
        }
        values.update(fields)
        return EpochEnded(**values)

    return make


@pytest.fixture
def tiny_config() -> Callable[..., dict[str, Any]]:
    """``tiny_config(**{"training.epochs": 5})`` → a validated tiny config."""

    def make(**overrides: Any) -> dict[str, Any]:
        return with_overrides(default_config(), {**TINY, **overrides})

    return make


@pytest.fixture
def planar_config() -> Callable[..., dict[str, Any]]:
    """``planar_config(**{"training.epochs": 5})`` → a validated tiny spiral config."""

    def make(**overrides: Any) -> dict[str, Any]:
        return with_overrides(default_config(), {**PLANAR, **overrides})

    return make


async def wait_for(
    pilot: Pilot[Any], predicate: Callable[[], bool], what: str, timeout: float = DEADLINE_S
) -> None:
    """Let the app run until ``predicate()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        await pilot.pause(0.01)


@pytest.fixture
def wait() -> Waiter:
    """``await wait(pilot, predicate, "what")``: poll with a deadline, never a fixed sleep."""
    return wait_for


def training_threads() -> list[str]:
    """Names of threads currently inside the runner's ``run`` (should be none after exit)."""
    busy = []
    for thread_id, frame in sys._current_frames().items():
        current = frame
        while current is not None:
            code = current.f_code
            if code.co_name == "run" and code.co_filename.endswith("runner.py"):
                busy.append(str(thread_id))
                break
            current = current.f_back
    return busy


def parked_in_pause() -> bool:
    """True when a thread is blocked in ``RunControl.should_stop`` waiting for resume."""
    for frame in sys._current_frames().values():
        names = []
        current = frame
        while current is not None:
            names.append((current.f_code.co_name, current.f_code.co_filename))
            current = current.f_back
        in_control = any(n == "should_stop" and f.endswith("control.py") for n, f in names)
        waiting = any(n == "wait" and f.endswith("threading.py") for n, f in names)
        if in_control and waiting:
            return True
    return False


@pytest.fixture
def thread_probe() -> Any:
    """Helpers that look at what the training thread is doing (via its stack)."""

    class Probe:
        busy = staticmethod(training_threads)
        parked = staticmethod(parked_in_pause)

    return Probe
