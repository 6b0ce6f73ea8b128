"""Tabular data from CSV files.

A CSV file becomes a `TabularDataset`: a float64 feature matrix, a target
vector, and the names needed to talk about them. Reading uses only the
standard library's `csv` module and NumPy. Every problem with the file is
reported precisely — the file, the line as a person counts it (the header is
line 1) and the column::

    iris.csv: row 17, column 'petal_width': not a number: 'abc'

All such problems raise `DataSourceError`, a `ValueError`, so a command-line
front end can print the message and exit instead of showing a traceback.

`read_csv_table` is the reading step on its own, for a caller that picks its
columns itself (``nntui predict`` matches them to a saved model's inputs).
"""

from __future__ import annotations

import csv
import difflib
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from nntui.datasets.splits import split_indices
from nntui.nn.preprocessing import one_hot

TASKS = ("classification", "regression")
MIN_ROWS = 4
"""The fewest data rows a file may have: enough to split into train and test."""


class DataSourceError(ValueError):
    """A data file is missing, unreadable or malformed; the message names the file."""


@dataclass(frozen=True, eq=False)
class CsvTable:
    """The text of a CSV file with a header row, before any column is interpreted.

    Attributes:
        name: The file, as messages name it.
        header: The column names on line 1, stripped of surrounding spaces.
        rows: The non-blank data rows, each as `(line, fields)`: the line number
            as a person counts it (the header is line 1) and the stripped fields,
            one per column of the header.
    """

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]

    def numbers(self, indices: Sequence[int]) -> np.ndarray:
        """The columns at `indices` as a float64 matrix; every cell must be a finite number.

        Args:
            indices: Positions of the wanted columns in `header`, in the order wanted.

        Returns:
            A new array of shape (len(rows), len(indices)).

        Raises:
            DataSourceError: Naming the row and column of the first bad cell in
                file order: a missing value, or text that is not a finite number.
        """
        table = [[fields[i] for i in indices] for _, fields in self.rows]
        try:
            # Fast path: NumPy converts the whole table at once. It parses each
            # string as Python's float() does, so both paths give the same values.
            x = np.array(table, dtype=np.float64).reshape(len(self.rows), len(indices))
            if np.isfinite(x).all():
                return x
        except ValueError:
            pass
        # Slow path, only for a bad file: read cell by cell in file order, so the
        # error names the first bad cell a person would meet.
        x = np.empty((len(self.rows), len(indices)), dtype=np.float64)
        for row, (line, fields) in enumerate(self.rows):
            x[row] = [_parse_number(fields[i], self.name, line, self.header[i]) for i in indices]
        return x


@dataclass(frozen=True, eq=False)
class TabularDataset:
    """A table of numeric features and one target column.

    Attributes:
        x: Features, float64 of shape (n_samples, n_features). Read-only.
        y: Targets of shape (n_samples,): int class indices for classification,
            float64 values for regression. Read-only.
        feature_names: Column name of each feature, in the order of `x`'s columns.
        class_names: Name of each class, indexed by the values in `y`; None when
            the target is a regression value.
        source: Where the data came from (a file path, or "iris").
    """

    x: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    class_names: list[str] | None
    source: str

    @property
    def is_classification(self) -> bool:
        """True when `y` holds class indices, False for a regression target."""
        return self.class_names is not None

    @property
    def n_samples(self) -> int:
        """Number of rows."""
        return int(self.x.shape[0])

    @property
    def n_features(self) -> int:
        """Number of feature columns."""
        return int(self.x.shape[1])

    @property
    def n_classes(self) -> int | None:
        """Number of classes, or None for regression."""
        return None if self.class_names is None else len(self.class_names)

    def split(
        self, test_size: float = 0.2, random_seed: int = 42
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Shuffle deterministically and split into training and test sets.

        Classification splits are stratified: each class keeps (as near as
        rounding allows) the same share in both sets.

        Args:
            test_size: Fraction of rows that go to the test set, in (0, 1).
            random_seed: Seed of the shuffle; the same seed gives the same split.

        Returns:
            `x_train, x_test, y_train, y_test`. For classification the `y`
            arrays are one-hot float64 of shape (n, n_classes); for regression
            they are float64 of shape (n, 1), as the network's output is.
        """
        labels = self.y if self.is_classification else None
        rng = np.random.default_rng(random_seed)
        train, test = split_indices(self.n_samples, test_size, rng, labels)
        if self.is_classification:
            targets = one_hot(self.y, len(self.class_names or ()))
        else:
            targets = self.y.reshape(-1, 1)
        return self.x[train], self.x[test], targets[train], targets[test]


def load_csv(
    path: str | Path,
    target: str,
    features: list[str] | None = None,
    task: str = "classification",
) -> TabularDataset:
    """Read a CSV file with a header row into a `TabularDataset`.

    Feature columns must be numeric. For classification the target may hold
    any labels: they become class indices in sorted order (numerically when
    every label is a number), and `class_names` keeps them. For regression the
    target must be numeric. Blank lines are skipped and a UTF-8 byte-order mark
    is ignored.

    Args:
        path: The CSV file.
        target: Name of the target column.
        features: Names of the feature columns, in the order wanted; None uses
            every column except the target, in file order.
        task: "classification" or "regression".

    Returns:
        The dataset, with `source` set to `str(path)`.

    Raises:
        DataSourceError: If the file is missing, unreadable, empty or
            malformed, a named column does not exist, a value is not a finite
            number, there are fewer than `MIN_ROWS` rows, or a classification
            target has fewer than two classes. The message names the file.
    """
    if task not in TASKS:
        raise DataSourceError(f"task must be one of {', '.join(TASKS)}; got {task!r}")
    table = read_csv_table(path)
    name, rows = table.name, table.rows
    columns = _check_column_names(table.header, name)
    target_index = _column_index(columns, target, name, role="target")
    feature_indices = _feature_indices(columns, features, target, name)
    if len(rows) < MIN_ROWS:
        raise DataSourceError(
            f"{name}: has {len(rows)} data row{'s' * (len(rows) != 1)}; "
            f"at least {MIN_ROWS} are needed"
        )

    x = table.numbers(feature_indices)
    if task == "regression":
        y = table.numbers([target_index])[:, 0]
        class_names = None
    else:
        labels = [(line, fields[target_index]) for line, fields in rows]
        y, class_names = _encode_classes(labels, name, target)

    x.setflags(write=False)
    y.setflags(write=False)
    return TabularDataset(
        x=x,
        y=y,
        feature_names=[columns[i] for i in feature_indices],
        class_names=class_names,
        source=name,
    )


def read_csv_table(path: str | Path, *, kind: str = "data") -> CsvTable:
    """Read a CSV file with a header row, keeping every field as text.

    Blank lines are skipped, fields are stripped of surrounding spaces and a
    UTF-8 byte-order mark is ignored. Column names are not checked beyond line 1
    having to look like a header; `load_csv` checks them further.

    Args:
        path: The CSV file.
        kind: What the file is to the caller, for the message when it is
            missing: "data" gives "data file not found: <path>".

    Returns:
        The header and the data rows, with `name` set to `str(path)`.

    Raises:
        DataSourceError: If the file is missing, a folder, not UTF-8 text, not
            CSV or unreadable, empty, has a first line that looks like data
            rather than column names, or has a row whose number of fields
            differs from the header's. The message names the file (and the row).
    """
    name = str(path)
    file = Path(path)
    if not file.exists():
        raise DataSourceError(f"{kind} file not found: {name}")
    if file.is_dir():
        raise DataSourceError(f"{name}: is a folder, not a CSV file")
    try:
        # utf-8-sig drops the byte-order mark that spreadsheet programs write.
        with file.open(newline="", encoding="utf-8-sig") as text:
            records = list(_non_blank_records(text))
    except UnicodeDecodeError as error:
        raise DataSourceError(
            f"{name}: not UTF-8 text (undecodable byte at offset {error.start})"
        ) from None
    except csv.Error as error:
        raise DataSourceError(f"{name}: not a readable CSV file: {error}") from None
    except OSError as error:
        raise DataSourceError(f"cannot read {name}: {error.strerror or error}") from None
    if not records:
        raise DataSourceError(f"{name}: file is empty; expected a header row and data rows")
    (_, header), *rows = records
    if all(_is_number(field) for field in header):
        raise DataSourceError(
            f"{name}: line 1 looks like data, not a header; add a first line with the column names"
        )
    for line, fields in rows:
        if len(fields) != len(header):
            raise DataSourceError(
                f"{name}: row {line} has {len(fields)} field{'s' * (len(fields) != 1)}, "
                f"header has {len(header)}"
            )
    return CsvTable(name=name, header=header, rows=rows)


def _non_blank_records(file: TextIO) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(file)
    for fields in reader:
        stripped = [field.strip() for field in fields]
        if any(stripped):
            # line_num is the physical line where the record ends, which is the
            # line a person sees in an editor (quoted fields may span lines).
            yield reader.line_num, stripped


def _check_column_names(header: list[str], name: str) -> list[str]:
    seen: dict[str, int] = {}
    for position, column in enumerate(header, start=1):
        if not column:
            raise DataSourceError(f"{name}: header column {position} has no name")
        if column in seen:
            raise DataSourceError(
                f"{name}: duplicate column name {column!r} in header "
                f"(columns {seen[column]} and {position})"
            )
        seen[column] = position
    return header


def _column_index(columns: list[str], column: str, name: str, role: str) -> int:
    if column in columns:
        return columns.index(column)
    message = f"{role} column {column!r} not in {name}; columns: {', '.join(columns)}"
    close = difflib.get_close_matches(column, columns, n=1)
    if not close:
        by_lower = {c.lower(): c for c in columns}
        close = [by_lower[m] for m in difflib.get_close_matches(column.lower(), by_lower, n=1)]
    if close:
        message += f" (did you mean {close[0]!r}?)"
    elif any(_is_number(c) for c in columns):
        message += " (is line 1 a header with the column names?)"
    raise DataSourceError(message)


def _feature_indices(
    columns: list[str], features: Sequence[str] | None, target: str, name: str
) -> list[int]:
    if features is None:
        indices = [i for i, column in enumerate(columns) if column != target]
        if not indices:
            raise DataSourceError(f"{name}: has no columns besides the target {target!r}")
        return indices
    if isinstance(features, str) or not features:
        raise DataSourceError("features must be a non-empty list of column names")
    if target in features:
        raise DataSourceError(f"target column {target!r} cannot also be a feature")
    duplicates = sorted({f for f in features if list(features).count(f) > 1})
    if duplicates:
        raise DataSourceError(f"features lists {', '.join(map(repr, duplicates))} more than once")
    return [_column_index(columns, feature, name, role="feature") for feature in features]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_number(text: str, name: str, line: int, column: str) -> float:
    where = f"{name}: row {line}, column {column!r}"
    if not text:
        raise DataSourceError(f"{where}: missing value")
    try:
        value = float(text)
    except ValueError:
        raise DataSourceError(f"{where}: not a number: {text!r}") from None
    if not math.isfinite(value):
        raise DataSourceError(f"{where}: not a finite number: {text!r}")
    return value


def _encode_classes(
    labels: list[tuple[int, str]], name: str, target: str
) -> tuple[np.ndarray, list[str]]:
    """Class indices in sorted label order, and the class names."""
    for line, label in labels:
        if not label:
            raise DataSourceError(f"{name}: row {line}, column {target!r}: missing value")
    texts = [label for _, label in labels]
    if all(_is_finite_number(text) for text in texts):
        # Numeric labels sort by value ("2" before "10") and "1" and "1.0"
        # are the same class, named by its canonical form.
        keys: list[str] = [_number_name(float(text)) for text in texts]
        class_names = sorted(set(keys), key=float)
    else:
        keys = texts
        class_names = sorted(set(keys))
    if len(class_names) < 2:
        raise DataSourceError(
            f"{name}: target column {target!r} has only one class ({class_names[0]!r}); "
            "classification needs at least two"
        )
    index = {class_name: i for i, class_name in enumerate(class_names)}
    return np.array([index[key] for key in keys], dtype=np.int64), class_names


def _is_finite_number(text: str) -> bool:
    return _is_number(text) and math.isfinite(float(text))


def _number_name(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)
