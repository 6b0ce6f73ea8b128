"""The one way tests build a config: small and fast unless a test says otherwise.

Import it as ``from factories import make_config`` (pytest puts ``tests/`` on
``sys.path``). Every config a test needs goes through :func:`make_config`, so
a change of the config's shape is made here once::

    config = make_config({"training.epochs": 2})
    config = make_config(data__source="spiral", task="classification")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nntui.config import Config, default_config, with_overrides

TINY: dict[str, Any] = {
    "data.n_samples": 120,
    "data.n_features": 4,
    "network.hidden_layers": [8],
    "network.hidden_activations": ["relu"],
    "training.epochs": 3,
    "training.batch_size": 16,
    "logging.runs_dir": None,
}
"""What makes the factory's configs tiny: 120 samples, one hidden layer of 8, 3 epochs."""


def make_config(
    overrides: Mapping[str, Any] | None = None, *, tiny: bool = True, **values: Any
) -> Config:
    """A validated :class:`Config`: the packaged default, made tiny, with ``overrides`` on top.

    Args:
        overrides: dotted keys (``{"training.epochs": 2}``); the key ``"task"``
            requests a task.
        tiny: start from :data:`TINY` (``False``: the packaged default as shipped).
        **values: more overrides as keywords, ``__`` for the dots
            (``training__epochs=2``, ``task="regression"``).

    Raises:
        ConfigError: an override is unknown or invalid (the message names it).
    """
    merged: dict[str, Any] = dict(TINY) if tiny else {}
    merged.update(overrides or {})
    merged.update({key.replace("__", "."): value for key, value in values.items()})
    layers = merged.get("network.hidden_layers")
    if isinstance(layers, (list, tuple)) and "network.hidden_activations" not in merged:
        merged["network.hidden_activations"] = ["relu"] * len(layers)
    return with_overrides(default_config(), merged)
