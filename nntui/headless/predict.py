"""``nntui predict``: apply a saved model to the rows of a CSV file.

::

    nntui --headless --config iris.yaml --save-model iris.npz
    nntui predict --model iris.npz --input flowers.csv --output predictions.csv

The input needs a header row. Its columns are matched to the model's inputs
by the feature names saved with the model (extra columns, such as the target,
are ignored; order does not matter); a model saved without feature names takes
every column in order. The saved normalisation (the training set's mean and
standard deviation) is applied before the network sees the rows. The output
has one row per input row:

- classification: ``predicted_class`` (the class name) and one probability
  column per class, ``p_<class name>``;
- regression: ``prediction``.

Numbers are written in full precision (Python's shortest exact form), so
reading them back gives exactly what the network computed.

Exit codes: 0 success, 2 a bad model, input file, column or value, or an
output path that cannot be written (one clear message, no traceback).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from nntui.console import discard_stdout
from nntui.datasets.tabular import DataSourceError, read_csv_table
from nntui.exit_codes import ExitCode
from nntui.files import InputFile, OutputTarget, atomic_write_text, output_problems
from nntui.memory import MemoryLimitError, memory_limit, network_bytes, too_big
from nntui.nn.network import NeuralNetwork
from nntui.nn.serialization import ModelFileError


class PredictError(ValueError):
    """The model or input cannot be used; the message names the file and what is wrong."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``nntui predict``."""
    parser = argparse.ArgumentParser(
        prog="nntui predict",
        description="Apply a model saved with --save-model to the rows of a CSV file.",
        epilog="exit codes: 0 success, 2 a bad model, input or output path.",
    )
    parser.add_argument("--model", required=True, metavar="PATH", help="the saved model (.npz)")
    parser.add_argument(
        "--input", required=True, metavar="PATH", help="CSV with a header row and the inputs"
    )
    parser.add_argument(
        "--output", metavar="PATH", help="write the predictions CSV here (default: stdout)"
    )
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run ``nntui predict``.

    Args:
        argv: the arguments after ``predict``; ``sys.argv[2:]`` when ``None``.
        stdout: where predictions go without ``--output`` (default ``sys.stdout``).
        stderr: where problems go (default ``sys.stderr``).

    Returns:
        The exit code: 0 success, 2 bad model, input or output.
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    try:
        args = build_parser().parse_args(sys.argv[2:] if argv is None else argv)
    except SystemExit as exit_request:  # --help or a usage error (already printed)
        return exit_request.code if isinstance(exit_request.code, int) else ExitCode.OK
    if args.output is not None and (problem := _output_problem(args)) is not None:
        print(f"error: {problem}", file=err)
        return ExitCode.USAGE
    try:
        network = load_model(args.model)
        x = read_inputs(args.input, network)
        text = predictions_csv(network, x, source=args.input)
    except (PredictError, ModelFileError, DataSourceError, MemoryLimitError) as error:
        print(f"error: {error}", file=err)
        return ExitCode.USAGE
    if args.output is None:
        return _write_stdout(out, err, text)
    try:
        atomic_write_text(args.output, text)
    except OSError as error:
        print(f"error: cannot write {args.output}: {error.strerror or error}", file=err)
        return ExitCode.USAGE
    print(f"{len(x)} predictions written to {args.output}", file=err)
    return ExitCode.OK


def _output_problem(args: argparse.Namespace) -> str | None:
    """Why ``--output`` cannot be written: a folder, a device, or the model or input file."""
    inputs = [InputFile("--model", args.model), InputFile("--input", args.input)]
    problems = output_problems([OutputTarget("--output", args.output)], inputs)
    return problems[0] if problems else None


def _write_stdout(out: TextIO, err: TextIO, text: str) -> int:
    """Print the predictions; a closed stdout or full disk is one error line and exit 2."""
    try:
        out.write(text)
        out.flush()
    except OSError as error:
        if out is sys.stdout:
            discard_stdout()  # no "Exception ignored ... BrokenPipeError" at exit
        print(f"error: stdout: cannot write the predictions: {error.strerror or error}", file=err)
        return ExitCode.USAGE
    return ExitCode.OK


def load_model(path: str | Path) -> NeuralNetwork:
    """Load a saved model and check that its metadata fits its network.

    Raises:
        ModelFileError: the file is missing, corrupt, truncated or not a model.
        PredictError: the metadata contradicts the network (e.g. wrong sizes).
    """
    network = NeuralNetwork.load(path)
    n_inputs, n_outputs = network.layer_sizes[0], network.layer_sizes[-1]
    metadata = _metadata(network)
    for key in ("feature_names", "class_names"):
        names = metadata.get(key)
        if names is not None and not _is_name_list(names):
            raise PredictError(f"model {path}: its {key} is not a list of names")
    names = metadata.get("feature_names")
    if names is not None and len(names) != n_inputs:
        raise PredictError(
            f"model {path}: names {len(names)} features but the network takes {n_inputs} inputs"
        )
    _check_normalization(metadata.get("normalization"), n_inputs, path)
    _check_finite_weights(network, path)
    _check_memory(network, path)
    classes = metadata.get("class_names")
    if classes is not None and network.is_classification:
        expected = 2 if n_outputs == 1 else n_outputs
        if len(classes) != expected:
            raise PredictError(
                f"model {path}: names {len(classes)} classes but the network predicts {expected}"
            )
    return network


def _check_normalization(normalization: Any, n_inputs: int, path: str | Path) -> None:
    """One finite mean and one positive, finite standard deviation per input."""
    if normalization is None:
        return
    for key in ("mean", "std"):
        values = normalization.get(key) if isinstance(normalization, Mapping) else None
        if (
            not isinstance(values, list)
            or len(values) != n_inputs
            or not all(_is_finite_number(value) for value in values)
        ):
            raise PredictError(
                f"model {path}: its normalization {key} does not have one value per input"
            )
    zero = [index for index, value in enumerate(normalization["std"]) if value <= 0]
    if zero:
        positions = ", ".join(str(index + 1) for index in zero)
        raise PredictError(
            f"model {path}: its normalization std is {normalization['std'][zero[0]]!r} for "
            f"input {positions}; dividing by it would give NaN, so the file is not a model "
            f"nntui saved (nntui stores 1 for a constant column)"
        )


def _check_finite_weights(network: NeuralNetwork, path: str | Path) -> None:
    """Weights or biases that are NaN or infinite would print NaN probabilities as a class."""
    for index, layer in enumerate(network.layers, start=1):
        for name, values in (("weights", layer.weights), ("biases", layer.biases)):
            if not np.isfinite(values).all():
                raise PredictError(
                    f"model {path}: layer dense_{index} has {name} that are NaN or infinite "
                    f"(a diverged run?); retrain it, e.g. with a lower training.learning_rate"
                )


def _check_memory(network: NeuralNetwork, path: str | Path) -> None:
    """A forward pass of the model must fit (a very wide layer needs rows × width numbers).

    The model file's parameters are bounded when it is read; the activations of
    a chunk of input rows are not, so they are checked here, before predicting.
    """
    sizes = list(network.layer_sizes)
    needed = network_bytes(sizes, np.dtype(network.dtype).itemsize)
    problem = too_big(needed, memory_limit(), f"a layer of {max(sizes):,} units")
    if problem is not None:
        raise PredictError(f"model {path}: predicting with it {problem}")


def _is_name_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_finite_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _metadata(network: NeuralNetwork) -> dict[str, Any]:
    metadata = getattr(network, "metadata", None)
    return dict(metadata) if isinstance(metadata, Mapping) else {}


def read_inputs(path: str | Path, network: NeuralNetwork) -> np.ndarray:
    """The model's input columns of a CSV file, as raw (not yet normalised) float64 rows.

    Raises:
        DataSourceError: the file is missing, unreadable or empty, has no
            header, has a ragged row, or has a value that is not a finite
            number (the message names the row and column).
        PredictError: the file lacks a column the model needs.
    """
    table = read_csv_table(path, kind="input")
    name, header = table.name, table.header
    wanted = _metadata(network).get("feature_names")
    n_inputs = network.layer_sizes[0]
    if wanted is None:
        if len(header) != n_inputs:
            raise PredictError(
                f"{name}: has {len(header)} columns but the model takes {n_inputs} inputs "
                f"and names none, so the file must have exactly its input columns"
            )
        indices = list(range(len(header)))
    else:
        _check_columns(header, name, wanted)
        indices = [header.index(column) for column in wanted]
    return table.numbers(indices)


def _check_columns(header: list[str], name: str, wanted: Sequence[str]) -> None:
    """Every column the model needs is in ``header``; else one line naming each missing one."""
    missing = [column for column in wanted if column not in header]
    if not missing:
        return
    hints = []
    spare = [column for column in header if column not in wanted]  # not already used
    for column in missing:
        close = difflib.get_close_matches(column, spare, n=1)
        if close:
            hints.append(f"{close[0]!r}" + (f" for {column!r}" if len(missing) > 1 else ""))
    plural = "s" if len(missing) > 1 else ""
    message = (
        f"{name}: column{plural} {', '.join(map(repr, missing))} "
        f"{'are' if plural else 'is'} missing; the model needs {', '.join(wanted)} "
        f"(the file has {', '.join(header)})"
    )
    if hints:
        message += f" (did you mean {', '.join(hints)}?)"
    raise PredictError(message)


def predict_table(
    network: NeuralNetwork, x: np.ndarray, *, source: str = "input"
) -> tuple[list[str], list[list[Any]]]:
    """Predictions for raw input rows: ``(header, rows)``.

    The saved normalisation is applied first. Classification gives
    ``predicted_class`` and ``p_<class>`` columns, regression ``prediction``.

    Raises:
        PredictError: a row's outputs are NaN or infinite (its values are far
            beyond what the model was trained on); the message names ``source`` and the row.
    """
    metadata = _metadata(network)
    normalization = metadata.get("normalization")
    # A row far beyond the training data may overflow: reported below, not by NumPy.
    with np.errstate(over="ignore", invalid="ignore"):
        if normalization is not None:
            mean = np.asarray(normalization["mean"], dtype=np.float64)
            std = np.asarray(normalization["std"], dtype=np.float64)
            x = (x - mean) / std  # as nntui.nn.preprocessing.Standardizer.transform does
        outputs = (
            (network.predict_proba(x) if network.is_classification else network.predict(x))
            if len(x)
            else np.empty((0, network.layer_sizes[-1]))
        )
    bad = np.flatnonzero(~np.isfinite(outputs).all(axis=1))
    if len(bad):
        raise PredictError(
            f"{source}: data row {bad[0] + 1} gives NaN or infinite outputs"
            + (f" (and {len(bad) - 1} more rows)" if len(bad) > 1 else "")
            + "; its values are too large for the model: check the row's units"
        )
    if not network.is_classification:
        n_outputs = outputs.shape[1]
        header = (
            ["prediction"] if n_outputs == 1 else [f"prediction_{k + 1}" for k in range(n_outputs)]
        )
        return header, [[float(value) for value in row] for row in outputs]
    if outputs.shape[1] == 1:  # one sigmoid unit: P(class 1)
        probabilities = np.concatenate([1 - outputs, outputs], axis=1)
        chosen = (outputs[:, 0] >= 0.5).astype(int)
    else:
        probabilities = outputs
        chosen = outputs.argmax(axis=1)
    names = metadata.get("class_names") or [f"class_{k}" for k in range(probabilities.shape[1])]
    header = ["predicted_class", *(f"p_{name}" for name in names)]
    rows = [
        [names[int(k)], *(float(p) for p in row)]
        for k, row in zip(chosen, probabilities, strict=True)
    ]
    return header, rows


def predictions_csv(network: NeuralNetwork, x: np.ndarray, *, source: str = "input") -> str:
    """The predictions of :func:`predict_table` as CSV text, numbers in full precision."""
    header, rows = predict_table(network, x, source=source)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([repr(value) if isinstance(value, float) else value for value in row])
    return buffer.getvalue()
