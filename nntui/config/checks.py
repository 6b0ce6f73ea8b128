"""Value checks: each returns a value in its normal form or raises with a message for people.

A :class:`Check` is a function and the JSON Schema fragment that says the
same thing, so the messages (``must be a positive integer, got -4``) and the
editor schema come from one place. Messages name the bad value (see
:func:`show`) and what is allowed, with a did-you-mean for near misses.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# PyYAML follows YAML 1.1, which reads `1e-3` (no dot) as text; accept it as the number meant.
_EXPONENT_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+")
_SHOWN_CHARS = 60


class InvalidValueError(ValueError):
    """A value a key does not accept; ``str(error)`` says why (``must be ..., got ...``)."""


@dataclass(frozen=True)
class Check:
    """A value check and its JSON Schema fragment.

    Attributes:
        function: returns the normalised value or raises :class:`InvalidValueError`.
        json: the same rule as JSON Schema keywords (``{"type": "integer", "minimum": 1}``).
    """

    function: Callable[[Any], Any]
    json: Mapping[str, Any] = field(default_factory=dict)

    def __call__(self, value: Any) -> Any:
        """Check ``value``; see :attr:`function`."""
        return self.function(value)


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

    return Check(check, {"type": "integer", "minimum": minimum})


def _as_float(value: Any) -> float | None:
    if _is_int(value) or isinstance(value, float):
        return float(value)
    if isinstance(value, str) and _EXPONENT_NUMBER.fullmatch(value.strip()):
        return float(value)
    return None


def number(
    low: float,
    high: float,
    wanted: str,
    *,
    include_low: bool = False,
    include_high: bool = False,
) -> Check:
    """A check for a finite number between ``low`` and ``high``.

    The bounds are excluded unless ``include_low``/``include_high`` say otherwise.
    """

    def inside(result: float) -> bool:
        above = result >= low if include_low else result > low
        below = result <= high if include_high else result < high
        return above and below

    def check(value: Any) -> float:
        result = _as_float(value)
        if result is None or not math.isfinite(result) or not inside(result):
            raise InvalidValueError(
                f"must be {wanted}, got {show(value)}{_quoted_number_hint(value)}"
            )
        return result

    json: dict[str, Any] = {"type": "number"}
    json["minimum" if include_low else "exclusiveMinimum"] = low
    if math.isfinite(high):
        json["maximum" if include_high else "exclusiveMaximum"] = high
    return Check(check, json)


def one_of(names: tuple[str, ...], *, upper: bool = False) -> Check:
    """A check for one of ``names`` (``upper``: compared and returned in capitals)."""

    def check(value: Any) -> str:
        candidate = value.upper() if upper and isinstance(value, str) else value
        if isinstance(candidate, str) and candidate in names:
            return candidate
        raise InvalidValueError(
            f"must be one of {', '.join(names)}, got {show(value)}{did_you_mean(value, names)}"
        )

    spellings = [*names, *(name.lower() for name in names)] if upper else list(names)
    return Check(check, {"type": "string", "enum": spellings})


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValueError(f"must be true or false, got {show(value)}")
    return value


boolean = Check(_boolean, {"type": "boolean"})
"""Check for ``true``/``false``."""


def optional(inner: Check) -> Check:
    """``inner``, but ``null`` (an empty value) is also accepted, as ``None``."""

    def check(value: Any) -> Any:
        return None if value is None else inner(value)

    return Check(check, {**inner.json, "type": [inner.json["type"], "null"]})


def _column_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(f"must be a column name such as species, got {show(value)}")
    return value


column_name = Check(_column_name, {"type": "string", "minLength": 1})
"""Check for a CSV column name: non-empty text."""


def _column_names(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise InvalidValueError(
            f"must be a list of column names such as [sepal_length, petal_length], "
            f"or null for every column but the target, got {show(value)}"
        )
    for position, item in enumerate(value, start=1):
        if not isinstance(item, str) or not item.strip():
            raise InvalidValueError(f"item {position} must be a column name, got {show(item)}")
    repeated = sorted({item for item in value if value.count(item) > 1})
    if repeated:
        raise InvalidValueError(f"lists {', '.join(map(repr, repeated))} more than once")
    return list(value)


column_names = Check(
    _column_names,
    {
        "type": "array",
        "items": {"type": "string", "minLength": 1},
        "minItems": 1,
        "uniqueItems": True,
    },
)
"""Check for a non-empty list of distinct column names."""


def _file_path(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(f"must be a file path such as logs/app.log, got {show(value)}")
    return value


file_path = Check(_file_path, {"type": "string", "minLength": 1})
"""Check for a non-empty path string."""


def _layer_sizes(value: Any) -> list[int]:
    if not isinstance(value, list):
        raise InvalidValueError(
            f"must be a list of positive integers such as [128, 64, 32], got {show(value)}"
        )
    for position, item in enumerate(value, start=1):
        if not _is_int(item) or item < 1:
            raise InvalidValueError(f"item {position} must be a positive integer, got {show(item)}")
    return [int(item) for item in value]


layer_sizes = Check(_layer_sizes, {"type": "array", "items": {"type": "integer", "minimum": 1}})
"""Check for a list of positive integers (an empty list means no hidden layer)."""


def name_list(names: tuple[str, ...]) -> Check:
    """A check for a list of names from ``names`` (the hidden activations, one per layer)."""
    allowed = ", ".join(names)

    def check(value: Any) -> list[str]:
        if not isinstance(value, list):
            raise InvalidValueError(
                f"must be a list with one activation per hidden layer such as [relu, relu], "
                f"got {show(value)}"
            )
        for position, item in enumerate(value, start=1):
            if not isinstance(item, str) or item not in names:
                hint = did_you_mean(item, names)
                raise InvalidValueError(
                    f"item {position} must be one of {allowed}, got {show(item)}{hint}"
                )
        return list(value)

    return Check(check, {"type": "array", "items": {"type": "string", "enum": list(names)}})


def head(heads: tuple[str, ...], other_activations: Iterable[str]) -> Check:
    """A check for a classification head; an activation that is no head gets its own advice."""
    others = frozenset(other_activations)

    def check(value: Any) -> str:
        if isinstance(value, str) and value in heads:
            return value
        if isinstance(value, str) and value in others:
            raise InvalidValueError(
                f"{value!r} cannot be a classification head: use softmax (with cross-entropy) "
                f"or sigmoid (with binary cross-entropy, 2 classes only); "
                f"--task regression uses a linear output + MSE automatically"
            )
        hint = did_you_mean(value, heads)
        raise InvalidValueError(f"must be one of {', '.join(heads)}, got {show(value)}{hint}")

    return Check(check, {"type": "string", "enum": list(heads)})
