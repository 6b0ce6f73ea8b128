"""Preparing data for the network: one-hot labels and feature scaling.

The engine needs these itself (``train`` one-hot encodes integer labels), so
they live with it; the data sources (:mod:`nntui.datasets`) use them too.
Scaling follows one rule: z-score every set with the statistics of the
**training** set, so nothing of the test data leaks into the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nntui.nn.arrays import FloatArray

# --------------------------------------------------------------------- labels


def one_hot(
    labels: np.ndarray, n_classes: int | None = None, dtype: str | np.dtype = "float64"
) -> np.ndarray:
    """Encode integer class labels as one-hot rows.

    Args:
        labels: class indices, shape ``(n,)``, values in ``[0, n_classes)``.
        n_classes: number of classes (default: the largest label + 1).
        dtype: dtype of the result.

    Returns:
        ``(n, n_classes)`` array with a single 1 per row.

    Example:
        >>> one_hot([0, 2], 3).tolist()
        [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]

    Raises:
        ValueError: for labels that are not whole numbers in range.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D, got shape {labels.shape}")
    if labels.size and not (
        np.issubdtype(labels.dtype, np.integer)
        or (np.issubdtype(labels.dtype, np.floating) and np.all(labels == np.round(labels)))
    ):
        raise ValueError("labels must be whole numbers (class indices)")
    labels = labels.astype(np.int64)
    if n_classes is None:
        n_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"labels must be in [0, {n_classes}), got values from {labels.min()} to {labels.max()}"
        )
    encoded = np.zeros((labels.size, n_classes), dtype=dtype)
    encoded[np.arange(labels.size), labels] = 1
    return encoded


# ------------------------------------------------------------ feature scaling


@dataclass(frozen=True)
class Standardizer:
    """Z-scoring with fixed statistics: ``(x - mean) / std`` per feature.

    Fit it on the training set only and apply it to every set, so the test
    data never leaks into the statistics. Keep it (e.g. save ``mean`` and
    ``std`` with a model) to transform new data the same way.

    Attributes:
        mean: per-feature mean, shape ``(n_features,)``.
        std: per-feature standard deviation; a constant feature gets 1, so
            it becomes all zeros instead of NaN.
    """

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> Standardizer:
        """Compute the statistics of ``x`` (rows are samples)."""
        x = _as_feature_matrix(x, "x")
        if len(x) == 0:
            raise ValueError("Cannot fit a standardizer on 0 samples")
        mean = x.mean(axis=0)
        std = x.std(axis=0)
        # A constant column has std 0 (or a rounding-error-sized value):
        # dividing by it would give NaN or noise. Treat it as 1.
        tiny = 10 * np.finfo(x.dtype).eps * np.maximum(np.abs(mean), 1.0)
        std = np.where(std <= tiny, 1.0, std).astype(x.dtype)
        return cls(mean=mean, std=std)

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Return ``(x - mean) / std`` as a new array."""
        x = _as_feature_matrix(x, "x")
        if x.shape[1] != self.mean.shape[0]:
            raise ValueError(
                f"x has {x.shape[1]} features but the standardizer was fit on {self.mean.shape[0]}"
            )
        scaled: FloatArray = (x - self.mean) / self.std
        return scaled

    def inverse_transform(self, x: np.ndarray) -> np.ndarray:
        """Undo :meth:`transform`: ``x * std + mean``."""
        restored: FloatArray = _as_feature_matrix(x, "x") * self.std + self.mean
        return restored


def fit_standardizer(x: np.ndarray) -> Standardizer:
    """Return a :class:`Standardizer` fitted on ``x`` (the training features)."""
    return Standardizer.fit(x)


def normalize_features(x_train: np.ndarray, x_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Z-score both sets with the **training** mean and standard deviation.

    A constant feature becomes 0 (no NaN). Use :func:`fit_standardizer` to
    keep the statistics.

    Returns:
        ``(x_train_normalized, x_test_normalized)``, new float arrays.
    """
    standardizer = fit_standardizer(x_train)
    x_test = _as_feature_matrix(x_test, "x_test")
    return standardizer.transform(x_train), standardizer.transform(x_test)


def _as_feature_matrix(x: np.ndarray, name: str) -> np.ndarray:
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    if x.ndim != 2:
        raise ValueError(f"{name} must be 2-D (samples, features), got shape {x.shape}")
    return x
