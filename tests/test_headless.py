"""The headless face's parts: progress views, expectations, output checks, ``run_headless``."""

from __future__ import annotations

import dataclasses
import errno
import io
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from event_streams import (
    diverged_run_events,
    early_stopped_run_events,
    finished_run_events,
    run_started,
    stream_config,
)
from factories import make_config

from nntui.config import Config
from nntui.files import InputFile, output_path_problem
from nntui.headless import run_headless
from nntui.headless.command import EventFanout
from nntui.headless.expectations import (
    Expectation,
    ExpectationError,
    failed_expectations,
    metric_names,
    parse_expectation,
)
from nntui.headless.progress import (
    PlainProgress,
    RichProgress,
    SilentProgress,
    format_epoch_line,
    format_explosion,
    format_header,
    format_summary,
    make_progress,
    should_report,
)
from nntui.training.events import (
    DataSummary,
    EpochEnded,
    LayerInfo,
    LayerStats,
    RunEvent,
    RunStarted,
)
from nntui.training.record import RunRecord, fold
from nntui.training.results import flat_metrics

pytestmark = pytest.mark.usefixtures("isolated_cwd")


def started(epochs: int = 100) -> RunStarted:
    """A run of a 20 → 128 → 3 classifier on 800/200 synthetic rows."""
    return dataclasses.replace(
        run_started(stream_config(epochs=epochs)),
        layer_sizes=(20, 128, 3),
        layers=(
            LayerInfo("dense_1", "(None, 128)", "relu", 2688),
            LayerInfo("dense_2", "(None, 3)", "softmax", 387),
        ),
        parameter_count=3075,
        data=DataSummary(
            source="synthetic",
            n_train=800,
            n_validation=200,
            n_test=200,
            n_features=20,
            classes=("class_0", "class_1", "class_2"),
            feature_names=tuple(f"x{k}" for k in range(1, 21)),
        ),
        loss="cross_entropy",
        learning_rate=0.01,
        optimizer="sgd(lr=0.01)",
        seed=42,
    )


def epoch(number: int, epochs: int = 100, *, regression: bool = False) -> EpochEnded:
    return EpochEnded(
        epoch=number,
        epochs=epochs,
        loss=0.51234,
        val_loss=0.55,
        metric="r2" if regression else "accuracy",
        score=0.9 if regression else 0.812,
        val_score=0.85 if regression else 0.8,
        learning_rate=0.01,
        layers=(
            LayerStats("dense_1", 0.1, -3.0, 1.0, 0.0, None),
            LayerStats("dense_2", 0.2, -3.0, 1.0, None, None),
        ),
        elapsed_s=1.0,
        samples_per_s=1000.0,
    )


def ended(events: list[RunEvent], **results: Any) -> RunRecord:
    """The record of ``events``, its results document changed by ``results``."""
    record = fold(events)
    assert record.results is not None
    record.results.update(results)
    return record


def replay_run(view: Callable[[RunEvent], None], epochs: int) -> None:
    """Show ``view`` a whole completed run: started, every epoch, finished."""
    events = finished_run_events(epochs=epochs)
    view(started(epochs=epochs))
    for number in range(1, epochs + 1):
        view(epoch(number, epochs))
    view(events[-1])


# -- progress -------------------------------------------------------------------


def test_epoch_line_uses_keras_metric_names_and_aligns_the_epoch() -> None:
    line = format_epoch_line(epoch(10))
    assert (
        line == "epoch  10/100  loss 0.5123  accuracy 0.8120  val_loss 0.5500  val_accuracy 0.8000"
        "  lr 0.01"
    )


def test_epoch_line_for_regression_shows_r2() -> None:
    line = format_epoch_line(epoch(3, 5, regression=True))
    assert line == "epoch 3/5  loss 0.5123  r2 0.9000  val_loss 0.5500  val_r2 0.8500  lr 0.01"


@pytest.mark.parametrize(
    ("epochs", "expected"),
    [
        (100, list(range(10, 101, 10))),
        (5, [1, 2, 3, 4, 5]),
        (15, [2, 4, 6, 8, 10, 12, 14, 15]),
        (1, [1]),
    ],
)
def test_plain_lines_come_every_tenth_of_the_run_and_at_the_last_epoch(
    epochs: int, expected: list[int]
) -> None:
    assert [epoch for epoch in range(1, epochs + 1) if should_report(epoch, epochs)] == expected


def test_plain_progress_prints_header_then_due_epochs_without_escapes() -> None:
    stream = io.StringIO()
    replay_run(PlainProgress(stream), epochs=20)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("classification: 20 → 128 → 3")
    assert [line.split()[1] for line in lines[1:]] == [f"{e}/20" for e in range(2, 21, 2)]
    assert "\x1b" not in stream.getvalue()


def test_header_names_task_architecture_params_and_loss() -> None:
    header = format_header(started())
    for part in ("classification", "20 → 128 → 3", "3,075 params", "loss cross_entropy"):
        assert part in header
    assert header.endswith(
        "sgd(lr=0.01) · 100 epochs · 800 train / 200 validation / 200 test · seed 42"
    )


def test_header_names_the_optimizer_schedule_stopping_and_data_source() -> None:
    event = dataclasses.replace(
        started(),
        layer_sizes=(4, 128, 3),
        optimizer="adam(lr=0.001, β1=0.9, β2=0.999)",
        lr_schedule="plateau(×0.5 after 5 epochs without val_loss gain)",
        early_stopping="val_loss, patience 10",
        data=dataclasses.replace(
            started().data, source="iris", n_train=108, n_validation=12, n_test=30
        ),
    )
    assert format_header(event) == (
        "classification: 4 → 128 → 3 · 3,075 params · loss cross_entropy · "
        "adam(lr=0.001, β1=0.9, β2=0.999) · "
        "lr schedule plateau(×0.5 after 5 epochs without val_loss gain) · "
        "early stopping on val_loss, patience 10 · 100 epochs · "
        "iris 108 train / 12 validation / 30 test · "
        "seed 42"
    )


def test_epoch_line_shows_the_learning_rate_when_reported() -> None:
    event = dataclasses.replace(epoch(5, 5), learning_rate=0.0025)
    assert format_epoch_line(event).endswith("val_accuracy 0.8000  lr 0.0025")


def test_summary_of_an_early_stopped_run_says_why() -> None:
    record = fold(early_stopped_run_events(epochs=100, best_epoch=18))
    first, second = format_summary(record, None).splitlines()
    assert first.startswith("early_stopped · 23/100 epochs")
    assert second == record.stop_message
    assert second == (
        "early stopping: val_loss did not improve for 5 epochs; best epoch 18 restored"
    )


def test_make_progress_picks_the_view_for_the_stream() -> None:
    assert isinstance(make_progress(io.StringIO()), PlainProgress)  # StringIO is no terminal
    assert isinstance(make_progress(io.StringIO(), tty=True), RichProgress)
    assert isinstance(make_progress(io.StringIO(), tty=True, quiet=True), SilentProgress)


def test_rich_progress_draws_a_bar_with_epoch_and_metrics() -> None:
    stream = io.StringIO()
    replay_run(RichProgress(stream), epochs=4)
    text = stream.getvalue()
    assert "epoch 4/4" in text
    assert "val_accuracy 0.8000" in text


def test_summary_shows_status_test_metrics_speed_and_results_path() -> None:
    record = ended(
        finished_run_events(epochs=100),
        test={"loss": 0.21, "accuracy": 0.9433},
        samples_per_s=53333.3,
        wall_time_s=1.5,
    )
    first, second = format_summary(record, Path("out/results.json")).splitlines()
    assert record.started is not None
    rows = record.started.data.n_test
    assert first == (
        f"completed · 100/100 epochs · test ({rows} rows): loss 0.2100, accuracy 0.9433 · "
        "1.50 s · 53,333 samples/s"
    )
    assert second == "results written to out/results.json"


def test_summary_of_a_regression_run_shows_r2() -> None:
    record = ended(finished_run_events("regression", epochs=10), test={"loss": 0.1, "r2": 0.875})
    assert "rows): loss 0.1000, R² 0.8750" in format_summary(record, None)


def test_summary_of_a_diverged_run_without_test_metrics() -> None:
    record = ended(diverged_run_events(epochs=100, diverged_at=4), wall_time_s=1.5)
    summary = format_summary(record, None)
    assert summary.startswith("diverged · 3/100 epochs · 1.50 s")
    assert "test" not in summary


def test_summary_of_a_diverged_run_shows_the_exploding_epochs_gradient_norms() -> None:
    record = ended(diverged_run_events(epochs=100, diverged_at=4), wall_time_s=1.5)
    first, exploded, written = format_summary(record, Path("r.json")).splitlines()
    assert first.startswith("diverged · 3/100 epochs")
    # inf, 3.2e5 and nan as the one metric formatter prints them, dense_1 first.
    assert exploded == (
        "epoch 4 exploded: loss nan · gradient norms dense_1 inf, dense_2 3.200e+05, dense_3 nan"
    )
    assert written == "results written to r.json"
    assert format_explosion(fold(finished_run_events(epochs=3))) is None


# -- expectations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "metric", "op", "threshold"),
    [
        ("val_accuracy>=0.9", "val_accuracy", ">=", 0.9),
        (" test_loss < 0.5 ", "test_loss", "<", 0.5),
        ("epochs_completed==100", "epochs_completed", "==", 100.0),
        ("loss<=1e-2", "loss", "<=", 0.01),
        ("accuracy>-1", "accuracy", ">", -1.0),
    ],
)
def test_parse_expectation_reads_every_operator(
    text: str, metric: str, op: str, threshold: float
) -> None:
    expectation = parse_expectation(text, metric_names("classification"))
    assert (expectation.metric, expectation.operator, expectation.threshold) == (
        metric,
        op,
        threshold,
    )


@pytest.mark.parametrize(
    "text", ["val_accuracy", "val_accuracy=>0.9", "val_accuracy>=", ">=0.9", "a>=b", "x>=nan"]
)
def test_malformed_expectation_is_rejected_with_a_hint(text: str) -> None:
    with pytest.raises(ExpectationError, match="--expect"):
        parse_expectation(text)


def test_unknown_metric_lists_the_known_names() -> None:
    with pytest.raises(ExpectationError) as caught:
        parse_expectation("val_acc>=0.9", metric_names("classification"))
    assert "val_acc" in str(caught.value)
    assert "val_accuracy, test_loss" in str(caught.value)


def test_regression_metrics_use_r2() -> None:
    names = metric_names("regression")
    assert {"r2", "val_r2", "test_r2"} <= set(names)
    assert "accuracy" not in names


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_metric_names_match_what_flat_metrics_produces(task: Any) -> None:
    results = fold(finished_run_events(task, epochs=3)).results
    assert results is not None
    expected = set(metric_names(task))
    if results.get("classification") is None:  # the fixed stream carries no confusion matrix
        expected.discard("test_macro_f1")
    assert set(flat_metrics(results)) == expected


def test_failed_expectations_give_one_reason_line_each() -> None:
    metrics = {"test_accuracy": 0.9433, "test_loss": 0.2}
    expectations = [
        parse_expectation("test_accuracy>=0.99"),
        parse_expectation("test_loss<0.5"),
        parse_expectation("val_loss<1"),
    ]
    assert failed_expectations(expectations, metrics) == [
        "expectation failed: test_accuracy>=0.99 (got 0.9433)",
        "expectation failed: val_loss<1 (got no value)",
    ]


def test_a_rounded_value_never_looks_as_if_it_passed() -> None:
    failures = failed_expectations([parse_expectation("r2>=0.99")], {"r2": 0.98999999999})
    assert failures == ["expectation failed: r2>=0.99 (got 0.98999999999)"]


def test_nan_never_satisfies_an_expectation() -> None:
    assert not Expectation("loss", "<", 1.0, "loss<1").holds(math.nan)


# -- output path ------------------------------------------------------------------


def test_output_path_in_a_missing_folder_is_fine(tmp_path: Path) -> None:
    assert output_path_problem(tmp_path / "new" / "results.json") is None


def test_output_path_under_a_file_is_a_problem(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    problem = output_path_problem(blocker / "results.json")
    assert problem is not None
    assert "is not a folder" in problem


def test_output_path_that_is_a_folder_is_a_problem(tmp_path: Path) -> None:
    problem = output_path_problem(tmp_path)
    assert problem is not None
    assert "is a folder" in problem


# -- run_headless -------------------------------------------------------------------


def headless_config(tmp_path: Path, overrides: dict[str, Any] | None = None) -> Config:
    """A tiny config logging under ``tmp_path``."""
    return make_config({"logging.file": str(tmp_path / "logs" / "app.log"), **(overrides or {})})


def test_run_headless_writes_results_and_a_summary(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    config = headless_config(tmp_path, {"training.epochs": 5})
    code = run_headless(config, output=tmp_path / "results.json", stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["status"] == "completed"
    assert results["schema_version"] == 2
    assert results["epochs_completed"] == 5
    block = results["data"]
    assert block["n_validation"] == math.ceil(0.1 * (block["n_train"] + block["n_validation"]))
    assert block["n_train"] + block["n_validation"] + block["n_test"] == 120
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("classification: 4 → 8 → 3")
    assert lines[-2].startswith("completed · 5/5 epochs · test (")
    assert lines[-1] == f"results written to {tmp_path / 'results.json'}"


def test_run_headless_learns_and_passes_its_expectations(tmp_path: Path) -> None:
    config = headless_config(
        tmp_path,
        {
            "data.n_samples": 400,
            "data.validation_split": 0.25,
            "training.epochs": 40,
            "training.learning_rate": 0.05,
        },
    )
    err = io.StringIO()
    gates = [parse_expectation("test_accuracy>=0.7"), parse_expectation("val_accuracy>=0.7")]
    assert run_headless(config, expectations=gates, stdout=io.StringIO(), stderr=err) == 0, (
        err.getvalue()
    )
    failing = [parse_expectation("test_accuracy>=1.01")]
    assert run_headless(config, expectations=failing, stdout=io.StringIO(), stderr=err) == 3
    assert "expectation failed: test_accuracy>=1.01" in err.getvalue()


def test_run_headless_exits_1_for_a_diverged_run(tmp_path: Path) -> None:
    config = headless_config(
        tmp_path,
        {
            "task": "regression",
            "training.learning_rate": 1e6,
            "network.hidden_activations": ["linear"],
        },
    )
    out, err = io.StringIO(), io.StringIO()
    assert run_headless(config, output=tmp_path / "r.json", stdout=out, stderr=err) == 1
    assert err.getvalue().startswith("error: diverged at epoch")
    assert json.loads((tmp_path / "r.json").read_text())["status"] == "diverged"


def test_run_headless_refuses_an_unwritable_output_before_training(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    out, err = io.StringIO(), io.StringIO()
    code = run_headless(
        headless_config(tmp_path),
        output=tmp_path / "file.txt" / "results.json",
        stdout=out,
        stderr=err,
    )
    assert code == 2
    assert "--output" in err.getvalue()
    assert out.getvalue() == ""  # nothing was trained


def test_run_headless_goes_on_without_a_log_file_it_cannot_open(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    config = make_config({"logging.file": str(tmp_path / "file.txt" / "app.log")})
    err = io.StringIO()
    assert run_headless(config, stdout=io.StringIO(), stderr=err) == 0
    lines = err.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("warning: logging.file ")
    assert lines[0].endswith("; this run is not logged")


def test_an_output_that_is_the_training_data_is_refused_before_training(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("a,b,label\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(30)))
    config = headless_config(
        tmp_path, {"data.source": "csv", "data.path": str(data), "data.target": "label"}
    )
    out, err = io.StringIO(), io.StringIO()
    code = run_headless(config, save_model=tmp_path / "." / "data.csv", stdout=out, stderr=err)
    assert code == 2
    assert err.getvalue() == (
        f"error: --save-model {tmp_path / '.' / 'data.csv'}: is the same file as data.path "
        f"{data}, an input; writing it would destroy it: choose another path\n"
    )
    assert out.getvalue() == ""
    assert data.read_text().startswith("a,b,label")


def test_every_output_problem_is_reported_before_training(tmp_path: Path) -> None:
    config_file = tmp_path / "config.yaml"
    config_file.write_text("{}")
    err = io.StringIO()
    code = run_headless(
        headless_config(tmp_path),
        output=tmp_path / "r.json",
        save_model=tmp_path / "r.json",
        metrics_jsonl=config_file,
        inputs=[InputFile("--config", config_file)],
        stdout=io.StringIO(),
        stderr=err,
    )
    assert code == 2
    lines = err.getvalue().splitlines()
    assert [line.split(" ")[1] for line in lines] == ["--save-model", "--metrics-jsonl"]
    assert config_file.read_text() == "{}"


def test_missing_output_folders_are_created_and_said(tmp_path: Path) -> None:
    out = io.StringIO()
    code = run_headless(
        headless_config(tmp_path), output="new/r.json", stdout=out, stderr=io.StringIO()
    )
    assert code == 0
    assert out.getvalue().splitlines()[0] == "created folder new/ for --output"
    assert (tmp_path / "new" / "r.json").is_file()


def disk_full(*args: object, **kwargs: object) -> Path:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_on_one_output_never_loses_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("nntui.headless.command.write_results", disk_full)
    out, err = io.StringIO(), io.StringIO()
    code = run_headless(
        headless_config(tmp_path),
        output=tmp_path / "r.json",
        save_model=tmp_path / "m.npz",
        metrics_jsonl=tmp_path / "m.jsonl",
        stdout=out,
        stderr=err,
    )
    assert code == 2
    assert err.getvalue() == (
        f"error: --output {tmp_path / 'r.json'}: cannot write the results: "
        "No space left on device\n"
    )
    assert (tmp_path / "m.npz").is_file()
    last = json.loads((tmp_path / "m.jsonl").read_text().splitlines()[-1])
    assert (last["event"], last["status"]) == ("result", "completed")
    assert "results written" not in out.getvalue()
    assert not (tmp_path / "r.json").exists()


def test_a_failed_run_keeps_exit_1_when_an_output_also_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("nntui.headless.command.write_results", disk_full)
    config = headless_config(tmp_path, {"training.learning_rate": 1e6, "task": "regression"})
    err = io.StringIO()
    assert run_headless(config, output="r.json", stdout=io.StringIO(), stderr=err) == 1
    assert "No space left on device" in err.getvalue()
    assert "diverged at epoch" in err.getvalue()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_jsonl_stream_to_a_full_device_fails_alone(tmp_path: Path) -> None:
    err = io.StringIO()
    code = run_headless(
        headless_config(tmp_path),
        output=tmp_path / "r.json",
        metrics_jsonl="/dev/full",
        stdout=io.StringIO(),
        stderr=err,
    )
    assert code == 2
    assert err.getvalue() == (
        "error: --metrics-jsonl /dev/full: cannot write: No space left on device "
        "(0 lines written)\n"
    )
    assert json.loads((tmp_path / "r.json").read_text())["status"] == "completed"


class ClosedPipe(io.StringIO):
    """A stdout whose reader has gone (``| head -1``) after ``keep`` writes."""

    def __init__(self, keep: int = 0) -> None:
        super().__init__()
        self.keep = keep

    def write(self, text: str) -> int:
        if self.keep <= 0:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")
        self.keep -= 1
        return super().write(text)


def test_a_closed_stdout_stops_the_progress_not_the_run(tmp_path: Path) -> None:
    err = io.StringIO()
    code = run_headless(
        headless_config(tmp_path, {"training.epochs": 5}),
        output=tmp_path / "r.json",
        save_model=tmp_path / "m.npz",
        stdout=ClosedPipe(keep=2),
        stderr=err,
    )
    assert code == 0
    assert err.getvalue() == (
        "warning: stdout was closed, so progress and the summary were not shown; the run went on\n"
    )
    assert json.loads((tmp_path / "r.json").read_text())["epochs_completed"] == 5
    assert (tmp_path / "m.npz").is_file()


def test_a_closed_stdout_carrying_the_jsonl_stream_is_an_output_failure(tmp_path: Path) -> None:
    err = io.StringIO()
    code = run_headless(
        headless_config(tmp_path, {"training.epochs": 5}),
        output=tmp_path / "r.json",
        metrics_jsonl="-",
        stdout=ClosedPipe(keep=2),
        stderr=err,
    )
    assert code == 2
    assert "error: --metrics-jsonl stdout (-): cannot write: Broken pipe (2 lines written)" in (
        err.getvalue()
    )
    assert (tmp_path / "r.json").is_file()


def test_a_listener_that_cannot_write_is_dropped_and_the_others_go_on() -> None:
    fanout = EventFanout(RunRecord())
    seen: list[str] = []

    def broken(event: RunEvent) -> None:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    fanout.listeners += [broken, lambda event: seen.append(type(event).__name__)]
    for event in finished_run_events(epochs=2):
        fanout(event)
    assert len(seen) == 4
    assert [type(error) for error in fanout.failures] == [BrokenPipeError]
    assert fanout.listeners == fanout.listeners[-1:]


def test_the_fanout_folds_before_the_listeners_see_an_event() -> None:
    fanout = EventFanout(RunRecord())
    seen: list[int] = []
    fanout.listeners.append(lambda event: seen.append(fanout.record.epochs_done))
    for event in finished_run_events(epochs=3):
        fanout(event)
    assert fanout.record.phase.succeeded
    assert seen == [0, 1, 2, 3, 3]  # started, three epochs, finished


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_jsonl_fifo_without_a_reader_is_refused_rather_than_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "follow"
    os.mkfifo(fifo)
    err = io.StringIO()
    code = run_headless(
        headless_config(tmp_path), metrics_jsonl=fifo, stdout=io.StringIO(), stderr=err
    )
    assert code == 2
    assert err.getvalue() == (
        f"error: --metrics-jsonl {fifo}: nothing is reading this FIFO; start the reader first\n"
    )
