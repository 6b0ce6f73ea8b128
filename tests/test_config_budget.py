"""A config whose network or data cannot be built is a config error; validation_split's checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import make_config

from nntui.config import ConfigError, load_config, parse_config_text
from nntui.config.budget import check_memory, estimate
from nntui.datasets.tabular import DataSourceError
from nntui.memory import ENV_VAR, MemoryLimit
from nntui.training.datasets import load_run_data


@pytest.fixture(autouse=True)
def eight_gib(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same limit on every machine."""
    monkeypatch.setenv(ENV_VAR, "8GiB")


def problem_of(overrides: dict[str, object]) -> str:
    with pytest.raises(ConfigError) as caught:
        make_config(overrides)
    (problem,) = caught.value.problems
    return f"{problem.key}: {problem.message}"


def test_a_network_too_big_for_memory_names_hidden_layers() -> None:
    message = problem_of(
        {"network.hidden_layers": [100_000, 100_000], "network.hidden_activations": ["relu"] * 2}
    )
    assert message.startswith("network.hidden_layers: needs ")
    assert "of memory (parameters " in message
    assert message.endswith("more than the 8.0 GiB allowed (NNTUI_MEMORY_LIMIT)")


def test_too_many_samples_to_generate_names_n_samples() -> None:
    assert problem_of({"data.n_samples": 2_000_000_000}).startswith("data.n_samples: needs ")


def test_too_many_features_to_generate_names_n_features() -> None:
    message = problem_of({"data.n_samples": 1000, "data.n_features": 10_000_000})
    assert message.startswith(("data.n_features: needs ", "network.hidden_layers: needs "))


def test_a_huge_batch_names_batch_size() -> None:
    message = problem_of(
        {
            "data.n_samples": 50_000_000,
            "data.n_features": 2,
            "training.batch_size": 50_000_000,
            "network.hidden_layers": [64],
        }
    )
    assert message.startswith(("training.batch_size: needs ", "data.n_samples: needs "))


def test_the_limit_can_be_raised_or_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "off")
    make_config(
        {"network.hidden_layers": [100_000, 100_000], "network.hidden_activations": ["relu"] * 2}
    )


def test_a_bad_limit_is_a_problem_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "plenty")
    assert problem_of({}).startswith("NNTUI_MEMORY_LIMIT: must be a size")


def test_the_problem_has_the_line_of_the_key(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("network:\n  hidden_layers: [200000, 200000]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={}, cwd=tmp_path)
    assert str(caught.value).startswith(f"{path}: network.hidden_layers: needs ")
    assert str(caught.value).endswith("(line 2)")


def test_the_editor_text_gets_the_same_check() -> None:
    with pytest.raises(ConfigError, match=r"network\.hidden_layers: needs"):
        parse_config_text("network:\n  hidden_layers: [200000, 200000]\n")


def test_check_memory_for_a_face_with_its_own_limit() -> None:
    config = make_config()
    assert check_memory(config) == []
    (problem,) = check_memory(config, MemoryLimit(1024, "test"))
    assert problem.key == "network.hidden_layers"


def test_the_estimate_counts_parameters_activations_and_data() -> None:
    needed = estimate(make_config({"network.hidden_layers": [1000]}).to_dict())
    assert needed.weights == (4 + 1) * 1000 + (1000 + 1) * 3
    assert needed.total == needed.parameters + needed.activations + needed.data
    assert needed.parameters > 0 and needed.activations > 0 and needed.data > 0


def test_a_csv_too_wide_for_memory_is_a_data_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 5000 columns: the first layer alone has 5 million weights, which the config
    # (not knowing the file's width) cannot see; the check after reading it does.
    monkeypatch.setenv(ENV_VAR, "256MiB")
    path = tmp_path / "wide.csv"
    header = ",".join(f"c{k}" for k in range(5000))
    rows = "".join(
        ",".join(str((i * k) % 7) for k in range(5000)) + f",{i % 2}\n" for i in range(20)
    )
    path.write_text(f"{header},y\n{rows}", encoding="utf-8")
    config = make_config(
        {
            "data.source": "csv",
            "data.path": str(path),
            "data.target": "y",
            "network.hidden_layers": [1000],
        }
    )
    with pytest.raises(
        DataSourceError,
        match=r"wide.csv: 20 rows × 5000 features with "
        r"network.hidden_layers needs .* more than the 256.0 MiB allowed",
    ):
        load_run_data(config)


# -- data.validation_split -----------------------------------------------------------------


def test_validation_split_must_be_below_one() -> None:
    assert problem_of({"data.validation_split": 1}).startswith(
        "data.validation_split: must be a number in [0, 1)"
    )


def test_a_validation_split_leaving_no_training_row_is_refused() -> None:
    message = problem_of({"data.n_samples": 10, "data.validation_split": 0.95})
    assert message.startswith("data.validation_split: 0.95 of the 8 rows left after the test set")


def test_early_stopping_on_a_val_metric_needs_validation() -> None:
    message = problem_of({"data.validation_split": 0, "training.early_stopping.enabled": True})
    assert message.startswith(
        "training.early_stopping.monitor: val_loss needs a validation set, "
        "but data.validation_split is 0"
    )
    make_config(
        {
            "data.validation_split": 0,
            "training.early_stopping.enabled": True,
            "training.early_stopping.monitor": "loss",
        }
    )


def test_the_plateau_schedule_needs_validation() -> None:
    message = problem_of({"data.validation_split": 0, "training.lr_schedule": "plateau"})
    assert message.startswith("training.lr_schedule: plateau watches val_loss")
