"""Synthetic data sets: learnable classification and regression problems.

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

import numpy as np

from nntui.datasets.splits import split_indices

__all__ = [
    "generate_classification_data",
    "generate_regression_data",
    "make_classification",
    "make_regression",
    "split_indices",
]

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
        float64 and ``y`` holds integer class labels ``(n,)`` in
        ``[0, n_classes)`` (``NeuralNetwork.train`` takes them as they are;
        ``one_hot(y, n_classes)`` encodes them).

    Example:
        >>> x_train, x_test, y_train, y_test = generate_classification_data(100, 4, 3)
        >>> x_train.shape, y_train.shape, y_train.dtype.kind
        ((80, 4), (80,), 'i')

    Raises:
        ValueError: for invalid arguments, with the reason.
    """
    _check_positive_int("n_samples", n_samples)
    _check_positive_int("n_features", n_features)
    _check_classes(n_classes)
    _test_count(n_samples, test_size)
    rng = _rng(random_seed)
    x, labels = _classification_rows(n_samples, n_features, n_classes, rng)
    train, test = split_indices(n_samples, test_size, rng, labels)  # stratified
    return x[train], x[test], labels[train], labels[test]


def make_classification(
    n_samples: int, n_features: int, n_classes: int, random_seed: int | None = 42
) -> tuple[np.ndarray, np.ndarray]:
    """The rows of :func:`generate_classification_data` before any split.

    Returns:
        ``(x, labels)``: ``(n_samples, n_features)`` float64 features and the
        integer class of each row (balanced classes, in random order).

    Raises:
        ValueError: for invalid arguments, with the reason.
    """
    _check_positive_int("n_samples", n_samples)
    _check_positive_int("n_features", n_features)
    _check_classes(n_classes)
    return _classification_rows(n_samples, n_features, n_classes, _rng(random_seed))


def _check_classes(n_classes: object) -> None:
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)):
        raise ValueError(f"n_classes must be an integer, got {n_classes!r}")
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")


def _classification_rows(
    n_samples: int, n_features: int, n_classes: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    n_informative, n_redundant = _feature_split(n_features)
    n_clusters = n_classes * _CLUSTERS_PER_CLASS
    centroids = rng.standard_normal((n_clusters, n_informative)) * 2.0
    centroids *= max(1.0, _MIN_CENTROID_DISTANCE / _min_pairwise_distance(centroids))

    labels = np.arange(n_samples, dtype=np.int64) % n_classes  # balanced classes
    cluster = labels * _CLUSTERS_PER_CLASS + rng.integers(_CLUSTERS_PER_CLASS, size=n_samples)
    informative = centroids[cluster] + rng.standard_normal((n_samples, n_informative))
    x = _add_uninformative_features(informative, n_redundant, n_features, rng)
    order = rng.permutation(n_samples)
    return x[order], labels[order]


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
    x, y = make_regression(n_samples, n_features, random_seed)
    # The rows are independent draws: already in random order.
    return x[n_test:], x[:n_test], y[n_test:], y[:n_test]


def make_regression(
    n_samples: int, n_features: int, random_seed: int | None = 42
) -> tuple[np.ndarray, np.ndarray]:
    """The rows of :func:`generate_regression_data` before any split.

    Returns:
        ``(x, y)``: ``(n_samples, n_features)`` features and ``(n_samples, 1)``
        targets, float64, the rows in random order.

    Raises:
        ValueError: for invalid arguments, with the reason.
    """
    _check_positive_int("n_samples", n_samples)
    _check_positive_int("n_features", n_features)
    rng = _rng(random_seed)
    n_factors = min(4, max(1, n_features // 3))
    factors = rng.standard_normal((n_samples, n_factors))
    w, u = (v / np.linalg.norm(v) for v in rng.standard_normal((2, n_factors)))
    target = factors @ w + 0.3 * np.sin(2.0 * (factors @ u))
    target += rng.standard_normal(n_samples) * _REGRESSION_NOISE_STD
    mixing = rng.standard_normal((n_factors, n_features))
    x = factors @ mixing + _FEATURE_NOISE_STD * rng.standard_normal((n_samples, n_features))
    _vary_scales(x, rng)
    return x, target.reshape(-1, 1)


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
