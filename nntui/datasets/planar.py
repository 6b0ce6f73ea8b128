"""Two-input datasets to watch a network learn, after TensorFlow Playground.

Every point has two coordinates inside the square `PLANAR_EXTENT` × `PLANAR_EXTENT`
(−1 to 1 on both axes), so a screen can draw the whole input plane and the
network's output over it. The shapes are TensorFlow Playground's, with its
plane of side 12 scaled down to side 2:

- ``circles``: a disc of one class inside a ring of the other.
- ``xor``: opposite quadrants share a class (needs a hidden layer).
- ``gaussian``: two round clouds on the diagonal (linearly separable).
- ``spiral``: interleaved spiral arms, one per class (needs depth).
- ``plane``: regression on a tilted plane, y = (x₁ + x₂) / 2.
- ``bump``: regression on six Gaussian bumps of height ±1 in a 3 × 2 grid.

`noise` (0 to 0.5) makes a problem harder. For ``circles``, ``xor`` and
``spiral`` it jitters the points, so the classes overlap near the boundary;
for ``gaussian`` it widens the clouds. For the regression sets it adds
Gaussian noise to the target with `noise` times the target's standard
deviation, so the best reachable R² is about 1 / (1 + noise²) (0.99 at 0.1,
0.8 at 0.5). Classification classes are balanced by construction (sizes
differ by at most one).
"""

from __future__ import annotations

import numpy as np

from nntui.datasets.splits import split_indices
from nntui.nn.preprocessing import one_hot

PLANAR_CLASSIFICATION = ("circles", "xor", "gaussian", "spiral")
PLANAR_REGRESSION = ("plane", "bump")
PLANAR_KINDS = PLANAR_CLASSIFICATION + PLANAR_REGRESSION
PLANAR_EXTENT = (-1.0, 1.0)
"""Lower and upper bound of both input coordinates; every point lies inside."""
MAX_NOISE = 0.5
MIN_SAMPLES = 10

# TensorFlow Playground draws 5 units of its 6-unit half-width with data.
_RADIUS = 5 / 6


def generate_planar_data(
    kind: str,
    n_samples: int = 400,
    noise: float = 0.1,
    random_seed: int = 42,
    test_size: float = 0.2,
    n_classes: int = 2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Generate a 2-D dataset and split it into training and test sets.

    Args:
        kind: One of `PLANAR_CLASSIFICATION` or `PLANAR_REGRESSION`.
        n_samples: Total number of points (training plus test), at least 10.
        noise: How noisy the problem is, from 0 (clean) to 0.5 (hard).
        random_seed: Seed of the generator; the same seed gives the same data.
        test_size: Fraction of points in the test set, strictly between 0 and 1.
        n_classes: Number of classes. Only ``spiral`` accepts more than 2 (one
            arm per class); every other kind has exactly 2.

    Returns:
        `x_train, x_test, y_train, y_test`. `x` is float64 of shape (n, 2)
        inside `PLANAR_EXTENT` (a point that noise would push off the plane
        sits on its edge). For classification `y` is one-hot float64 of
        shape (n, n_classes) and the split is stratified; for regression `y`
        is float64 of shape (n, 1), roughly within [-1, 1].

    Raises:
        ValueError: For an unknown kind, noise outside [0, 0.5], fewer than 10
            samples, an invalid test_size, or n_classes other than 2 for a kind
            that is not ``spiral``.
    """
    x, y, labels = planar_points(kind, n_samples, noise, random_seed, n_classes)
    train, test = split_indices(n_samples, test_size, np.random.default_rng(random_seed), labels)
    return x[train], x[test], y[train], y[test]


def planar_points(
    kind: str,
    n_samples: int = 400,
    noise: float = 0.1,
    random_seed: int = 42,
    n_classes: int = 2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The points of :func:`generate_planar_data` before any split.

    Returns:
        ``(x, y, labels)``: ``x`` float64 ``(n, 2)``; ``y`` one-hot
        ``(n, n_classes)`` for classification or ``(n, 1)`` values for
        regression; ``labels`` the integer class of each point (``None`` for
        regression), for a stratified split.

    Raises:
        ValueError: see :func:`generate_planar_data`.
    """
    _check_arguments(kind, n_samples, noise, n_classes)
    rng = np.random.default_rng(random_seed)
    if kind in PLANAR_REGRESSION:
        x = rng.uniform(*PLANAR_EXTENT, size=(n_samples, 2))
        clean = _plane(x) if kind == "plane" else _bump(x)
        # Noise is the ratio of the noise's spread to the signal's, so the
        # best reachable R² is about 1 / (1 + noise²) for either kind.
        y = (clean + rng.normal(0.0, noise * clean.std(), size=n_samples)).reshape(-1, 1)
        return x, y, None
    class_sizes = _balanced_sizes(n_samples, n_classes)
    labels = np.repeat(np.arange(n_classes), class_sizes)
    if kind == "circles":
        x = _circles(rng, labels, noise)
    elif kind == "xor":
        x = _xor(rng, labels, noise)
    elif kind == "gaussian":
        x = _gaussian(rng, labels, noise)
    else:
        x = _spiral(rng, labels, n_classes, noise)
    return np.clip(x, *PLANAR_EXTENT), one_hot(labels, n_classes), labels


def _check_arguments(kind: str, n_samples: int, noise: float, n_classes: int) -> None:
    if kind not in PLANAR_KINDS:
        raise ValueError(f"Unknown planar dataset {kind!r}. Available: {', '.join(PLANAR_KINDS)}")
    if isinstance(noise, bool) or not isinstance(noise, int | float) or not 0 <= noise <= MAX_NOISE:
        raise ValueError(f"noise must be between 0 and {MAX_NOISE}, got {noise}")
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer):
        raise ValueError(f"n_samples must be an integer, got {n_samples!r}")
    if n_samples < MIN_SAMPLES:
        raise ValueError(f"n_samples must be at least {MIN_SAMPLES}, got {n_samples}")
    if kind == "spiral":
        if not 2 <= n_classes <= n_samples // 2:
            raise ValueError(
                f"n_classes for 'spiral' must be between 2 and n_samples / 2, got {n_classes}"
            )
    elif n_classes != 2:
        raise ValueError(f"{kind!r} has 2 classes; only 'spiral' takes n_classes")


def _balanced_sizes(n_samples: int, n_classes: int) -> list[int]:
    base, extra = divmod(n_samples, n_classes)
    return [base + (k < extra) for k in range(n_classes)]


def _jitter(rng: np.random.Generator, n: int, noise: float) -> np.ndarray:
    # Uniform in ±noise·radius on each axis: the Playground's amount.
    return rng.uniform(-1.0, 1.0, size=(n, 2)) * (noise * _RADIUS)


def _polar(radius: np.ndarray, angle: np.ndarray) -> np.ndarray:
    return np.column_stack((radius * np.sin(angle), radius * np.cos(angle)))


def _circles(rng: np.random.Generator, labels: np.ndarray, noise: float) -> np.ndarray:
    # Class 1 is the disc (radius up to half), class 0 the ring (0.7 to 1),
    # with an empty band between them that noise fills in.
    inside = labels == 1
    radius = np.where(
        inside,
        rng.uniform(0.0, 0.5 * _RADIUS, size=len(labels)),
        rng.uniform(0.7 * _RADIUS, _RADIUS, size=len(labels)),
    )
    angle = rng.uniform(0.0, 2 * np.pi, size=len(labels))
    points: np.ndarray = _polar(radius, angle) + _jitter(rng, len(labels), noise)
    return points


def _xor(rng: np.random.Generator, labels: np.ndarray, noise: float) -> np.ndarray:
    # Class 1 where x₁·x₂ > 0 (first and third quadrants), class 0 elsewhere.
    # A small padding keeps clean points off the axes.
    padding = 0.3 / 6
    magnitude = rng.uniform(padding, padding + _RADIUS, size=(len(labels), 2))
    sign_x1 = rng.choice([-1.0, 1.0], size=len(labels))
    sign_x2 = np.where(labels == 1, sign_x1, -sign_x1)
    points: np.ndarray = magnitude * np.column_stack((sign_x1, sign_x2))
    points += _jitter(rng, len(labels), noise)
    return points


def _gaussian(rng: np.random.Generator, labels: np.ndarray, noise: float) -> np.ndarray:
    # Class 1 around (1/3, 1/3), class 0 around (-1/3, -1/3). The Playground's
    # variance grows linearly from 0.5 to 4 (in its units) as noise goes 0 → 0.5.
    std = np.sqrt(0.5 + 7.0 * noise) / 6
    centres = np.where(labels[:, None] == 1, 1 / 3, -1 / 3)
    points = centres + rng.normal(0.0, std, size=(len(labels), 2))
    # Redraw the few tail points that fall off the plane rather than piling
    # them on its edge by clipping.
    low, high = PLANAR_EXTENT
    outside = np.any((points < low) | (points > high), axis=1)
    while outside.any():
        points[outside] = centres[outside] + rng.normal(0.0, std, size=(outside.sum(), 2))
        outside = np.any((points < low) | (points > high), axis=1)
    return points


def _spiral(
    rng: np.random.Generator, labels: np.ndarray, n_classes: int, noise: float
) -> np.ndarray:
    # Arm k turns 1.75 times outwards from the centre, rotated by 2πk/K.
    position = rng.uniform(0.0, 1.0, size=len(labels))
    radius = position * _RADIUS
    angle = 1.75 * 2 * np.pi * position + 2 * np.pi * labels / n_classes
    # The Playground's spiral jitter is ±noise units, a sixth of the others.
    return _polar(radius, angle) + _jitter(rng, len(labels), noise) / 5


def _plane(points: np.ndarray) -> np.ndarray:
    heights: np.ndarray = (points[:, 0] + points[:, 1]) / 2
    return heights


# Six bumps: centre x₁, centre x₂, sign — at the Playground's "multi-Gaussian"
# centres, scaled by 1/6. Its cones have kinks a small net struggles with;
# smooth bumps show the same picture and are learnable.
_BUMPS = np.array(
    [
        [-4, 2.5, 1],
        [0, 2.5, -1],
        [4, 2.5, 1],
        [-4, -2.5, -1],
        [0, -2.5, 1],
        [4, -2.5, -1],
    ]
) / np.array([6, 6, 1])
_BUMP_WIDTH = 0.25


def _bump(points: np.ndarray) -> np.ndarray:
    # y = Σ sign·exp(−d²/(2σ²)) over the bumps, d the distance to a centre.
    # They sit far enough apart (≥ 2.7σ) that y stays within about ±1.
    offsets = points[:, None, :] - _BUMPS[None, :, :2]
    squared_distance = (offsets**2).sum(axis=2)
    heights: np.ndarray = np.exp(-squared_distance / (2 * _BUMP_WIDTH**2)) @ _BUMPS[:, 2]
    return heights
