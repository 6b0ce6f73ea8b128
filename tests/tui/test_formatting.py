"""How numbers look on screen."""

from __future__ import annotations

import pytest

from nntui.tui.formatting import (
    format_count,
    format_duration,
    format_eta,
    format_metric,
    format_norm,
    format_range,
    format_rate,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "–"),
        (0.123456, "0.1235"),
        (-0.5, "-0.5000"),
        (0.0, "0.000"),
        (0.995, "0.9950"),
        (1.5, "1.500"),
        (1234.56, "1235"),
        (float("nan"), "nan"),
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


@pytest.mark.parametrize(
    ("seconds", "text"), [(None, "–"), (7.4, "0:07"), (67, "1:07"), (3725, "1:02:05")]
)
def test_the_eta_reads_minutes_and_seconds(seconds, text) -> None:
    assert format_eta(seconds) == text


def test_both_faces_share_one_formatter() -> None:
    from nntui.headless.progress import format_metrics
    from nntui.training import formatting

    assert format_metric is formatting.format_metric and format_eta is formatting.format_eta
    assert format_metrics.__module__ == "nntui.headless.progress"


def test_a_range_label_is_short() -> None:
    assert format_range(0.1, 1.25) == "0.1–1.25"
    assert format_range(1e-11, 0.5) == "1e-11–0.5"


def test_format_norm_rate_and_count() -> None:
    assert format_norm(0.012345) == "1.23e-02"
    assert format_norm(None) == "–"
    assert format_rate(412345.4) == "412,345 samples/s"
    assert format_count(13475) == "13,475"
