"""Headless: distributions in the JSONL stream, the confusion matrix in the summary."""

from __future__ import annotations

import io
import json
from pathlib import Path

from event_streams import finished_run_events
from factories import make_config

from nntui.headless.command import run_headless
from nntui.headless.metrics_stream import MetricsStream
from nntui.headless.progress import format_confusion
from nntui.training.distributions import summarize
from nntui.training.measurements import (
    PERCENTILES,
    ClassQuality,
    ClassScore,
    DistributionsMeasured,
    LayerDistributions,
)
from nntui.training.record import RunRecord, fold


def test_each_epoch_line_of_the_jsonl_stream_carries_its_distributions(tmp_path: Path) -> None:
    config = make_config({"training.epochs": 3, "logging.runs_dir": None})
    stream = tmp_path / "m.jsonl"
    out = io.StringIO()
    code = run_headless(config, metrics_jsonl=stream, stdout=out, stderr=io.StringIO())
    assert code == 0
    lines = [json.loads(line) for line in stream.read_text().splitlines()]
    assert [line["event"] for line in lines] == ["epoch", "epoch", "epoch", "result"]
    for line in lines[:-1]:
        entries = line["distributions"]
        assert [entry["layer"] for entry in entries] == ["dense_1", "dense_2"]
        for entry in entries:
            for quantity in ("weights", "biases", "activations", "gradients"):
                values = entry[quantity]
                assert len(values) == len(PERCENTILES)
                assert values == sorted(values)


def test_a_stream_without_the_hook_writes_each_epoch_at_once() -> None:
    record = fold(finished_run_events(epochs=2)[:2])
    sink = io.StringIO()
    stream = MetricsStream(sink, record)
    stream(record.last_epoch)  # type: ignore[arg-type]
    assert json.loads(sink.getvalue())["epoch"] == 1


def test_an_epoch_line_waits_for_its_distributions_only_when_told() -> None:
    events = finished_run_events(epochs=2)
    record = RunRecord()
    sink = io.StringIO()
    stream = MetricsStream(sink, record)
    stream.with_distributions = True
    layer = LayerDistributions("dense_1", weights=summarize([1.0, 2.0, 3.0]))
    for event in events[:2]:  # RunStarted, epoch 1
        record.apply(event)
        stream(event)
    assert sink.getvalue() == ""
    stream(DistributionsMeasured(1, (layer,)))
    first = json.loads(sink.getvalue())
    assert first["distributions"][0]["weights"] == [
        1.0,
        1.14,
        1.32,
        1.62,
        2.0,
        2.38,
        2.68,
        2.86,
        3.0,
    ]
    record.apply(events[2])
    stream(events[2])  # epoch 2: no distributions came (a dropped hook)
    stream.write_result()
    assert len(sink.getvalue().splitlines()) == 2


def test_without_a_stream_no_distributions_are_measured(tmp_path: Path) -> None:
    config = make_config({"training.epochs": 2, "logging.runs_dir": None})
    out = tmp_path / "r.json"
    code = run_headless(config, output=out, stdout=io.StringIO(), stderr=io.StringIO())
    assert code == 0
    block = json.loads(out.read_text())["classification"]
    assert block["split"] == "test"


def test_the_test_confusion_matrix_comes_before_the_summary_and_not_when_quiet() -> None:
    config = make_config({"training.epochs": 2, "logging.runs_dir": None})
    out = io.StringIO()
    assert run_headless(config, stdout=out, stderr=io.StringIO()) == 0
    lines = out.getvalue().splitlines()
    title = "confusion matrix (test rows; row = true class, column = predicted):"
    assert title in lines
    assert lines[lines.index(title) + 1].split()[-1] == "recall"
    assert "macro F1" in lines[-2]
    assert lines[-1].startswith("completed · 2/2 epochs")
    quiet = io.StringIO()
    assert run_headless(config, quiet=True, stdout=quiet, stderr=io.StringIO()) == 0
    assert "confusion matrix" not in quiet.getvalue()


def _quality(names: tuple[str, ...]) -> ClassQuality:
    k = len(names)
    matrix = tuple(tuple(5 if i == j else 0 for j in range(k)) for i in range(k))
    scores = tuple(ClassScore(name, 1.0, 1.0, 1.0, 5) for name in names)
    return ClassQuality("test", names, matrix, scores, 1.0, 1.0)


def test_format_confusion_rows_columns_and_scores() -> None:
    quality = ClassQuality(
        "test",
        ("setosa", "versicolor"),
        ((10, 0), (3, 0)),
        (ClassScore("setosa", 10 / 13, 1.0, 0.87, 10), ClassScore("versicolor", None, 0.0, 0.0, 3)),
        10 / 13,
        0.435,
    )
    lines = format_confusion(quality).splitlines()
    assert lines[1].split() == ["setosa", "versicolor", "recall"]
    assert lines[2].split() == ["setosa", "10", "0", "1.000"]
    assert lines[3].split() == ["versicolor", "3", "0", "0.000"]
    assert lines[4].split() == ["precision", "0.769", "–", "macro", "F1", "0.435"]


def test_many_classes_give_the_scores_not_the_matrix() -> None:
    text = format_confusion(_quality(tuple(f"c{i}" for i in range(20))))
    assert text.startswith("20 classes · macro F1 1.000 · lowest F1:")
    assert "\n" not in text
