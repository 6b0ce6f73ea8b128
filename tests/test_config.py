"""Configuration: lookup, validation messages, env and CLI overrides, the task, round-trips."""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
from pathlib import Path
from typing import Any, get_args
from unittest import mock

import pytest
from bad_configs import BAD_CONFIGS, MISSING_CONFIG  # tests/ is on sys.path (it is no package)
from factories import make_config
from hypothesis import given, settings
from hypothesis import strategies as st

import nntui.files
from nntui.config import (
    CLASSIFICATION_MONITORS,
    DATA_SOURCES,
    DOTTED_KEYS,
    DTYPES,
    LOG_LEVELS,
    LR_SCHEDULES,
    MONITORS,
    OPTIMIZERS,
    REGRESSION_MONITORS,
    TASKS,
    Config,
    ConfigError,
    ConfigProblem,
    DataSource,
    config_from_dict,
    default_config,
    dump_config,
    find_config,
    load_config,
    network_layer_sizes,
    output_head,
    parse_config_text,
    save_config,
    source_tasks,
    with_overrides,
)
from nntui.datasets.planar import PLANAR_CLASSIFICATION, PLANAR_REGRESSION
from nntui.nn.activations import ACTIVATIONS
from nntui.nn.initializers import INITIALIZERS

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGED_DEFAULT = REPO_ROOT / "nntui" / "default_config.yaml"
NO_ENV: dict[str, str] = {}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def default_with(**values: Any) -> Config:
    """The packaged default with dotted overrides given as ``training__epochs=5``."""
    return make_config(tiny=False, **values)


# --- Bad configs -------------------------------------------------------------------------


def test_bad_config_table_is_large_and_has_unique_ids() -> None:
    ids = [case_id for case_id, _, _ in BAD_CONFIGS]
    assert len(ids) >= 24
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("text", "expected"), [case[1:] for case in BAD_CONFIGS], ids=[case[0] for case in BAD_CONFIGS]
)
def test_bad_config_is_rejected_with_a_message_naming_it(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config_text(text, "bad.yaml")
    message = str(caught.value)
    assert expected in message
    assert all(line.startswith("bad.yaml: ") for line in message.splitlines())
    assert "Traceback" not in message


def test_missing_explicit_config_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path, expected = MISSING_CONFIG
    with pytest.raises(ConfigError) as caught:
        find_config(path, cwd=tmp_path)
    assert expected in str(caught.value)


def test_explicit_config_that_is_a_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    with pytest.raises(ConfigError, match="configs: is a folder"):
        load_config("configs", env=NO_ENV, cwd=tmp_path)


def test_every_problem_is_reported_at_once_in_file_order_with_lines() -> None:
    text = "training:\n  epochs: -1\n  batch_size: 0.5\nnetwork:\n  weight_init: hee\n"
    with pytest.raises(ConfigError) as caught:
        parse_config_text(text)
    problems = caught.value.problems
    assert [(p.key, p.line) for p in problems] == [
        ("training.epochs", 2),
        ("training.batch_size", 3),
        ("network.weight_init", 5),
    ]
    assert len(str(caught.value).splitlines()) == 3


def test_unknown_key_suggests_the_nearest_key() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config_text("network:\n  hiden_layers: [8]\n")
    (problem,) = caught.value.problems
    assert problem == ConfigProblem(
        "network.hiden_layers", "unknown key (did you mean 'hidden_layers'?)", 2
    )


def test_key_in_the_wrong_section_points_at_its_section() -> None:
    with pytest.raises(ConfigError, match=re.escape("did you mean 'data.n_classes'")):
        parse_config_text("training:\n  n_classes: 2\n")


def test_problem_format_reads_source_key_message_line() -> None:
    problem = ConfigProblem("training.batch_size", "must be a positive integer, got -4", 12)
    assert problem.format("config.yaml") == (
        "config.yaml: training.batch_size: must be a positive integer, got -4 (line 12)"
    )
    assert (
        ConfigProblem("", "the config is empty").format("x.yaml") == "x.yaml: the config is empty"
    )


def test_a_plain_dict_is_checked_like_a_file_but_without_lines() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"training": {"epochs": "many"}}, source="results.json")
    assert [(p.key, p.line) for p in caught.value.problems] == [("training.epochs", None)]
    assert str(caught.value).startswith("results.json: training.epochs: must be a positive")


# --- The typed tree ----------------------------------------------------------------------


def test_config_is_frozen_all_the_way_down() -> None:
    config = default_config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.training.epochs = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.training.early_stopping.patience = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.task = "regression"  # type: ignore[misc]
    assert isinstance(config.network.hidden_layers, tuple)
    assert hash(config) == hash(default_config())


def test_attribute_names_are_the_yaml_keys() -> None:
    config = default_config()
    for dotted in DOTTED_KEYS:
        value: Any = config
        for part in dotted.split("."):
            value = getattr(value, part)
        plain: Any = config.to_dict()
        for part in dotted.split("."):
            plain = plain[part]
        assert (list(value) if isinstance(value, tuple) else value) == plain, dotted


def test_to_dict_gives_plain_lists_and_no_task() -> None:
    plain = default_config().to_dict()
    assert list(plain) == ["logging", "data", "network", "training"]
    assert plain["network"]["hidden_layers"] == [128, 64, 32]
    assert isinstance(plain["training"]["early_stopping"], dict)
    assert config_from_dict(plain) == default_config()


def test_literal_types_name_every_registered_source() -> None:
    assert set(get_args(DataSource)) == {
        "synthetic",
        "csv",
        "iris",
        *PLANAR_CLASSIFICATION,
        *PLANAR_REGRESSION,
    }
    assert get_args(DataSource) == DATA_SOURCES


# --- Valid configs -----------------------------------------------------------------------


def test_a_partial_file_takes_defaults_for_missing_keys() -> None:
    config = parse_config_text("training:\n  epochs: 5\n")
    assert config == default_with(training__epochs=5)


def test_an_empty_section_keeps_its_defaults() -> None:
    assert parse_config_text("training:\n# epochs: 5\n") == default_config()


def test_hidden_layers_without_activations_get_the_default_activation_per_layer() -> None:
    config = parse_config_text("network:\n  hidden_layers: [16, 8]\n")
    assert config.network.hidden_activations == ("relu", "relu")


def test_values_are_normalised() -> None:
    text = "logging:\n  level: debug\ntraining:\n  learning_rate: 1e-3\n"
    config = parse_config_text(text)
    assert config.logging.level == "DEBUG"
    assert config.training.learning_rate == pytest.approx(0.001)
    assert isinstance(config.training.learning_rate, float)


def test_every_engine_activation_and_initializer_is_accepted() -> None:
    for name in ACTIVATIONS:
        config = with_overrides(default_config(), {"network.hidden_activations": [name] * 3})
        assert config.network.hidden_activations == (name,) * 3
    for name in INITIALIZERS:
        config = with_overrides(default_config(), {"network.weight_init": name})
        assert config.network.weight_init == name


def test_shipped_default_matches_the_documented_keys() -> None:
    config = default_config()
    assert config.network.hidden_layers == (128, 64, 32)
    assert config.task == "classification"
    assert config.to_dict()["training"] == {
        "epochs": 100,
        "learning_rate": 0.01,
        "batch_size": 32,
        "dtype": "float64",
        "shuffle": True,
        "optimizer": "sgd",
        "momentum": 0.0,
        "nesterov": False,
        "beta1": 0.9,
        "beta2": 0.999,
        "epsilon": 1e-8,
        "l2": 0.0,
        "gradient_clip_norm": None,
        "lr_schedule": "constant",
        "lr_decay": 0.5,
        "lr_step_epochs": 10,
        "lr_patience": 5,
        "min_learning_rate": 0.0,
        "early_stopping": {
            "enabled": False,
            "patience": 10,
            "min_delta": 0.0,
            "monitor": "val_loss",
            "restore_best_weights": True,
        },
    }
    assert config.to_dict()["data"] == {
        "source": "synthetic",
        "path": None,
        "target": None,
        "features": None,
        "noise": 0.1,
        "n_samples": 1000,
        "n_features": 20,
        "n_classes": 3,
        "random_seed": 42,
        "test_size": 0.2,
        "validation_split": 0.1,
    }


def test_shipped_config_shows_every_key_with_a_comment() -> None:
    lines = PACKAGED_DEFAULT.read_text(encoding="utf-8").splitlines()
    for dotted in DOTTED_KEYS:
        key = dotted.rsplit(".", 1)[-1]
        indent = "    " if dotted.count(".") == 2 else "  "
        [line] = [line for line in lines if line.startswith(f"{indent}{key}:")]
        assert "  # " in line, line
    assert any(line.startswith("  early_stopping:  ") and "#" in line for line in lines)


def test_repo_config_yaml_is_the_packaged_default() -> None:
    repo_text = (REPO_ROOT / "config.yaml").read_text(encoding="utf-8")
    assert parse_config_text(repo_text) == default_config()
    assert repo_text == PACKAGED_DEFAULT.read_text(encoding="utf-8")


def test_packaged_default_is_what_dump_config_writes() -> None:
    # So a config saved from the editor reads exactly like the shipped file.
    assert dump_config(default_config()) == PACKAGED_DEFAULT.read_text(encoding="utf-8")


# --- Lookup, environment and command-line overrides ----------------------------------------


def test_lookup_prefers_explicit_then_cwd_config_then_packaged_default(tmp_path: Path) -> None:
    assert find_config(cwd=tmp_path) is None
    loaded = load_config(env=NO_ENV, cwd=tmp_path)
    assert (loaded.path, loaded.source, loaded.config) == (None, "default config", default_config())
    assert loaded.text == PACKAGED_DEFAULT.read_text(encoding="utf-8")

    local = write(tmp_path / "config.yaml", "training:\n  epochs: 7\n")
    loaded = load_config(env=NO_ENV, cwd=tmp_path)
    assert (loaded.path, loaded.source) == (local, "config.yaml")
    assert (loaded.config.training.epochs, loaded.text) == (7, "training:\n  epochs: 7\n")

    write(tmp_path / "other.yaml", "training:\n  epochs: 9\n")
    loaded = load_config("other.yaml", env=NO_ENV, cwd=tmp_path)
    assert (loaded.path, loaded.source) == (tmp_path / "other.yaml", "other.yaml")
    assert loaded.config.training.epochs == 9


def test_errors_name_the_explicit_path_as_given(tmp_path: Path) -> None:
    write(tmp_path / "bad.yaml", "training:\n  epochs: 0\n")
    with pytest.raises(ConfigError) as caught:
        load_config("bad.yaml", env=NO_ENV, cwd=tmp_path)
    assert (
        str(caught.value) == "bad.yaml: training.epochs: must be a positive integer, got 0 (line 2)"
    )


def test_environment_beats_dotenv_beats_file(tmp_path: Path) -> None:
    write(tmp_path / "config.yaml", "data:\n  random_seed: 1\nlogging:\n  level: ERROR\n")
    assert load_config(env=NO_ENV, cwd=tmp_path).config.data.random_seed == 1

    write(tmp_path / ".env", "RANDOM_SEED=2\nLOG_LEVEL=debug\n")
    loaded = load_config(env=NO_ENV, cwd=tmp_path)
    assert (loaded.config.data.random_seed, loaded.config.logging.level) == (2, "DEBUG")
    assert loaded.overrides == {"logging.level": "DEBUG", "data.random_seed": 2}

    config = load_config(env={"RANDOM_SEED": "3"}, cwd=tmp_path).config
    assert (config.data.random_seed, config.logging.level) == (3, "DEBUG")


def test_command_line_overrides_beat_the_environment(tmp_path: Path) -> None:
    loaded = load_config(
        env={"RANDOM_SEED": "3"},
        overrides={"data.random_seed": 9, "training.epochs": 2},
        cwd=tmp_path,
    )
    assert (loaded.config.data.random_seed, loaded.config.training.epochs) == (9, 2)
    assert loaded.overrides == {"data.random_seed": 9, "training.epochs": 2}


def test_bad_command_line_overrides_are_named_after_the_command_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(env=NO_ENV, overrides={"training.epochs": 0}, cwd=tmp_path)
    assert str(caught.value) == "command line: training.epochs: must be a positive integer, got 0"


def test_load_config_resolves_the_requested_task(tmp_path: Path) -> None:
    assert load_config(env=NO_ENV, task="regression", cwd=tmp_path).config.task == "regression"
    write(tmp_path / "config.yaml", "data:\n  source: bump\n")
    assert load_config(env=NO_ENV, cwd=tmp_path).config.task == "regression"
    with pytest.raises(ConfigError) as caught:
        load_config(env=NO_ENV, task="classification", cwd=tmp_path)
    assert str(caught.value).startswith(
        "config.yaml: data.source: bump is regression data, so --task classification cannot use it"
    )
    assert str(caught.value).endswith("(line 2)")


def test_empty_environment_value_counts_as_unset(tmp_path: Path) -> None:
    write(tmp_path / ".env", "RANDOM_SEED=5\n")
    config = load_config(env={"RANDOM_SEED": ""}, cwd=tmp_path).config
    assert config.data.random_seed == 5


def test_load_config_reads_os_environ_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RANDOM_SEED", "11")
    assert load_config(cwd=tmp_path).config.data.random_seed == 11


def test_bad_environment_values_are_reported_with_file_problems(tmp_path: Path) -> None:
    write(tmp_path / "config.yaml", "training:\n  epochs: 0\n")
    write(tmp_path / ".env", "RANDOM_SEED=abc\n")
    with pytest.raises(ConfigError) as caught:
        load_config(env={"LOG_LEVEL": "LOUD"}, cwd=tmp_path)
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("config.yaml: training.epochs: ")
    assert lines[1].startswith("LOG_LEVEL=LOUD: must be one of DEBUG")
    assert "set in the environment; it overrides logging.level" in lines[1]
    assert lines[2].startswith(
        ".env line 1: RANDOM_SEED=abc: must be a non-negative integer, got 'abc'"
    )
    assert "set in .env" in lines[2]


def test_an_environment_value_is_named_by_its_variable_not_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(env={"RANDOM_SEED": "abc"}, cwd=tmp_path)
    assert str(caught.value) == (
        "RANDOM_SEED=abc: must be a non-negative integer, got 'abc' "
        "(set in the environment; it overrides data.random_seed)"
    )


def test_a_dotenv_line_that_is_not_an_assignment_names_its_line(tmp_path: Path) -> None:
    write(tmp_path / ".env", "# settings\nRANDOM_SEED=3\nthis is not an assignment\n")
    with pytest.raises(ConfigError) as caught:
        load_config(env=NO_ENV, cwd=tmp_path)
    assert str(caught.value) == (
        ".env line 3: cannot parse 'this is not an assignment': expected NAME=value"
    )


def test_an_unreadable_dotenv_names_the_file(tmp_path: Path) -> None:
    (tmp_path / ".env").mkdir()
    with pytest.raises(ConfigError, match=r"^\.env: cannot read the file: Is a directory$"):
        load_config(env=NO_ENV, cwd=tmp_path)
    (tmp_path / ".env").rmdir()
    (tmp_path / ".env").write_bytes(b"RANDOM_SEED=\xff\n")
    with pytest.raises(ConfigError, match=r"^\.env: cannot read the file: 'utf-8' codec"):
        load_config(env=NO_ENV, cwd=tmp_path)


def test_a_huge_dotenv_is_not_read(tmp_path: Path) -> None:
    write(tmp_path / ".env", "# " + "x" * 200_000 + "\n")
    with pytest.raises(ConfigError, match=r"^\.env: the file has more than 100000 characters"):
        load_config(env=NO_ENV, cwd=tmp_path)


def test_a_config_is_read_from_stdin_with_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    piped = tmp_path / "piped.yaml"
    piped.write_text("training:\n  epochs: 7\n")
    with piped.open() as handle:
        monkeypatch.setattr("sys.stdin", handle)
        loaded = load_config("-", env=NO_ENV, cwd=tmp_path)
    assert loaded.config.training.epochs == 7
    assert (loaded.path, loaded.source) == (None, "<stdin>")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_config_is_refused_after_a_bounded_read(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config("/dev/zero", env=NO_ENV, cwd=tmp_path)
    assert str(caught.value) == (
        "/dev/zero: the file has more than 1,000,000 characters; a config is a few kilobytes"
    )


def test_an_empty_config_path_names_the_flag(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config("", env=NO_ENV, cwd=tmp_path)
    assert str(caught.value) == "--config: the path is empty; give a config file, or - for stdin"


@pytest.mark.slow
def test_a_bad_value_in_a_huge_list_is_shown_as_a_bounded_excerpt(tmp_path: Path) -> None:
    layers = ", ".join(["-1"] * 100_000)
    write(tmp_path / "config.yaml", f"network:\n  hidden_layers: [{layers}]\n")
    with pytest.raises(ConfigError) as caught:
        load_config(env=NO_ENV, cwd=tmp_path)
    assert all(len(line) < 400 for line in str(caught.value).splitlines())


def test_an_alias_bomb_is_refused_unexpanded(tmp_path: Path) -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    bomb += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}]" for i in range(20)]
    write(tmp_path / "config.yaml", "\n".join(bomb) + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(env=NO_ENV, cwd=tmp_path)
    assert "aliases of lists and mappings are not supported" in str(caught.value)
    assert len(str(caught.value)) < 400


def test_syntax_error_and_env_problems_come_together(tmp_path: Path) -> None:
    write(tmp_path / "config.yaml", "training: [\n")
    with pytest.raises(ConfigError) as caught:
        load_config(env={"RANDOM_SEED": "-3"}, cwd=tmp_path)
    assert [p.key for p in caught.value.problems] == ["", "RANDOM_SEED"]


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_bytes(b"training:\n  epochs: \xff\n")
    with pytest.raises(ConfigError, match=re.escape("config.yaml: cannot read the file")):
        load_config(env=NO_ENV, cwd=tmp_path)


# --- Overrides ---------------------------------------------------------------------------


def test_with_overrides_returns_a_new_config() -> None:
    base = default_config()
    config = with_overrides(base, {"training.epochs": 5, "data.random_seed": 7})
    assert (config.training.epochs, config.data.random_seed) == (5, 7)
    assert base == default_config()


def test_with_overrides_reads_typed_text() -> None:
    config = with_overrides(
        default_config(),
        {
            "training.learning_rate": "0.5",
            "network.hidden_layers": "[4, 2, 1]",
            "logging.file": "7",
        },
    )
    assert config.training.learning_rate == 0.5
    assert config.network.hidden_layers == (4, 2, 1)
    assert config.logging.file == "7"


def test_with_overrides_rejects_bad_values_and_unknown_keys() -> None:
    with pytest.raises(ConfigError) as caught:
        with_overrides(default_config(), {"training.epochs": -1, "training.epoch": 3})
    assert str(caught.value).splitlines() == [
        "command line: training.epoch: unknown key (did you mean 'training.epochs'?)",
        "command line: training.epochs: must be a positive integer, got -1",
    ]


def test_with_overrides_keeps_the_task_while_the_source_serves_it() -> None:
    regression = default_config(task="regression")
    assert (
        with_overrides(
            regression, {"data.source": "csv", "data.path": "a.csv", "data.target": "y"}
        ).task
        == "regression"
    )
    assert with_overrides(regression, {"data.source": "iris"}).task == "classification"
    assert with_overrides(default_config(), {"data.source": "plane"}).task == "regression"


# --- Writing back ------------------------------------------------------------------------


def test_dump_config_keeps_section_order_and_flow_lists() -> None:
    text = dump_config(default_config(), comments=False)
    assert [line for line in text.splitlines() if line and not line.startswith(" ")] == [
        "logging:",
        "data:",
        "network:",
        "training:",
    ]
    assert "  hidden_layers: [128, 64, 32]\n" in text
    assert "#" not in text


def test_dump_config_quotes_awkward_text() -> None:
    config = with_overrides(default_config(), {"logging.file": "logs/a #b: 'c'\n[d].log"})
    assert parse_config_text(dump_config(config)) == config


valid_configs = st.fixed_dictionaries(
    {
        "level": st.sampled_from(LOG_LEVELS),
        "file": st.text(min_size=1).filter(str.strip),
        "n_samples": st.integers(20, 10**9),
        "n_features": st.integers(1, 10**6),
        "n_classes": st.integers(2, 50),
        "random_seed": st.integers(0, 2**64),
        "test_size": st.floats(0.05, 0.9),
        "validation_split": st.sampled_from([0.05, 0.1, 0.3]),
        "layers": st.lists(
            st.tuples(st.integers(1, 4096), st.sampled_from(sorted(ACTIVATIONS))), max_size=5
        ),
        "head": st.sampled_from(["softmax", "sigmoid"]),
        "weight_init": st.sampled_from(sorted(INITIALIZERS)),
        "epochs": st.integers(1, 10**6),
        "learning_rate": st.floats(1e-12, 1e3),
        "batch_size": st.integers(1, 10**5),
        "dtype": st.sampled_from(DTYPES),
        "shuffle": st.booleans(),
        "source": st.sampled_from(DATA_SOURCES),
        "path": st.none() | st.text(min_size=1).filter(str.strip),
        "target": st.none() | st.text(min_size=1).filter(str.strip),
        "features": st.none()
        | st.lists(st.sampled_from(["a", "b", "c d", "1"]), min_size=1, unique=True),
        "noise": st.floats(0.0, 0.5),
        "optimizer": st.sampled_from(OPTIMIZERS),
        "momentum": st.floats(0.0, 0.999),
        "nesterov": st.booleans(),
        "betas": st.tuples(st.floats(0.0, 0.9999), st.floats(0.0, 0.9999)),
        "epsilon": st.floats(1e-12, 1.0),
        "l2": st.floats(0.0, 10.0),
        "clip": st.none() | st.floats(1e-6, 1e6),
        "lr_schedule": st.sampled_from(LR_SCHEDULES),
        "lr_decay": st.floats(1e-6, 0.999),
        "lr_ints": st.tuples(st.integers(1, 10**4), st.integers(0, 10**4)),
        "stopping": st.fixed_dictionaries(
            {
                "enabled": st.booleans(),
                "patience": st.integers(0, 10**4),
                "min_delta": st.floats(0.0, 1.0),
                "monitor": st.sampled_from(MONITORS),
                "restore_best_weights": st.booleans(),
            }
        ),
    }
)


def build_plain(values: dict[str, Any]) -> dict[str, Any]:
    csv = values["source"] == "csv"
    foreign = (
        REGRESSION_MONITORS
        if source_tasks(values["source"])[0] == "classification"
        else CLASSIFICATION_MONITORS
    )
    stopping = dict(values["stopping"])
    if stopping["monitor"] in foreign:
        stopping["monitor"] = "val_loss"
    return {
        "logging": {"level": values["level"], "file": values["file"], "runs_dir": "runs"},
        "data": {
            "source": values["source"],
            "path": values["path"] or "data.csv" if csv else values["path"],
            "target": values["target"] or "y" if csv else values["target"],
            "features": None if csv else values["features"],
            "noise": values["noise"],
            "n_samples": values["n_samples"],
            "n_features": values["n_features"],
            "n_classes": 2 if values["head"] == "sigmoid" else min(values["n_classes"], 10),
            "random_seed": values["random_seed"],
            "test_size": values["test_size"],
            "validation_split": values["validation_split"],
        },
        "network": {
            "hidden_layers": [size for size, _ in values["layers"]],
            "hidden_activations": [name for _, name in values["layers"]],
            "output_activation": "softmax" if values["source"] == "iris" else values["head"],
            "weight_init": values["weight_init"],
        },
        "training": {
            "epochs": values["epochs"],
            "learning_rate": values["learning_rate"],
            "batch_size": values["batch_size"],
            "dtype": values["dtype"],
            "shuffle": values["shuffle"],
            "optimizer": values["optimizer"],
            "momentum": values["momentum"],
            "nesterov": values["nesterov"] and values["momentum"] > 0,
            "beta1": values["betas"][0],
            "beta2": values["betas"][1],
            "epsilon": values["epsilon"],
            "l2": values["l2"],
            "gradient_clip_norm": values["clip"],
            "lr_schedule": values["lr_schedule"],
            "lr_decay": values["lr_decay"],
            "lr_step_epochs": values["lr_ints"][0],
            "lr_patience": values["lr_ints"][1],
            "min_learning_rate": values["learning_rate"] / 2,
            "early_stopping": stopping,
        },
    }


@settings(max_examples=150, deadline=None)
@given(valid_configs, st.booleans())
@pytest.mark.slow
def test_dump_then_parse_round_trips(values: dict[str, Any], comments: bool) -> None:
    plain = build_plain(values)
    # Sizes up to 10⁹ samples: the round trip is the point here, not this machine's memory.
    with mock.patch.dict(os.environ, {"NNTUI_MEMORY_LIMIT": "off"}):
        config = config_from_dict(plain)
        assert config.to_dict() == plain
        assert parse_config_text(dump_config(config, comments=comments)) == config


def test_save_config_writes_a_file_that_loads_back(tmp_path: Path) -> None:
    config = with_overrides(default_config(), {"network.hidden_layers": [8, 4, 2]})
    path = save_config(config, tmp_path / "saved" / "config.yaml")
    assert path == tmp_path / "saved" / "config.yaml"
    assert load_config(path, env=NO_ENV, cwd=tmp_path).config == config
    assert os.listdir(path.parent) == ["config.yaml"]  # no temp file left behind


def test_save_config_refuses_an_invalid_dict_and_keeps_the_old_file(tmp_path: Path) -> None:
    path = write(tmp_path / "config.yaml", "old\n")
    plain = default_config().to_dict()
    plain["training"]["epochs"] = 0
    with pytest.raises(ConfigError, match=re.escape("training.epochs")):
        save_config(plain, path)
    assert path.read_text(encoding="utf-8") == "old\n"


def test_failed_save_leaves_the_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "config.yaml", "old\n")

    def failing_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(nntui.files.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        save_config(default_config(), path)
    assert path.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["config.yaml"]


def test_config_error_survives_pickling_for_worker_processes() -> None:
    error = ConfigError([ConfigProblem("training.epochs", "bad", 3)], "x.yaml")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.problems, copy.source, str(copy)) == (error.problems, "x.yaml", str(error))


def test_env_example_uncommented_overrides_both_keys(tmp_path: Path) -> None:
    example = (REPO_ROOT / ".env.example").read_text(encoding="utf-8")
    assignments = [line.lstrip("# ") for line in example.splitlines() if "=" in line]
    write(tmp_path / ".env", "\n".join(assignments) + "\n")
    config = load_config(env=NO_ENV, cwd=tmp_path).config
    assert (config.logging.level, config.data.random_seed) == ("DEBUG", 7)


# --- The nested early_stopping mapping -----------------------------------------------------


def test_a_partial_group_takes_defaults_for_its_other_keys() -> None:
    config = parse_config_text("training:\n  early_stopping:\n    enabled: true\n")
    assert config.training.early_stopping == dataclasses.replace(
        default_config().training.early_stopping, enabled=True
    )


def test_an_empty_group_keeps_its_defaults() -> None:
    assert parse_config_text("training:\n  early_stopping:\n") == default_config()


def test_problems_inside_a_group_carry_their_line_and_dotted_key() -> None:
    text = "training:\n  early_stopping:\n    enabled: maybe\n    patience: -2\n  epochs: 0\n"
    with pytest.raises(ConfigError) as caught:
        parse_config_text(text)
    assert [(p.key, p.line) for p in caught.value.problems] == [
        ("training.early_stopping.enabled", 3),
        ("training.early_stopping.patience", 4),
        ("training.epochs", 5),
    ]


def test_an_inner_key_outside_its_group_points_into_the_group() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config_text("training:\n  restore_best_weights: false\n")
    assert "did you mean 'training.early_stopping.restore_best_weights'" in str(caught.value)


def test_with_overrides_sets_a_key_inside_a_group() -> None:
    config = with_overrides(
        default_config(),
        {"training.early_stopping.patience": "3", "training.early_stopping.enabled": True},
    )
    stopping = config.training.early_stopping
    assert (stopping.patience, stopping.enabled, stopping.monitor) == (3, True, "val_loss")


def test_with_overrides_merges_a_mapping_into_a_group() -> None:
    base = with_overrides(default_config(), {"training.early_stopping.patience": 4})
    config = with_overrides(base, {"training.early_stopping": {"enabled": True}})
    assert config.training.early_stopping.patience == 4
    assert config.training.early_stopping.enabled is True


def test_typed_null_clears_an_optional_key() -> None:
    clipped = with_overrides(default_config(), {"training.gradient_clip_norm": "1.5"})
    assert clipped.training.gradient_clip_norm == 1.5
    cleared = with_overrides(clipped, {"training.gradient_clip_norm": "null"})
    assert cleared.training.gradient_clip_norm is None


def test_dump_config_writes_the_group_indented_under_its_key() -> None:
    config = with_overrides(
        default_config(),
        {"training.early_stopping.enabled": True, "training.early_stopping.monitor": "loss"},
    )
    text = dump_config(config, comments=False)
    assert "  early_stopping:\n    enabled: true\n    patience: 10\n" in text
    assert parse_config_text(text) == config


def test_every_problem_names_its_key_across_sections_and_groups() -> None:
    text = (
        "data:\n  source: csv\n"
        "training:\n  nesterov: true\n  early_stopping:\n    monitor: accuracy\n"
    )
    with pytest.raises(ConfigError) as caught:
        parse_config_text(text)
    assert {p.key for p in caught.value.problems} == {
        "data.path",
        "data.target",
        "training.nesterov",
    }


# --- Data sources and the task -------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "requested", "expected"),
    [
        ("synthetic", None, "classification"),
        ("synthetic", "regression", "regression"),
        ("iris", None, "classification"),
        ("circles", None, "classification"),
        ("spiral", "classification", "classification"),
        ("plane", None, "regression"),
        ("bump", "regression", "regression"),
    ],
)
def test_the_task_follows_the_source(source: str, requested: str | None, expected: str) -> None:
    assert default_with(data__source=source, task=requested).task == expected
    assert parse_config_text(f"data:\n  source: {source}\n", task=requested).task == expected


def test_csv_defaults_to_classification_and_allows_regression() -> None:
    csv = {"data.source": "csv", "data.path": "a.csv", "data.target": "y"}
    assert make_config(csv).task == "classification"
    assert make_config(csv, task="regression").task == "regression"
    assert TASKS == ("classification", "regression")


@pytest.mark.parametrize(
    ("source", "requested"),
    [
        ("bump", "classification"),
        ("plane", "classification"),
        ("iris", "regression"),
        ("spiral", "regression"),
        ("xor", "regression"),
    ],
)
def test_a_task_the_source_cannot_serve_is_a_config_error(source: str, requested: str) -> None:
    overrides = {"data.source": source, "task": requested}
    with pytest.raises(ConfigError) as caught:
        with_overrides(default_config(), overrides, source="my.yaml")
    message = str(caught.value)
    assert message.startswith(f"my.yaml: data.source: {source} is ")
    assert f"--task {requested} cannot use it" in message


def test_an_unknown_requested_task_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="--task: must be one of classification, regression"):
        default_config(task="clustering")


@pytest.mark.parametrize(
    ("monitor", "task"), [("val_r2", "classification"), ("val_accuracy", "regression")]
)
def test_early_stopping_on_a_metric_the_task_lacks_is_a_config_error(
    monitor: str, task: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        default_with(
            training__early_stopping__enabled=True,
            training__early_stopping__monitor=monitor,
            task=task,
        )
    assert f"training.early_stopping.monitor: {monitor} is not measured in a {task} run" in str(
        caught.value
    )


def test_the_early_stopping_monitor_problem_carries_its_line() -> None:
    text = "training:\n  early_stopping:\n    enabled: true\n    monitor: val_r2\n"
    with pytest.raises(ConfigError) as caught:
        parse_config_text(text)
    assert [(p.key, p.line) for p in caught.value.problems] == [
        ("training.early_stopping.monitor", 4)
    ]


def test_a_disabled_early_stopping_monitor_is_not_checked() -> None:
    config = default_with(training__early_stopping__monitor="val_r2", task="classification")
    assert config.task == "classification"


# --- The transition shims (nntui.config.legacy; the head is training.task's) ---------------


def test_legacy_output_head_and_layer_sizes_read_a_config() -> None:
    assert output_head(default_config()) == (3, "softmax", "cross_entropy")
    assert output_head(default_config(task="regression")) == (1, "linear", "mse")
    assert network_layer_sizes(default_config(), 20) == (
        [20, 128, 64, 32, 3],
        ["relu", "relu", "relu", "softmax"],
        "cross_entropy",
    )
    sigmoid = default_with(data__source="circles", network__output_activation="sigmoid")
    assert output_head(sigmoid) == (1, "sigmoid", "binary_cross_entropy")
