"""The exit codes of the ``nntui`` command: one set for the CLI, the headless run and predict.

======  =============================================================
code    meaning
======  =============================================================
0       success (the run completed or stopped early)
1       the run failed (diverged or error), or its model was not saved
2       usage, config or data error (also a bad model or input for predict)
3       an ``--expect`` gate failed
130     interrupted by Ctrl+C
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
