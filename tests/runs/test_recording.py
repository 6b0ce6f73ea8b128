"""Every headless run is recorded: config, epochs as they happen, results, model, checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factories import make_config
from helpers import ConfigFactory

from nntui.cli import main
from nntui.nn.checkpoint import load_checkpoint
from nntui.runs.folder import CHECKPOINT, CONFIG, METRICS, MODEL, RESULTS, SUMMARY, writer_alive
from nntui.runs.recorder import start_recording
from nntui.runs.store import RunStore
from nntui.training.control import RunControl
from nntui.training.events import EpochEnded, RunEvent
from nntui.training.runner import NetworkRunner


def _runs(tmp_path: Path) -> RunStore:
    return RunStore(tmp_path / "runs")


def test_a_headless_run_is_recorded_in_its_own_folder(
    tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    config = tiny_config_file({"training.epochs": 4, "data.source": "spiral"})
    output = tmp_path / "out.json"
    assert main(["--headless", "--quiet", "--config", str(config), "--output", str(output)]) == 0
    (run,) = _runs(tmp_path).summaries()
    assert run.id.endswith("-spiral")
    assert (run.status, run.epochs_done, run.epochs_planned) == ("completed", 4, 4)
    assert run.best_metric["monitor"] == "val_accuracy"
    files = {path.name for path in run.path.iterdir()}
    assert {SUMMARY, CONFIG, METRICS, RESULTS, MODEL, CHECKPOINT} <= files
    lines = [json.loads(line) for line in (run.path / METRICS).read_text().splitlines()]
    epochs = [line["epoch"] for line in lines if line["event"] == "epoch"]
    assert epochs == [1, 2, 3, 4]
    assert lines[-1]["event"] == "result"
    recorded = json.loads((run.path / RESULTS).read_text())
    written = json.loads(output.read_text())
    assert recorded.keys() == written.keys()
    assert recorded["history"] == written["history"]
    assert load_checkpoint(run.path / CHECKPOINT).epoch == 4
    assert "source: spiral" in (run.path / CONFIG).read_text()


def test_no_record_and_a_null_runs_dir_record_nothing(
    tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    config = str(tiny_config_file({"training.epochs": 1}))
    assert main(["--headless", "--quiet", "--config", config, "--no-record"]) == 0
    null = str(tiny_config_file({"training.epochs": 1, "logging.runs_dir": None}, name="n.yaml"))
    assert main(["--headless", "--quiet", "--config", null]) == 0
    assert not (tmp_path / "runs").exists()


def test_runs_dir_flag_overrides_the_config(
    tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    config = str(tiny_config_file({"training.epochs": 1}))
    other = tmp_path / "elsewhere"
    assert main(["--headless", "--quiet", "--config", config, "--runs-dir", str(other)]) == 0
    assert len(RunStore(other).summaries()) == 1
    assert not (tmp_path / "runs").exists()


def test_a_store_that_cannot_be_written_is_a_warning_and_the_run_goes_on(
    tiny_config_file: ConfigFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    config = str(tiny_config_file({"training.epochs": 1}))
    code = main(["--headless", "--quiet", "--config", config, "--runs-dir", str(blocker / "runs")])
    assert code == 0
    assert "the run is not recorded" in capsys.readouterr().err


def test_a_diverged_run_is_recorded_without_model_or_checkpoint(
    tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    config = str(tiny_config_file({"training.epochs": 5, "training.learning_rate": 1e6}))
    assert main(["--headless", "--quiet", "--task", "regression", "--config", config]) == 1
    (run,) = _runs(tmp_path).summaries()
    assert run.status == "diverged"
    files = {path.name for path in run.path.iterdir()}
    assert RESULTS in files
    assert MODEL not in files and CHECKPOINT not in files


def test_a_stopped_run_keeps_its_epochs_and_a_checkpoint_to_continue_from(tmp_path: Path) -> None:
    config = make_config({"training.epochs": 50, "logging.runs_dir": str(tmp_path / "runs")})
    control = RunControl()

    def stop_at_epoch_2(event: RunEvent) -> None:
        if isinstance(event, EpochEnded) and event.epoch == 2:
            control.stop()

    runner = NetworkRunner(config, on_event=stop_at_epoch_2, control=control)
    recorder = start_recording(runner, config.logging.runs_dir)
    runner.run()
    assert recorder is not None and recorder.error is None
    (run,) = RunStore(tmp_path / "runs").summaries()
    assert (run.status, run.epochs_done, run.epochs_planned) == ("interrupted", 2, 50)
    assert load_checkpoint(run.path / CHECKPOINT).epoch == 2
    assert not writer_alive(run.path)


def test_a_write_that_fails_stops_recording_with_one_warning(tmp_path: Path) -> None:
    config = make_config({"training.epochs": 3, "logging.runs_dir": str(tmp_path / "runs")})
    runner = NetworkRunner(config)
    warnings: list[str] = []
    recorder = start_recording(runner, config.logging.runs_dir, warn=warnings.append)
    assert recorder is not None
    (recorder.folder.path / METRICS).mkdir()  # appending to it now fails
    assert runner.run()["status"] == "completed"  # the run goes on
    assert len(warnings) == 1 and "recording stopped" in warnings[0]
    (run,) = RunStore(tmp_path / "runs").summaries()
    assert run.status == "crashed"  # it never ended in the store, and nobody records it
