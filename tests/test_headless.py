"""The headless face's parts: progress views, expectations, output checks, ``run_headless``."""

from __future__ import annotations

import dataclasses
import io
import json
import math
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
from nntui.files import output_path_problem
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
    assert header.endswith("sgd(lr=0.01) · 100 epochs · 800 train / 200 test · seed 42")


def test_header_names_the_optimizer_schedule_stopping_and_data_source() -> None:
    event = dataclasses.replace(
        started(),
        layer_sizes=(4, 128, 3),
        optimizer="adam(lr=0.001, β1=0.9, β2=0.999)",
        lr_schedule="plateau(×0.5 after 5 epochs without val_loss gain)",
        early_stopping="val_loss, patience 10",
        data=dataclasses.replace(
            started().data, source="iris", n_train=120, n_validation=30, n_test=30
        ),
    )
    assert format_header(event) == (
        "classification: 4 → 128 → 3 · 3,075 params · loss cross_entropy · "
        "adam(lr=0.001, β1=0.9, β2=0.999) · "
        "lr schedule plateau(×0.5 after 5 epochs without val_loss gain) · "
        "early stopping on val_loss, patience 10 · 100 epochs · iris 120 train / 30 test · "
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
        "early stopping: val_loss did not improve by 0 for 5 epochs; best epoch 18 restored"
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
    assert first == (
        "completed · 100/100 epochs · test loss 0.2100 · test accuracy 0.9433 · 1.50 s · "
        "53,333 samples/s"
    )
    assert second == "results written to out/results.json"


def test_summary_of_a_regression_run_shows_r2() -> None:
    record = ended(finished_run_events("regression", epochs=10), test={"loss": 0.1, "r2": 0.875})
    assert "test loss 0.1000 · test R² 0.8750" in format_summary(record, None)


def test_summary_of_a_diverged_run_without_test_metrics() -> None:
    record = ended(diverged_run_events(epochs=100, diverged_at=4), wall_time_s=1.5)
    summary = format_summary(record, None)
    assert summary.startswith("diverged · 3/100 epochs · 1.50 s")
    assert "test" not in summary


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
    assert set(flat_metrics(results)) == set(metric_names(task))


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
    assert results["data"]["n_validation"] == results["data"]["n_test"]
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("classification: 4 → 8 → 3")
    assert lines[-2].startswith("completed · 5/5 epochs · test loss")
    assert lines[-1] == f"results written to {tmp_path / 'results.json'}"


def test_run_headless_learns_and_passes_its_expectations(tmp_path: Path) -> None:
    config = headless_config(
        tmp_path, {"data.n_samples": 400, "training.epochs": 40, "training.learning_rate": 0.05}
    )
    err = io.StringIO()
    gates = [parse_expectation("test_accuracy>=0.8"), parse_expectation("val_accuracy>=0.8")]
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


def test_run_headless_reports_an_unopenable_log_file(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    config = make_config({"logging.file": str(tmp_path / "file.txt" / "app.log")})
    err = io.StringIO()
    assert run_headless(config, stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue().startswith("error: logging.file: cannot open log file")


def test_the_fanout_folds_before_the_listeners_see_an_event() -> None:
    fanout = EventFanout(RunRecord())
    seen: list[int] = []
    fanout.listeners.append(lambda event: seen.append(fanout.record.epochs_done))
    for event in finished_run_events(epochs=3):
        fanout(event)
    assert fanout.record.phase.succeeded
    assert seen == [0, 1, 2, 3, 3]  # started, three epochs, finished
