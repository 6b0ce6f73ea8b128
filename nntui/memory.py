"""How much memory a network and its data need, and how much a run may use (stdlib only).

A network that cannot be built should be a clear config error, not a
``MemoryError`` (or the kernel's OOM killer) minutes later. This module does
the arithmetic on sizes alone, before anything is allocated, so every layer
can use it: the config checks, the data loader and the model-file reader.

The limit is half of the memory available (``MemAvailable`` in
``/proc/meminfo``; elsewhere the free physical pages; 4 GiB when neither is
known). The environment variable ``NNTUI_MEMORY_LIMIT`` overrides it: a size
such as ``8GiB``, ``512MB``, ``2.5G`` or a number of bytes, or ``off``.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "ENV_VAR",
    "GRID_ROWS",
    "INFERENCE_ROWS",
    "MemoryLimit",
    "format_bytes",
    "memory_limit",
    "network_bytes",
    "parameter_count",
    "parse_size",
    "too_big",
]

ENV_VAR = "NNTUI_MEMORY_LIMIT"
FALLBACK_BYTES = 4 * 2**30
"""The memory assumed available where the system does not say."""
INFERENCE_ROWS = 8192
"""Rows per forward pass when predicting (``NeuralNetwork.predict`` works in chunks of this)."""
GRID_ROWS = 200 * 100 * 2
"""Points of the largest decision-boundary grid a face asks for (200 × 100 cells, 2 rows each)."""
PARAMETER_COPIES = 8
"""Arrays of the parameters' size during training: θ, its gradient, the optimizer's state
(up to three for Adam), the previous θ (update ratios), the best θ (restore-best), L2's mask."""
ACTIVATION_COPIES = 4
"""Arrays per layer and batch row during training: input, pre-activation, output, delta."""

_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
_SIZE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([kmgt]?)(?:i?b)?\s*", re.IGNORECASE)


class MemoryLimitError(ValueError):
    """``NNTUI_MEMORY_LIMIT`` is not a size; the message names it and the value."""


@dataclass(frozen=True)
class MemoryLimit:
    """How much memory a run may use.

    Attributes:
        bytes: the limit, or ``None`` for none (``NNTUI_MEMORY_LIMIT=off``).
        origin: where it comes from, for messages: ``"half of the 22.4 GiB available;
            NNTUI_MEMORY_LIMIT overrides it"`` or ``"NNTUI_MEMORY_LIMIT"``.
    """

    bytes: int | None
    origin: str


def parse_size(text: str) -> int | None:
    """Bytes in ``"8GiB"``, ``"512 MB"``, ``"2.5g"``, ``"1048576"``; ``None`` for ``"off"``.

    Units are binary (``k`` = 1024). Raises ``ValueError`` for anything else.

    Example:
        >>> parse_size("1.5GiB"), parse_size("512k"), parse_size("off")
        (1610612736, 524288, None)
    """
    if text.strip().lower() in ("off", "none", "unlimited"):
        return None
    match = _SIZE.fullmatch(text)
    if match is None:
        raise ValueError(f"not a size: {text!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def memory_limit(env: Mapping[str, str] | None = None) -> MemoryLimit:
    """The limit for this machine (half the available memory) or ``NNTUI_MEMORY_LIMIT``.

    Args:
        env: the environment to read (default ``os.environ``).

    Raises:
        MemoryLimitError: ``NNTUI_MEMORY_LIMIT`` is set to something that is not a size.
    """
    environment = os.environ if env is None else env
    given = environment.get(ENV_VAR)
    if given is not None and given.strip():
        try:
            return MemoryLimit(parse_size(given), ENV_VAR)
        except ValueError:
            raise MemoryLimitError(
                f"{ENV_VAR}: must be a size such as 8GiB, 512MB or a number of bytes, "
                f"or off, got {given!r}"
            ) from None
    available = available_bytes()
    origin = f"half of the {format_bytes(available)} available; {ENV_VAR} overrides it"
    return MemoryLimit(available // 2, origin)


def available_bytes() -> int:
    """Memory available to start new work: ``MemAvailable``, else free pages, else 4 GiB."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return FALLBACK_BYTES


def parameter_count(layer_sizes: Sequence[int]) -> int:
    """Weights and biases of dense layers ``layer_sizes`` (input width first).

    Example:
        >>> parameter_count([4, 16, 3])
        131
    """
    return sum((n_in + 1) * n_out for n_in, n_out in itertools.pairwise(layer_sizes))


def network_bytes(
    layer_sizes: Sequence[int],
    itemsize: int,
    *,
    batch_rows: int = 0,
    inference_rows: int = INFERENCE_ROWS,
    parameter_copies: int = 2,
) -> int:
    """Bytes a network of ``layer_sizes`` needs: parameters and the largest activations.

    Args:
        layer_sizes: input width, then each layer's width.
        itemsize: bytes per number (8 for float64, 4 for float32).
        batch_rows: rows of a training batch (0: no training, e.g. predicting).
        inference_rows: rows of one forward pass when predicting.
        parameter_copies: arrays of the parameters' size (2: θ and its gradient;
            :data:`PARAMETER_COPIES` while training).
    """
    widths = sum(layer_sizes)
    parameters = parameter_count(layer_sizes) * parameter_copies
    training = batch_rows * widths * ACTIVATION_COPIES
    inference = inference_rows * 2 * max(layer_sizes, default=0)
    return (parameters + training + inference) * itemsize


def too_big(needed: int, limit: MemoryLimit, detail: str = "") -> str | None:
    """``"needs 74.5 GiB of memory, more than the 11.2 GiB allowed (…)"``; ``None`` when it fits.

    Args:
        needed: the estimate in bytes.
        limit: the limit (:func:`memory_limit`).
        detail: what the estimate is made of, shown after it in parentheses.
    """
    if limit.bytes is None or needed <= limit.bytes:
        return None
    made_of = f" ({detail})" if detail else ""
    return (
        f"needs {format_bytes(needed)} of memory{made_of}, more than the "
        f"{format_bytes(limit.bytes)} allowed ({limit.origin})"
    )


def format_bytes(count: float) -> str:
    """``1536`` → ``"1.5 KiB"``; ``8e10`` → ``"74.5 GiB"``.

    Example:
        >>> format_bytes(80_000_000_000)
        '74.5 GiB'
    """
    if count < 1024:
        return f"{int(count)} B"
    if count >= 1024**5 * 10**12:
        return "over 10¹² PiB"
    exponent = min(int(math.log(count, 1024)), 5)
    return f"{count / 1024**exponent:.1f} {'BKMGTP'[exponent]}iB".replace("BiB", "B")
