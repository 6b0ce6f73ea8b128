"""The data of a run: read or generate it from ``data.source``, split it, z-score it.

Every source ends up the same shape — train and test arrays, inputs
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

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nntui.datasets import DataSourceError, TabularDataset, load_csv, load_iris
from nntui.datasets.planar import (
    PLANAR_CLASSIFICATION,
    PLANAR_EXTENT,
    PLANAR_REGRESSION,
    generate_planar_data,
)
from nntui.datasets.synthetic import generate_classification_data, generate_regression_data
from nntui.nn.arrays import ArrayLike, FloatArray
from nntui.nn.preprocessing import Standardizer, fit_standardizer
from nntui.training.task import HeadError, output_head

if TYPE_CHECKING:
    from nntui.config import Config, DataConfig, Task

__all__ = ["DataSourceError", "RunData", "load_run_data"]

Split = tuple[FloatArray, FloatArray, FloatArray, FloatArray]
PLANAR_SOURCES = (*PLANAR_CLASSIFICATION, *PLANAR_REGRESSION)


@dataclass(frozen=True, eq=False)
class RunData:
    """Train/test arrays for one run, and the names that go with them.

    Attributes:
        x_train: normalised training inputs, ``(n_train, n_features)``.
        x_test: normalised test inputs (also the per-epoch validation set).
        y_train: targets shaped for the head: one-hot ``(n, k)`` for softmax,
            ``(n, 1)`` 0/1 for a sigmoid head, ``(n, 1)`` values for regression.
        y_test: test targets, shaped likewise.
        x_train_raw: the training inputs before normalisation.
        x_test_raw: the test inputs before normalisation.
        standardizer: the training set's mean and standard deviation.
        feature_names: one name per input column.
        class_names: one name per class, or ``None`` for regression.
        source: the ``data.source`` (``"csv"``, ``"iris"``, ``"spiral"`` …).
        input_extent: ``(low, high)`` of both raw inputs for 2-D sources, else ``None``.
    """

    x_train: FloatArray
    x_test: FloatArray
    y_train: FloatArray
    y_test: FloatArray
    x_train_raw: FloatArray
    x_test_raw: FloatArray
    standardizer: Standardizer
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] | None
    source: str
    input_extent: tuple[float, float] | None = None

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
    def n_test(self) -> int:
        """Test samples."""
        return int(self.x_test.shape[0])

    def normalize(self, x: ArrayLike) -> FloatArray:
        """Raw inputs → what the network takes (the training set's z-scores)."""
        normalized: FloatArray = self.standardizer.transform(np.asarray(x, dtype=np.float64))
        return normalized


@dataclass(frozen=True)
class _Raw:
    split: Split
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] | None
    extent: tuple[float, float] | None = None


def load_run_data(config: Config) -> RunData:
    """Read or generate the data ``config`` asks for, split and normalised, for its task.

    Args:
        config: a validated config (``config.task`` is one the source serves).

    Returns:
        The run's data.

    Raises:
        DataSourceError: the csv file cannot be used (missing, malformed, a bad
            column, too few rows to split, more classes than a sigmoid head
            has) — the message names the file.
    """
    data, task = config.data, config.task
    if data.source in ("csv", "iris"):
        raw = _tabular(data, task)
    elif data.source in PLANAR_SOURCES:
        raw = _planar(data)
    else:
        raw = _synthetic(data, task)
    x_train, x_test, y_train, y_test = raw.split
    if task == "classification":
        y_train, y_test = _shape_for_head(config, y_train, y_test, raw.class_names)
    standardizer = fit_standardizer(x_train)
    return RunData(
        x_train=standardizer.transform(x_train),
        x_test=standardizer.transform(x_test),
        y_train=y_train,
        y_test=y_test,
        x_train_raw=x_train,
        x_test_raw=x_test,
        standardizer=standardizer,
        feature_names=raw.feature_names,
        class_names=raw.class_names,
        source=data.source,
        input_extent=raw.extent,
    )


def _tabular(data: DataConfig, task: Task) -> _Raw:
    table = _read_table(data, task)
    names = None if table.class_names is None else tuple(table.class_names)
    return _Raw(_split(table, data.test_size, data.random_seed), tuple(table.feature_names), names)


def _planar(data: DataConfig) -> _Raw:
    n_classes = data.n_classes if data.source == "spiral" else 2
    split: Split = generate_planar_data(
        data.source,
        n_samples=data.n_samples,
        noise=data.noise,
        random_seed=data.random_seed,
        test_size=data.test_size,
        n_classes=n_classes,
    )
    names = None
    if data.source in PLANAR_CLASSIFICATION:
        names = tuple(f"class_{k}" for k in range(n_classes))
    extent = (float(PLANAR_EXTENT[0]), float(PLANAR_EXTENT[1]))
    return _Raw(split, ("x1", "x2"), names, extent)


def _read_table(data: DataConfig, task: Task) -> TabularDataset:
    if data.source == "iris":
        return load_iris()
    if data.path is None or data.target is None:
        raise DataSourceError("a csv source needs data.path and data.target")
    path = Path(data.path).expanduser()
    features = None if data.features is None else list(data.features)
    return load_csv(path, target=data.target, features=features, task=task)


def _split(table: TabularDataset, test_size: float, seed: int) -> Split:
    try:
        split: Split = table.split(test_size=test_size, random_seed=seed)
    except ValueError as error:
        raise DataSourceError(
            f"{table.source}: cannot split its {table.n_samples} rows with "
            f"data.test_size {test_size}: {error}"
        ) from None
    return split


def _synthetic(data: DataConfig, task: Task) -> _Raw:
    split: Split
    if task == "regression":
        split = generate_regression_data(
            n_samples=data.n_samples,
            n_features=data.n_features,
            random_seed=data.random_seed,
            test_size=data.test_size,
        )
        classes = None
    else:
        split = generate_classification_data(
            n_samples=data.n_samples,
            n_features=data.n_features,
            n_classes=data.n_classes,
            random_seed=data.random_seed,
            test_size=data.test_size,
        )
        classes = tuple(f"class_{k}" for k in range(split[2].shape[1]))
    features = tuple(f"x{k}" for k in range(1, split[0].shape[1] + 1))
    return _Raw(split, features, classes)


def _shape_for_head(
    config: Config,
    y_train: FloatArray,
    y_test: FloatArray,
    class_names: tuple[str, ...] | None,
) -> tuple[FloatArray, FloatArray]:
    n_classes = int(y_train.shape[1])
    try:
        head = output_head(config, n_classes)
    except HeadError:
        data = config.data
        names = ", ".join(class_names or ())
        raise DataSourceError(
            f"{data.path or data.source}: target column {data.target!r} has "
            f"{n_classes} classes ({names}), but network.output_activation sigmoid has one "
            f"output unit, for 2 classes; use softmax"
        ) from None
    if head.activation == "sigmoid":
        # One sigmoid unit predicts P(class 1): keep the one-hot's second column.
        return y_train[:, 1:2], y_test[:, 1:2]
    return y_train, y_test
