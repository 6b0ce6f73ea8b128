"""The headless face: train one run in the terminal or CI, write results, gate on expectations.

No Textual here (nor anywhere this module imports): ``nntui --headless`` must
start fast and work where Textual cannot draw.

Exit codes: 0 success, 1 the run failed (diverged or error), 2 usage or
config error, 3 an expectation failed, 130 interrupted by Ctrl+C.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from nntui.expectations import Expectation, failed_expectations
from nntui.logs import setup_logging
from nntui.progress import format_summary, make_progress
from nntui.training.control import RunControl
from nntui.training.events import RunEvent, RunFailed
from nntui.training.results import flat_metrics, write_results
from nntui.training.runner import NetworkRunner

EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_USAGE = 2
EXIT_EXPECTATION_FAILED = 3
EXIT_INTERRUPTED = 130


def output_path_problem(path: str | os.PathLike[str]) -> str | None:
    """Why results could not be written to ``path``, or ``None`` when they can.

    Checked before training so a typo does not cost a whole run. Missing
    folders are fine (they are created) as long as the nearest existing one
    is a writable folder.
    """
    target = Path(path)
    if target.is_dir():
        return f"--output {os.fspath(path)}: is a folder, expected a file path"
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return f"--output {os.fspath(path)}: {os.fspath(parent)} is not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"--output {os.fspath(path)}: folder {os.fspath(parent)} is not writable"
    return None


def run_headless(
    config: Mapping[str, Any],
    task: str,
    *,
    output: str | os.PathLike[str] | None = None,
    quiet: bool = False,
    expectations: Sequence[Expectation] = (),
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Train one run without a UI and report it.

    Progress goes to ``stdout`` (a rich bar on a terminal, plain lines
    otherwise, nothing with ``quiet``), then a one-line summary; problems go
    to ``stderr``. Ctrl+C (from the main thread) stops the run within a batch;
    the results so far are written with ``"status": "interrupted"``.

    Args:
        config: a validated config (``load_config(...).data``, overrides applied).
        task: ``"classification"`` or ``"regression"``.
        output: where to write the results JSON, or ``None``.
        quiet: print only the final summary and errors.
        expectations: checked against the results of a completed run.
        stdout: progress and summary stream (default ``sys.stdout``).
        stderr: error stream (default ``sys.stderr``).

    Returns:
        The process exit code (see the module docstring).
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr

    if output is not None and (problem := output_path_problem(output)) is not None:
        print(f"error: {problem}", file=err)
        return EXIT_USAGE
    try:
        logger = setup_logging(config["logging"]["level"], config["logging"]["file"])
    except OSError as exc:
        print(f"error: logging.file: {exc}", file=err)
        return EXIT_USAGE

    control = RunControl()
    progress = make_progress(out, quiet=quiet)
    failures: list[RunFailed] = []

    def on_event(event: RunEvent) -> None:
        if isinstance(event, RunFailed):
            failures.append(event)
        progress(event)

    runner = NetworkRunner(config, task, on_event=on_event, control=control, logger=logger)
    try:
        with _stop_on_sigint(control):
            results = runner.run()
    except Exception as exc:  # the runner reports its own failures; this is a bug guard
        logger.exception("headless run crashed")
        print(f"error: the run crashed: {type(exc).__name__}: {exc}", file=err)
        return EXIT_RUN_FAILED
    finally:
        progress.close()

    reason = failures[-1].reason if failures else None
    return _report(results, reason, output, expectations, logger, out, err)


def _report(
    results: dict[str, Any],
    failure_reason: str | None,
    output: str | os.PathLike[str] | None,
    expectations: Sequence[Expectation],
    logger: logging.Logger,
    out: TextIO,
    err: TextIO,
) -> int:
    written: Path | None = None
    if output is not None:
        try:
            written = write_results(results, output)
        except OSError as exc:
            print(f"error: cannot write results to {os.fspath(output)}: {exc}", file=err)
            return EXIT_RUN_FAILED
    print(format_summary(results, written), file=out, flush=True)

    status = results.get("status")
    if status == "interrupted":
        print("interrupted: the run was stopped by Ctrl+C", file=err)
        return EXIT_INTERRUPTED
    if failure_reason is not None or status != "completed":
        print(f"error: {failure_reason or f'the run ended with status {status!r}'}", file=err)
        return EXIT_RUN_FAILED

    failures = failed_expectations(expectations, flat_metrics(results))
    for line in failures:
        logger.warning(line)
        print(line, file=err)
    return EXIT_EXPECTATION_FAILED if failures else EXIT_OK


@contextmanager
def _stop_on_sigint(control: RunControl) -> Iterator[None]:
    """While training, the first Ctrl+C asks the run to stop; a second aborts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop_run(signum: int, frame: object) -> None:
        control.stop()
        # The run ends within a batch; if it does not, a second Ctrl+C raises KeyboardInterrupt.
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, stop_run)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
