"""Shared fixtures: tiny fast configs and running ``python -m nntui`` in a subprocess."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ConfigFactory

REPO_ROOT = Path(__file__).resolve().parents[1]

# Environment variables that change what a run does; a test sets them on purpose or not at all.
RUN_ENV_OVERRIDES = ("LOG_LEVEL", "RANDOM_SEED")

# Small enough that a run takes a fraction of a second, learnable enough to show good metrics.
TINY_CONFIG: dict[str, Any] = {
    "logging": {"level": "INFO", "file": "logs/app.log", "runs_dir": None},
    "data": {
        "n_samples": 200,
        "n_features": 8,
        "n_classes": 3,
        "random_seed": 42,
        "test_size": 0.2,
    },
    "network": {
        "hidden_layers": [16],
        "hidden_activations": ["relu"],
        "output_activation": "softmax",
        "weight_init": "he",
    },
    "training": {
        "epochs": 10,
        "learning_rate": 0.05,
        "batch_size": 32,
        "dtype": "float64",
        "shuffle": True,
    },
}


def tiny_config(overrides: Mapping[str, Any] | None = None, *, log_dir: Path) -> dict[str, Any]:
    """:data:`TINY_CONFIG` with dotted-key ``overrides`` and its log file under ``log_dir``."""
    config = copy.deepcopy(TINY_CONFIG)
    config["logging"]["file"] = str(log_dir / "logs" / "app.log")
    config["logging"]["runs_dir"] = str(log_dir / "runs")
    for dotted, value in (overrides or {}).items():
        section, key = dotted.split(".")
        config[section][key] = value
    return config


@pytest.fixture
def tiny_config_data(tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """A factory of tiny config dicts (dotted-key overrides), logging under ``tmp_path``."""

    def make(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return tiny_config(overrides, log_dir=tmp_path)

    return make


@pytest.fixture
def tiny_config_file(tmp_path: Path) -> ConfigFactory:
    """A factory writing a tiny config YAML into ``tmp_path``.

    Call it as ``tiny_config_file({"training.epochs": 5}, name="fast.yaml")``;
    the log file goes to ``tmp_path/logs/app.log``.
    """

    def make(overrides: Mapping[str, Any] | None = None, *, name: str = "config.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(tiny_config(overrides, log_dir=tmp_path), sort_keys=False))
        return path

    return make


def nntui_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a ``python -m nntui`` subprocess.

    The repository goes first on ``PYTHONPATH`` so the checkout is tested whether
    or not the package is installed; run-changing variables are cleared.
    """
    env = {key: value for key, value in os.environ.items() if key not in RUN_ENV_OVERRIDES}
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if part
    )
    env.update(extra or {})
    return env


def nntui_command(*args: str) -> list[str]:
    """The command line of ``python -m nntui ARGS`` with this interpreter."""
    return [sys.executable, "-m", "nntui", *args]


@pytest.fixture
def run_nntui(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m nntui ARGS`` with ``cwd=tmp_path``; returns the completed process.

    Call it as ``run_nntui("--headless", "--epochs", "5", env={"NO_COLOR": "1"})``.
    """

    def run(
        *args: str, env: Mapping[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            nntui_command(*args),
            cwd=tmp_path,
            env=nntui_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    return run


@pytest.fixture
def start_nntui(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start ``python -m nntui ARGS`` with ``cwd=tmp_path`` and text pipes; the test waits on it.

    Whatever the test does, every process it started is killed (if still
    running), reaped and has its pipes closed afterwards.
    """
    started: list[subprocess.Popen[str]] = []

    def start(*args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            nntui_command(*args),
            cwd=tmp_path,
            env=nntui_env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
        process.wait()
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def python_in_repo(tmp_path: Path) -> Callable[[str], subprocess.CompletedProcess[str]]:
    """Run ``python -c SCRIPT`` with ``cwd=tmp_path`` and the repository importable."""

    def run(script: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script],
            cwd=tmp_path,
            env=nntui_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture
def isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run in-process commands from ``tmp_path`` with no run-changing environment variables.

    So a ``config.yaml`` or ``.env`` in the repository never leaks into a test;
    the log file a run opened is closed afterwards.
    """
    monkeypatch.chdir(tmp_path)
    for name in RUN_ENV_OVERRIDES:
        monkeypatch.delenv(name, raising=False)
    yield tmp_path
    from nntui.logs import close_logging

    close_logging()
