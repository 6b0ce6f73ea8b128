"""The confusion matrix and per-class scores, from fixed labels."""

from __future__ import annotations

import numpy as np
import pytest

from nntui.nn.confusion import class_labels, class_scores, confusion_matrix, macro_f1


def test_rows_are_true_classes_and_columns_predicted_ones() -> None:
    matrix = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert matrix.sum() == 6


def test_scores_match_hand_computed_values() -> None:
    scores = class_scores([[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    # class 0: TP 1, called 0 twice (column sum 2), 2 true 0s
    assert scores[0].precision == pytest.approx(0.5)
    assert scores[0].recall == pytest.approx(0.5)
    assert scores[0].f1 == pytest.approx(0.5)
    # class 2: TP 2, column sum 2, row sum 3
    assert scores[2].precision == pytest.approx(1.0)
    assert scores[2].recall == pytest.approx(2 / 3)
    assert scores[2].f1 == pytest.approx(0.8)
    assert [score.support for score in scores] == [2, 1, 3]


def test_a_class_never_predicted_has_undefined_precision_and_f1_zero() -> None:
    scores = class_scores([[2, 0], [1, 0]])
    assert scores[1].precision is None
    assert scores[1].recall == 0.0
    assert scores[1].f1 == 0.0
    assert macro_f1(scores) == pytest.approx(scores[0].f1 / 2)


def test_a_class_absent_and_never_predicted_has_no_scores() -> None:
    scores = class_scores([[3, 0], [0, 0]])
    assert scores[1].precision is None and scores[1].recall is None and scores[1].f1 is None
    assert macro_f1(scores) == 1.0


def test_perfect_predictions_score_one_everywhere() -> None:
    labels = np.array([0, 1, 2, 1])
    scores = class_scores(confusion_matrix(labels, labels, 3))
    assert all(score.f1 == 1.0 for score in scores)
    assert macro_f1(scores) == 1.0


def test_class_labels_from_softmax_sigmoid_and_integer_labels() -> None:
    assert class_labels([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]]).tolist() == [1, 0]
    assert class_labels([[0.5], [0.49]]).tolist() == [1, 0]
    assert class_labels(np.array([2, 0])).tolist() == [2, 0]


def test_bad_labels_are_refused_with_the_range() -> None:
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        confusion_matrix([0, 2], [0, 1], 2)
    with pytest.raises(ValueError, match="2 true labels but 1"):
        confusion_matrix([0, 1], [0], 2)
