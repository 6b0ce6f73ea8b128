"""Synthetic data sets, a train/test split, one-hot labels and feature scaling.

The generators make problems a network can really learn (not noise), with a
little non-linear structure so the hidden layers have something to do, and
features on different scales so that normalising them visibly matters:

- classification: each class is a mixture of two Gaussian clusters in an
  "informative" subspace (so a class can sit on both sides of another one and
  no straight line separates them), plus redundant features (linear mixtures
  of the informative ones) and pure-noise features;
- regression: the features are noisy mixtures of a few hidden factors, and
  the target is a linear function of the factors plus a smooth non-linear
  term and a little noise.

Everything is deterministic given ``random_seed``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

_CLUSTERS_PER_CLASS = 2
_MIN_CENTROID_DISTANCE = 4.0  # in units of the clusters' standard deviation (1)
_REGRESSION_NOISE_STD = 0.1
_FEATURE_NOISE_STD = 0.3


# ------------------------------------------------------------------ generators


def generate_classification_data(
    n_samples: int = 1000,
    n_features: int = 20,
    n_classes: int = 3,
    random_seed: int | None = 42,
    test_size: float = 0.2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Make a learnable multi-class problem and split it into train and test sets.

    Args:
        n_samples: total samples (train + test).
        n_features: features per sample.
        n_classes: number of classes, at least 2 (balanced).
        random_seed: seed for a reproducible data set (None: a fresh one).
        test_size: fraction of samples held out for testing, in (0, 1).

    Returns:
        ``x_train, x_test, y_train, y_test``; ``x`` is ``(n, n_features)``
        float64 and ``y`` is one-hot ``(n, n_classes)`` float64.

    Raises:
        ValueError: for invalid arguments, with the reason.
    """
    _check_positive_int("n_samples", n_samples)
    _check_positive_int("n_features", n_features)
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)):
        raise ValueError(f"n_classes must be an integer, got {n_classes!r}")
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")
    n_test = _test_count(n_samples, test_size)
    rng = _rng(random_seed)

    n_informative, n_redundant = _feature_split(n_features)
    n_clusters = n_classes * _CLUSTERS_PER_CLASS
    centroids = rng.standard_normal((n_clusters, n_informative)) * 2.0
    centroids *= max(1.0, _MIN_CENTROID_DISTANCE / _min_pairwise_distance(centroids))

    labels = np.arange(n_samples) % n_classes  # balanced classes
    cluster = labels * _CLUSTERS_PER_CLASS + rng.integers(_CLUSTERS_PER_CLASS, size=n_samples)
    informative = centroids[cluster] + rng.standard_normal((n_samples, n_informative))
    x = _add_uninformative_features(informative, n_redundant, n_features, rng)

    order = rng.permutation(n_samples)
    x, y = x[order], one_hot(labels[order], n_classes)
    return x[n_test:], x[:n_test], y[n_test:], y[:n_test]


def generate_regression_data(
    n_samples: int = 1000,
    n_features: int = 20,
    random_seed: int | None = 42,
    test_size: float = 0.2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Make a learnable regression problem and split it into train and test sets.

    Like much real data, the features are noisy views of a few hidden factors
    ``h`` (``n_features // 3``, between 1 and 4): each feature is a random
    linear mix of them plus noise. The target is ``h·w + 0.3·sin(2·h·u)`` plus
    noise of std 0.1, with unit vectors ``w`` and ``u`` (target std about 1).

    Args:
        n_samples: total samples (train + test).
        n_features: features per sample.
        random_seed: seed for a reproducible data set (None: a fresh one).
        test_size: fraction of samples held out for testing, in (0, 1).

    Returns:
        ``x_train, x_test, y_train, y_test``; ``x`` is ``(n, n_features)``
        and ``y`` is ``(n, 1)``, both float64.

    Raises:
        ValueError: for invalid arguments, with the reason.
    """
    _check_positive_int("n_samples", n_samples)
    _check_positive_int("n_features", n_features)
    n_test = _test_count(n_samples, test_size)
    rng = _rng(random_seed)

    n_factors = min(4, max(1, n_features // 3))
    factors = rng.standard_normal((n_samples, n_factors))
    w, u = (v / np.linalg.norm(v) for v in rng.standard_normal((2, n_factors)))
    target = factors @ w + 0.3 * np.sin(2.0 * (factors @ u))
    target += rng.standard_normal(n_samples) * _REGRESSION_NOISE_STD
    mixing = rng.standard_normal((n_factors, n_features))
    x = factors @ mixing + _FEATURE_NOISE_STD * rng.standard_normal((n_samples, n_features))
    _vary_scales(x, rng)

    y = target.reshape(-1, 1)  # the rows are independent draws: already in random order
    return x[n_test:], x[:n_test], y[n_test:], y[:n_test]


def _feature_split(n_features: int) -> tuple[int, int]:
    """Return ``(informative, redundant)`` counts; the rest are pure noise."""
    n_informative = min(n_features, max(2, n_features // 2))
    n_redundant = (n_features - n_informative) // 2
    return n_informative, n_redundant


def _add_uninformative_features(
    informative: np.ndarray, n_redundant: int, n_features: int, rng: np.random.Generator
) -> np.ndarray:
    """Append redundant and noise columns, shuffle the columns, vary their scales."""
    n_samples, n_informative = informative.shape
    mixing = rng.standard_normal((n_informative, n_redundant)) / math.sqrt(n_informative)
    noise = rng.standard_normal((n_samples, n_features - n_informative - n_redundant))
    x = np.hstack([informative, informative @ mixing, noise])
    x = x[:, rng.permutation(n_features)]
    _vary_scales(x, rng)
    return x


def _vary_scales(x: np.ndarray, rng: np.random.Generator) -> None:
    """Give the columns different scales and offsets, as real features have (in place)."""
    n_features = x.shape[1]
    x *= rng.uniform(0.5, 3.0, size=n_features)
    x += rng.uniform(-2.0, 2.0, size=n_features)


def _min_pairwise_distance(points: np.ndarray) -> float:
    differences = points[:, None, :] - points[None, :, :]
    distances = np.sqrt((differences**2).sum(axis=-1))
    distances[np.diag_indices(len(points))] = np.inf
    return float(distances.min())


def _check_positive_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _test_count(n_samples: int, test_size: float) -> int:
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, (int, float, np.floating))
        or not 0 < test_size < 1
    ):
        raise ValueError(f"test_size must be between 0 and 1 (exclusive), got {test_size!r}")
    n_test = math.ceil(n_samples * test_size)
    if n_test >= n_samples:
        raise ValueError(
            f"n_samples={n_samples} is too few to split with test_size={test_size}: "
            f"need at least one training and one test sample"
        )
    return n_test


def _rng(random_seed: int | None) -> np.random.Generator:
    if random_seed is not None and (
        isinstance(random_seed, bool)
        or not isinstance(random_seed, (int, np.integer))
        or random_seed < 0
    ):
        raise ValueError(f"random_seed must be a non-negative integer or None, got {random_seed!r}")
    return np.random.default_rng(random_seed)


# ------------------------------------------------------------------ splitting


def split_indices(
    n_samples: int,
    test_size: float,
    rng: np.random.Generator,
    labels: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled train and test row indices, stratified by `labels` when given.

    Each class with at least two rows puts at least one in each set; a class
    with a single row goes to the training set.

    Args:
        n_samples: Number of rows to split.
        test_size: Fraction of rows for the test set, strictly between 0 and 1.
        rng: Source of the shuffle.
        labels: Integer class of each row, or None for a plain shuffled split.

    Returns:
        `(train_indices, test_indices)`, each shuffled.

    Raises:
        ValueError: If `test_size` is not strictly between 0 and 1, or there
            are too few rows to give both sets at least one.
    """
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, int | float)
        or not 0 < test_size < 1
    ):
        raise ValueError(f"test_size must be between 0 and 1 (exclusive), got {test_size!r}")
    if n_samples < 2:
        raise ValueError(f"need at least 2 samples to split, got {n_samples}")
    groups = [np.arange(n_samples)] if labels is None else _rows_by_class(labels)
    train_parts, test_parts = [], []
    for rows in groups:
        rows = rng.permutation(rows)
        n_test = min(max(round(len(rows) * test_size), 1), len(rows) - 1)
        test_parts.append(rows[:n_test])
        train_parts.append(rows[n_test:])
    train, test = np.concatenate(train_parts), np.concatenate(test_parts)
    if len(test) == 0:
        raise ValueError("too few samples per class to put any in the test set")
    return rng.permutation(train), rng.permutation(test)


def _rows_by_class(labels: np.ndarray) -> list[np.ndarray]:
    return [np.flatnonzero(labels == label) for label in np.unique(labels)]


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
        return (x - self.mean) / self.std

    def inverse_transform(self, x: np.ndarray) -> np.ndarray:
        """Undo :meth:`transform`: ``x * std + mean``."""
        return _as_feature_matrix(x, "x") * self.std + self.mean


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
