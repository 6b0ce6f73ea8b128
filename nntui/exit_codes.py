"""The exit codes of the ``nntui`` command: one set for the CLI, the headless run and predict.

======  =============================================================
code    meaning
======  =============================================================
0       success (the run completed or stopped early)
1       the run failed (diverged or error)
2       usage, config or data error (also a bad model or input for predict),
        or an output that cannot be written (refused before the run, or failed after it)
3       an ``--expect`` gate failed
130     interrupted by Ctrl+C (SIGINT); results so far are written
143     stopped by SIGTERM (``timeout``, CI cancel, ``docker stop``); results so far are written
======  =============================================================
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Why ``nntui`` exited; the value is the process exit code."""

    OK = 0
    RUN_FAILED = 1
    USAGE = 2
    EXPECTATION_FAILED = 3
    INTERRUPTED = 130
    TERMINATED = 143
