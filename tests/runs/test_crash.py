"""A run killed with SIGKILL mid-training lists as crashed, every completed epoch readable."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import LINE_DEADLINE_S, ConfigFactory, lines_of, next_line

from nntui.runs.store import RunStore
from nntui.runs.summary import epoch_lines


@pytest.mark.slow  # a real subprocess
def test_a_killed_run_lists_as_crashed_with_its_epochs(
    tiny_config_file: ConfigFactory,
    start_nntui: Callable[..., subprocess.Popen[str]],
    tmp_path: Path,
) -> None:
    tiny_config_file({"training.epochs": 100_000})
    process = start_nntui("--headless", "--metrics-jsonl", "-")
    lines = lines_of(process.stdout)
    epochs = 0
    while epochs < 3:  # the folder has epoch 2 before the stream shows epoch 3
        line = json.loads(next_line(lines, expecting="a JSON line"))
        epochs += line.get("event") == "epoch"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=LINE_DEADLINE_S)

    (run,) = RunStore(tmp_path / "runs").summaries()
    assert run.status == "crashed"
    assert run.epochs_done >= 2
    numbers = [line["epoch"] for line in epoch_lines(run.path)]
    assert numbers[:2] == [1, 2] and numbers == list(range(1, len(numbers) + 1))
    assert run.best["epoch"] is not None
