"""``python -m nntui`` end to end: honest numbers and clear exit-2 refusals (subprocesses)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ConfigFactory

pytestmark = pytest.mark.slow

RunNntui = Callable[..., subprocess.CompletedProcess[str]]


def test_results_and_summary_say_which_rows_each_number_comes_from(
    run_nntui: RunNntui, tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    config = tiny_config_file({"data.source": "iris", "training.epochs": 3})
    done = run_nntui("--headless", "--config", str(config), "--output", "r.json")
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "r.json").read_text())["data"]
    assert (data["n_train"], data["n_validation"], data["n_test"]) == (108, 12, 30)
    assert "iris 108 train / 12 validation / 30 test" in done.stdout
    assert "val_loss" in done.stdout
    assert "test (30 rows): loss " in done.stdout


def test_a_network_too_big_for_memory_exits_2(
    run_nntui: RunNntui, tiny_config_file: ConfigFactory
) -> None:
    config = tiny_config_file(
        {"network.hidden_layers": [300_000, 300_000], "network.hidden_activations": ["relu"] * 2}
    )
    done = run_nntui("--headless", "--config", str(config), env={"NNTUI_MEMORY_LIMIT": "4GiB"})
    assert done.returncode == 2
    assert "network.hidden_layers: needs " in done.stderr
    assert "more than the 4.0 GiB allowed (NNTUI_MEMORY_LIMIT)" in done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr


def test_early_stopping_on_val_loss_without_validation_exits_2(
    run_nntui: RunNntui, tiny_config_file: ConfigFactory
) -> None:
    config = tiny_config_file(
        {"data.validation_split": 0, "training.early_stopping": {"enabled": True}}
    )
    done = run_nntui("--headless", "--config", str(config))
    assert done.returncode == 2
    assert "training.early_stopping.monitor: val_loss needs a validation set" in done.stderr


def test_a_column_that_turns_nan_exits_2_naming_file_and_column(
    run_nntui: RunNntui, tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    rows = "".join(f"{i},{1e308 if i % 2 else 1.6e308},{i % 2}\n" for i in range(30))
    (tmp_path / "big.csv").write_text("a,huge,y\n" + rows, encoding="utf-8")
    config = tiny_config_file({"data.source": "csv", "data.path": "big.csv", "data.target": "y"})
    done = run_nntui("--headless", "--config", str(config))
    assert done.returncode == 2
    assert done.stderr.startswith("error: big.csv: column 'huge' turns NaN after standardisation")
    assert "RuntimeWarning" not in done.stderr


def test_a_constant_column_is_a_warning_line_and_the_run_goes_on(
    run_nntui: RunNntui, tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    rows = "".join(f"{i},{(i * 7) % 5},1,{i % 2}\n" for i in range(30))
    (tmp_path / "c.csv").write_text("a,b,one,y\n" + rows, encoding="utf-8")
    config = tiny_config_file({"data.source": "csv", "data.path": "c.csv", "data.target": "y"})
    done = run_nntui("--headless", "--quiet", "--config", str(config))
    assert done.returncode == 0, done.stderr
    warning = "warning: c.csv: column 'one' is constant in the "
    assert done.stdout.startswith(warning)
    assert "column 'one' is constant" in (tmp_path / "logs" / "app.log").read_text()


def test_predict_names_every_missing_column_and_exits_2(
    run_nntui: RunNntui, tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    config = tiny_config_file({"data.source": "iris", "training.epochs": 2})
    trained = run_nntui("--headless", "--quiet", "--config", str(config), "--save-model", "m.npz")
    assert trained.returncode == 0, trained.stderr
    (tmp_path / "in.csv").write_text("petal_width\n0.2\n", encoding="utf-8")
    done = run_nntui("predict", "--model", "m.npz", "--input", "in.csv")
    assert done.returncode == 2
    assert "columns 'sepal_length', 'sepal_width', 'petal_length' are missing" in done.stderr
    assert len(done.stderr.splitlines()) == 1
