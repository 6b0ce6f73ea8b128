"""Headless progress: run events shown as a rich bar (terminal) or plain lines (CI, pipes).

Both views take the runner's events (:mod:`nntui.training.events`) and never
train. :func:`make_progress` picks the view for a stream: a rich progress bar
when it is an interactive terminal, otherwise plain lines without escape
codes, one every ~10 % of the run plus the last epoch. The final summary
(:func:`format_summary`) reads the run's :class:`~nntui.training.record.RunRecord`.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Iterator
from typing import Any, Protocol, TextIO

from nntui.training.events import EpochEnded, RunEvent, RunFailed, RunFinished, RunStarted
from nntui.training.formatting import format_eta, format_metric
from nntui.training.measurements import ClassQuality
from nntui.training.record import RunRecord


class ProgressView(Protocol):
    """Something that shows run events; ``close`` releases the terminal."""

    def __call__(self, event: RunEvent) -> None:
        """Show one event."""

    def close(self) -> None:
        """Finish drawing (idempotent)."""


def make_progress(stream: TextIO, *, quiet: bool = False, tty: bool | None = None) -> ProgressView:
    """Choose how to show progress on ``stream``.

    Args:
        stream: where progress goes (normally ``sys.stdout``).
        quiet: show nothing during the run (the caller prints the summary).
        tty: force the terminal (``True``) or plain-line (``False``) view;
            ``None`` asks the stream and ``TERM``.

    Returns:
        A callable taking run events, with a ``close()`` method.
    """
    if quiet:
        return SilentProgress(stream)
    if tty is None:
        tty = _is_interactive(stream)
    return RichProgress(stream) if tty else PlainProgress(stream)


def _is_interactive(stream: TextIO) -> bool:
    # CI=true (GitHub Actions, GitLab, …) means plain lines even on a TTY.
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def wrap_phrases(phrases: list[str], width: int, separator: str = " · ") -> str:
    """Join ``phrases`` with ``separator``, breaking lines between phrases to fit ``width``.

    Continuation lines are indented by two spaces; a phrase is never split.
    """
    lines: list[str] = []
    line = ""
    for phrase in phrases:
        candidate = f"{line}{separator}{phrase}" if line else phrase
        if line and len(candidate) > width:
            lines.append(line + separator.rstrip())
            line = f"  {phrase}"
        else:
            line = candidate
    lines.append(line)
    return "\n".join(lines)


def _terminal_width(stream: TextIO) -> int | None:
    """The terminal's width when ``stream`` is one (lines there must not wrap), else ``None``."""
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return None
    return shutil.get_terminal_size((80, 24)).columns


def report_every(epochs: int) -> int:
    """The epoch interval of plain progress lines: about a tenth of the run."""
    return max(1, math.ceil(epochs / 10))


def should_report(epoch: int, epochs: int) -> bool:
    """Whether the plain view prints ``epoch``: every ~10 % of the run, and the last."""
    return epoch == epochs or epoch % report_every(epochs) == 0


def format_metrics(event: EpochEnded) -> str:
    """The epoch's metrics under their Keras history names, e.g. ``loss 0.5123  accuracy 0.81``,
    then the learning rate (``lr 0.01``)."""
    pairs = (
        ("loss", event.loss),
        (event.metric, event.score),
        ("val_loss", event.val_loss),
        (f"val_{event.metric}", event.val_score),
    )
    text = "  ".join(f"{name} {format_metric(value)}" for name, value in pairs if value is not None)
    return f"{text}  lr {event.learning_rate:.3g}"


def format_epoch_line(event: EpochEnded) -> str:
    """One plain progress line, e.g. ``epoch  10/100  loss 0.5123  accuracy 0.8120 ...``."""
    width = len(str(event.epochs))
    return f"epoch {event.epoch:>{width}}/{event.epochs}  {format_metrics(event)}"


def format_header(event: RunStarted, width: int | None = None) -> str:
    """The line shown before training: task, architecture, parameters, loss, optimizer,
    data and seed, e.g. ``classification: 4 → 16 → 3 · 131 params · loss cross_entropy ·
    adam(lr=0.01, β1=0.9, β2=0.999) · 100 epochs · iris 120 train / 30 test · seed 42``.
    """
    architecture = " → ".join(str(size) for size in event.layer_sizes)
    data = event.data
    source = "" if data.source == "synthetic" else f"{data.source} "
    parts = [
        f"{event.task}: {architecture}",
        f"{event.parameter_count:,} params",
        f"loss {event.loss}",
        event.optimizer,
    ]
    if event.lr_schedule != "constant":
        parts.append(f"lr schedule {event.lr_schedule}")
    if event.early_stopping is not None:
        parts.append(f"early stopping on {event.early_stopping}")
    validation = f"{data.n_validation} validation" if data.n_validation else "no validation"
    parts += [
        f"{event.epochs} epochs",
        f"{source}{data.n_train} train / {validation} / {data.n_test} test",
        f"seed {event.seed}",
    ]
    return " · ".join(parts) if width is None else wrap_phrases(parts, width)


def format_warnings(event: RunStarted) -> list[str]:
    """One ``warning: …`` line per thing worth a look in the data (e.g. a constant column)."""
    return [f"warning: {line}" for line in event.data.warnings]


def format_summary(record: RunRecord, results_path: str | os.PathLike[str] | None) -> str:
    """The final summary: status, test metrics (named as such), time and throughput, results path.

    The test set is scored once, after training: ``completed · 30/30 epochs ·
    test (30 rows): loss 0.1234 accuracy 0.9667 · 1.20 s · 25,000 samples/s``.

    Args:
        record: the run, ended.
        results_path: where its results were written, or ``None``.

    Returns:
        One to three lines (no trailing newline): the summary, why an
        early-stopped run stopped or the epoch a diverged run exploded in (see
        :func:`format_explosion`), and where the results were written.
    """
    status: str = record.status or "completed"
    parts = [status]
    epochs_planned = record.epochs
    done = record.epochs_done
    parts.append(f"{done}/{epochs_planned} epochs" if epochs_planned else f"{done} epochs")
    results = record.results or {}
    if results.get("test"):  # a diverged or failed run has no test metrics
        label = "R²" if record.metric == "r2" else "accuracy"
        rows = record.started.data.n_test if record.started is not None else None
        where = f"test ({rows} rows)" if rows is not None else "test"
        parts.append(
            f"{where}: loss {_number(record.test_metric('loss'))}, "
            f"{label} {_number(record.test_metric(record.metric))}"
        )
    wall_time = results.get("wall_time_s")
    if wall_time is not None:
        parts.append(f"{wall_time:.2f} s")
    samples_per_s = results.get("samples_per_s")
    if samples_per_s is not None:
        parts.append(f"{samples_per_s:,.0f} samples/s")
    summary = " · ".join(parts)
    if status == "early_stopped" and record.stop_message:
        summary += f"\n{record.stop_message}"
    exploded = format_explosion(record)
    if exploded is not None:
        summary += f"\n{exploded}"
    if results_path is not None:
        summary += f"\nresults written to {os.fspath(results_path)}"
    return summary


def format_explosion(record: RunRecord) -> str | None:
    """A diverged run's exploding epoch in one line: its loss and gradient norm per layer.

    ``epoch 6 exploded: loss nan · gradient norms dense_1 inf, dense_2 3.200e+05,
    dense_3 nan`` (the numbers of no ``EpochEnded``: the run ended in that epoch).
    ``None`` for a run that did not diverge.
    """
    explosion = record.explosion
    if explosion is None:
        return None
    line = f"epoch {explosion.epoch} exploded: loss {format_metric(explosion.loss)}"
    if explosion.quantity != "loss":
        line += f" · {explosion.quantity} {format_metric(explosion.value)}"
    names = [layer.name for layer in record.layers]
    if len(names) != len(explosion.grad_norms):
        names = [f"dense_{index}" for index in range(1, len(explosion.grad_norms) + 1)]
    norms = ", ".join(
        f"{name} {format_metric(norm)}"
        for name, norm in zip(names, explosion.grad_norms, strict=True)
    )
    return f"{line} · gradient norms {norms}" if norms else line


MAX_MATRIX_CLASSES = 12
"""Above this many classes the summary gives the scores, not the whole matrix."""


def format_confusion(quality: ClassQuality) -> str:
    """The confusion matrix as text: rows are true classes, columns predicted ones.

    Each row ends with the class's recall, a last line holds each column's
    precision and the macro F1; "–" where a score is undefined::

        confusion matrix (test rows; row = true class, column = predicted):
                   setosa versicolor virginica  recall
        setosa         10          0         0   1.000
        ...
        precision   1.000      0.900     0.900  macro F1 0.933

    Past :data:`MAX_MATRIX_CLASSES` classes only the lowest-F1 classes are named.
    """
    names = [name[:10] for name in quality.classes]
    title = f"confusion matrix ({quality.split} rows; row = true class, column = predicted):"
    macro = f"macro F1 {_score(quality.macro_f1)}"
    if len(names) > MAX_MATRIX_CLASSES:
        worst = sorted(quality.scores, key=lambda score: -1.0 if score.f1 is None else score.f1)
        listed = ", ".join(f"{score.name} {_score(score.f1)}" for score in worst[:5])
        return f"{len(names)} classes · {macro} · lowest F1: {listed}"
    width = max(7, *(len(name) for name in names))
    label = max(9, *(len(name) for name in names))
    lines = [title, " " * label + "".join(f" {name:>{width}}" for name in names) + "  recall"]
    for name, row, score in zip(names, quality.matrix, quality.scores, strict=True):
        counts = "".join(f" {count:>{width}}" for count in row)
        lines.append(f"{name:<{label}}{counts}  {_score(score.recall):>6}")
    precision = "".join(f" {_score(score.precision):>{width}}" for score in quality.scores)
    lines.append(f"{'precision':<{label}}{precision}  {macro}")
    return "\n".join(lines)


def finished_confusion(event: RunFinished) -> str | None:
    """The test confusion matrix of a finished classification run, as text (else ``None``).

    The progress views print it after the last epoch, before the summary
    (``--quiet`` leaves it out).
    """
    block = event.results.get("classification")
    quality = ClassQuality.from_dict(block) if isinstance(block, dict) else None
    return None if quality is None else format_confusion(quality)


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _eta_s(event: EpochEnded) -> float | None:
    """Seconds left at the pace so far (the clock stops while paused)."""
    if event.epoch <= 0 or event.elapsed_s <= 0:
        return None
    return max(event.epochs - event.epoch, 0) * event.elapsed_s / event.epoch


def _number(value: float | None) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return format_metric(value)


class SilentProgress:
    """Shows no progress (``--quiet``): only the data's warnings, which a quiet run still needs."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def __call__(self, event: RunEvent) -> None:
        """Print the data's warnings; ignore everything else."""
        if isinstance(event, RunStarted) and self._stream is not None:
            for line in format_warnings(event):
                print(line, file=self._stream, flush=True)

    def close(self) -> None:
        """Nothing to release."""


class PlainProgress:
    """Plain lines for logs and pipes: a header, then every ~10 % of the run and the last epoch."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def __call__(self, event: RunEvent) -> None:
        """Print the header or an epoch line when one is due."""
        if isinstance(event, RunStarted):
            self._print(format_header(event, width=_terminal_width(self._stream)))
            for line in format_warnings(event):
                self._print(line)
        elif isinstance(event, EpochEnded) and should_report(event.epoch, event.epochs):
            self._print(format_epoch_line(event))
        elif isinstance(event, RunFinished):
            matrix = finished_confusion(event)
            if matrix is not None:
                self._print(matrix)

    def close(self) -> None:
        """Nothing to release."""

    def _print(self, line: str) -> None:
        # Flushed so a reader of the pipe (a CI log, a test) sees each line at once.
        print(line, file=self._stream, flush=True)


class RichProgress:
    """A live rich progress bar: epoch n/N, bar and ETA, with the epoch's metrics under it."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console  # imported here: the plain view never needs rich

        self._console = Console(file=stream, highlight=False)
        self._progress: Any = None
        self._task: Any = None

    def __call__(self, event: RunEvent) -> None:
        """Start the bar on ``RunStarted``, advance it per epoch, stop it at the end."""
        if isinstance(event, RunStarted):
            header = format_header(event, width=self._console.width)
            self._console.print(header, markup=False, soft_wrap=True)
            for line in format_warnings(event):
                self._console.print(line, markup=False, style="yellow")
            self._start(event.epochs)
        elif isinstance(event, EpochEnded) and self._progress is not None:
            width = len(str(event.epochs))
            self._progress.update(
                self._task,
                completed=event.epoch,
                epoch_text=f"epoch {event.epoch:>{width}}/{event.epochs}",
                metrics=format_metrics(event),
                eta=format_eta(_eta_s(event)),
            )
        elif isinstance(event, (RunFinished, RunFailed)):
            self.close()
            matrix = finished_confusion(event) if isinstance(event, RunFinished) else None
            if matrix is not None:
                self._console.print(matrix, markup=False, soft_wrap=True)

    def close(self) -> None:
        """Stop the live display, leaving the last frame on screen."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def _start(self, epochs: int) -> None:
        from rich.progress import BarColumn, Progress, TextColumn
        from rich.text import Text

        class EpochProgress(Progress):
            """The bar on one line, the metrics under it: both fit an 80-column terminal."""

            def get_renderables(self) -> Iterator[Any]:
                yield self.make_tasks_table(self.tasks)
                for task in self.tasks:
                    yield Text(task.fields.get("metrics", ""), overflow="ellipsis", no_wrap=True)

        self._progress = EpochProgress(
            TextColumn("{task.fields[epoch_text]}"),
            BarColumn(),
            TextColumn("ETA {task.fields[eta]}"),
            console=self._console,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        width = len(str(epochs))
        self._task = self._progress.add_task(
            "train", total=epochs, epoch_text=f"epoch {0:>{width}}/{epochs}", metrics="", eta="–"
        )
        self._progress.start()
