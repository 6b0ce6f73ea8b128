"""A thread-safe handle to stop, pause and resume a run from another thread."""

from __future__ import annotations

import threading


class RunControl:
    """Stop, pause and resume a training run from any thread.

    The runner passes :meth:`should_stop` to the engine, which polls it between
    batches. While paused, :meth:`should_stop` blocks until the run is resumed
    or stopped, so pausing takes effect within one batch and costs no CPU.

    Example:
        >>> control = RunControl()
        >>> control.pause(); control.is_paused
        True
        >>> control.stop(); control.should_stop()
        True
    """

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()  # set = not paused
        self._running.set()
        self._pause_after_epoch = False

    def stop(self) -> None:
        """Ask the run to end after the current batch (also ends a pause)."""
        self._stop.set()
        self._running.set()

    def pause(self) -> None:
        """Hold the run after the current batch until :meth:`resume`."""
        if not self._stop.is_set():
            self._running.clear()

    def resume(self) -> None:
        """Let a paused run continue."""
        self._pause_after_epoch = False
        self._running.set()

    def step(self) -> None:
        """Train exactly one more epoch, then pause again (a paused run's "next")."""
        if self._stop.is_set():
            return
        self._pause_after_epoch = True
        self._running.set()

    def end_of_epoch(self) -> None:
        """Called by the runner after each epoch: completes a :meth:`step`."""
        if self._pause_after_epoch:
            self._pause_after_epoch = False
            self.pause()

    @property
    def is_paused(self) -> bool:
        """True while a pause is in effect."""
        return not self._running.is_set()

    @property
    def stop_requested(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stop.is_set()

    def should_stop(self) -> bool:
        """Poll between batches: block while paused, then report a stop request."""
        if not self._running.is_set():
            self._running.wait()
        return self._stop.is_set()
