"""The headless face: train one run in the terminal or CI, write results, gate on expectations.

No Textual here (nor anywhere this module imports): ``nntui --headless`` must
start fast and work where Textual cannot draw.

Exit codes: 0 success (completed or early-stopped), 1 the run failed
(diverged or error), 2 usage, config or data error, 3 an expectation failed,
130 interrupted by Ctrl+C.
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

from nntui.config import ConfigError
from nntui.expectations import Expectation, failed_expectations
from nntui.logs import setup_logging
from nntui.metrics_stream import STDOUT, MetricsStream
from nntui.nn.tabular import DataSourceError
from nntui.output_paths import output_path_problem
from nntui.progress import format_summary, make_progress
from nntui.training.control import RunControl
from nntui.training.events import RunEvent, RunFailed
from nntui.training.results import flat_metrics, write_results
from nntui.training.runner import NetworkRunner, SaveModelError

__all__ = ["output_path_problem", "run_headless"]

EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_USAGE = 2
EXIT_EXPECTATION_FAILED = 3
EXIT_INTERRUPTED = 130

SUCCESSFUL_STATUSES = ("completed", "early_stopped")


def run_headless(
    config: Mapping[str, Any],
    task: str,
    *,
    output: str | os.PathLike[str] | None = None,
    quiet: bool = False,
    expectations: Sequence[Expectation] = (),
    save_model: str | os.PathLike[str] | None = None,
    metrics_jsonl: str | os.PathLike[str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Train one run without a UI and report it.

    Progress goes to ``stdout`` (a rich bar on a terminal, plain lines
    otherwise, nothing with ``quiet``), then a one-line summary; problems go
    to ``stderr``. With ``metrics_jsonl="-"`` stdout carries only the JSON
    lines and the progress and summary go to ``stderr``. Ctrl+C (from the main
    thread) stops the run within a batch; the results so far are written with
    ``"status": "interrupted"``.

    Args:
        config: a validated config (``load_config(...).data``, overrides applied).
        task: ``"classification"`` or ``"regression"`` (``nntui.config.resolve_task``).
        output: where to write the results JSON, or ``None``.
        quiet: print only the final summary and errors.
        expectations: checked against the results of a completed run.
        save_model: where to save the trained model (``.npz``), or ``None``.
        metrics_jsonl: a file for the JSON-lines stream, ``"-"`` for stdout, or ``None``.
        stdout: progress and summary stream (default ``sys.stdout``).
        stderr: error stream (default ``sys.stderr``).

    Returns:
        The process exit code (see the module docstring).
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    jsonl_to_stdout = metrics_jsonl is not None and os.fspath(metrics_jsonl) == STDOUT
    human = err if jsonl_to_stdout else out

    for path, flag in ((output, "--output"), (save_model, "--save-model")):
        if path is not None and (problem := output_path_problem(path, flag)) is not None:
            print(f"error: {problem}", file=err)
            return EXIT_USAGE
    if metrics_jsonl is not None and not jsonl_to_stdout:
        problem = output_path_problem(metrics_jsonl, "--metrics-jsonl")
        if problem is not None:
            print(f"error: {problem}", file=err)
            return EXIT_USAGE
    try:
        logger = setup_logging(config["logging"]["level"], config["logging"]["file"])
    except OSError as exc:
        print(f"error: logging.file: {exc}", file=err)
        return EXIT_USAGE

    control = RunControl()
    failures: list[RunFailed] = []
    listeners: list[Any] = []

    def on_event(event: RunEvent) -> None:
        if isinstance(event, RunFailed):
            failures.append(event)
        for listener in listeners:
            listener(event)

    runner = NetworkRunner(config, task, on_event=on_event, control=control, logger=logger)
    try:
        runner.prepare()  # bad data is a usage error, reported before any training
    except ConfigError as exc:
        print(str(exc), file=err)
        return EXIT_USAGE
    except DataSourceError as exc:
        logger.error("data error: %s", exc)
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    except Exception as exc:  # a bug guard: a message, never a traceback
        logger.exception("preparing the run failed")
        print(f"error: cannot prepare the run: {type(exc).__name__}: {exc}", file=err)
        return EXIT_RUN_FAILED

    stream: MetricsStream | None = None
    if metrics_jsonl is not None:
        try:
            stream = MetricsStream.open(metrics_jsonl, out)
        except OSError as exc:
            print(f"error: --metrics-jsonl {os.fspath(metrics_jsonl)}: {exc}", file=err)
            return EXIT_USAGE
        listeners.append(stream)
    progress = make_progress(human, quiet=quiet)
    listeners.append(progress)
    try:
        with _stop_on_sigint(control):
            results = runner.run()
    except Exception as exc:  # the runner reports its own failures; this is a bug guard
        logger.exception("headless run crashed")
        print(f"error: the run crashed: {type(exc).__name__}: {exc}", file=err)
        return EXIT_RUN_FAILED
    finally:
        progress.close()

    if stream is not None:
        stream.write_result(results)
        stream.close()
        if stream.error is not None:
            print(f"warning: --metrics-jsonl: writing stopped: {stream.error}", file=err)

    reason = failures[-1].reason if failures else None
    code = _report(results, reason, output, expectations, logger, human, err)
    if save_model is None:
        return code
    if results.get("status") == "error":
        print(f"error: --save-model {os.fspath(save_model)}: not saved: the run failed", file=err)
    elif not _save_model(runner, save_model, human, err) and code == EXIT_OK:
        code = EXIT_RUN_FAILED
    return code


def _save_model(
    runner: NetworkRunner, path: str | os.PathLike[str], human: TextIO, err: TextIO
) -> bool:
    try:
        written = runner.save_model(path)
    except SaveModelError as exc:
        print(f"error: --save-model {os.fspath(path)}: {exc}", file=err)
        return False
    except OSError as exc:
        print(f"error: cannot save the model to {os.fspath(path)}: {exc}", file=err)
        return False
    print(f"model saved to {os.fspath(written)}", file=human, flush=True)
    return True


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
    if failure_reason is not None or status not in SUCCESSFUL_STATUSES:
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
