"""SIGINT and SIGTERM stop a headless run within a batch, and say which one it was.

CI cancelling a job, ``timeout`` and ``docker stop`` send SIGTERM; a person
presses Ctrl+C (SIGINT). Both ask the run to stop after the current batch, so
the results so far, the model and the last JSONL line are still written; the
exit code tells them apart (130 for SIGINT, 143 for SIGTERM). A second signal
ends the program at once.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType
from typing import Any

from nntui.exit_codes import ExitCode
from nntui.training.control import RunControl

__all__ = ["StopSignals", "exit_code_for", "signal_name"]

_HANDLED = (signal.SIGINT, signal.SIGTERM)


class StopSignals:
    """While active, SIGINT and SIGTERM call ``control.stop()`` (main thread only).

    Args:
        control: the run's command queue.

    Attributes:
        received: the first signal received (``signal.SIGINT``/``SIGTERM``), or ``None``.
    """

    def __init__(self, control: RunControl) -> None:
        self.control = control
        self.received: int | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        """Install the handlers (nothing happens outside the main thread)."""
        if threading.current_thread() is threading.main_thread():
            self._previous = {number: signal.signal(number, self._stop) for number in _HANDLED}
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Put the previous handlers back."""
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous = {}

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.received = signum
        self.control.stop()
        # The run ends within a batch; if it does not, a second signal ends the program:
        # Ctrl+C raises KeyboardInterrupt, SIGTERM takes its default action.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def exit_code_for(signum: int | None) -> ExitCode:
    """The exit code of a run stopped by ``signum`` (Ctrl+C when unknown)."""
    return ExitCode.TERMINATED if signum == signal.SIGTERM else ExitCode.INTERRUPTED


def signal_name(signum: int | None) -> str:
    """How messages name the signal: ``SIGTERM`` or ``Ctrl+C``."""
    return "SIGTERM" if signum == signal.SIGTERM else "Ctrl+C"
