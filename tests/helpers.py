"""Plain helpers shared by several test modules; fixtures live in ``conftest.py``.

Import it as ``from helpers import ...``: pytest puts this folder on ``sys.path``
when it loads ``tests/conftest.py`` (the tests folder is not a package).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from factories import make_config

from nntui.config import Config
from nntui.nn.network import NeuralNetwork
from nntui.training.events import RunEvent
from nntui.training.runner import NetworkRunner

# The ``tiny_config_file`` fixture: call it with dotted-key overrides, get the YAML's path.
ConfigFactory = Callable[..., Path]

# Every key a results document has, whatever the run's status.
RESULT_KEYS = frozenset(
    {
        "schema_version",
        "version",
        "status",
        "task",
        "config",
        "architecture",
        "history",
        "test",
        "epochs_completed",
        "wall_time_s",
        "samples_per_s",
        "seed",
        "stop_message",
        "data",
        "best_epoch",
        "best",
        "diagnostics",
    }
)

# The history a run's results hold, one list per key, by task.
CLASSIFICATION_HISTORY_KEYS = frozenset(
    {"loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"}
)
REGRESSION_HISTORY_KEYS = frozenset({"loss", "r2", "val_loss", "val_r2", "learning_rate"})

# How long a test waits for a line from an ``nntui`` subprocess before it fails.
LINE_DEADLINE_S = 60.0

# Small, fast and learnable: two hidden layers, 300 synthetic samples, 6 epochs.
RUNNER_CONFIG_VALUES: dict[str, Any] = {
    "data.n_samples": 300,
    "data.n_features": 8,
    "network.hidden_layers": [16, 8],
    "network.hidden_activations": ["relu", "tanh"],
    "training.epochs": 6,
    "training.batch_size": 32,
    "training.learning_rate": 0.05,
}


def dotted_keys(values: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword-argument keys (``training__epochs``) as config keys (``training.epochs``)."""
    return {key.replace("__", "."): value for key, value in values.items()}


def config_with(**values: Any) -> Config:
    """The packaged default config with ``values``: ``config_with(data__source="iris")``."""
    return make_config(dotted_keys(values), tiny=False)


def runner_config(**overrides: Any) -> Config:
    """The default config with :data:`RUNNER_CONFIG_VALUES`, then ``overrides`` (``__`` for dots).

    ``runner_config(training__epochs=2)`` is the same small run, for two epochs;
    ``runner_config(task="regression")`` the same data as a regression.
    """
    return make_config(RUNNER_CONFIG_VALUES | dotted_keys(overrides), tiny=False)


def run_collecting(config: Config) -> tuple[list[RunEvent], dict[str, Any]]:
    """Run ``config`` to the end in this thread: the events it emitted, and the results."""
    events: list[RunEvent] = []
    results = NetworkRunner(config, on_event=events.append).run()
    return events, results


def lines_of(stream: Iterable[str]) -> queue.Queue[str | None]:
    """Lines of ``stream`` as a background thread reads them, then ``None`` at the end."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def next_line(
    lines: queue.Queue[str | None],
    *,
    deadline: float | None = None,
    allow_end: bool = False,
    expecting: str = "a line",
) -> str | None:
    """The next line from :func:`lines_of`, failing the test if none comes in time.

    Args:
        lines: The queue :func:`lines_of` fills.
        deadline: A ``time.monotonic()`` instant; by default :data:`LINE_DEADLINE_S` from now.
        allow_end: Return ``None`` at the end of the stream instead of failing.
        expecting: What the test waits for, for the failure message.
    """
    if deadline is None:
        deadline = time.monotonic() + LINE_DEADLINE_S
    try:
        line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
    except queue.Empty:
        pytest.fail(f"no {expecting} before the deadline")
    if line is None and not allow_end:
        pytest.fail(f"the output ended before {expecting}")
    return line


def wait_for_line(lines: queue.Queue[str | None], prefix: str) -> str:
    """Skip lines until one starts with ``prefix``, within :data:`LINE_DEADLINE_S` in all."""
    deadline = time.monotonic() + LINE_DEADLINE_S
    expecting = f"a line starting with {prefix!r}"
    while True:
        line = next_line(lines, deadline=deadline, expecting=expecting)
        assert line is not None  # next_line fails the test at the end of the output
        if line.startswith(prefix):
            return line


def three_class_problem(n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Points in 4-D (seed 0) and labels 0-2: how many of the first two features are positive."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n_samples, 4))
    return x, (x[:, 0] > 0).astype(int) + (x[:, 1] > 0)


def small_network(hidden_activation: str = "relu", **kwargs: Any) -> NeuralNetwork:
    """A 4 → 8 → 3 softmax classifier for :func:`three_class_problem` (seed 1)."""
    return NeuralNetwork([4, 8, 3], [hidden_activation, "softmax"], seed=1, **kwargs)
