"""The shape of an nntui config: its sections, its keys, and what each key accepts.

Every key has a *check*: a function that returns the value in its normal form
(``1e-3`` written as text becomes a float, ``info`` becomes ``INFO``) or raises
:class:`InvalidValueError` with a message naming the bad value and what is allowed. The
default values are not here: they live in the packaged ``default_config.yaml``
(see :func:`nntui.config.default_config`). Allowed names come from the engine's
registries, so a new activation added there is accepted here without an edit.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from nntui.nn.activations import ACTIVATIONS
from nntui.nn.initializers import INITIALIZERS

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DTYPES = ("float32", "float64")
OUTPUT_ACTIVATIONS = ("softmax", "sigmoid")
HIDDEN_ACTIVATIONS = tuple(sorted(ACTIVATIONS))
WEIGHT_INITS = tuple(sorted(INITIALIZERS))

# PyYAML follows YAML 1.1, which reads `1e-3` (no dot) as text; accept it as the number meant.
_EXPONENT_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+")
_SHOWN_CHARS = 60


class InvalidValueError(ValueError):
    """A value a key does not accept; ``str(error)`` says why (``must be ..., got ...``)."""


Check = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    """One config key.

    Attributes:
        check: returns the normalised value or raises :class:`InvalidValueError`.
        help: a short line shown as the key's comment in a written config.
        choices: the allowed names, for keys that take one of a few names.
        text: whether the value is text (so a typed-in override is not read as YAML).
    """

    check: Check
    help: str
    choices: tuple[str, ...] | None = None
    text: bool = False


def show(value: Any) -> str:
    """Render a bad value for a message: strings quoted, booleans as YAML writes them."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "an empty value"
    elif isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list):
        text = "[" + ", ".join(show(item) for item in value) + "]"
    else:
        text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def did_you_mean(value: Any, names: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` when ``value`` is a near miss of one of ``names``, else ``""``."""
    if not isinstance(value, str):
        return ""
    by_lower = {name.lower(): name for name in names}
    matches = difflib.get_close_matches(value.lower(), list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean {by_lower[matches[0]]!r}?)" if matches else ""


def _quoted_number_hint(value: Any) -> str:
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return ""
        return " (a quoted number is text in YAML: remove the quotes)"
    return ""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def integer(minimum: int, wanted: str) -> Check:
    """A check for an integer ``>= minimum``; ``wanted`` reads e.g. ``a positive integer``."""

    def check(value: Any) -> int:
        if not _is_int(value) or value < minimum:
            raise InvalidValueError(
                f"must be {wanted}, got {show(value)}{_quoted_number_hint(value)}"
            )
        return int(value)

    return check


def _as_float(value: Any) -> float | None:
    if _is_int(value) or isinstance(value, float):
        return float(value)
    if isinstance(value, str) and _EXPONENT_NUMBER.fullmatch(value.strip()):
        return float(value)
    return None


def number(low: float, high: float, wanted: str) -> Check:
    """A check for a finite number strictly between ``low`` and ``high``."""

    def check(value: Any) -> float:
        result = _as_float(value)
        if result is None or not math.isfinite(result) or not low < result < high:
            raise InvalidValueError(
                f"must be {wanted}, got {show(value)}{_quoted_number_hint(value)}"
            )
        return result

    return check


def one_of(names: tuple[str, ...], *, upper: bool = False) -> Check:
    """A check for one of ``names`` (``upper``: compared and returned in capitals)."""

    def check(value: Any) -> str:
        candidate = value.upper() if upper and isinstance(value, str) else value
        if isinstance(candidate, str) and candidate in names:
            return candidate
        raise InvalidValueError(
            f"must be one of {', '.join(names)}, got {show(value)}{did_you_mean(value, names)}"
        )

    return check


def boolean(value: Any) -> bool:
    """Check for ``true``/``false``."""
    if not isinstance(value, bool):
        raise InvalidValueError(f"must be true or false, got {show(value)}")
    return value


def file_path(value: Any) -> str:
    """Check for a non-empty path string."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(f"must be a file path such as logs/app.log, got {show(value)}")
    return value


def layer_sizes(value: Any) -> list[int]:
    """Check for a list of positive integers (an empty list means no hidden layer)."""
    if not isinstance(value, list):
        raise InvalidValueError(
            f"must be a list of positive integers such as [128, 64, 32], got {show(value)}"
        )
    for position, item in enumerate(value, start=1):
        if not _is_int(item) or item < 1:
            raise InvalidValueError(f"item {position} must be a positive integer, got {show(item)}")
    return [int(item) for item in value]


def hidden_activations(value: Any) -> list[str]:
    """Check for a list of hidden-layer activation names."""
    allowed = ", ".join(HIDDEN_ACTIVATIONS)
    if not isinstance(value, list):
        raise InvalidValueError(
            f"must be a list with one activation per hidden layer such as [relu, relu], "
            f"got {show(value)}"
        )
    for position, item in enumerate(value, start=1):
        if not isinstance(item, str) or item not in HIDDEN_ACTIVATIONS:
            hint = did_you_mean(item, HIDDEN_ACTIVATIONS)
            raise InvalidValueError(
                f"item {position} must be one of {allowed}, got {show(item)}{hint}"
            )
    return list(value)


def output_activation(value: Any) -> str:
    """Check for a classification head: softmax or sigmoid."""
    if isinstance(value, str) and value in OUTPUT_ACTIVATIONS:
        return value
    if isinstance(value, str) and value in ACTIVATIONS:
        raise InvalidValueError(
            f"{value!r} cannot be a classification head: use softmax (with cross-entropy) "
            f"or sigmoid (with binary cross-entropy, 2 classes only); "
            f"--task regression uses a linear output + MSE automatically"
        )
    hint = did_you_mean(value, OUTPUT_ACTIVATIONS)
    raise InvalidValueError(f"must be one of softmax, sigmoid, got {show(value)}{hint}")


SCHEMA: dict[str, dict[str, Field]] = {
    "logging": {
        "level": Field(
            one_of(LOG_LEVELS, upper=True),
            "DEBUG, INFO, WARNING, ERROR or CRITICAL; env LOG_LEVEL wins",
            choices=LOG_LEVELS,
            text=True,
        ),
        "file": Field(file_path, "rotating log file; folder made if missing", text=True),
    },
    "data": {
        "n_samples": Field(integer(1, "a positive integer"), "synthetic samples generated"),
        "n_features": Field(integer(1, "a positive integer"), "input features per sample"),
        "n_classes": Field(
            integer(2, "an integer of at least 2"), "classes for --task classification"
        ),
        "random_seed": Field(
            integer(0, "a non-negative integer"),
            "data and initial weights; env RANDOM_SEED wins",
        ),
        "test_size": Field(
            number(0.0, 1.0, "a number in (0, 1)"),
            "held out; also the per-epoch validation set",
        ),
    },
    "network": {
        "hidden_layers": Field(layer_sizes, "units per hidden layer"),
        "hidden_activations": Field(
            hidden_activations,
            "per hidden layer: " + ", ".join(HIDDEN_ACTIVATIONS),
            choices=HIDDEN_ACTIVATIONS,
        ),
        "output_activation": Field(
            output_activation,
            "classification head: softmax, or sigmoid for 2 classes",
            choices=OUTPUT_ACTIVATIONS,
            text=True,
        ),
        "weight_init": Field(
            one_of(WEIGHT_INITS),
            " or ".join([", ".join(WEIGHT_INITS[:-1]), WEIGHT_INITS[-1]]),
            choices=WEIGHT_INITS,
            text=True,
        ),
    },
    "training": {
        "epochs": Field(integer(1, "a positive integer"), "passes over the training set"),
        "learning_rate": Field(
            number(0.0, math.inf, "a positive number"), "gradient descent step size"
        ),
        "batch_size": Field(integer(1, "a positive integer"), "samples per gradient step"),
        "dtype": Field(
            one_of(DTYPES), "float64 or float32 (faster, less precise)", choices=DTYPES, text=True
        ),
        "shuffle": Field(boolean, "reshuffle the training set every epoch"),
    },
}

SECTIONS = tuple(SCHEMA)
DOTTED_KEYS = tuple(f"{section}.{key}" for section, fields in SCHEMA.items() for key in fields)


def unknown_section_message(name: Any) -> str:
    """Explain an unknown top-level name, pointing at the section or key that was meant."""
    if isinstance(name, str):
        owners = [dotted for dotted in DOTTED_KEYS if dotted.endswith(f".{name}")]
        if owners:
            return f"unknown section (did you mean {owners[0]!r}? keys go inside their section)"
        hint = did_you_mean(name, SECTIONS)
        if hint:
            return f"unknown section{hint}"
    return f"unknown section; the sections are {', '.join(SECTIONS)}"


def unknown_key_message(section: str, name: Any) -> str:
    """Explain an unknown key inside ``section``, with the nearest key as a hint."""
    keys = tuple(SCHEMA[section])
    hint = did_you_mean(name, keys)
    if hint:
        return f"unknown key{hint}"
    if isinstance(name, str):
        elsewhere = [dotted for dotted in DOTTED_KEYS if dotted.endswith(f".{name}")]
        if elsewhere:
            return f"unknown key in {section} (did you mean {elsewhere[0]!r}?)"
        hint = did_you_mean(name, DOTTED_KEYS)
        if hint:
            return f"unknown key{hint}"
    return f"unknown key; {section} takes {', '.join(keys)}"


def cross_key_problems(
    config: dict[str, dict[str, Any]], invalid: set[str]
) -> list[tuple[str, str]]:
    """Problems that involve two keys, as ``(dotted key, message)``.

    Args:
        config: the config with every key filled in.
        invalid: dotted keys that already failed their own check (skipped here).
    """
    problems: list[tuple[str, str]] = []

    def usable(*keys: str) -> bool:
        return not invalid.intersection(keys)

    network, data = config["network"], config["data"]
    if usable("network.hidden_layers", "network.hidden_activations"):
        n_layers, n_activations = len(network["hidden_layers"]), len(network["hidden_activations"])
        if n_layers != n_activations:
            problems.append(
                (
                    "network.hidden_activations",
                    f"has {n_activations} {'entry' if n_activations == 1 else 'entries'} "
                    f"but network.hidden_layers has {n_layers}",
                )
            )
    if (
        usable("network.output_activation", "data.n_classes")
        and network["output_activation"] == "sigmoid"
        and data["n_classes"] != 2
    ):
        problems.append(
            (
                "network.output_activation",
                f"sigmoid has one output unit, so it needs data.n_classes: 2, "
                f"got {data['n_classes']}; use softmax for more classes",
            )
        )
    if usable("data.n_samples", "data.test_size"):
        n_samples, test_size = data["n_samples"], data["test_size"]
        if n_samples * test_size < 1 or n_samples * (1 - test_size) < 1:
            problems.append(
                (
                    "data.test_size",
                    f"{test_size} of data.n_samples {n_samples} leaves an empty training or "
                    f"test set; raise data.n_samples or pick a test_size nearer 0.2",
                )
            )
    return problems
