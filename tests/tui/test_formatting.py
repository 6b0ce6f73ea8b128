"""How numbers look on screen."""

from __future__ import annotations

import pytest

from nntui.tui.formatting import (
    format_count,
    format_duration,
    format_metric,
    format_norm,
    format_rate,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "–"),
        (0.123456, "0.1235"),
        (-0.5, "-0.5000"),
        (0.0, "0.0000"),
        (12345.6, "1.235e+04"),
        (0.0001234, "1.234e-04"),
    ],
)
def test_format_metric(value, text) -> None:
    assert format_metric(value) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "–"), (4.24, "4.2s"), (187, "3m 07s"), (3725, "1h 02m")],
)
def test_format_duration(seconds, text) -> None:
    assert format_duration(seconds) == text


def test_format_norm_rate_and_count() -> None:
    assert format_norm(0.012345) == "1.23e-02"
    assert format_norm(None) == "–"
    assert format_rate(412345.4) == "412,345 samples/s"
    assert format_count(13475) == "13,475"
