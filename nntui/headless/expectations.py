"""``--expect`` gates: "val_accuracy>=0.9" parsed, checked against a run's metrics.

An expectation is ``<metric><operator><number>`` with one of the operators
``>=``, ``<=``, ``>``, ``<``, ``==``. Metric names are those of
``nntui.training.results.flat_metrics``; :func:`metric_names` lists them per
task so a typo is caught before any training starts.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nntui.training.events import metric_for

if TYPE_CHECKING:
    from nntui.config import Task

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
}

# Two-character operators come first so ">=" is never read as ">" then "=0.9".
_EXPECTATION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|>|<)\s*(\S+)\s*$")


class ExpectationError(ValueError):
    """An ``--expect`` expression that cannot be parsed or names no metric."""


@dataclass(frozen=True)
class Expectation:
    """One parsed ``--expect`` expression.

    Attributes:
        metric: the metric name, e.g. ``"val_accuracy"``.
        operator: one of :data:`OPERATORS`.
        threshold: the number to compare with.
        text: the expression as written, normalised without spaces.
    """

    metric: str
    operator: str
    threshold: float
    text: str

    def holds(self, value: float | None) -> bool:
        """Whether ``value`` satisfies the expectation (a missing or NaN value never does)."""
        if value is None or math.isnan(value):
            return False
        return OPERATORS[self.operator](value, self.threshold)


def metric_names(task: Task, *, validation: bool = True) -> tuple[str, ...]:
    """The metric names ``--expect`` can use for ``task``.

    Args:
        task: ``"classification"`` or ``"regression"``.
        validation: whether the run has a validation set (``data.validation_split > 0``);
            without one there are no ``val_*`` metrics.

    Returns:
        The names ``flat_metrics`` produces for a results document of that task.
    """
    score = metric_for(task)
    validated = ("val_loss", f"val_{score}") if validation else ()
    return (
        "loss",
        score,
        *validated,
        "test_loss",
        f"test_{score}",
        *(("test_macro_f1",) if task == "classification" else ()),
        "learning_rate",
        "wall_time_s",
        "samples_per_s",
        "epochs_completed",
        "best_epoch",
    )


def parse_expectation(text: str, known: Iterable[str] | None = None) -> Expectation:
    """Parse ``"metric>=number"`` into an :class:`Expectation`.

    Args:
        text: the expression from the command line.
        known: the metric names allowed; ``None`` accepts any name.

    Returns:
        The parsed expectation.

    Raises:
        ExpectationError: the syntax is wrong, the number is not a number, or
            the metric is not one of ``known`` (the message lists them).
    """
    match = _EXPECTATION.match(text)
    if match is None:
        raise ExpectationError(
            f"--expect {text!r}: expected <metric><op><number> with op one of "
            f"{', '.join(OPERATORS)}, e.g. 'val_accuracy>=0.9'"
        )
    metric, op, number = match.groups()
    try:
        threshold = float(number)
    except ValueError:
        raise ExpectationError(f"--expect {text!r}: {number!r} is not a number") from None
    if math.isnan(threshold):
        raise ExpectationError(f"--expect {text!r}: the threshold cannot be NaN")
    if known is not None:
        names = tuple(known)
        if metric not in names and metric.startswith("val_") and metric[4:] in names:
            raise ExpectationError(
                f"--expect {text!r}: {metric} needs a validation set, but "
                "data.validation_split is 0; gate on test_" + metric[4:] + " instead, "
                "or set data.validation_split (e.g. 0.1)"
            )
        if metric not in names:
            raise ExpectationError(
                f"--expect {text!r}: unknown metric {metric!r}; known metrics: {', '.join(names)}"
            )
    return Expectation(
        metric=metric, operator=op, threshold=threshold, text=f"{metric}{op}{number}"
    )


def failed_expectations(
    expectations: Iterable[Expectation], metrics: Mapping[str, float | None]
) -> list[str]:
    """Check every expectation against ``metrics``.

    Args:
        expectations: the parsed expectations.
        metrics: metric name -> value, as from ``flat_metrics``.

    Returns:
        One line per failed expectation, e.g.
        ``"expectation failed: test_accuracy>=0.99 (got 0.9433)"``; empty when all hold.
    """
    failures = []
    for expectation in expectations:
        value = metrics.get(expectation.metric)
        if not expectation.holds(value):
            failures.append(
                f"expectation failed: {expectation.text} (got {_format_value(expectation, value)})"
            )
    return failures


def _format_value(expectation: Expectation, value: float | None) -> str:
    if value is None:
        return "no value"
    short = f"{value:.6g}"
    # A rounded value must not look as if it passed: 0.98999999 is not "0.99".
    if expectation.holds(float(short)):
        return repr(float(value))
    return short
