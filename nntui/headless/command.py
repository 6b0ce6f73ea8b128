"""The headless face: train one run in the terminal or CI, write results, gate on expectations.

No Textual here (nor anywhere this module imports): ``nntui --headless`` must
start fast and work where Textual cannot draw.

The run's events are folded into one :class:`~nntui.training.record.RunRecord`
as they arrive; the progress view shows the events, and the JSONL stream, the
results file and the final summary read the record. Exit codes: see
:mod:`nntui.exit_codes`.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from nntui.datasets import DataSourceError
from nntui.exit_codes import ExitCode
from nntui.files import output_path_problem
from nntui.headless.expectations import Expectation, failed_expectations
from nntui.headless.metrics_stream import STDOUT, MetricsStream
from nntui.headless.progress import format_summary, make_progress
from nntui.logs import setup_logging
from nntui.training.control import RunControl
from nntui.training.events import RunEvent
from nntui.training.record import RunRecord
from nntui.training.results import flat_metrics, write_results
from nntui.training.runner import NetworkRunner, SaveModelError

if TYPE_CHECKING:
    from nntui.config import Config

__all__ = ["EventFanout", "run_headless"]

PathArg = str | os.PathLike[str]


class EventFanout:
    """Fold each event into ``record``, then hand it to every listener (in order).

    Args:
        record: the run's record; listeners may read it (it already holds the event).
    """

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        self.listeners: list[Callable[[RunEvent], None]] = []

    def __call__(self, event: RunEvent) -> None:
        """Apply ``event`` to the record, then pass it on."""
        self.record.apply(event)
        for listener in self.listeners:
            listener(event)


def run_headless(
    config: Config,
    *,
    output: PathArg | None = None,
    quiet: bool = False,
    expectations: Sequence[Expectation] = (),
    save_model: PathArg | None = None,
    metrics_jsonl: PathArg | None = None,
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
        config: the validated config (overrides applied, task resolved).
        output: where to write the results JSON, or ``None``.
        quiet: print only the final summary and errors.
        expectations: checked against the results of a completed run.
        save_model: where to save the trained model (``.npz``), or ``None``.
        metrics_jsonl: a file for the JSON-lines stream, ``"-"`` for stdout, or ``None``.
        stdout: progress and summary stream (default ``sys.stdout``).
        stderr: error stream (default ``sys.stderr``).

    Returns:
        The process exit code (see :mod:`nntui.exit_codes`).
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    jsonl_to_stdout = metrics_jsonl is not None and os.fspath(metrics_jsonl) == STDOUT
    human = err if jsonl_to_stdout else out
    problem = _output_problem(output, save_model, None if jsonl_to_stdout else metrics_jsonl)
    if problem is not None:
        print(f"error: {problem}", file=err)
        return ExitCode.USAGE
    logger = _open_log(config, err)
    if logger is None:
        return ExitCode.USAGE
    fanout = EventFanout(RunRecord(config=config))
    runner = NetworkRunner(config, on_event=fanout, control=RunControl(), logger=logger)
    code = _prepare(runner, logger, err)
    if code is not None:
        return code
    if metrics_jsonl is not None:
        try:
            fanout.listeners.append(MetricsStream.open(metrics_jsonl, out, fanout.record))
        except OSError as exc:
            print(f"error: --metrics-jsonl {os.fspath(metrics_jsonl)}: {exc}", file=err)
            return ExitCode.USAGE
    code = _train(runner, fanout, human, quiet=quiet, logger=logger, err=err)
    if code is not None:
        return code
    code = _report(fanout.record, output, expectations, logger, human, err)
    if save_model is not None:
        code = _save(runner, fanout.record, save_model, code, human, err)
    return code


def _open_log(config: Config, err: TextIO) -> logging.Logger | None:
    """The run's logger, or ``None`` (after saying why) when its file cannot be opened."""
    try:
        return setup_logging(config.logging)
    except (OSError, ValueError) as exc:
        print(f"error: logging.file: {exc}", file=err)
        return None


def _output_problem(
    output: PathArg | None, save_model: PathArg | None, metrics_jsonl: PathArg | None
) -> str | None:
    """Why an output path given on the command line cannot be written, or ``None``."""
    for path, flag in (
        (output, "--output"),
        (save_model, "--save-model"),
        (metrics_jsonl, "--metrics-jsonl"),
    ):
        if path is not None and (problem := output_path_problem(path, flag)) is not None:
            return problem
    return None


def _prepare(runner: NetworkRunner, logger: logging.Logger, err: TextIO) -> int | None:
    """Build the data and network: bad data is a usage error, reported before any training."""
    try:
        runner.prepare()
    except DataSourceError as exc:
        logger.error("data error: %s", exc)
        print(f"error: {exc}", file=err)
        return ExitCode.USAGE
    except Exception as exc:  # a bug guard: a message, never a traceback
        logger.exception("preparing the run failed")
        print(f"error: cannot prepare the run: {type(exc).__name__}: {exc}", file=err)
        return ExitCode.RUN_FAILED
    return None


def _train(
    runner: NetworkRunner,
    fanout: EventFanout,
    human: TextIO,
    *,
    quiet: bool,
    logger: logging.Logger,
    err: TextIO,
) -> int | None:
    """Run the training with progress (and the JSONL stream); ``None`` when it ran to its end."""
    streams = [listener for listener in fanout.listeners if isinstance(listener, MetricsStream)]
    progress = make_progress(human, quiet=quiet)
    fanout.listeners.append(progress)
    try:
        with _stop_on_sigint(runner.control):
            runner.run()
    except Exception as exc:  # the runner reports its own failures; this is a bug guard
        logger.exception("headless run crashed")
        print(f"error: the run crashed: {type(exc).__name__}: {exc}", file=err)
        return ExitCode.RUN_FAILED
    finally:
        progress.close()
    for stream in streams:
        stream.write_result()
        stream.close()
        if stream.error is not None:
            print(f"warning: --metrics-jsonl: writing stopped: {stream.error}", file=err)
    return None


def _report(
    record: RunRecord,
    output: PathArg | None,
    expectations: Sequence[Expectation],
    logger: logging.Logger,
    out: TextIO,
    err: TextIO,
) -> int:
    results = record.results or {}
    written: Path | None = None
    if output is not None:
        try:
            written = write_results(results, output)
        except OSError as exc:
            print(f"error: cannot write results to {os.fspath(output)}: {exc}", file=err)
            return ExitCode.RUN_FAILED
    print(format_summary(record, written), file=out, flush=True)

    status = record.status
    if status == "interrupted":
        print("interrupted: the run was stopped by Ctrl+C", file=err)
        return ExitCode.INTERRUPTED
    if not record.phase.succeeded:
        print(f"error: {record.reason or f'the run ended with status {status!r}'}", file=err)
        return ExitCode.RUN_FAILED

    failures = failed_expectations(expectations, flat_metrics(results))
    for line in failures:
        logger.warning(line)
        print(line, file=err)
    return ExitCode.EXPECTATION_FAILED if failures else ExitCode.OK


def _save(
    runner: NetworkRunner, record: RunRecord, path: PathArg, code: int, human: TextIO, err: TextIO
) -> int:
    """Save the model after the run; a failed save turns a success into exit 1."""
    if record.status == "error":
        print(f"error: --save-model {os.fspath(path)}: not saved: the run failed", file=err)
        return code
    try:
        written = runner.save_model(path)
    except SaveModelError as exc:
        print(f"error: --save-model {os.fspath(path)}: {exc}", file=err)
    except OSError as exc:
        print(f"error: cannot save the model to {os.fspath(path)}: {exc}", file=err)
    else:
        print(f"model saved to {os.fspath(written)}", file=human, flush=True)
        return code
    return ExitCode.RUN_FAILED if code == ExitCode.OK else code


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
