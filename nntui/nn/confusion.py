"""Classification quality: the confusion matrix and per-class precision, recall and F1.

Rows are the true classes, columns the predicted ones (scikit-learn's
convention): ``matrix[i, j]`` counts the samples of class ``i`` the network
called ``j``, so the diagonal holds the correct answers. For class ``c``:

==========  ========================================  ==================================
score       formula                                   question it answers
==========  ========================================  ==================================
precision   TP / (TP + FP) = m[c,c] / Σ_i m[i,c]      of those called c, how many are c?
recall      TP / (TP + FN) = m[c,c] / Σ_j m[c,j]      of the c's, how many were found?
F1          2·P·R / (P + R) = 2TP / (2TP + FP + FN)   both at once (harmonic mean)
support     Σ_j m[c,j]                                how many c's there are
==========  ========================================  ==================================

A score whose denominator is 0 is ``None``, not 0: a class never predicted
has no precision ("undefined" and "always wrong" are different stories), but
its F1 is 0 when the class occurs (as scikit-learn counts it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from nntui.nn.arrays import ArrayLike

IntMatrix = npt.NDArray[np.int64]


def class_labels(outputs: ArrayLike) -> npt.NDArray[np.int64]:
    """Class indices from a classifier's outputs or targets.

    Args:
        outputs: ``(n, k)`` probabilities or one-hot rows (the largest wins),
            ``(n, 1)`` sigmoid probabilities or 0/1 targets (≥ 0.5 is class 1),
            or ``(n,)`` integer labels.

    Returns:
        ``(n,)`` integer class indices.

    Example:
        >>> class_labels([[0.2, 0.8], [0.9, 0.1]]).tolist()
        [1, 0]
        >>> class_labels([[0.7], [0.2]]).tolist()
        [1, 0]
    """
    values = np.asarray(outputs)
    labels: npt.NDArray[np.int64]
    if values.ndim == 1:
        labels = values.astype(np.int64)
    elif values.ndim != 2:
        raise ValueError(f"outputs must be (n,), (n, 1) or (n, k), got shape {values.shape}")
    elif values.shape[1] == 1:
        labels = (values[:, 0] >= 0.5).astype(np.int64)
    else:
        labels = values.argmax(axis=1).astype(np.int64)
    return labels


def confusion_matrix(true: ArrayLike, predicted: ArrayLike, n_classes: int) -> IntMatrix:
    """Count each (true class, predicted class) pair.

    Args:
        true: ``(n,)`` true class indices in ``[0, n_classes)``.
        predicted: ``(n,)`` predicted class indices in ``[0, n_classes)``.
        n_classes: the number of classes ``k``.

    Returns:
        A ``(k, k)`` int64 matrix; row = true class, column = predicted class.

    Raises:
        ValueError: the label arrays differ in length, or a label is out of range.

    Example:
        >>> confusion_matrix([0, 0, 1, 1], [0, 1, 1, 1], 2).tolist()
        [[1, 1], [0, 2]]
    """
    truth = np.asarray(true, dtype=np.int64).reshape(-1)
    guess = np.asarray(predicted, dtype=np.int64).reshape(-1)
    if truth.shape != guess.shape:
        raise ValueError(f"{truth.size} true labels but {guess.size} predicted ones")
    if n_classes < 1:
        raise ValueError(f"n_classes must be at least 1, got {n_classes}")
    for name, labels in (("true", truth), ("predicted", guess)):
        if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
            raise ValueError(f"{name} labels must be in [0, {n_classes}), got {labels.min()}…")
    # Each pair (i, j) becomes one index i·k + j; counting those fills the matrix at once.
    counts = np.bincount(truth * n_classes + guess, minlength=n_classes * n_classes)
    matrix: IntMatrix = counts.reshape(n_classes, n_classes).astype(np.int64)
    return matrix


@dataclass(frozen=True)
class ClassScores:
    """Precision, recall and F1 of one class (``None`` where undefined).

    Attributes:
        index: the class index (row and column of the matrix).
        precision: TP / (TP + FP).
        recall: TP / (TP + FN).
        f1: 2·P·R / (P + R).
        support: true samples of the class.
    """

    index: int
    precision: float | None
    recall: float | None
    f1: float | None
    support: int

    def as_dict(self) -> dict[str, Any]:
        """``{"precision", "recall", "f1", "support"}`` as the results document writes them."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "support": self.support,
        }


def class_scores(matrix: ArrayLike) -> tuple[ClassScores, ...]:
    """Per class, precision, recall, F1 and support of a confusion matrix.

    Example:
        >>> scores = class_scores([[1, 1], [0, 2]])
        >>> scores[1].precision, scores[1].recall
        (0.6666666666666666, 1.0)
    """
    counts = np.asarray(matrix, dtype=np.int64)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"a confusion matrix is square, got shape {counts.shape}")
    true_positive = np.diag(counts)
    predicted = counts.sum(axis=0)  # column sums: everything called c
    actual = counts.sum(axis=1)  # row sums: every true c
    scores = []
    for c in range(counts.shape[0]):
        precision = _ratio(true_positive[c], predicted[c])
        recall = _ratio(true_positive[c], actual[c])
        # 2·P·R / (P + R) = 2TP / (2TP + FP + FN): defined whenever the class occurs at
        # all (a class never predicted has no precision but an F1 of 0).
        mistakes = predicted[c] + actual[c] - 2 * true_positive[c]  # FP + FN
        f1 = _ratio(2 * true_positive[c], 2 * true_positive[c] + mistakes)
        scores.append(ClassScores(c, precision, recall, f1, int(actual[c])))
    return tuple(scores)


def macro_f1(scores: tuple[ClassScores, ...]) -> float | None:
    """The mean F1 over the classes where it is defined (``None`` if none is)."""
    values = [score.f1 for score in scores if score.f1 is not None]
    return sum(values) / len(values) if values else None


def _ratio(numerator: np.integer[Any], denominator: np.integer[Any]) -> float | None:
    return None if denominator == 0 else float(numerator) / float(denominator)
