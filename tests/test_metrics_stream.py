"""``--metrics-jsonl``: one strict JSON object per epoch, flushed as it happens, then the result."""

from __future__ import annotations

import io
import json
import math
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from event_streams import finished_run_events, run_started, stream_config
from helpers import LINE_DEADLINE_S, ConfigFactory, lines_of, next_line

from nntui.cli import main
from nntui.headless.metrics_stream import MetricsStream, epoch_record, json_line
from nntui.training.events import EpochEnded, LayerStats, RunEvent
from nntui.training.record import RunRecord, fold

pytestmark = pytest.mark.usefixtures("isolated_cwd")


def epoch_event(epoch: int = 1, *, loss: float = 0.5) -> EpochEnded:
    return EpochEnded(
        epoch=epoch,
        epochs=10,
        loss=loss,
        val_loss=0.6,
        metric="accuracy",
        score=0.8,
        val_score=0.75,
        learning_rate=0.01,
        layers=(
            LayerStats("dense_1", 0.1, -3.1, 2.0, dead_share=0.25, saturation=None),
            LayerStats("dense_2", 0.2, None, 1.0, dead_share=None, saturation=None),
        ),
        elapsed_s=1.0,
        samples_per_s=100.0,
    )


def started_record() -> RunRecord:
    return RunRecord().apply(run_started(stream_config()))


class Fanout:
    """Fold an event into the record, then show it to the stream (as the headless command does)."""

    def __init__(self, stream: MetricsStream) -> None:
        self.stream = stream

    def __call__(self, event: RunEvent) -> None:
        self.stream.record.apply(event)
        self.stream(event)


def parse_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


# -- records ---------------------------------------------------------------------------------


def test_epoch_record_has_the_documented_keys() -> None:
    record = epoch_record(started_record().apply(epoch_event(3)))
    assert record == {
        "event": "epoch",
        "epoch": 3,
        "epochs": 10,
        "loss": 0.5,
        "val_loss": 0.6,
        "accuracy": 0.8,
        "val_accuracy": 0.75,
        "learning_rate": 0.01,
        "grad_norms": [0.1, 0.2],
        "diagnostics": [
            {
                "layer": "dense_1",
                "grad_norm": 0.1,
                "update_ratio": -3.1,
                "weight_norm": 2.0,
                "dead_fraction": 0.25,
                "saturated_fraction": None,
            },
            {
                "layer": "dense_2",
                "grad_norm": 0.2,
                "update_ratio": None,
                "weight_norm": 1.0,
                "dead_fraction": None,
                "saturated_fraction": None,
            },
        ],
        "elapsed_s": 1.0,
        "samples_per_s": 100.0,
    }


def test_json_line_is_strict_json_with_nan_as_null() -> None:
    line = json_line({"loss": math.nan, "best": [math.inf, 1.0], "name": "β1"})
    assert line.endswith("\n") and line.count("\n") == 1
    assert json.loads(line) == {"loss": None, "best": [None, 1.0], "name": "β1"}


def test_an_epoch_record_needs_an_epoch() -> None:
    with pytest.raises(ValueError, match="no epoch"):
        epoch_record(started_record())


def test_stream_writes_epochs_then_the_result() -> None:
    buffer = io.StringIO()
    stream = MetricsStream(buffer, started_record())
    send = Fanout(stream)
    send(epoch_event(1))
    send(epoch_event(2, loss=math.nan))
    stream.record.results = {"status": "completed", "test": {"loss": math.inf}}
    stream.write_result()
    records = parse_lines(buffer.getvalue())
    assert [record["event"] for record in records] == ["epoch", "epoch", "result"]
    assert records[1]["loss"] is None
    assert records[2] == {"event": "result", "status": "completed", "test": {"loss": None}}


def test_a_whole_stream_reads_the_record_it_folds() -> None:
    buffer = io.StringIO()
    events = finished_run_events(epochs=5)
    stream = MetricsStream(buffer, RunRecord())
    send = Fanout(stream)
    for event in events:
        send(event)
    stream.write_result()
    records = parse_lines(buffer.getvalue())

    assert [record["event"] for record in records] == ["epoch"] * 5 + ["result"]
    assert [record["loss"] for record in records[:-1]] == fold(events).history["loss"]
    assert records[-1]["schema_version"] == 2 and records[-1]["status"] == "completed"


def test_a_failing_stream_stops_quietly_and_keeps_the_error() -> None:
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError("the reader went away")

    stream = MetricsStream(Broken(), started_record())
    send = Fanout(stream)
    send(epoch_event(1))
    send(epoch_event(2))
    assert isinstance(stream.error, BrokenPipeError)


# -- through the command ----------------------------------------------------------------------


def test_headless_writes_a_jsonl_file_with_one_line_per_epoch(
    tiny_config_file: ConfigFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(tiny_config_file({"training.epochs": 4}))
    path = tmp_path / "runs" / "metrics.jsonl"
    assert main(["--headless", "--config", config, "--metrics-jsonl", str(path)]) == 0

    records = parse_lines(path.read_text())
    assert [record["epoch"] for record in records[:-1]] == [1, 2, 3, 4]
    assert all(record["event"] == "epoch" for record in records[:-1])
    assert all(len(record["diagnostics"]) == 2 for record in records[:-1])
    result = records[-1]
    assert result["event"] == "result"
    assert result["status"] == "completed"
    assert result["history"]["loss"] == [record["loss"] for record in records[:-1]]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"created folder {path.parent}/ for --metrics-jsonl"
    assert lines[1].startswith("classification:")  # progress


def test_jsonl_to_stdout_keeps_stdout_pure_and_moves_progress_to_stderr(
    tiny_config_file: ConfigFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(tiny_config_file({"training.epochs": 3}))
    assert main(["--headless", "--config", config, "--metrics-jsonl", "-"]) == 0

    captured = capsys.readouterr()
    records = parse_lines(captured.out)  # every line of stdout is JSON
    assert [record["event"] for record in records] == ["epoch"] * 3 + ["result"]
    assert captured.err.splitlines()[0].startswith("classification:")
    assert "completed · 3/3 epochs" in captured.err


@pytest.mark.slow  # a real subprocess
def test_the_stream_can_be_followed_line_by_line_while_the_run_trains(
    tiny_config_file: ConfigFactory,
    start_nntui: Callable[..., subprocess.Popen[str]],
) -> None:
    tiny_config_file({"training.epochs": 100_000})
    process = start_nntui("--headless", "--metrics-jsonl", "-")
    lines = lines_of(process.stdout)
    first = [json.loads(next_line(lines, expecting="a JSON line")) for _ in range(3)]
    assert process.poll() is None  # still training while we read
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=LINE_DEADLINE_S)
    rest = []
    while (line := next_line(lines, allow_end=True, expecting="a JSON line")) is not None:
        rest.append(json.loads(line))
    stderr = process.stderr.read()

    assert [record["epoch"] for record in first] == [1, 2, 3]
    assert all(record["event"] == "epoch" and record["epochs"] == 100_000 for record in first)
    assert code == 130, stderr
    assert rest[-1]["event"] == "result"
    assert rest[-1]["status"] == "interrupted"
    assert all(record["event"] == "epoch" for record in rest[:-1])
    assert "Traceback" not in stderr
