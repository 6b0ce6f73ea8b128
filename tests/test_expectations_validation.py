"""--expect on a val_ metric when the config has no validation set."""

from __future__ import annotations

import pytest

from nntui.headless.expectations import ExpectationError, metric_names, parse_expectation


def test_without_validation_there_are_no_val_metrics() -> None:
    names = metric_names("classification", validation=False)
    assert "val_accuracy" not in names and "val_loss" not in names
    assert "test_accuracy" in names


def test_a_val_gate_without_validation_says_why_and_what_to_use() -> None:
    known = metric_names("regression", validation=False)
    with pytest.raises(ExpectationError, match=r"val_r2 needs a validation set.*test_r2"):
        parse_expectation("val_r2>=0.9", known)


def test_with_validation_val_gates_parse() -> None:
    expectation = parse_expectation("val_loss<=0.5", metric_names("classification"))
    assert expectation.metric == "val_loss"
