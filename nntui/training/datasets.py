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
from typing import Any

import numpy as np

from nntui.config import output_head
from nntui.config_schema import PLANAR_SOURCES
from nntui.nn.data import (
    Standardizer,
    fit_standardizer,
    generate_classification_data,
    generate_regression_data,
)
from nntui.nn.planar import PLANAR_CLASSIFICATION, PLANAR_EXTENT, generate_planar_data
from nntui.nn.tabular import DataSourceError, TabularDataset, load_csv, load_iris

__all__ = ["DataSourceError", "RunData", "load_run_data"]


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

    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    x_train_raw: np.ndarray
    x_test_raw: np.ndarray
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

    def normalize(self, x: np.ndarray) -> np.ndarray:
        """Raw inputs → what the network takes (the training set's z-scores)."""
        return self.standardizer.transform(np.asarray(x, dtype=np.float64))


def load_run_data(config: dict[str, Any], task: str) -> RunData:
    """Read or generate the data ``config`` asks for, split and normalised, for ``task``.

    ``task`` must be one the source serves (see ``nntui.config.resolve_task``).

    Args:
        config: a validated config.
        task: ``"classification"`` or ``"regression"``.

    Returns:
        The run's data.

    Raises:
        DataSourceError: the csv file cannot be used (missing, malformed, a bad
            column, too few rows to split, more classes than a sigmoid head
            has) — the message names the file.
    """
    data = config["data"]
    source = data["source"]
    seed, test_size = int(data["random_seed"]), float(data["test_size"])
    class_names: tuple[str, ...] | None = None
    extent: tuple[float, float] | None = None
    if source in ("csv", "iris"):
        table = _read_table(data, task)
        x_train, x_test, y_train, y_test = _split(table, test_size, seed)
        feature_names = tuple(table.feature_names)
        if table.class_names is not None:
            class_names = tuple(table.class_names)
    elif source in PLANAR_SOURCES:
        n_classes = int(data["n_classes"]) if source == "spiral" else 2
        x_train, x_test, y_train, y_test = generate_planar_data(
            source,
            n_samples=int(data["n_samples"]),
            noise=float(data["noise"]),
            random_seed=seed,
            test_size=test_size,
            n_classes=n_classes,
        )
        feature_names = ("x1", "x2")
        if source in PLANAR_CLASSIFICATION:
            class_names = tuple(f"class_{k}" for k in range(n_classes))
        extent = (float(PLANAR_EXTENT[0]), float(PLANAR_EXTENT[1]))
    else:
        x_train, x_test, y_train, y_test = _synthetic(data, task, seed, test_size)
        feature_names = tuple(f"x{k}" for k in range(1, x_train.shape[1] + 1))
        if task == "classification":
            class_names = tuple(f"class_{k}" for k in range(y_train.shape[1]))

    if task == "classification":
        y_train, y_test = _shape_for_head(config, y_train, y_test, class_names, data)
    standardizer = fit_standardizer(x_train)
    return RunData(
        x_train=standardizer.transform(x_train),
        x_test=standardizer.transform(x_test),
        y_train=y_train,
        y_test=y_test,
        x_train_raw=x_train,
        x_test_raw=x_test,
        standardizer=standardizer,
        feature_names=feature_names,
        class_names=class_names,
        source=source,
        input_extent=extent,
    )


def _read_table(data: dict[str, Any], task: str) -> TabularDataset:
    if data["source"] == "iris":
        return load_iris()
    path = Path(data["path"]).expanduser()
    return load_csv(path, target=data["target"], features=data["features"], task=task)


def _split(
    table: TabularDataset, test_size: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    try:
        return table.split(test_size=test_size, random_seed=seed)
    except ValueError as error:
        raise DataSourceError(
            f"{table.source}: cannot split its {table.n_samples} rows with "
            f"data.test_size {test_size}: {error}"
        ) from None


def _synthetic(
    data: dict[str, Any], task: str, seed: int, test_size: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    if task == "regression":
        return generate_regression_data(
            n_samples=data["n_samples"],
            n_features=data["n_features"],
            random_seed=seed,
            test_size=test_size,
        )
    return generate_classification_data(
        n_samples=data["n_samples"],
        n_features=data["n_features"],
        n_classes=data["n_classes"],
        random_seed=seed,
        test_size=test_size,
    )


def _shape_for_head(
    config: dict[str, Any],
    y_train: np.ndarray,
    y_test: np.ndarray,
    class_names: tuple[str, ...] | None,
    data: dict[str, Any],
) -> tuple[np.ndarray, np.ndarray]:
    n_classes = y_train.shape[1]
    try:
        _, activation, _ = output_head(config, "classification", n_classes)
    except ValueError:
        names = ", ".join(class_names or ())
        raise DataSourceError(
            f"{data['path'] or data['source']}: target column {data['target']!r} has "
            f"{n_classes} classes ({names}), but network.output_activation sigmoid has one "
            f"output unit, for 2 classes; use softmax"
        ) from None
    if activation == "sigmoid":
        # One sigmoid unit predicts P(class 1): keep the one-hot's second column.
        return y_train[:, 1:2], y_test[:, 1:2]
    return y_train, y_test
