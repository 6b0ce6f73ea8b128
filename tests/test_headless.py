"""The headless face's parts: progress views, expectations, output checks, ``run_headless``."""

from __future__ import annotations

import dataclasses
import io
import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from nntui.expectations import (
    Expectation,
    ExpectationError,
    failed_expectations,
    metric_names,
    parse_expectation,
)
from nntui.headless import output_path_problem, run_headless
from nntui.progress import (
    PlainProgress,
    RichProgress,
    SilentProgress,
    format_epoch_line,
    format_header,
    format_summary,
    make_progress,
    should_report,
)
from nntui.training.events import EpochEnded, LayerInfo, RunEvent, RunFinished, RunStarted
from nntui.training.results import flat_metrics

pytestmark = pytest.mark.usefixtures("isolated_cwd")


def started(epochs: int = 100) -> RunStarted:
    return RunStarted(
        task="classification",
        summary="",
        layers=(
            LayerInfo("dense_1", "(None, 128)", "relu", 2688),
            LayerInfo("dense_2", "(None, 3)", "softmax", 387),
        ),
        config={"data": {"n_features": 20}},
        epochs=epochs,
        n_train=800,
        n_test=200,
        loss="cross_entropy",
        learning_rate=0.01,
        parameter_count=3075,
        seed=42,
    )


def epoch_ended(epoch: int, epochs: int = 100, *, regression: bool = False) -> EpochEnded:
    score = {"r2": 0.9, "val_r2": 0.85} if regression else {"accuracy": 0.812, "val_accuracy": 0.8}
    return EpochEnded(
        epoch=epoch,
        epochs=epochs,
        loss=0.51234,
        val_loss=0.55,
        accuracy=score.get("accuracy"),
        val_accuracy=score.get("val_accuracy"),
        r2=score.get("r2"),
        val_r2=score.get("val_r2"),
        grad_norms=(0.1, 0.2),
        elapsed_s=1.0,
        samples_per_s=1000.0,
    )


def finished_results(status: str = "completed") -> dict:
    return {
        "status": status,
        "config": {"training": {"epochs": 100}},
        "history": {"loss": [0.9, 0.5], "accuracy": [0.6, 0.9]},
        "test": {"loss": 0.21, "accuracy": 0.9433},
        "epochs_completed": 100,
        "wall_time_s": 1.5,
        "samples_per_s": 53333.3,
    }


def replay_run(view: Callable[[RunEvent], None], epochs: int) -> None:
    """Show ``view`` a whole completed run: started, every epoch, finished."""
    view(started(epochs=epochs))
    for epoch in range(1, epochs + 1):
        view(epoch_ended(epoch, epochs))
    view(RunFinished(results=finished_results()))


# -- progress -------------------------------------------------------------------


def test_epoch_line_uses_keras_metric_names_and_aligns_the_epoch() -> None:
    line = format_epoch_line(epoch_ended(10))
    assert (
        line == "epoch  10/100  loss 0.5123  accuracy 0.8120  val_loss 0.5500  val_accuracy 0.8000"
    )


def test_epoch_line_for_regression_shows_r2() -> None:
    line = format_epoch_line(epoch_ended(3, 5, regression=True))
    assert line == "epoch 3/5  loss 0.5123  r2 0.9000  val_loss 0.5500  val_r2 0.8500"


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


def test_header_names_the_optimizer_schedule_stopping_and_data_source() -> None:
    event = dataclasses.replace(
        started(),
        n_features=4,
        optimizer="adam(lr=0.001, β1=0.9, β2=0.999)",
        lr_schedule="plateau(×0.5 after 5 epochs without val_loss gain)",
        early_stopping="val_loss, patience 10",
        data_source="iris",
        n_train=120,
        n_test=30,
    )
    assert format_header(event) == (
        "classification: 4 → 128 → 3 · 3,075 params · loss cross_entropy · "
        "adam(lr=0.001, β1=0.9, β2=0.999) · "
        "lr schedule plateau(×0.5 after 5 epochs without val_loss gain) · "
        "early stopping on val_loss, patience 10 · 100 epochs · iris 120 train / 30 test · "
        "seed 42"
    )


def test_epoch_line_shows_the_learning_rate_when_reported() -> None:
    event = dataclasses.replace(epoch_ended(5, 5), extras={"learning_rate": 0.0025})
    assert format_epoch_line(event).endswith("val_accuracy 0.8000  lr 0.0025")


def test_summary_of_an_early_stopped_run_says_why() -> None:
    results = finished_results("early_stopped") | {
        "epochs_completed": 23,
        "stop_message": "early stopping: val_loss did not improve by 0 for 10 epochs; "
        "best epoch 13 restored",
    }
    first, second = format_summary(results, None).splitlines()
    assert first.startswith("early_stopped · 23/100 epochs")
    assert second == results["stop_message"]


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
    summary = format_summary(finished_results(), Path("out/results.json"))
    first, second = summary.splitlines()
    for part in ("completed", "100/100 epochs", "test loss 0.2100", "test accuracy 0.9433"):
        assert part in first
    assert "53,333 samples/s" in first
    assert second == "results written to out/results.json"


def test_summary_of_a_diverged_run_without_test_metrics() -> None:
    results = finished_results("diverged") | {"test": None, "epochs_completed": 3}
    summary = format_summary(results, None)
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


def test_metric_names_match_what_flat_metrics_produces() -> None:
    history = {"loss": [1.0], "accuracy": [0.5], "val_loss": [1.1], "val_accuracy": [0.4]}
    results = finished_results() | {
        "history": history | {"learning_rate": [0.01]},
        "best_epoch": 1,
    }
    assert set(flat_metrics(results)) == set(metric_names("classification"))


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


def test_run_headless_writes_results_and_a_summary(
    tmp_path: Path, tiny_config_data: Callable[..., dict]
) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run_headless(
        tiny_config_data({"training.epochs": 5}),
        "classification",
        output=tmp_path / "results.json",
        stdout=out,
        stderr=err,
    )
    assert code == 0, err.getvalue()
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["status"] == "completed"
    assert results["epochs_completed"] == 5
    assert out.getvalue().splitlines()[-1] == f"results written to {tmp_path / 'results.json'}"


def test_run_headless_refuses_an_unwritable_output_before_training(
    tmp_path: Path, tiny_config_data: Callable[..., dict]
) -> None:
    (tmp_path / "file.txt").write_text("x")
    out, err = io.StringIO(), io.StringIO()
    code = run_headless(
        tiny_config_data(),
        "classification",
        output=tmp_path / "file.txt" / "results.json",
        stdout=out,
        stderr=err,
    )
    assert code == 2
    assert "--output" in err.getvalue()
    assert out.getvalue() == ""  # nothing was trained


def test_run_headless_reports_an_unopenable_log_file(
    tmp_path: Path, tiny_config_data: Callable[..., dict]
) -> None:
    (tmp_path / "file.txt").write_text("x")
    config = tiny_config_data({"logging.file": str(tmp_path / "file.txt" / "app.log")})
    err = io.StringIO()
    assert run_headless(config, "classification", stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue().startswith("error: logging.file: cannot open log file")
