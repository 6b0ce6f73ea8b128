"""The headless face: train one run in the terminal or CI, write results, gate on expectations.

No Textual here (nor anywhere this module imports): ``nntui --headless`` must
start fast and work where Textual cannot draw.

The run's events are folded into one :class:`~nntui.training.record.RunRecord`
as they arrive; the progress view shows the events, and the JSONL stream, the
results file and the final summary read the record. Exit codes: see
:mod:`nntui.exit_codes`.

Files are never lost or clobbered: every output is checked before training
(:func:`nntui.files.output_problems`: not a folder, a device or an input, not
the same file as another output), missing folders are created with a note,
and after the run each output is attempted even when another fails (a full
disk, a closed stdout): each failure is one line naming the path, and exit 2.
SIGTERM stops the run as Ctrl+C does (exit 143 instead of 130).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from nntui.console import discard_stdout
from nntui.datasets import DataSourceError
from nntui.exit_codes import ExitCode
from nntui.files import InputFile, OutputTarget, create_output_folders, output_problems
from nntui.headless.expectations import Expectation, failed_expectations
from nntui.headless.metrics_stream import STDOUT, MetricsStream
from nntui.headless.progress import format_summary, make_progress
from nntui.headless.stop_signals import StopSignals, exit_code_for, signal_name
from nntui.logs import start_logging
from nntui.runs.recorder import start_recording
from nntui.training.control import RunControl
from nntui.training.distributions import DistributionsHook
from nntui.training.events import RunEvent
from nntui.training.hooks import EpochHook
from nntui.training.on_demand import Demand
from nntui.training.record import RunRecord
from nntui.training.results import flat_metrics, write_results
from nntui.training.runner import NetworkRunner, SaveModelError

if TYPE_CHECKING:
    from nntui.config import Config
    from nntui.runs.resume import ResumePlan

__all__ = ["EventFanout", "Terminal", "data_inputs", "run_headless"]

PathArg = str | os.PathLike[str]


class EventFanout:
    """Fold each event into ``record``, then hand it to every listener (in order).

    A listener that fails to write (a closed stdout, a full disk) is dropped
    and its error kept in :attr:`failures`; the run and the other listeners
    go on.

    Args:
        record: the run's record; listeners may read it (it already holds the event).
    """

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        self.listeners: list[Callable[[RunEvent], None]] = []
        self.failures: list[OSError] = []

    def __call__(self, event: RunEvent) -> None:
        """Apply ``event`` to the record, then pass it on."""
        self.record.apply(event)
        for listener in list(self.listeners):
            try:
                listener(event)
            except OSError as error:
                self.listeners.remove(listener)
                self.failures.append(error)


class Terminal:
    """Lines for a person (progress stream) and for problems (stderr) that never raise.

    When a stream's reader has gone (``| head -1``), later lines to it are
    dropped; a closed ``sys.stdout`` is pointed at the null device so Python's
    flush at exit stays quiet.

    Args:
        human: where progress, notes and the summary go.
        err: where problems go.
    """

    def __init__(self, human: TextIO, err: TextIO) -> None:
        self.human = human
        self.err = err
        self.lost: list[TextIO] = []

    def say(self, text: str) -> None:
        """Print a line for the person watching."""
        self._write(self.human, text)

    def error(self, text: str) -> None:
        """Print a problem line."""
        self._write(self.err, text)

    def lose(self, stream: TextIO) -> None:
        """Note that ``stream``'s reader has gone; write nothing more to it."""
        if stream not in self.lost:
            self.lost.append(stream)
        if stream is sys.stdout or stream is sys.__stdout__:
            discard_stdout()

    def _write(self, stream: TextIO, text: str) -> None:
        if stream in self.lost:
            return
        try:
            print(text, file=stream, flush=True)
        except OSError:
            self.lose(stream)


def data_inputs(config: Config) -> list[InputFile]:
    """The files a run reads besides its config: ``data.path`` for a csv source."""
    if config.data.source == "csv" and config.data.path:
        return [InputFile("data.path", os.path.expanduser(config.data.path))]
    return []


def run_headless(
    config: Config,
    *,
    output: PathArg | None = None,
    quiet: bool = False,
    expectations: Sequence[Expectation] = (),
    save_model: PathArg | None = None,
    metrics_jsonl: PathArg | None = None,
    inputs: Sequence[InputFile] = (),
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    resume: ResumePlan | None = None,
) -> int:
    """Train one run without a UI and report it.

    Progress goes to ``stdout`` (a rich bar on a terminal, plain lines
    otherwise, nothing with ``quiet``), then a one-line summary; problems go
    to ``stderr``. With ``metrics_jsonl="-"`` stdout carries only the JSON
    lines and the progress and summary go to ``stderr``. Ctrl+C or SIGTERM
    (from the main thread) stops the run within a batch; the results so far
    are written with ``"status": "interrupted"`` (exit 130 or 143).

    Args:
        config: the validated config (overrides applied, task resolved).
        output: where to write the results JSON, or ``None``.
        quiet: print only the final summary and errors.
        expectations: checked against the results of a completed run.
        save_model: where to save the trained model (``.npz``), or ``None``.
        metrics_jsonl: a file for the JSON-lines stream, ``"-"`` for stdout, or ``None``.
        inputs: files the outputs must not replace (the config file); ``data.path``
            is added for a csv source.
        stdout: progress and summary stream (default ``sys.stdout``).
        stderr: error stream (default ``sys.stderr``).
        resume: continue a recorded run (``--resume``) instead of starting afresh.

    The run is recorded in ``config.logging.runs_dir`` (see :mod:`nntui.runs`)
    unless that is ``None``.

    Returns:
        The process exit code (see :mod:`nntui.exit_codes`).
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    jsonl_to_stdout = metrics_jsonl is not None and os.fspath(metrics_jsonl) == STDOUT
    terminal = Terminal(err if jsonl_to_stdout else out, err)
    targets = _targets(output, save_model, metrics_jsonl)
    if not _outputs_ready(targets, [*inputs, *data_inputs(config)], terminal):
        return ExitCode.USAGE
    logger = start_logging(config.logging, terminal.error)
    fanout = EventFanout(RunRecord(config=config))
    runner = NetworkRunner(
        config,
        on_event=fanout,
        control=RunControl(),
        logger=logger,
        hooks=_stream_hooks(metrics_jsonl, fanout),
        resume=None if resume is None else resume.resume,
    )
    with StopSignals(runner.control) as signals:
        code = _prepare(runner, logger, terminal)
        if code is not None:
            return code
        stream = _open_stream(metrics_jsonl, out, fanout, terminal)
        if metrics_jsonl is not None and stream is None:
            return ExitCode.USAGE
        parent = None if resume is None else resume.parent.id
        start_recording(runner, config.logging.runs_dir, resumed_from=parent, warn=terminal.error)
        code = _train(runner, fanout, terminal, quiet=quiet, logger=logger)
        if code is not None:
            return code
        failures = _write_outputs(runner, fanout.record, stream, output, save_model, terminal)
    return _finish(fanout, signals.received, failures, expectations, logger, terminal)


def _stream_hooks(metrics_jsonl: PathArg | None, fanout: EventFanout) -> list[EpochHook]:
    """With ``--metrics-jsonl``, the per-layer distributions of every epoch join the stream."""
    return [] if metrics_jsonl is None else [DistributionsHook(Demand(enabled=True), fanout)]


def _targets(
    output: PathArg | None, save_model: PathArg | None, metrics_jsonl: PathArg | None
) -> list[OutputTarget]:
    targets = [
        OutputTarget(flag, path)
        for flag, path in (("--output", output), ("--save-model", save_model))
        if path is not None
    ]
    if metrics_jsonl is not None:
        targets.append(OutputTarget("--metrics-jsonl", metrics_jsonl, streamed=True))
    return targets


def _outputs_ready(
    targets: Sequence[OutputTarget], inputs: Sequence[InputFile], terminal: Terminal
) -> bool:
    """Check every output before training and create the folders they need (saying so)."""
    problems = output_problems(targets, inputs)
    for problem in problems:
        terminal.error(f"error: {problem}")
    if problems:
        return False
    try:
        notes = create_output_folders(targets)
    except OSError as error:
        terminal.error(f"error: {error.strerror or error}")
        return False
    for note in notes:
        terminal.say(note)
    return True


def _prepare(runner: NetworkRunner, logger: logging.Logger, terminal: Terminal) -> int | None:
    """Build the data and network: bad data is a usage error, reported before any training."""
    try:
        runner.prepare()
    except DataSourceError as exc:
        logger.error("data error: %s", exc)
        terminal.error(f"error: {exc}")
        return ExitCode.USAGE
    except Exception as exc:  # a bug guard: a message, never a traceback
        logger.exception("preparing the run failed")
        terminal.error(f"error: cannot prepare the run: {type(exc).__name__}: {exc}")
        return ExitCode.RUN_FAILED
    return None


def _open_stream(
    target: PathArg | None, stdout: TextIO, fanout: EventFanout, terminal: Terminal
) -> MetricsStream | None:
    """Open ``--metrics-jsonl`` and listen with it; ``None`` (after saying why) when it fails."""
    if target is None:
        return None
    try:
        stream = MetricsStream.open(target, stdout, fanout.record)
        stream.with_distributions = True  # measured by the hook of _stream_hooks
    except OSError as exc:
        terminal.error(f"error: --metrics-jsonl {os.fspath(target)}: {exc.strerror or exc}")
        return None
    fanout.listeners.append(stream)
    return stream


def _train(
    runner: NetworkRunner,
    fanout: EventFanout,
    terminal: Terminal,
    *,
    quiet: bool,
    logger: logging.Logger,
) -> int | None:
    """Run the training with progress (and the JSONL stream); ``None`` when it ran to its end."""
    progress = make_progress(terminal.human, quiet=quiet)
    fanout.listeners.append(progress)
    try:
        runner.run()
    except Exception as exc:  # the runner reports its own failures; this is a bug guard
        logger.exception("headless run crashed")
        terminal.error(f"error: the run crashed: {type(exc).__name__}: {exc}")
        return ExitCode.RUN_FAILED
    finally:
        try:
            progress.close()
        except OSError as error:
            fanout.failures.append(error)
    if fanout.failures:
        terminal.lose(terminal.human)
    return None


def _write_outputs(
    runner: NetworkRunner,
    record: RunRecord,
    stream: MetricsStream | None,
    output: PathArg | None,
    save_model: PathArg | None,
    terminal: Terminal,
) -> list[str]:
    """Write every output, each even when another fails; the failures, one line each."""
    failures: list[str] = []
    if stream is not None:
        stream.write_result()
        stream.close()
        if stream.error is not None:
            failures.append(stream.describe_error())
            if stream.to_stdout:
                terminal.lose(stream.stream)
    written: Path | None = None
    if output is not None:
        try:
            written = write_results(record.results or {}, output)
        except OSError as exc:
            failures.append(f"--output {os.fspath(output)}: cannot write the results: {_why(exc)}")
    terminal.say(format_summary(record, written))
    if save_model is not None:
        failures += _save(runner, save_model, terminal)
    return failures


def _save(runner: NetworkRunner, path: PathArg, terminal: Terminal) -> list[str]:
    """Save the model after the run; the failure line, if any.

    A run that failed has nothing worth saving (its own error says why); a
    model that cannot be written is an output failure.
    """
    shown = f"--save-model {os.fspath(path)}"
    if runner.status == "error":
        terminal.error(f"error: {shown}: not saved: the run failed")
        return []
    try:
        written = runner.save_model(path)
    except SaveModelError as exc:
        terminal.error(f"error: {shown}: {exc}")
        return []
    except OSError as exc:
        return [f"{shown}: cannot write the model: {_why(exc)}"]
    terminal.say(f"model saved to {os.fspath(written)}")
    return []


def _finish(
    fanout: EventFanout,
    signum: int | None,
    failures: Sequence[str],
    expectations: Sequence[Expectation],
    logger: logging.Logger,
    terminal: Terminal,
) -> int:
    """Report what went wrong and choose the exit code.

    Precedence: a stop signal (130/143), a failed run (1), an output that
    could not be written (2), a failed ``--expect`` (3), else 0.
    """
    record = fanout.record
    for failure in failures:
        logger.error(failure)
        terminal.error(f"error: {failure}")
    if terminal.human in terminal.lost and terminal.human is not terminal.err:
        terminal.error(
            "warning: stdout was closed, so progress and the summary were not shown; "
            "the run went on"
        )
    if record.status == "interrupted":
        terminal.error(f"interrupted: the run was stopped by {signal_name(signum)}")
        return exit_code_for(signum)
    if not record.phase.succeeded:
        terminal.error(f"error: {record.reason or f'the run ended with status {record.status!r}'}")
        return ExitCode.RUN_FAILED
    gates = failed_expectations(expectations, flat_metrics(record.results or {}))
    for line in gates:
        logger.warning(line)
        terminal.error(line)
    if failures:
        return ExitCode.USAGE
    return ExitCode.EXPECTATION_FAILED if gates else ExitCode.OK


def _why(error: OSError) -> str:
    """An OSError's reason, e.g. ``No space left on device``."""
    return error.strerror or str(error)
