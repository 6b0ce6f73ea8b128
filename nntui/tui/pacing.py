"""Pace redraws so drawing never takes more than a small share of a CPU core.

The training thread and the app share one interpreter lock: every millisecond
the app spends drawing is a millisecond the network does not learn. A frame of
this screen costs ~10–20 ms of CPU while training, so redrawing 15 times a second would take a
quarter of the training speed. :class:`RedrawPacer` measures what the app's
thread actually spent between redraws and spaces them so that share stays
under ``max_share`` (3 % by default), never faster than ``min_interval`` and
never slower than ``max_interval``.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class RedrawPacer:
    """When may the panels redraw next?

    Args:
        max_share: the share of one core the app's thread may spend between
            redraws (its CPU time since the last redraw ÷ the wall time).
        min_interval: never redraw more often than this (seconds).
        max_interval: never wait longer than this, however costly frames are.
        first_interval: the interval before any frame was measured (a typical
            frame of the monitor costs ~15 ms while training, i.e. 0.5 s at 3 %).
        cpu_clock: CPU seconds of the app's thread (``time.thread_time``).
        wall_clock: monotonic wall seconds.

    Example:
        >>> pacer = RedrawPacer()
        >>> pacer.delay()  # nothing drawn yet: draw now
        0.0
        >>> pacer.redrawn(); pacer.delay() > 0  # then wait
        True
    """

    def __init__(
        self,
        *,
        max_share: float = 0.03,
        min_interval: float = 1 / 15,
        max_interval: float = 1.0,
        first_interval: float = 0.5,
        cpu_clock: Callable[[], float] = time.thread_time,
        wall_clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.max_share = max_share
        self.min_interval = min_interval
        self.max_interval = max_interval
        self._cpu_clock = cpu_clock
        self._wall_clock = wall_clock
        self._last_wall: float | None = None
        self._last_cpu = 0.0
        self.interval = min(max(first_interval, min_interval), max_interval)
        self._left_to_last_frame = False

    def delay(self) -> float:
        """Seconds to wait before the next redraw (0 when one is due now)."""
        if self._last_wall is None:
            return 0.0
        return max(0.0, self._last_wall + self.interval - self._wall_clock())

    def redrawn(self, *, learn: bool = True) -> None:
        """Record a redraw now and re-estimate the interval from what the last one cost.

        Args:
            learn: re-estimate from the CPU spent since the previous redraw. Pass
                False for a one-off redraw (a run starting, a key): the window
                before it says nothing about what a redraw of new epochs costs.
        """
        wall, cpu = self._wall_clock(), self._cpu_clock()
        if learn and self._last_wall is not None:
            # All of this thread's work since the last redraw: that frame, messages, timers.
            spent = max(cpu - self._last_cpu, 0.0)
            wanted = spent / self.max_share
            self.interval = min(max(wanted, self.min_interval), self.max_interval)
        self._last_wall, self._last_cpu = wall, cpu

    def reset(self) -> None:
        """A new run starts: its first frame may be drawn at once.

        The interval learnt so far is kept: what a frame costs depends on the
        screen, not on the run.
        """
        self._last_wall = None
        self._left_to_last_frame = False

    def worth_drawing(self, seconds_left: float | None) -> bool:
        """Is a paced frame worth drawing when the run has ``seconds_left`` to go?

        Not when the run ends within half an interval: the frame drawn as it ends
        shows the same epochs a moment later, and the training thread keeps the
        CPU this one would take. Said once per run (until :meth:`reset`), so an
        estimate that keeps being wrong cannot stop the screen from redrawing.

        Example:
            >>> pacer = RedrawPacer(first_interval=1.0)
            >>> pacer.worth_drawing(0.2), pacer.worth_drawing(0.2), pacer.worth_drawing(None)
            (False, True, True)
        """
        if self._left_to_last_frame or seconds_left is None:
            return True
        if seconds_left < self.interval / 2:
            self._left_to_last_frame = True
            return False
        return True
