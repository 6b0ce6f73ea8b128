"""The run's data from every source: split, z-scored with training statistics, named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import config_with

from nntui.datasets.planar import PLANAR_EXTENT
from nntui.datasets.tabular import DataSourceError
from nntui.training.datasets import load_run_data

ANIMALS_CSV = "weight,height,legs,animal\n" + "".join(
    f"{w},{h},{legs},{animal}\n"
    for w, h, legs, animal in [
        (4.0, 30, 4, "cat"),
        (30.5, 60, 4, "dog"),
        (0.02, 1, 6, "ant"),
        (3.5, 25, 4, "cat"),
        (25.0, 55, 4, "dog"),
        (0.01, 1, 6, "ant"),
        (5.0, 28, 4, "cat"),
        (40.0, 70, 4, "dog"),
        (0.03, 2, 6, "ant"),
        (4.2, 31, 4, "cat"),
    ]
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_synthetic_data_is_named_and_normalised_with_training_statistics() -> None:
    data = load_run_data(config_with(data__n_samples=200, data__n_features=5))

    assert data.feature_names == ("x1", "x2", "x3", "x4", "x5")
    assert data.class_names == ("class_0", "class_1", "class_2")
    assert (data.n_train, data.n_validation, data.n_test, data.n_features) == (144, 16, 40, 5)
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(data.x_train.std(axis=0), 1.0)
    # The test set goes through the training statistics, not its own.
    assert np.array_equal(data.x_test, data.standardizer.transform(data.x_test_raw))
    assert np.array_equal(data.normalize(data.x_test_raw), data.x_test)
    assert data.input_extent is None


def test_synthetic_regression_has_no_class_names() -> None:
    data = load_run_data(config_with(data__n_samples=100, task="regression"))
    assert data.class_names is None
    assert data.y_train.shape == (72, 1)  # 100 - 20 test - 8 validation


def test_iris_comes_from_the_packaged_table() -> None:
    data = load_run_data(config_with(data__source="iris"))

    assert data.feature_names == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert data.class_names == ("setosa", "versicolor", "virginica")
    assert (data.n_train, data.n_validation, data.n_test) == (108, 12, 30)
    assert data.y_test.sum(axis=0).tolist() == [10, 10, 10]  # a stratified split
    assert data.y_val.sum(axis=0).tolist() == [4, 4, 4]
    assert data.source == "iris"


def test_csv_labels_become_class_names_and_features_keep_their_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "animals.csv", ANIMALS_CSV)
    monkeypatch.chdir(tmp_path)  # data.path is relative to the folder nntui runs in
    config = config_with(
        data__source="csv",
        data__path="animals.csv",
        data__target="animal",
        data__features=["legs", "weight"],
        data__test_size=0.3,
    )

    data = load_run_data(config)

    assert data.class_names == ("ant", "cat", "dog")
    assert data.feature_names == ("legs", "weight")
    assert data.n_train + data.n_validation + data.n_test == 10
    every_leg = {*data.x_train_raw[:, 0], *data.x_val_raw[:, 0], *data.x_test_raw[:, 0]}
    assert every_leg == {4.0, 6.0}


def test_csv_regression_target(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", ANIMALS_CSV)
    config = config_with(
        data__source="csv",
        data__path=str(path),
        data__target="height",
        data__features=["weight"],
        task="regression",
    )

    data = load_run_data(config)

    assert data.class_names is None
    assert data.y_train.shape == (data.n_train, 1)
    assert data.feature_names == ("weight",)


def test_a_missing_csv_is_a_data_source_error_naming_it(tmp_path: Path) -> None:
    config = config_with(
        data__source="csv", data__path=str(tmp_path / "gone.csv"), data__target="y"
    )
    with pytest.raises(DataSourceError, match=r"data file not found: .*gone\.csv"):
        load_run_data(config)


def sigmoid_animals_config(path: Path) -> dict[str, Any]:
    """Predict the ``animal`` column of the CSV at ``path`` with one sigmoid output unit."""
    return config_with(
        data__source="csv",
        data__path=str(path),
        data__target="animal",
        data__n_classes=2,
        network__output_activation="sigmoid",
    )


def test_a_sigmoid_head_on_a_three_class_csv_is_a_data_source_error(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", ANIMALS_CSV)
    with pytest.raises(DataSourceError) as caught:
        load_run_data(sigmoid_animals_config(path))
    message = str(caught.value)
    assert "target column 'animal' has 3 classes (ant, cat, dog)" in message
    assert "use softmax" in message


def test_a_sigmoid_head_on_a_two_class_csv_gets_one_target_column(tmp_path: Path) -> None:
    two_classes = "\n".join(line for line in ANIMALS_CSV.splitlines() if "ant" not in line)
    path = write(tmp_path / "a.csv", two_classes + "\n")
    data = load_run_data(sigmoid_animals_config(path))
    assert data.y_train.shape == (data.n_train, 1)
    assert data.class_names == ("cat", "dog")


@pytest.mark.parametrize(("source", "n_classes"), [("circles", 2), ("xor", 2), ("spiral", 3)])
def test_planar_classification_lies_in_the_extent(source: str, n_classes: int) -> None:
    config = config_with(data__source=source, data__n_samples=100, data__n_classes=n_classes)

    data = load_run_data(config)

    assert data.feature_names == ("x1", "x2")
    assert data.class_names == tuple(f"class_{k}" for k in range(n_classes))
    assert data.input_extent == PLANAR_EXTENT
    low, high = PLANAR_EXTENT
    assert low <= data.x_train_raw.min() and data.x_train_raw.max() <= high


def test_planar_regression_has_a_column_target_and_no_classes() -> None:
    data = load_run_data(config_with(data__source="bump", data__n_samples=50))
    assert data.class_names is None
    assert data.y_test.shape == (10, 1)
    assert data.input_extent == PLANAR_EXTENT


def test_noise_changes_planar_data() -> None:
    clean = load_run_data(config_with(data__source="xor", data__noise=0.0))
    noisy = load_run_data(config_with(data__source="xor", data__noise=0.5))
    assert not np.array_equal(clean.x_train_raw, noisy.x_train_raw)
