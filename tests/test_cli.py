"""The ``nntui`` command end to end: arguments, config errors, headless runs, exit codes.

Most cases call ``main([...])`` in-process for speed; what needs a real process
(``python -m``, SIGINT, the Textual-free import graph) runs in a subprocess.
"""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from bad_configs import BAD_CONFIGS, MISSING_CONFIG
from helpers import (
    CLASSIFICATION_HISTORY_KEYS,
    LINE_DEADLINE_S,
    REGRESSION_HISTORY_KEYS,
    RESULT_KEYS,
    ConfigFactory,
    lines_of,
    wait_for_line,
)

from nntui import __version__
from nntui.cli import build_parser, main

pytestmark = pytest.mark.usefixtures("isolated_cwd")

RunNntui = Callable[..., subprocess.CompletedProcess[str]]


# Learnable in well under a second, with margin above the asserted metrics.
GOOD_CLASSIFICATION = {"data.n_samples": 400, "training.epochs": 30}
GOOD_REGRESSION = {"data.n_samples": 400, "training.epochs": 30, "training.learning_rate": 0.02}
# Blows up within a few epochs, every time.
DIVERGENT = {"training.learning_rate": 1.0e6}
# Long enough that a Ctrl+C after the first progress line lands mid-run.
LONG_RUN = {"training.epochs": 5000}


def read_results(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


# -- arguments ---------------------------------------------------------------------


def test_version_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"nntui {__version__}"


@pytest.mark.slow  # a real subprocess
def test_python_dash_m_version(run_nntui: RunNntui) -> None:
    done = run_nntui("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"nntui {__version__}"


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--output", "r.json"], "--output"),
        (["--quiet"], "--quiet"),
        (["--expect", "loss<1"], "--expect"),
        (["--save-model", "m.npz"], "--save-model"),
        (["--metrics-jsonl", "-"], "--metrics-jsonl"),
    ],
)
def test_headless_only_options_without_headless_are_usage_errors(
    args: list[str], flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert flag in err
    assert "--headless" in err


def test_unknown_task_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--headless", "--task", "clustering"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_malformed_expect_is_a_usage_error_before_training(
    tiny_config_file: ConfigFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tiny_config_file()
    assert main(["--headless", "--config", str(config), "--expect", "val_accuracy=>0.9"]) == 2
    assert "--expect 'val_accuracy=>0.9'" in capsys.readouterr().err
    assert not (tmp_path / "logs" / "app.log").exists()  # no run started


def test_unknown_expect_metric_lists_the_known_names(
    tiny_config_file: ConfigFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tiny_config_file()
    code = main(
        ["--headless", "--task", "regression", "--config", str(config), "--expect", "acc>1"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "unknown metric 'acc'" in err
    assert "val_r2" in err


def test_monitor_opens_with_the_loaded_config_and_overrides(
    tiny_config_file: ConfigFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    fake_app = types.ModuleType("nntui.tui.app")

    def run_app(loaded: Any) -> int:
        calls.append(loaded)
        return 0

    fake_app.run_app = run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nntui.tui.app", fake_app)
    config = tiny_config_file()

    code = main(["--config", str(config), "--task", "regression", "--epochs", "3", "--seed", "7"])

    assert code == 0
    [loaded] = calls
    assert loaded.config.task == "regression"  # the config is built once, task included
    assert loaded.config.training.epochs == 3
    assert loaded.config.data.random_seed == 7
    assert Path(loaded.path) == config


# -- config errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_text", "expected"), [case[1:] for case in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS]
)
def test_bad_config_exits_2_naming_the_problem(
    yaml_text: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(yaml_text)
    assert main(["--headless", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err


@pytest.mark.slow  # a real subprocess
@pytest.mark.parametrize("case", [BAD_CONFIGS[0], BAD_CONFIGS[-1]], ids=lambda case: case[0])
def test_bad_config_in_a_real_process_has_no_traceback(
    case: tuple[str, str, str], tmp_path: Path, run_nntui: RunNntui
) -> None:
    _, yaml_text, expected = case
    (tmp_path / "bad.yaml").write_text(yaml_text)
    done = run_nntui("--headless", "--config", "bad.yaml")
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_config_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    path, expected = MISSING_CONFIG
    assert main(["--headless", "--config", path]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err


def test_bad_epochs_override_names_the_key(
    tiny_config_file: ConfigFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--headless", "--config", str(tiny_config_file()), "--epochs", "0"]) == 2
    assert "training.epochs" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "file_name"),
    [("--output", "results.json"), ("--save-model", "m.npz"), ("--metrics-jsonl", "m.jsonl")],
)
def test_an_unwritable_output_path_exits_2_before_training(
    tiny_config_file: ConfigFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    file_name: str,
) -> None:
    (tmp_path / "file.txt").write_text("not a folder")
    target = str(tmp_path / "file.txt" / file_name)
    assert main(["--headless", "--config", str(tiny_config_file()), option, target]) == 2
    captured = capsys.readouterr()
    assert option in captured.err
    assert captured.out == ""


# -- headless runs -------------------------------------------------------------------


@pytest.mark.slow  # a real subprocess
def test_headless_classification_writes_results_with_good_metrics(
    tiny_config_file: ConfigFactory, tmp_path: Path, run_nntui: RunNntui
) -> None:
    tiny_config_file(GOOD_CLASSIFICATION)
    done = run_nntui("--headless", "--task", "classification", "--output", "out/results.json")
    assert done.returncode == 0, done.stderr
    results = read_results(tmp_path / "out" / "results.json")
    assert set(results) >= RESULT_KEYS
    assert results["status"] == "completed"
    assert results["task"] == "classification"
    assert set(results["history"]) == CLASSIFICATION_HISTORY_KEYS
    assert len(results["history"]["loss"]) == results["epochs_completed"] == 30
    assert results["architecture"]["layer_sizes"] == [8, 16, 3]
    assert results["test"]["accuracy"] >= 0.85
    assert "results written to out/results.json" in done.stdout


@pytest.mark.slow  # a real subprocess
def test_headless_regression_writes_results_with_good_metrics(
    tiny_config_file: ConfigFactory, tmp_path: Path, run_nntui: RunNntui
) -> None:
    config = tiny_config_file(GOOD_REGRESSION, name="regression.yaml")
    done = run_nntui(
        "--headless", "--task", "regression", "--config", str(config), "--output", "r.json"
    )
    assert done.returncode == 0, done.stderr
    results = read_results(tmp_path / "r.json")
    assert set(results) >= RESULT_KEYS
    assert results["task"] == "regression"
    assert set(results["history"]) == REGRESSION_HISTORY_KEYS
    assert results["architecture"]["layer_sizes"] == [8, 16, 1]
    assert results["test"]["r2"] >= 0.8


def test_plain_progress_lines_when_stdout_is_not_a_terminal(
    tiny_config_file: ConfigFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tiny_config_file({"training.epochs": 20})
    assert main(["--headless", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    lines = out.splitlines()
    assert lines[0].startswith("classification: 8 → 16 → 3")
    epoch_lines = [line for line in lines if line.startswith("epoch")]
    assert [line.split()[1] for line in epoch_lines] == [f"{e}/20" for e in range(2, 21, 2)]
    assert all("val_accuracy" in line for line in epoch_lines)
    assert lines[-1].startswith("completed · 20/20 epochs")


def test_quiet_prints_only_the_summary(
    tiny_config_file: ConfigFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--headless", "--quiet", "--config", str(tiny_config_file())]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("completed")
    assert "test (" in lines[0] and "accuracy" in lines[0]


def test_expectations_that_hold_exit_0(
    tiny_config_file: ConfigFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(tiny_config_file())
    args = ["--headless", "--config", config, "--expect", "epochs_completed==10"]
    assert main([*args, "--expect", "test_accuracy>=0"]) == 0
    assert "expectation failed" not in capsys.readouterr().err


def test_a_failed_expectation_exits_3_with_a_reason(
    tiny_config_file: ConfigFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(tiny_config_file())
    args = ["--headless", "--config", config, "--expect", "test_accuracy>1", "--expect", "loss>0"]
    assert main(args) == 3
    err_lines = capsys.readouterr().err.splitlines()
    assert len(err_lines) == 1
    assert err_lines[0].startswith("expectation failed: test_accuracy>1 (got ")


def test_env_file_random_seed_changes_the_data(
    tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    config = str(tiny_config_file({"training.epochs": 2}))
    assert main(["--headless", "--quiet", "--config", config, "--output", "a.json"]) == 0
    (tmp_path / ".env").write_text("RANDOM_SEED=7\n")
    assert main(["--headless", "--quiet", "--config", config, "--output", "b.json"]) == 0
    default, from_env = read_results(tmp_path / "a.json"), read_results(tmp_path / "b.json")
    assert (default["seed"], from_env["seed"]) == (42, 7)
    assert default["history"]["loss"] != from_env["history"]["loss"]


def test_the_run_is_logged_to_the_configured_file(
    tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    assert main(["--headless", "--quiet", "--config", str(tiny_config_file())]) == 0
    log = (tmp_path / "logs" / "app.log").read_text()
    assert "run started" in log
    assert "run completed" in log


def test_a_divergent_learning_rate_exits_1_saying_diverged(
    tiny_config_file: ConfigFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(tiny_config_file(DIVERGENT))
    code = main(["--headless", "--task", "regression", "--config", config, "--output", "d.json"])
    assert code == 1
    assert "diverged at epoch" in capsys.readouterr().err
    assert read_results(tmp_path / "d.json")["status"] == "diverged"


@pytest.mark.slow  # a real subprocess
def test_ctrl_c_mid_run_exits_130_and_writes_interrupted_results(
    tiny_config_file: ConfigFactory,
    tmp_path: Path,
    start_nntui: Callable[..., subprocess.Popen[str]],
) -> None:
    tiny_config_file(LONG_RUN)
    process = start_nntui("--headless", "--output", "results.json")
    wait_for_line(lines_of(process.stdout), "epoch")
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=LINE_DEADLINE_S)
    stderr = process.stderr.read()
    assert code == 130, stderr
    assert "interrupted" in stderr
    assert "Traceback" not in stderr
    results = read_results(tmp_path / "results.json")
    assert results["status"] == "interrupted"
    assert 0 < results["epochs_completed"] < LONG_RUN["training.epochs"]


@pytest.mark.slow  # a real subprocess
def test_headless_never_imports_textual(
    tiny_config_file: ConfigFactory,
    python_in_repo: Callable[[str], subprocess.CompletedProcess[str]],
) -> None:
    config = tiny_config_file({"training.epochs": 2})
    script = (
        "import sys\n"
        "from nntui.cli import main\n"
        f"code = main(['--headless', '--quiet', '--config', {str(config)!r}])\n"
        "assert code == 0, code\n"
        "leaked = sorted(m for m in sys.modules if m.startswith(('textual', 'nntui.tui')))\n"
        "assert not leaked, leaked\n"
        "print('textual-free')\n"
    )
    done = python_in_repo(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("textual-free")


# -- data sources, the task, saved models (issue 5) ----------------------------------------------

IRIS = {
    "data.source": "iris",
    "network.hidden_layers": [16],
    "network.hidden_activations": ["tanh"],
    "training.epochs": 60,
    "training.learning_rate": 0.05,
    "training.batch_size": 16,
}

GOOD_CSV = "a,b,label\n" + "".join(
    f"{i},{(i * 7) % 5},{'yes' if i % 2 else 'no'}\n" for i in range(12)
)

# (test id, csv text or None for a missing file, config overrides, substring of the message)
BAD_CSV_CASES: list[tuple[str, str | None, dict[str, Any], str]] = [
    ("missing_file", None, {}, "data file not found: data.csv"),
    ("empty_file", "", {}, "data.csv: file is empty"),
    (
        "missing_target",
        "a,b,lable\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n",
        {},
        "target column 'label' not in data.csv; columns: a, b, lable (did you mean 'lable'?)",
    ),
    (
        "non_numeric_value",
        "a,b,label\n1,2,x\n3,four,y\n5,6,x\n7,8,y\n",
        {},
        "data.csv: row 3, column 'b': not a number: 'four'",
    ),
    ("ragged_row", "a,b,label\n1,2,x\n3,y\n5,6,x\n7,8,y\n", {}, "row 3 has 2 fields, header has 3"),
    (
        "one_class",
        "a,b,label\n1,2,x\n3,4,x\n5,6,x\n7,8,x\n",
        {},
        "target column 'label' has only one class ('x')",
    ),
    (
        "unknown_feature",
        GOOD_CSV,
        {"data.features": ["a", "c"]},
        "feature column 'c' not in data.csv",
    ),
    (
        "text_target_for_regression",
        GOOD_CSV,
        {"--task": "regression"},
        "data.csv: row 2, column 'label': not a number: 'no'",
    ),
]


def csv_config(
    tiny_config_file: ConfigFactory, tmp_path: Path, text: str | None, overrides: dict[str, Any]
) -> Path:
    if text is not None:
        (tmp_path / "data.csv").write_text(text)
    settings = {"data.source": "csv", "data.path": "data.csv", "data.target": "label"}
    settings.update({key: value for key, value in overrides.items() if not key.startswith("--")})
    return tiny_config_file(settings, name="csv.yaml")


@pytest.mark.parametrize(
    ("text", "overrides", "expected"),
    [case[1:] for case in BAD_CSV_CASES],
    ids=[case[0] for case in BAD_CSV_CASES],
)
def test_bad_csv_data_exits_2_with_the_engines_message(
    tiny_config_file: ConfigFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str | None,
    overrides: dict[str, Any],
    expected: str,
) -> None:
    config = csv_config(tiny_config_file, tmp_path, text, overrides)
    task = ["--task", overrides["--task"]] if "--task" in overrides else []
    assert main(["--headless", "--config", str(config), "--output", "r.json", *task]) == 2
    captured = capsys.readouterr()
    assert expected in captured.err
    assert "Traceback" not in captured.err
    assert "epoch" not in captured.out  # nothing trained
    assert not (tmp_path / "r.json").exists()


@pytest.mark.slow  # a real subprocess
def test_bad_csv_data_in_a_real_process_has_no_traceback(
    tiny_config_file: ConfigFactory, tmp_path: Path, run_nntui: RunNntui
) -> None:
    text = "a,b,label\n1,2,x\n3,four,y\n5,6,x\n7,8,y\n"
    config = csv_config(tiny_config_file, tmp_path, text, {})
    done = run_nntui("--headless", "--config", str(config))
    assert done.returncode == 2
    assert "data.csv: row 3, column 'b': not a number: 'four'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_good_csv_trains_with_its_class_names(
    tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    config = csv_config(tiny_config_file, tmp_path, GOOD_CSV, {"training.epochs": 3})
    assert main(["--headless", "--quiet", "--config", str(config), "--output", "r.json"]) == 0
    results = read_results(tmp_path / "r.json")
    assert results["data"]["class_names"] == ["no", "yes"]
    assert results["data"]["feature_names"] == ["a", "b"]
    assert results["architecture"]["layer_sizes"] == [2, 16, 2]


def test_the_monitor_is_not_opened_on_bad_data(
    tiny_config_file: ConfigFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_app = types.ModuleType("nntui.tui.app")
    fake_app.run_app = lambda loaded: pytest.fail("the monitor opened")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nntui.tui.app", fake_app)
    config = csv_config(tiny_config_file, tmp_path, None, {})
    assert main(["--config", str(config)]) == 2
    assert "data file not found: data.csv" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("source", "task", "expected"),
    [
        ("bump", "classification", "data.source: bump is regression data"),
        ("plane", "classification", "data.source: plane is regression data"),
        ("iris", "regression", "data.source: iris is classification data"),
        ("spiral", "regression", "data.source: spiral is classification data"),
    ],
)
def test_a_task_the_data_cannot_serve_exits_2(
    tiny_config_file: ConfigFactory,
    capsys: pytest.CaptureFixture[str],
    source: str,
    task: str,
    expected: str,
) -> None:
    config = tiny_config_file({"data.source": source}, name="src.yaml")
    assert main(["--headless", "--config", str(config), "--task", task]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{config}: {expected}, so --task {task} cannot use it")
    assert "Traceback" not in err


def test_without_task_the_source_decides(tiny_config_file: ConfigFactory, tmp_path: Path) -> None:
    config = tiny_config_file(
        {"data.source": "plane", "data.n_samples": 100, "training.epochs": 2}, name="p.yaml"
    )
    assert main(["--headless", "--quiet", "--config", str(config), "--output", "r.json"]) == 0
    results = read_results(tmp_path / "r.json")
    assert results["task"] == "regression"
    assert results["architecture"]["layer_sizes"] == [2, 16, 1]


def test_expect_names_follow_the_resolved_task(
    tiny_config_file: ConfigFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tiny_config_file({"data.source": "bump"}, name="b.yaml")
    assert main(["--headless", "--config", str(config), "--expect", "test_accuracy>0"]) == 2
    assert "unknown metric 'test_accuracy'" in capsys.readouterr().err


def test_save_model_of_a_diverged_run_exits_1_and_says_so(
    tiny_config_file: ConfigFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(tiny_config_file(DIVERGENT))
    args = ["--headless", "--task", "regression", "--config", config, "--save-model", "m.npz"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "--save-model m.npz: the run diverged" in err
    assert not (tmp_path / "m.npz").exists()


def test_early_stopping_run_exits_0_and_explains_why_it_stopped(
    tiny_config_file: ConfigFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tiny_config_file(
        {
            "training.epochs": 50,
            "training.learning_rate": 1e-6,
            "training.early_stopping": {"enabled": True, "patience": 2, "min_delta": 0.01},
        }
    )
    assert main(["--headless", "--config", str(config), "--output", "r.json"]) == 0
    out = capsys.readouterr().out
    assert "early_stopped · 3/50 epochs" in out
    assert "early stopping: val_loss did not improve by 0.01 for 2 epochs" in out
    assert read_results(tmp_path / "r.json")["best_epoch"] == 1


@pytest.mark.slow  # a real subprocess
def test_iris_through_the_real_command_then_predict_with_the_saved_model(
    tiny_config_file: ConfigFactory, tmp_path: Path, run_nntui: RunNntui
) -> None:
    tiny_config_file(IRIS)
    done = run_nntui(
        "--headless",
        "--save-model",
        "models/iris.npz",
        "--output",
        "results.json",
        "--expect",
        "test_accuracy>=0.9",
    )
    assert done.returncode == 0, done.stderr
    assert "model saved to models/iris.npz" in done.stdout
    results = read_results(tmp_path / "results.json")
    assert results["data"]["source"] == "iris"
    assert results["test"]["accuracy"] >= 0.9

    iris_csv = Path(__file__).resolve().parents[1] / "nntui" / "datasets" / "iris.csv"
    predicted = run_nntui("predict", "--model", "models/iris.npz", "--input", str(iris_csv))
    assert predicted.returncode == 0, predicted.stderr
    header, *rows = [line.split(",") for line in predicted.stdout.splitlines()]
    assert header == ["predicted_class", "p_setosa", "p_versicolor", "p_virginica"]
    species = [line.rsplit(",", 1)[1] for line in iris_csv.read_text().splitlines()[1:]]
    assert len(rows) == len(species) == 150
    correct = sum(row[0] == truth for row, truth in zip(rows, species, strict=True))
    assert correct / 150 >= 0.9


# -- nntui config schema and the exit codes ------------------------------------------------------


def test_config_schema_prints_the_json_schema_of_the_config(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["config", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"logging", "data", "network", "training"} <= set(schema["properties"])


@pytest.mark.parametrize("arguments", [["config"], ["config", "nope"]])
def test_config_without_a_known_subcommand_is_a_usage_error(
    arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(arguments) == 2
    assert "nntui config" in capsys.readouterr().err


def test_the_exit_codes_are_the_documented_numbers() -> None:
    from nntui.exit_codes import ExitCode

    assert [int(code) for code in ExitCode] == [0, 1, 2, 3, 130, 143]
    epilog = build_parser().epilog or ""
    assert "exit codes: 0 success, 1 the run failed" in epilog
    assert "143 stopped by SIGTERM" in epilog


# -- files: outputs never clobber inputs; bounded and piped input (issue 10) ----------------------


def test_an_output_that_is_the_config_file_is_refused_before_training(
    tiny_config_file: ConfigFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tiny_config_file({"training.epochs": 2})
    before = config.read_text()
    assert main(["--headless", "--config", str(config), "--output", "config.yaml"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"error: --output config.yaml: is the same file as --config {config}, an input; "
        "writing it would destroy it: choose another path\n"
    )
    assert captured.out == ""
    assert config.read_text() == before


@pytest.mark.parametrize("flag", ["--config", "--output", "--save-model", "--metrics-jsonl"])
def test_an_empty_path_is_a_usage_error_naming_the_flag(
    flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--headless", flag, ""]) == 2
    assert f"error: {flag}: the path is empty; give a file path" in capsys.readouterr().err


def test_config_from_stdin_needs_headless(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", "-"]) == 2
    assert "--config -: reading the config from stdin needs --headless" in (capsys.readouterr().err)


def test_a_folder_output_and_a_device_output_are_refused(
    tiny_config_file: ConfigFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(tiny_config_file({"training.epochs": 2}))
    assert main(["--headless", "--config", config, "--output", "out/"]) == 2
    assert "--output out/: ends in '/', so it names a folder" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    if Path("/dev/null").exists():
        assert main(["--headless", "--config", config, "--save-model", "/dev/null"]) == 2
        assert "--save-model /dev/null: is a character device" in capsys.readouterr().err


@pytest.mark.slow  # a real subprocess
def test_sigterm_mid_run_exits_143_and_writes_every_output(
    tiny_config_file: ConfigFactory,
    tmp_path: Path,
    start_nntui: Callable[..., subprocess.Popen[str]],
) -> None:
    tiny_config_file(LONG_RUN)
    process = start_nntui(
        "--headless", "--metrics-jsonl", "-", "--output", "r.json", "--save-model", "m.npz"
    )
    lines = lines_of(process.stdout)
    wait_for_line(lines, '{"event": "epoch"')
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=LINE_DEADLINE_S)
    stderr = process.stderr.read()
    assert code == 143, stderr
    assert "interrupted: the run was stopped by SIGTERM" in stderr
    assert "Traceback" not in stderr
    results = read_results(tmp_path / "r.json")
    assert results["status"] == "interrupted"
    assert 0 < results["epochs_completed"] < LONG_RUN["training.epochs"]
    last = json.loads(wait_for_line(lines, '{"event": "result"'))
    assert last["status"] == "interrupted"
    assert (tmp_path / "m.npz").is_file()


@pytest.mark.slow  # a real subprocess
def test_a_closed_stdout_loses_no_file_and_prints_no_noise(
    tiny_config_file: ConfigFactory,
    tmp_path: Path,
    start_nntui: Callable[..., subprocess.Popen[str]],
) -> None:
    tiny_config_file({"training.epochs": 40})
    process = start_nntui("--headless", "--output", "r.json", "--save-model", "m.npz")
    assert process.stdout.readline().startswith("classification:")
    process.stdout.close()  # `| head -1`
    code = process.wait(timeout=LINE_DEADLINE_S)
    stderr = process.stderr.read()
    assert code == 0, stderr
    assert stderr == (
        "warning: stdout was closed, so progress and the summary were not shown; the run went on\n"
    )
    assert read_results(tmp_path / "r.json")["epochs_completed"] == 40
    assert (tmp_path / "m.npz").is_file()


@pytest.mark.slow  # a real subprocess
def test_a_closed_stdout_carrying_the_jsonl_stream_is_exit_2(
    tiny_config_file: ConfigFactory,
    tmp_path: Path,
    start_nntui: Callable[..., subprocess.Popen[str]],
) -> None:
    tiny_config_file({"training.epochs": 40})
    process = start_nntui("--headless", "--metrics-jsonl", "-", "--output", "r.json")
    assert process.stdout.readline().startswith('{"event": "epoch"')
    process.stdout.close()
    code = process.wait(timeout=LINE_DEADLINE_S)
    stderr = process.stderr.read()
    assert code == 2, stderr
    assert "error: --metrics-jsonl stdout (-): cannot write: Broken pipe" in stderr
    assert "Exception ignored" not in stderr and "Traceback" not in stderr
    assert read_results(tmp_path / "r.json")["status"] == "completed"


@pytest.mark.slow  # a real subprocess
def test_an_ascii_terminal_gets_ascii_fallbacks(
    tiny_config_file: ConfigFactory, run_nntui: RunNntui
) -> None:
    tiny_config_file({"training.epochs": 2})
    done = run_nntui(
        "--headless", "--output", "r.json", env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C"}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.isascii()
    assert " -> " in done.stdout.splitlines()[0]
    assert "UnicodeEncodeError" not in done.stderr


@pytest.mark.slow  # a real subprocess
@pytest.mark.parametrize("config_flag", ["-", "/dev/stdin"])
def test_a_config_is_read_from_a_pipe(
    config_flag: str, tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    if config_flag == "/dev/stdin" and not Path("/dev/stdin").exists():
        pytest.skip("no /dev/stdin")
    text = tiny_config_file({"training.epochs": 3}, name="piped.yaml").read_text()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nntui",
            "--headless",
            "--config",
            config_flag,
            "--output",
            "r.json",
        ],
        input=text,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert read_results(tmp_path / "r.json")["epochs_completed"] == 3


def saved_tiny_model(tiny_config_file: ConfigFactory, tmp_path: Path) -> tuple[Path, Path]:
    """A tiny model saved by the real command, and a CSV of inputs it can read."""
    config = str(tiny_config_file({"training.epochs": 2}))
    assert main(["--headless", "--quiet", "--config", config, "--save-model", "m.npz"]) == 0
    with np.load(tmp_path / "m.npz") as archive:
        description = json.loads(str(archive["model"]))
    names = description["metadata"].get("feature_names") or [
        f"feature_{k}" for k in range(description["layer_sizes"][0])
    ]
    rows = ",".join(names) + "\n" + ",".join("0.5" for _ in names) + "\n"
    (tmp_path / "in.csv").write_text(rows)
    return tmp_path / "m.npz", tmp_path / "in.csv"


@pytest.mark.parametrize("clash", ["m.npz", "in.csv"])
def test_predict_refuses_to_write_over_its_model_or_input(
    clash: str,
    tiny_config_file: ConfigFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    saved_tiny_model(tiny_config_file, tmp_path)
    before = (tmp_path / clash).read_bytes()
    capsys.readouterr()
    code = main(["predict", "--model", "m.npz", "--input", "in.csv", "--output", f"./{clash}"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --output ./{clash}: is the same file as ")
    assert (tmp_path / clash).read_bytes() == before


def test_predict_to_a_closed_stdout_is_one_line_and_exit_2(
    tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    from nntui.headless.predict import main as predict_main

    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    saved_tiny_model(tiny_config_file, tmp_path)
    err = io.StringIO()
    code = predict_main(["--model", "m.npz", "--input", "in.csv"], stdout=Closed(), stderr=err)
    assert code == 2
    assert err.getvalue() == "error: stdout: cannot write the predictions: Broken pipe\n"
