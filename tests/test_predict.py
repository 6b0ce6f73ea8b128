"""Saved models and ``nntui predict``: bit-identical predictions, clear errors, exit codes."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from factories import make_config

from nntui.cli import main
from nntui.headless.predict import PredictError, predict_table
from nntui.headless.predict import main as predict_main
from nntui.nn.network import NeuralNetwork
from nntui.training.runner import NetworkRunner, SaveModelError

pytestmark = pytest.mark.usefixtures("isolated_cwd")


def trained_runner(**overrides: Any) -> NetworkRunner:
    values = {
        "data.source": "iris",
        "network.hidden_layers": [8],
        "network.hidden_activations": ["tanh"],
        "training.epochs": 5,
        "training.learning_rate": 0.05,
    }
    runner = NetworkRunner(make_config(values, **overrides))  # the source decides the task
    runner.run()
    return runner


def write_inputs(path: Path, runner: NetworkRunner, *, extra_column: bool = False) -> Path:
    """The runner's raw test rows as CSV, columns reversed (order must not matter)."""
    assert runner.data is not None
    names = list(runner.data.feature_names)[::-1]
    rows = runner.data.x_test_raw[:, ::-1]
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([*names, "note"] if extra_column else names)
        for row in rows:
            values = [repr(float(value)) for value in row]
            writer.writerow([*values, "ignored"] if extra_column else values)
    return path


def read_csv(text: str) -> tuple[list[str], list[list[str]]]:
    header, *rows = list(csv.reader(io.StringIO(text)))
    return header, rows


def run_predict(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = predict_main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_saved_model_predicts_exactly_what_the_network_in_memory_does(
    tmp_path: Path, dtype: str
) -> None:
    runner = trained_runner(training__dtype=dtype)
    model = runner.save_model(tmp_path / "iris.npz")
    inputs = write_inputs(tmp_path / "flowers.csv", runner, extra_column=True)

    code, out, err = run_predict("--model", str(model), "--input", str(inputs))

    assert code == 0, err
    header, rows = read_csv(out)
    assert header == ["predicted_class", "p_setosa", "p_versicolor", "p_virginica"]
    assert runner.network is not None and runner.data is not None
    expected = runner.network.predict_proba(runner.data.x_test)
    assert expected.dtype == np.dtype(dtype)
    probabilities = np.array([[float(p) for p in row[1:]] for row in rows])
    assert np.array_equal(probabilities, expected.astype(np.float64))  # bit for bit
    names = runner.data.class_names
    assert [row[0] for row in rows] == [names[k] for k in expected.argmax(axis=1)]
    assert np.array_equal(runner.predict_proba(runner.data.x_test_raw), expected)
    assert np.array_equal(runner.predict(runner.data.x_test_raw), expected.argmax(axis=1))


def test_regression_model_writes_one_prediction_column(tmp_path: Path) -> None:
    runner = trained_runner(data__source="plane", data__n_samples=100)
    model = runner.save_model(tmp_path / "plane.npz")
    inputs = write_inputs(tmp_path / "points.csv", runner)
    output = tmp_path / "out" / "predictions.csv"

    code, out, err = run_predict(
        "--model", str(model), "--input", str(inputs), "--output", str(output)
    )

    assert code == 0, err
    assert out == ""
    assert f"20 predictions written to {output}" in err
    header, rows = read_csv(output.read_text())
    assert header == ["prediction"]
    assert runner.network is not None and runner.data is not None
    expected = runner.network.predict(runner.data.x_test)[:, 0]
    assert [float(row[0]) for row in rows] == expected.tolist()
    assert sorted(p.name for p in output.parent.iterdir()) == ["predictions.csv"]  # atomic


def test_sigmoid_model_gives_both_class_probabilities(tmp_path: Path) -> None:
    runner = trained_runner(
        data__source="xor",
        data__n_samples=100,
        network__output_activation="sigmoid",
    )
    model = runner.save_model(tmp_path / "xor.npz")
    code, out, err = run_predict(
        "--model", str(model), "--input", str(write_inputs(tmp_path / "p.csv", runner))
    )
    assert code == 0, err
    header, rows = read_csv(out)
    assert header == ["predicted_class", "p_class_0", "p_class_1"]
    for row in rows:
        p0, p1 = float(row[1]), float(row[2])
        assert p0 + p1 == pytest.approx(1.0)
        assert row[0] == ("class_1" if p1 >= 0.5 else "class_0")


def test_saved_metadata_describes_the_data(tmp_path: Path) -> None:
    from nntui.nn.network import NeuralNetwork

    runner = trained_runner()
    loaded = NeuralNetwork.load(runner.save_model(tmp_path / "m.npz"))
    metadata = loaded.metadata
    assert metadata["class_names"] == ["setosa", "versicolor", "virginica"]
    assert metadata["feature_names"] == [
        "sepal_length",
        "sepal_width",
        "petal_length",
        "petal_width",
    ]
    assert metadata["task"] == "classification"
    assert metadata["data_source"] == "iris"
    assert runner.data is not None
    assert metadata["normalization"]["mean"] == runner.data.standardizer.mean.tolist()
    assert metadata["normalization"]["std"] == runner.data.standardizer.std.tolist()
    assert metadata["nntui_version"]


def test_save_model_before_a_network_exists_is_refused(tmp_path: Path) -> None:
    runner = NetworkRunner(make_config())
    with pytest.raises(SaveModelError, match="no network yet"):
        runner.save_model(tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


def test_save_model_after_divergence_is_refused(tmp_path: Path) -> None:
    runner = trained_runner(
        data__source="plane",
        data__n_samples=100,
        network__hidden_activations=["linear"],
        training__learning_rate=1e6,
        training__epochs=30,
    )
    assert runner.status == "diverged"
    with pytest.raises(SaveModelError, match="diverged"):
        runner.save_model(tmp_path / "m.npz")


# -- errors ----------------------------------------------------------------------------------


@pytest.fixture
def iris_model(tmp_path: Path) -> Path:
    return trained_runner(training__epochs=1).save_model(tmp_path / "iris.npz")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sepal_length,sepal_width,petal_length\n5.1,3.5,1.4\n",
            "column 'petal_width' is missing; the model needs sepal_length, sepal_width, "
            "petal_length, petal_width",
        ),
        (
            "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n5.0,x,1.4,0.2\n",
            "row 3, column 'sepal_width': not a number: 'x'",
        ),
        (
            "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,,0.2\n",
            "row 2, column 'petal_length': missing value",
        ),
        (
            "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4\n",
            "row 2 has 3 fields, header has 4",
        ),
        ("5.1,3.5,1.4,0.2\n", "line 1 looks like data, not a header"),
        ("", "file is empty"),
        (
            "Sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n",
            "(did you mean 'Sepal_length'?)",
        ),
    ],
    ids=[
        "missing_column",
        "not_a_number",
        "empty_cell",
        "ragged_row",
        "no_header",
        "empty_file",
        "column_case",
    ],
)
def test_bad_input_csv_exits_2_with_a_clear_message(
    iris_model: Path, tmp_path: Path, text: str, expected: str
) -> None:
    inputs = tmp_path / "in.csv"
    inputs.write_text(text)
    code, out, err = run_predict("--model", str(iris_model), "--input", str(inputs))
    assert code == 2
    assert out == ""
    assert expected in err
    assert str(inputs) in err
    assert "Traceback" not in err


def test_a_header_only_input_gives_a_header_only_output(iris_model: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in.csv"
    inputs.write_text("sepal_length,sepal_width,petal_length,petal_width\n")
    code, out, err = run_predict("--model", str(iris_model), "--input", str(inputs))
    assert code == 0, err
    assert read_csv(out) == (["predicted_class", "p_setosa", "p_versicolor", "p_virginica"], [])


def test_missing_input_file_exits_2(iris_model: Path, tmp_path: Path) -> None:
    code, _, err = run_predict("--model", str(iris_model), "--input", str(tmp_path / "no.csv"))
    assert code == 2
    assert f"input file not found: {tmp_path / 'no.csv'}" in err


@pytest.mark.parametrize(
    "content",
    [b"", b"not a zip file at all", None],
    ids=["empty", "random_bytes", "truncated"],
)
def test_a_corrupt_model_file_exits_2_naming_it(
    iris_model: Path, tmp_path: Path, content: bytes | None
) -> None:
    bad = tmp_path / "bad.npz"
    if content is None:
        whole = iris_model.read_bytes()
        content = whole[: len(whole) // 2]
    bad.write_bytes(content)
    inputs = tmp_path / "in.csv"
    inputs.write_text("sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n")

    code, out, err = run_predict("--model", str(bad), "--input", str(inputs))

    assert code == 2
    assert out == ""
    assert "bad.npz" in err
    assert "Traceback" not in err


def test_a_missing_model_file_exits_2(tmp_path: Path) -> None:
    inputs = tmp_path / "in.csv"
    inputs.write_text("a\n1\n")
    code, _, err = run_predict("--model", str(tmp_path / "none.npz"), "--input", str(inputs))
    assert code == 2
    assert "none.npz" in err


def test_an_unwritable_output_exits_2_before_predicting(iris_model: Path, tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    code, _, err = run_predict(
        "--model",
        str(iris_model),
        "--input",
        "in.csv",
        "--output",
        str(tmp_path / "file.txt" / "p.csv"),
    )
    assert code == 2
    assert "--output" in err


def test_predict_is_a_subcommand_of_nntui(
    iris_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "in.csv"
    inputs.write_text("petal_width,petal_length,sepal_width,sepal_length\n0.2,1.4,3.5,5.1\n")
    assert main(["predict", "--model", str(iris_model), "--input", str(inputs)]) == 0
    header, rows = read_csv(capsys.readouterr().out)
    assert header[0] == "predicted_class"
    assert len(rows) == 1


def test_predict_without_arguments_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["predict"]) == 2
    assert "--model" in capsys.readouterr().err


def test_a_foreign_npz_exits_2_naming_it(tmp_path: Path) -> None:
    foreign = tmp_path / "weights.npz"
    np.savez(foreign, a=np.zeros(3))
    inputs = tmp_path / "in.csv"
    inputs.write_text("a\n1\n")
    code, _, err = run_predict("--model", str(foreign), "--input", str(inputs))
    assert code == 2
    assert "weights.npz" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"feature_names": "abc"}, "its feature_names is not a list of names"),
        ({"feature_names": ["a", "b"]}, "names 2 features but the network takes 4 inputs"),
        ({"normalization": {"mean": [0.0] * 4}}, "normalization std does not have one value"),
        ({"class_names": ["x", "y"]}, "names 2 classes but the network predicts 3"),
    ],
    ids=["names_not_a_list", "wrong_feature_count", "missing_std", "wrong_class_count"],
)
def test_a_model_whose_metadata_contradicts_it_exits_2(
    tmp_path: Path, metadata: dict[str, Any], expected: str
) -> None:
    from nntui.nn.network import NeuralNetwork

    model = NeuralNetwork([4, 3], ["softmax"], seed=0).save(tmp_path / "m.npz", metadata=metadata)
    inputs = tmp_path / "in.csv"
    inputs.write_text("a,b,c,d\n1,2,3,4\n")
    code, _, err = run_predict("--model", str(model), "--input", str(inputs))
    assert code == 2
    assert expected in err


def test_a_model_without_metadata_takes_every_column_in_order(tmp_path: Path) -> None:
    from nntui.nn.network import NeuralNetwork

    network = NeuralNetwork([2, 1], ["linear"], loss="mse", seed=0)
    model = network.save(tmp_path / "m.npz")
    inputs = tmp_path / "in.csv"
    inputs.write_text("u,v\n1,2\n3,4\n")
    code, out, err = run_predict("--model", str(model), "--input", str(inputs))
    assert code == 0, err
    header, rows = read_csv(out)
    expected = network.predict(np.array([[1.0, 2.0], [3.0, 4.0]]))[:, 0]
    assert header == ["prediction"]
    assert [float(row[0]) for row in rows] == expected.tolist()


# -- honest predictions: never NaN printed as a class --------------------------------------


def _resaved(tmp_path: Path, change: Any) -> Path:
    """A trained iris model saved after ``change(network, metadata)`` edits it."""
    runner = trained_runner()
    assert runner.network is not None
    metadata = runner.model_metadata()
    change(runner.network, metadata)
    path = tmp_path / "edited.npz"
    runner.network.save(path, metadata=metadata)
    return path


def test_a_model_with_nan_weights_is_refused(tmp_path: Path) -> None:
    def poison(network: Any, metadata: dict[str, Any]) -> None:
        network.layers[1].biases = np.full_like(network.layers[1].biases, np.nan)

    model = _resaved(tmp_path, poison)
    inputs = write_inputs(tmp_path / "in.csv", trained_runner())
    code, out, err = run_predict("--model", str(model), "--input", str(inputs))
    assert code == 2 and out == ""
    assert "layer dense_2 has biases that are NaN or infinite" in err
    assert err.count("\n") == 1


def test_a_model_with_a_zero_standard_deviation_is_refused(tmp_path: Path) -> None:
    def zero_std(network: Any, metadata: dict[str, Any]) -> None:
        metadata["normalization"]["std"][2] = 0.0

    model = _resaved(tmp_path, zero_std)
    inputs = write_inputs(tmp_path / "in.csv", trained_runner())
    code, out, err = run_predict("--model", str(model), "--input", str(inputs))
    assert code == 2 and out == ""
    assert "normalization std is 0.0 for input 3" in err


def test_every_missing_column_is_named(tmp_path: Path) -> None:
    runner = trained_runner()
    model = tmp_path / "m.npz"
    runner.save_model(model)
    inputs = tmp_path / "in.csv"
    inputs.write_text("sepal_length,petal_width\n5.1,0.2\n", encoding="utf-8")
    code, _, err = run_predict("--model", str(model), "--input", str(inputs))
    assert code == 2
    assert "columns 'sepal_width', 'petal_length' are missing" in err
    assert err.count("\n") == 1


def test_a_row_whose_outputs_are_not_finite_is_refused() -> None:
    # Two inputs that overflow to +inf and -inf and meet in one unit: inf - inf is NaN.
    network = NeuralNetwork([2, 1, 2], ["tanh", "softmax"], loss="cross_entropy", seed=0)
    network.layers[0].weights = np.ones((2, 1))
    network.metadata = {"normalization": {"mean": [0.0, 0.0], "std": [0.1, 0.1]}}
    x = np.array([[1.0, 2.0], [1e308, -1e308], [1e308, -1e308]])
    with pytest.raises(
        PredictError,
        match=r"in.csv: data row 2 gives NaN or infinite outputs "
        r"\(and 1 more rows\)",
    ):
        predict_table(network, x, source="in.csv")


def test_a_model_too_big_to_predict_with_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = trained_runner()
    model = tmp_path / "m.npz"
    runner.save_model(model)
    inputs = write_inputs(tmp_path / "in.csv", runner)
    monkeypatch.setenv("NNTUI_MEMORY_LIMIT", "64KiB")
    code, out, err = run_predict("--model", str(model), "--input", str(inputs))
    assert code == 2 and out == ""
    assert "predicting with it needs " in err and "more than the 64.0 KiB allowed" in err
