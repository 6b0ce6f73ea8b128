"""The data of a run: read or generate it from ``data.source``, split it, z-score it.

Every source ends up the same shape — train, validation and test arrays
(``data.test_size`` of all rows for the test, scored once at the end;
``data.validation_split`` of the rest to validate each epoch; stratified by
class for classification), inputs
normalised with the *training* set's mean and standard deviation, targets
shaped for the network's head — together with what a face or a saved model
needs to talk about them: feature names, class names, the normalisation, and
for 2-D data the box the inputs lie in.

==============  ==================================  =================================
source          features                            classes
==============  ==================================  =================================
``synthetic``   ``x1`` … ``xN`` (``n_features``)    ``class_0`` … (``n_classes``)
``csv``         the file's columns                  the target column's labels
``iris``        four measurements in cm             setosa, versicolor, virginica
2-D sources     ``x1``, ``x2``                      ``class_0``, ``class_1`` …
==============  ==================================  =================================
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nntui.config.budget import data_memory_problem
from nntui.datasets import DataSourceError, TabularDataset, load_csv, load_iris
from nntui.datasets.planar import (
    PLANAR_CLASSIFICATION,
    PLANAR_EXTENT,
    PLANAR_REGRESSION,
    planar_points,
)
from nntui.datasets.quality import check_standardized, constant_columns
from nntui.datasets.splits import split_three_ways
from nntui.datasets.synthetic import make_classification, make_regression
from nntui.nn.arrays import ArrayLike, FloatArray
from nntui.nn.preprocessing import Standardizer, fit_standardizer, one_hot
from nntui.training.task import HeadError, output_head

if TYPE_CHECKING:
    from nntui.config import Config, DataConfig, Task

__all__ = ["DataSourceError", "RunData", "load_run_data"]

PLANAR_SOURCES = (*PLANAR_CLASSIFICATION, *PLANAR_REGRESSION)
SETS = ("training", "validation", "test")


@dataclass(frozen=True, eq=False)
class RunData:
    """Train/validation/test arrays for one run, and the names that go with them.

    Attributes:
        x_train: normalised training inputs, ``(n_train, n_features)``.
        x_val: normalised validation inputs (``val_*`` after each epoch);
            no rows when ``data.validation_split`` is 0.
        x_test: normalised test inputs, scored once at the end.
        y_train: targets shaped for the head: one-hot ``(n, k)`` for softmax,
            ``(n, 1)`` 0/1 for a sigmoid head, ``(n, 1)`` values for regression.
        y_val: validation targets, shaped likewise.
        y_test: test targets, shaped likewise.
        x_train_raw: the training inputs before normalisation.
        x_val_raw: the validation inputs before normalisation.
        x_test_raw: the test inputs before normalisation.
        standardizer: the training set's mean and standard deviation.
        feature_names: one name per input column.
        class_names: one name per class, or ``None`` for regression.
        source: the ``data.source`` (``"csv"``, ``"iris"``, ``"spiral"`` …).
        input_extent: ``(low, high)`` of both raw inputs for 2-D sources, else ``None``.
        warnings: lines about the data worth a look (e.g. a constant column).
    """

    x_train: FloatArray
    x_val: FloatArray
    x_test: FloatArray
    y_train: FloatArray
    y_val: FloatArray
    y_test: FloatArray
    x_train_raw: FloatArray
    x_val_raw: FloatArray
    x_test_raw: FloatArray
    standardizer: Standardizer
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] | None
    source: str
    input_extent: tuple[float, float] | None = None
    warnings: tuple[str, ...] = ()

    @property
    def n_features(self) -> int:
        """Inputs per sample."""
        return int(self.x_train.shape[1])

    @property
    def n_classes(self) -> int | None:
        """Number of classes, or ``None`` for regression."""
        return None if self.class_names is None else len(self.class_names)

    @property
    def n_train(self) -> int:
        """Training samples."""
        return int(self.x_train.shape[0])

    @property
    def n_validation(self) -> int:
        """Validation samples (0 without validation)."""
        return int(self.x_val.shape[0])

    @property
    def n_test(self) -> int:
        """Test samples."""
        return int(self.x_test.shape[0])

    @property
    def validation_data(self) -> tuple[FloatArray, FloatArray] | None:
        """``(x_val, y_val)`` for the engine, or ``None`` without validation rows."""
        return (self.x_val, self.y_val) if self.n_validation else None

    def normalize(self, x: ArrayLike) -> FloatArray:
        """Raw inputs → what the network takes (the training set's z-scores)."""
        normalized: FloatArray = self.standardizer.transform(np.asarray(x, dtype=np.float64))
        return normalized


@dataclass(frozen=True, eq=False)
class _Raw:
    """Every row of a source before the split: inputs, head-ready targets, class labels."""

    x: FloatArray
    y: FloatArray
    labels: np.ndarray | None
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] | None
    source: str
    extent: tuple[float, float] | None = None


def load_run_data(config: Config) -> RunData:
    """Read or generate the data ``config`` asks for, split and normalised, for its task.

    Args:
        config: a validated config (``config.task`` is one the source serves).

    Returns:
        The run's data.

    Raises:
        DataSourceError: the data cannot be used (a csv file missing, malformed,
            with a bad column, too few rows to split, more classes than a
            sigmoid head has, too large for memory; any source: a column that
            turns NaN or overflows ``training.dtype`` after standardising) —
            the message names the file and the column.
    """
    raw = _rows(config)
    if config.task == "classification":
        raw = _shape_for_head(config, raw)
    train, val, test = _split(raw, config.data)
    # Values too large to standardise are reported by check_standardized, not by NumPy.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        standardizer = fit_standardizer(raw.x[train])
        sets = {
            name: standardizer.transform(raw.x[rows])
            for name, rows in zip(SETS, (train, val, test), strict=True)
        }
    check_standardized(
        sets, raw.x[train], standardizer, raw.feature_names, raw.source, config.training.dtype
    )
    return RunData(
        x_train=sets["training"],
        x_val=sets["validation"],
        x_test=sets["test"],
        y_train=raw.y[train],
        y_val=raw.y[val],
        y_test=raw.y[test],
        x_train_raw=raw.x[train],
        x_val_raw=raw.x[val],
        x_test_raw=raw.x[test],
        standardizer=standardizer,
        feature_names=raw.feature_names,
        class_names=raw.class_names,
        source=config.data.source,
        input_extent=raw.extent,
        warnings=constant_columns(raw.x[train], standardizer, raw.feature_names, raw.source),
    )


def _rows(config: Config) -> _Raw:
    data, task = config.data, config.task
    if data.source in ("csv", "iris"):
        return _tabular(config)
    if data.source in PLANAR_SOURCES:
        return _planar(data)
    return _synthetic(data, task)


def _split(raw: _Raw, data: DataConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(data.random_seed)
    try:
        return split_three_ways(len(raw.x), data.test_size, data.validation_split, rng, raw.labels)
    except ValueError as error:
        raise DataSourceError(
            f"{raw.source}: cannot split its {len(raw.x)} rows with data.test_size "
            f"{data.test_size} and data.validation_split {data.validation_split}: {error}"
        ) from None


def _tabular(config: Config) -> _Raw:
    table = _read_table(config.data, config.task)
    problem = data_memory_problem(config, table.n_samples, table.n_features)
    if problem is not None:
        raise DataSourceError(f"{table.source}: {problem}")
    names = None if table.class_names is None else tuple(table.class_names)
    if names is None:
        y, labels = np.asarray(table.y, dtype=np.float64).reshape(-1, 1), None
    else:
        labels = np.asarray(table.y)
        y = one_hot(labels, len(names))
    return _Raw(np.asarray(table.x), y, labels, tuple(table.feature_names), names, table.source)


def _planar(data: DataConfig) -> _Raw:
    n_classes = data.n_classes if data.source == "spiral" else 2
    x, y, labels = planar_points(
        data.source,
        n_samples=data.n_samples,
        noise=data.noise,
        random_seed=data.random_seed,
        n_classes=n_classes,
    )
    names = None
    if data.source in PLANAR_CLASSIFICATION:
        names = tuple(f"class_{k}" for k in range(n_classes))
    extent = (float(PLANAR_EXTENT[0]), float(PLANAR_EXTENT[1]))
    return _Raw(x, y, labels, ("x1", "x2"), names, data.source, extent)


def _read_table(data: DataConfig, task: Task) -> TabularDataset:
    if data.source == "iris":
        return load_iris()
    if data.path is None or data.target is None:
        raise DataSourceError("a csv source needs data.path and data.target")
    path = Path(data.path).expanduser()
    features = None if data.features is None else list(data.features)
    return load_csv(path, target=data.target, features=features, task=task)


def _synthetic(data: DataConfig, task: Task) -> _Raw:
    features = tuple(f"x{k}" for k in range(1, data.n_features + 1))
    if task == "regression":
        x, y = make_regression(data.n_samples, data.n_features, data.random_seed)
        return _Raw(x, y, None, features, None, data.source)
    x, labels = make_classification(
        data.n_samples, data.n_features, data.n_classes, data.random_seed
    )
    classes = tuple(f"class_{k}" for k in range(data.n_classes))
    return _Raw(x, one_hot(labels, data.n_classes), labels, features, classes, data.source)


def _shape_for_head(config: Config, raw: _Raw) -> _Raw:
    n_classes = int(raw.y.shape[1])
    try:
        head = output_head(config, n_classes)
    except HeadError:
        data = config.data
        names = ", ".join(raw.class_names or ())
        raise DataSourceError(
            f"{data.path or data.source}: target column {data.target!r} has "
            f"{n_classes} classes ({names}), but network.output_activation sigmoid has one "
            f"output unit, for 2 classes; use softmax"
        ) from None
    if head.activation == "sigmoid":
        # One sigmoid unit predicts P(class 1): keep the one-hot's second column.
        return replace(raw, y=np.ascontiguousarray(raw.y[:, 1:2]))
    return raw
