"""Work a face turns on and off: a shared switch, and the pace the training thread keeps.

A monitor tab that shows per-epoch statistics (distributions, neuron maps, the
confusion matrix) flips a :class:`Demand` on while it is visible and off when
it is not; the hook that measures, in the training thread, asks its
:class:`Pacer` whether a measurement is due. Turning a tab off therefore
stops its computation at the next epoch, and a face that redraws five times a
second never pays for more than five measurements a second.

Example:
    >>> demand = Demand(enabled=True)
    >>> pacer = Pacer(demand, clock=lambda: 0.0)
    >>> pacer.due(1), pacer.due(2)
    (True, True)
    >>> demand.set_enabled(False); pacer.due(3)
    False
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


def check_pace(every_epochs: int, min_interval_s: float) -> None:
    """Refuse a pace that makes no sense (shared by every face-driven measurement).

    Raises:
        ValueError: ``every_epochs`` below 1 or a negative ``min_interval_s``.
    """
    if every_epochs < 1:
        raise ValueError(f"every_epochs must be at least 1, got {every_epochs}")
    if min_interval_s < 0:
        raise ValueError(f"min_interval_s must be >= 0, got {min_interval_s}")


class Demand:
    """Whether a face wants a measurement, and how often (thread-safe).

    Args:
        enabled: wanted from the start (a headless stream) or not (a hidden tab).
        every_epochs: measure at most every this many epochs.
        min_interval_s: and at most once per this many seconds (0: every due epoch).
    """

    def __init__(
        self, *, enabled: bool = False, every_epochs: int = 1, min_interval_s: float = 0.0
    ) -> None:
        check_pace(every_epochs, min_interval_s)
        self.every_epochs = every_epochs
        self.min_interval_s = min_interval_s
        self._lock = threading.Lock()
        self._enabled = enabled
        self._version = 0

    @property
    def enabled(self) -> bool:
        """Whether the face wants measurements now."""
        with self._lock:
            return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        """Turn the measurement on (the next epoch measures at once) or off."""
        with self._lock:
            if enabled != self._enabled:
                self._enabled = enabled
                self._version += 1

    def changed(self) -> None:
        """What the face wants changed (e.g. a tile size): measure again at the next epoch."""
        with self._lock:
            self._version += 1

    def snapshot(self) -> tuple[bool, int]:
        """``(enabled, version)``; the version changes with every change of the demand."""
        with self._lock:
            return self._enabled, self._version


class Pacer:
    """The training thread's side of a :class:`Demand`: is a measurement due now?

    Args:
        demand: the face's switch and pace.
        clock: monotonic seconds; injectable for tests.
    """

    def __init__(self, demand: Demand, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.demand = demand
        self._clock = clock
        self._last_epoch: int | None = None
        self._last_time = -math.inf
        self._last_version = -1

    def due(self, epoch: int, *, force: bool = False) -> bool:
        """Whether to measure after ``epoch``; when True, the measurement counts as taken.

        Due when the demand is on and either new or changed, ``force``d (the run
        pauses or ends here), or both ``every_epochs`` epochs and
        ``min_interval_s`` seconds have passed since the last measurement.
        """
        enabled, version = self.demand.snapshot()
        if not enabled:
            return False
        now = self._clock()
        if not (force or version != self._last_version):
            if self._last_epoch is not None and (
                epoch - self._last_epoch < self.demand.every_epochs
            ):
                return False
            if now - self._last_time < self.demand.min_interval_s:
                return False
        self._last_epoch, self._last_time, self._last_version = epoch, now, version
        return True
