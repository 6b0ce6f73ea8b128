"""Memory arithmetic: sizes, the limit (MemAvailable or NNTUI_MEMORY_LIMIT), the message."""

from __future__ import annotations

import pytest

from nntui.memory import (
    ENV_VAR,
    MemoryLimit,
    MemoryLimitError,
    format_bytes,
    memory_limit,
    network_bytes,
    parameter_count,
    parse_size,
    too_big,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("8GiB", 8 * 2**30), ("512 MB", 512 * 2**20), ("2.5g", int(2.5 * 2**30)), ("1024", 1024)],
)
def test_sizes_parse_with_binary_units(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["off", "none", "OFF"])
def test_off_means_no_limit(text: str) -> None:
    assert parse_size(text) is None
    assert memory_limit({ENV_VAR: text}).bytes is None


def test_a_bad_limit_names_the_variable() -> None:
    with pytest.raises(MemoryLimitError, match=r"NNTUI_MEMORY_LIMIT: must be a size .* 'lots'"):
        memory_limit({ENV_VAR: "lots"})


def test_the_default_limit_is_half_the_available_memory() -> None:
    limit = memory_limit({})
    assert limit.bytes is not None and limit.bytes > 0
    assert limit.origin.startswith("half of the ") and ENV_VAR in limit.origin


def test_parameters_and_bytes_of_a_network() -> None:
    assert parameter_count([4, 16, 3]) == 4 * 16 + 16 + 16 * 3 + 3
    only_parameters = network_bytes([4, 16, 3], 8, inference_rows=0)
    assert only_parameters == 2 * 131 * 8  # θ and its gradient
    assert network_bytes([4, 16, 3], 4, inference_rows=0) == only_parameters // 2


def test_too_big_says_how_much_and_what_is_allowed() -> None:
    limit = MemoryLimit(12 * 2**30, "half of the 24.0 GiB available")
    assert too_big(2**30, limit) is None
    assert too_big(80_000_000_000, limit, "parameters") == (
        "needs 74.5 GiB of memory (parameters), more than the 12.0 GiB allowed "
        "(half of the 24.0 GiB available)"
    )
    assert too_big(10**30, MemoryLimit(None, ENV_VAR)) is None


def test_format_bytes() -> None:
    assert [format_bytes(n) for n in (10, 1536, 5 * 2**20, 2**50)] == [
        "10 B",
        "1.5 KiB",
        "5.0 MiB",
        "1.0 PiB",
    ]
    assert format_bytes(10**400) == "over 10¹² PiB"
