"""CSV loading, the bundled Iris table, and the stratified split."""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from nntui.datasets import DataSourceError, TabularDataset, load_csv, load_iris, read_csv_table
from nntui.datasets.synthetic import split_indices
from nntui.nn.network import NeuralNetwork
from nntui.nn.preprocessing import normalize_features

WriteCsv = Callable[..., Path]

GOOD_ROWS = "1.0,2.0,cat\n3.0,4.0,dog\n5.0,6.0,cat\n7.0,8.0,dog\n"


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    def write(text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


# ------------------------------------------------------------------ reading


def test_string_labels_become_sorted_class_indices(write_csv: WriteCsv) -> None:
    path = write_csv("a,b,animal\n" + "1,2,dog\n3,4,cat\n5,6,emu\n7,8,cat\n")

    dataset = load_csv(path, target="animal")

    assert dataset.class_names == ["cat", "dog", "emu"]
    assert dataset.y.tolist() == [1, 0, 2, 0]
    assert dataset.y.dtype.kind == "i"
    assert dataset.x.dtype == np.float64
    assert dataset.x.tolist() == [[1, 2], [3, 4], [5, 6], [7, 8]]
    assert dataset.feature_names == ["a", "b"]
    assert dataset.source == str(path)
    assert dataset.is_classification
    assert dataset.n_classes == 3


def test_numeric_labels_sort_by_value_and_equal_numbers_share_a_class(
    write_csv: WriteCsv,
) -> None:
    path = write_csv("x,label\n0,10\n1,2\n2,2.0\n3,10\n4,2\n")

    dataset = load_csv(path, target="label")

    assert dataset.class_names == ["2", "10"]
    assert dataset.y.tolist() == [1, 0, 0, 1, 0]


def test_regression_target_is_float(write_csv: WriteCsv) -> None:
    path = write_csv("x,price\n1,2.5\n2,3.5\n3,-1e3\n4,0\n")

    dataset = load_csv(path, target="price", task="regression")

    assert dataset.class_names is None
    assert not dataset.is_classification
    assert dataset.y.dtype == np.float64
    assert dataset.y.tolist() == [2.5, 3.5, -1000.0, 0.0]


def test_features_subset_keeps_the_requested_order(write_csv: WriteCsv) -> None:
    path = write_csv("a,b,c,y\n1,2,3,p\n4,5,6,q\n7,8,9,p\n10,11,12,q\n")

    dataset = load_csv(path, target="y", features=["c", "a"])

    assert dataset.feature_names == ["c", "a"]
    assert dataset.x[:, 0].tolist() == [3, 6, 9, 12]
    assert dataset.x[:, 1].tolist() == [1, 4, 7, 10]


def test_target_may_be_any_column(write_csv: WriteCsv) -> None:
    path = write_csv("label,a,b\ncat,1,2\ndog,3,4\ncat,5,6\ndog,7,8\n")

    dataset = load_csv(path, target="label")

    assert dataset.feature_names == ["a", "b"]
    assert dataset.x[0].tolist() == [1, 2]


def test_bom_blank_lines_whitespace_and_quotes_are_tolerated(write_csv: WriteCsv) -> None:
    text = '\ufeff a , b ,y\n1, 2,"big, red"\n\n3 ,4,small\n5,6,"big, red"\r\n7,8,small\n\n\n'
    path = write_csv(text)

    dataset = load_csv(str(path), target="y")

    assert dataset.feature_names == ["a", "b"]
    assert dataset.class_names == ["big, red", "small"]
    assert dataset.n_samples == 4


def test_arrays_are_read_only(write_csv: WriteCsv) -> None:
    dataset = load_csv(write_csv("a,b,y\n" + GOOD_ROWS), target="y")

    with pytest.raises(ValueError, match="read-only"):
        dataset.x[0, 0] = 99.0


def test_read_csv_table_keeps_text_and_person_counted_line_numbers(write_csv: WriteCsv) -> None:
    path = write_csv("\ufeff a , b ,note\n1,2,x\n\n3, 4 ,y\n")

    table = read_csv_table(path)

    assert table.name == str(path)
    assert table.header == ["a", "b", "note"]
    assert table.rows == [(2, ["1", "2", "x"]), (4, ["3", "4", "y"])]
    assert table.numbers([1, 0]).tolist() == [[2.0, 1.0], [4.0, 3.0]]


def test_numbers_of_a_header_only_table_keep_the_column_count(write_csv: WriteCsv) -> None:
    table = read_csv_table(write_csv("a,b,c\n"))

    assert table.numbers([0, 2]).shape == (0, 2)


def test_read_csv_table_names_the_kind_of_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"

    with pytest.raises(DataSourceError) as raised:
        read_csv_table(path, kind="input")

    assert str(raised.value) == f"input file not found: {path}"


# ------------------------------------------------------------------ errors


def test_data_source_error_is_a_value_error() -> None:
    assert issubclass(DataSourceError, ValueError)


def test_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"

    with pytest.raises(DataSourceError) as raised:
        load_csv(path, target="y")

    assert str(raised.value) == f"data file not found: {path}"


def test_directory_is_not_a_csv(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match="is a folder, not a CSV file"):
        load_csv(tmp_path, target="y")


@pytest.mark.parametrize("text", ["", "\n\n  \n"], ids=["empty", "blank-lines"])
def test_empty_file(write_csv: WriteCsv, text: str) -> None:
    path = write_csv(text)

    with pytest.raises(DataSourceError) as raised:
        load_csv(path, target="y")

    assert str(raised.value) == f"{path}: file is empty; expected a header row and data rows"


def test_non_utf8_file(write_csv: WriteCsv) -> None:
    path = write_csv("a,b,y\n1,2,caf\xe9\n", encoding="latin-1")

    with pytest.raises(DataSourceError, match=r"data\.csv: not UTF-8 text"):
        load_csv(path, target="y")


def test_header_that_is_data(write_csv: WriteCsv) -> None:
    path = write_csv("1,2,3\n4,5,6\n")

    with pytest.raises(DataSourceError) as raised:
        load_csv(path, target="y")

    assert str(raised.value).startswith(f"{path}: line 1 looks like data, not a header")


def test_duplicate_header_names(write_csv: WriteCsv) -> None:
    path = write_csv("a,b,a,y\n1,2,3,p\n")

    with pytest.raises(DataSourceError) as raised:
        load_csv(path, target="y")

    assert str(raised.value) == (f"{path}: duplicate column name 'a' in header (columns 1 and 3)")


def test_unnamed_header_column(write_csv: WriteCsv) -> None:
    path = write_csv("a,,y\n1,2,p\n")

    with pytest.raises(DataSourceError) as raised:
        load_csv(path, target="y")

    assert str(raised.value) == f"{path}: header column 2 has no name"


def test_missing_target_lists_columns_and_suggests(write_csv: WriteCsv) -> None:
    path = write_csv("sepal,petal,species\n" + GOOD_ROWS)

    with pytest.raises(DataSourceError) as raised:
        load_csv(path, target="specie")

    assert str(raised.value) == (
        f"target column 'specie' not in {path}; columns: sepal, petal, species "
        "(did you mean 'species'?)"
    )


def test_missing_target_suggests_across_case(write_csv: WriteCsv) -> None:
    path = write_csv("a,b,Species\n" + GOOD_ROWS)

    with pytest.raises(DataSourceError, match=r"did you mean 'Species'\?"):
        load_csv(path, target="SPECIES")


def test_unknown_feature_column(write_csv: WriteCsv) -> None:
    path = write_csv("width,height,y\n" + GOOD_ROWS)

    with pytest.raises(DataSourceError) as raised:
        load_csv(path, target="y", features=["width", "hieght"])

    assert str(raised.value) == (
        f"feature column 'hieght' not in {path}; columns: width, height, y (did you mean 'height'?)"
    )


def test_target_cannot_be_a_feature(write_csv: WriteCsv) -> None:
    path = write_csv("a,b,y\n" + GOOD_ROWS)

    with pytest.raises(DataSourceError, match="target column 'y' cannot also be a feature"):
        load_csv(path, target="y", features=["a", "y"])


def test_non_numeric_feature_names_row_and_column(write_csv: WriteCsv) -> None:
    rows = [f"{i}.1,{i}.2,{i}.3,0.{i},{'setosa' if i % 2 else 'virginica'}" for i in range(20)]
    rows[15] = "5.0,3.0,1.5,abc,setosa"  # header is line 1, so rows[15] is line 17
    path = write_csv(
        "sepal_length,sepal_width,petal_length,petal_width,species\n" + "\n".join(rows)
    )

    with pytest.raises(DataSourceError) as raised:
        load_csv(path, target="species")

    assert str(raised.value) == f"{path}: row 17, column 'petal_width': not a number: 'abc'"


def test_row_numbers_count_blank_lines_as_a_person_does(write_csv: WriteCsv) -> None:
    path = write_csv("a,b,y\n1,2,p\n\n\n3,x,q\n5,6,p\n7,8,q\n")

    with pytest.raises(DataSourceError, match=r"row 5, column 'b': not a number: 'x'"):
        load_csv(path, target="y")


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity"])
def test_non_finite_feature_is_rejected(write_csv: WriteCsv, value: str) -> None:
    path = write_csv(f"a,b,y\n1,2,p\n3,{value},q\n5,6,p\n7,8,q\n")

    with pytest.raises(
        DataSourceError, match=rf"row 3, column 'b': not a finite number: '{value}'"
    ):
        load_csv(path, target="y")


def test_empty_feature_value_is_a_missing_value(write_csv: WriteCsv) -> None:
    path = write_csv("a,b,y\n1,2,p\n3, ,q\n5,6,p\n7,8,q\n")

    with pytest.raises(DataSourceError, match=r"row 3, column 'b': missing value"):
        load_csv(path, target="y")


def test_empty_label_is_a_missing_value(write_csv: WriteCsv) -> None:
    path = write_csv("a,b,y\n1,2,p\n3,4,q\n5,6,\n7,8,q\n")

    with pytest.raises(DataSourceError, match=r"row 4, column 'y': missing value"):
        load_csv(path, target="y")


@pytest.mark.parametrize(("row", "fields"), [("3,4", 2), ("3,4,q,extra", 4)], ids=["short", "long"])
def test_ragged_row(write_csv: WriteCsv, row: str, fields: int) -> None:
    path = write_csv(f"a,b,y\n1,2,p\n{row}\n5,6,p\n7,8,q\n")

    with pytest.raises(DataSourceError) as raised:
        load_csv(path, target="y")

    assert str(raised.value) == f"{path}: row 3 has {fields} fields, header has 3"


def test_one_class_is_not_enough(write_csv: WriteCsv) -> None:
    path = write_csv("a,y\n1,cat\n2,cat\n3,cat\n4,cat\n")

    with pytest.raises(DataSourceError) as raised:
        load_csv(path, target="y")

    assert str(raised.value) == (
        f"{path}: target column 'y' has only one class ('cat'); classification needs at least two"
    )


@pytest.mark.parametrize(
    ("rows", "count"), [("", "0 data rows"), ("1,p\n2,q\n3,p\n", "3 data rows")]
)
def test_too_few_rows(write_csv: WriteCsv, rows: str, count: str) -> None:
    path = write_csv("a,y\n" + rows)

    with pytest.raises(DataSourceError) as raised:
        load_csv(path, target="y")

    assert str(raised.value) == f"{path}: has {count}; at least 4 are needed"


def test_regression_target_must_be_numeric(write_csv: WriteCsv) -> None:
    path = write_csv("a,b,y\n" + GOOD_ROWS)

    with pytest.raises(DataSourceError, match=r"row 2, column 'y': not a number: 'cat'"):
        load_csv(path, target="y", task="regression")


def test_unknown_task(write_csv: WriteCsv) -> None:
    path = write_csv("a,b,y\n" + GOOD_ROWS)

    with pytest.raises(DataSourceError, match="task must be one of classification, regression"):
        load_csv(path, target="y", task="clustering")


# -------------------------------------------------------------------- iris


def test_iris_is_the_real_table() -> None:
    iris = load_iris()

    assert iris.x.shape == (150, 4)
    assert iris.feature_names == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    assert iris.class_names == ["setosa", "versicolor", "virginica"]
    assert np.bincount(iris.y).tolist() == [50, 50, 50]
    assert iris.source == "iris"
    # First, 51st, 101st and last flowers, and Fisher's corrected 35th and 38th.
    assert iris.x[0].tolist() == [5.1, 3.5, 1.4, 0.2]
    assert iris.x[34].tolist() == [4.9, 3.1, 1.5, 0.2]
    assert iris.x[37].tolist() == [4.9, 3.6, 1.4, 0.1]
    assert iris.x[50].tolist() == [7.0, 3.2, 4.7, 1.4]
    assert iris.x[100].tolist() == [6.3, 3.3, 6.0, 2.5]
    assert iris.x[149].tolist() == [5.9, 3.0, 5.1, 1.8]
    assert iris.y[[0, 50, 100, 149]].tolist() == [0, 1, 2, 2]
    assert iris.x.sum() == pytest.approx(2078.7)


def test_small_net_reaches_ninety_percent_on_iris() -> None:
    x_train, x_test, y_train, y_test = load_iris().split(test_size=0.2, random_seed=42)
    x_train, x_test = normalize_features(x_train, x_test)
    network = NeuralNetwork([4, 8, 3], ["tanh", "softmax"], weight_init="xavier", seed=42)

    network.train(x_train, y_train, epochs=100, learning_rate=0.1, batch_size=16)

    assert network.evaluate(x_test, y_test)["accuracy"] >= 0.9


# ------------------------------------------------------------------- split


def _numbered_dataset(n: int, n_classes: int | None) -> TabularDataset:
    """Row i has feature i, so rows can be traced through a split."""
    x = np.arange(n, dtype=np.float64).reshape(-1, 1)
    if n_classes is None:
        return TabularDataset(x, x[:, 0] * 2, ["i"], None, "test")
    y = np.arange(n) % n_classes
    return TabularDataset(x, y, ["i"], [f"c{k}" for k in range(n_classes)], "test")


def test_classification_split_is_stratified_and_one_hot() -> None:
    dataset = _numbered_dataset(90, n_classes=3)

    x_train, x_test, y_train, y_test = dataset.split(test_size=0.2, random_seed=0)

    assert x_train.shape == (72, 1) and x_test.shape == (18, 1)
    assert y_train.shape == (72, 3) and y_test.shape == (18, 3)
    assert y_test.sum(axis=0).tolist() == [6, 6, 6]
    assert y_train.sum(axis=0).tolist() == [24, 24, 24]
    # Each row keeps its own label: row i is class i % 3.
    assert (y_train.argmax(axis=1) == x_train[:, 0] % 3).all()
    assert (y_test.argmax(axis=1) == x_test[:, 0] % 3).all()


def test_split_uses_every_row_once_and_shuffles() -> None:
    dataset = _numbered_dataset(50, n_classes=2)

    x_train, x_test, _, _ = dataset.split(test_size=0.3, random_seed=1)

    rows = np.concatenate([x_train[:, 0], x_test[:, 0]])
    assert sorted(rows.tolist()) == list(range(50))
    assert x_train[:, 0].tolist() != sorted(x_train[:, 0].tolist())


def test_split_is_deterministic_by_seed() -> None:
    dataset = _numbered_dataset(40, n_classes=2)

    first = dataset.split(random_seed=7)
    again = dataset.split(random_seed=7)
    other = dataset.split(random_seed=8)

    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[0], other[0])


def test_regression_split_gives_column_targets() -> None:
    dataset = _numbered_dataset(20, n_classes=None)

    x_train, x_test, y_train, y_test = dataset.split(test_size=0.25, random_seed=0)

    assert y_train.shape == (15, 1) and y_test.shape == (5, 1)
    assert (y_train[:, 0] == 2 * x_train[:, 0]).all()
    assert (y_test[:, 0] == 2 * x_test[:, 0]).all()


def test_a_class_with_one_row_goes_to_training() -> None:
    labels = np.array([0, 0, 0, 0, 1])

    train, test = split_indices(5, 0.5, np.random.default_rng(0), labels)

    assert 4 in train.tolist()
    assert sorted([*train.tolist(), *test.tolist()]) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("test_size", [0, 1, 1.5, -0.1, True, "0.2"])
def test_split_rejects_bad_test_size(test_size: object) -> None:
    with pytest.raises(ValueError, match="test_size must be between 0 and 1"):
        _numbered_dataset(10, n_classes=2).split(test_size=test_size)  # type: ignore[arg-type]
