"""Requests to a running training thread: one command queue, drained between batches.

Any thread may ask a run to stop, pause, resume or step, or hand it work
(:meth:`RunControl.submit`, e.g. saving the model). Every request is a command
in one queue; the training thread takes them between batches
(:meth:`RunControl.drain`) and, while paused, waits on the same queue
(:meth:`RunControl.wait_while_paused`), so submitted work also runs while the
run is parked — when the weights hold still.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")


class Request(Enum):
    """The run-state commands."""

    STOP = "stop"
    PAUSE = "pause"
    RESUME = "resume"
    STEP = "step"


@dataclass(frozen=True)
class _Work:
    call: Callable[[], Any]
    future: Future[Any]


_Command = Request | _Work


class RunControl:
    """Stop, pause, resume, step a training run and hand it work, from any thread.

    The face calls :meth:`stop`, :meth:`pause`, :meth:`resume`, :meth:`step`
    and :meth:`submit`; the runner's training thread calls :meth:`drain`
    between batches, :meth:`wait_while_paused` while paused, :meth:`end_of_epoch`
    after each epoch and :meth:`close` when the run is over. A control serves
    one run.

    Example:
        >>> control = RunControl()
        >>> control.pause(); stop = control.drain(); control.is_paused
        True
        >>> answer = control.submit(lambda: 6 * 7)
        >>> answer.done()  # queued: the training thread runs it at its next look
        False
        >>> control.close(); answer.result()
        42
    """

    def __init__(self) -> None:
        self._commands: queue.SimpleQueue[_Command] = queue.SimpleQueue()
        self._lock = threading.RLock()  # re-entrant: a signal handler may call stop()
        self._closed = False
        self._stop_asked = threading.Event()
        # Owned by the training thread (changed only while it drains the queue):
        self._paused = False
        self._pause_after_epoch = False

    # -- from any thread -------------------------------------------------------------

    def stop(self) -> None:
        """Ask the run to end after the current batch (also ends a pause)."""
        self._stop_asked.set()
        self._put(Request.STOP)

    def pause(self) -> None:
        """Hold the run after the current batch until :meth:`resume` (or :meth:`stop`)."""
        self._put(Request.PAUSE)

    def resume(self) -> None:
        """Let a paused run continue."""
        self._put(Request.RESUME)

    def step(self) -> None:
        """Train exactly one more epoch, then pause again (a paused run's "next")."""
        self._put(Request.STEP)

    def submit(self, call: Callable[[], T]) -> Future[T]:
        """Run ``call`` in the training thread between two batches (or while paused).

        For work that must not overlap a batch, e.g. saving the model. Once the
        run is over (:meth:`close`), ``call`` runs at once in the calling thread.

        Returns:
            A future with ``call``'s result, or the exception it raised.
        """
        future: Future[T] = Future()
        with self._lock:
            if not self._closed:
                self._commands.put(_Work(call, future))
                return future
        _run(_Work(call, future))
        return future

    @property
    def stop_requested(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stop_asked.is_set()

    @property
    def is_paused(self) -> bool:
        """True while the training thread holds a pause (as of its last look at the queue).

        A stop ends a pause at once.
        """
        return self._paused and not self.stop_requested

    @property
    def is_closed(self) -> bool:
        """True once the run is over: :meth:`submit` then runs work at once."""
        return self._closed

    # -- from the training thread ------------------------------------------------------

    def drain(self) -> bool:
        """Carry out every queued command; return True when the run should stop."""
        commands = self._commands
        while not commands.empty():  # cheap when idle: this runs before every batch
            self._handle(commands.get_nowait())  # only this thread takes from the queue
        return self.stop_requested

    def wait_while_paused(self) -> bool:
        """Block on the queue while paused, carrying out commands; return True to stop."""
        while self._paused and not self.stop_requested:
            self._handle(self._commands.get())
        return self.stop_requested

    def end_of_epoch(self) -> None:
        """Called after each epoch: completes a :meth:`step` (the run pauses here)."""
        if self._pause_after_epoch:
            self._pause_after_epoch = False
            self._paused = True

    def close(self) -> None:
        """The run is over: carry out what is still queued; later work runs at once."""
        with self._lock:
            self._closed = True
        self._paused = False
        self.drain()

    def _put(self, command: _Command) -> None:
        with self._lock:
            if not self._closed:
                self._commands.put(command)

    def _handle(self, command: _Command) -> None:
        if isinstance(command, _Work):
            _run(command)
        elif command is Request.STOP:
            self._paused = False
        elif command is Request.PAUSE:
            self._paused = not self.stop_requested
        elif command is Request.RESUME:
            self._paused = self._pause_after_epoch = False
        elif command is Request.STEP and not self.stop_requested:
            self._paused, self._pause_after_epoch = False, True


def _run(work: _Work) -> None:
    if not work.future.set_running_or_notify_cancel():
        return
    try:
        result = work.call()
    except Exception as error:  # the face learns of it through the future
        work.future.set_exception(error)
    else:
        work.future.set_result(result)
