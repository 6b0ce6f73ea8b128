"""Fixtures for the monitor's tests: tiny configs, fixed event streams, Pilot helpers.

Tests that drive a whole app through the Pilot are marked ``slow`` (in their
module, ``pytestmark``); ``pytest -m "not slow" tests/tui`` is the fast loop.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import textual.constants
from event_streams import epoch_ended, run_started, stream_config
from factories import make_config
from tui_helpers import wait_for

from nntui.config import Config
from nntui.training.events import EpochEnded, RunStarted

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


@pytest.fixture(autouse=True)
def no_animations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps made in a test skip animations (as ``TEXTUAL_ANIMATIONS=none`` would).

    The Pilot waits for animations to finish after each key, and switching tabs
    animates the underline for ~0.5 s; the end state drawn is the same.
    """
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def tiny_config() -> Callable[..., Config]:
    """``tiny_config(**{"training.epochs": 5})`` → a validated tiny config."""

    def make(**overrides: Any) -> Config:
        return make_config({**TINY, **overrides})

    return make


@pytest.fixture
def planar_config() -> Callable[..., Config]:
    """``planar_config(**{"training.epochs": 5})`` → a validated tiny spiral config."""

    def make(**overrides: Any) -> Config:
        return make_config({**PLANAR, **overrides})

    return make


@pytest.fixture
def wait() -> Callable[..., Any]:
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
    """True when a thread is blocked in ``RunControl.wait_while_paused`` waiting for resume."""
    for frame in sys._current_frames().values():
        names = []
        current = frame
        while current is not None:
            names.append((current.f_code.co_name, current.f_code.co_filename))
            current = current.f_back
        in_control = any(n == "wait_while_paused" and f.endswith("control.py") for n, f in names)
        if in_control:
            return True
    return False


@pytest.fixture
def thread_probe() -> Any:
    """Helpers that look at what the training thread is doing (via its stack)."""

    class Probe:
        busy = staticmethod(training_threads)
        parked = staticmethod(parked_in_pause)

    return Probe


@pytest.fixture
def started() -> RunStarted:
    """The ``RunStarted`` of a small made-up classification run (3 layers, 30 epochs)."""
    return run_started(stream_config())


@pytest.fixture
def make_epoch(started: RunStarted) -> Callable[..., EpochEnded]:
    """``make_epoch(epoch, loss=...)`` → epoch ``epoch`` of :func:`started`'s run."""

    def make(epoch: int, **fields: Any) -> EpochEnded:
        return replace(epoch_ended(started, epoch), **fields)

    return make
