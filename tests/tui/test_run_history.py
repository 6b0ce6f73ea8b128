"""Every run of a session: what changed, its history, its export, its row in the runs table."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from event_streams import diverged_run_events, finished_run_events, live_run_events
from factories import make_config
from rich.text import Text

from nntui.training.record import fold
from nntui.tui.formatting import format_metric
from nntui.tui.run_export import export_run, history_csv
from nntui.tui.run_history import ConfigChange, RunHistory, config_diff, flatten_config
from nntui.tui.widgets.runs import COLUMNS, changes_text, optimizer_text, run_cells, run_summary

CONFIG = {
    "data": {"source": "spiral", "noise": 0.1},
    "network": {"hidden_layers": [16], "hidden_activations": ["tanh"]},
    "training": {
        "epochs": 3,
        "learning_rate": 0.05,
        "batch_size": 32,
        "optimizer": "sgd",
        "momentum": 0.0,
        "early_stopping": {"enabled": False, "patience": 10},
    },
}


def with_changes(**dotted: object) -> dict:
    config = json.loads(json.dumps(CONFIG))
    for key, value in dotted.items():
        node = config
        *parents, leaf = key.split("__")
        for parent in parents:
            node = node[parent]
        node[leaf] = value
    return config


def test_flatten_config_gives_dotted_keys_through_nested_mappings() -> None:
    flat = flatten_config(CONFIG)
    assert flat["training.early_stopping.patience"] == 10
    assert flat["network.hidden_layers"] == [16]


def test_config_diff_names_each_changed_key_old_to_new() -> None:
    new = with_changes(
        training__learning_rate=0.1,
        network__hidden_layers=[16, 8],
        training__early_stopping__enabled=True,
    )

    changes = config_diff(CONFIG, new, old_task="classification", new_task="classification")

    assert [str(change) for change in changes] == [
        "network.hidden_layers: [16] → [16, 8]",
        "training.learning_rate: 0.05 → 0.1",
        "training.early_stopping.enabled: false → true",
    ]


def test_config_diff_puts_a_task_switch_first_and_is_empty_for_equal_configs() -> None:
    assert config_diff(CONFIG, CONFIG) == []
    switched = config_diff(CONFIG, CONFIG, old_task="classification", new_task="regression")
    assert switched == [ConfigChange("task", "classification", "regression")]


def test_each_new_run_records_what_changed_from_the_one_before() -> None:
    runs = RunHistory()
    first = runs.new_run(make_config({"training.epochs": 5}))
    second = runs.new_run(make_config({"training.epochs": 9, "training.learning_rate": 0.1}))
    third = runs.new_run(make_config({"training.epochs": 9, "training.learning_rate": 0.1}))
    assert (first.number, second.number, third.number) == (1, 2, 3)
    assert runs.changes(first) == []
    assert [str(change) for change in runs.changes(second)] == [
        "training.epochs: 5 → 9",
        "training.learning_rate: 0.01 → 0.1",
    ]
    assert runs.changes(third) == []
    assert changes_text(third, runs.changes(third)) == "same config"
    assert runs.previous(second) is first and runs.previous(first) is None
    assert runs.get(3) is third and runs.latest is third and len(runs) == 3


def test_a_task_switch_is_the_first_change() -> None:
    runs = RunHistory()
    runs.new_run(make_config(task="classification"))
    second = runs.new_run(make_config(task="regression"))
    assert runs.changes(second)[0] == ConfigChange("task", "classification", "regression")


def test_a_failed_run_keeps_its_reason() -> None:
    runs = RunHistory()
    events = diverged_run_events(diverged_at=3)
    record = fold(events, runs.new_run(events[0].config))
    assert record.phase.label == "diverged"
    assert "diverged at epoch 3" in run_summary(record, runs.changes(record))


def test_export_writes_csv_and_json_with_one_row_per_epoch(tmp_path: Path) -> None:
    runs = RunHistory()
    events = finished_run_events(epochs=3)
    runs.new_run(make_config({"training.learning_rate": 0.05}))
    record = fold(events, runs.new_run(events[0].config))
    record.history["val_loss"][1] = None  # a value that was not measured

    csv_path, json_path = export_run(record, runs.changes(record), tmp_path)

    assert (csv_path.name, json_path.name) == ("nntui-run-2.csv", "nntui-run-2.json")
    rows = list(csv.DictReader(csv_path.read_text().splitlines()))
    assert [row["epoch"] for row in rows] == ["1", "2", "3"]
    assert rows[1]["val_loss"] == ""  # missing, not "None" or "nan"
    assert float(rows[2]["loss"]) == record.history["loss"][2]
    assert list(rows[0])[:3] == ["epoch", "loss", "accuracy"]
    document = json.loads(json_path.read_text())
    assert document["run"] == 2
    assert document["schema_version"] == 2 and document["status"] == "completed"
    assert len(document["history"]["loss"]) == 3
    assert {"key": "training.learning_rate", "old": 0.05, "new": 0.01} in document["changes"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nntui-run-2.csv", "nntui-run-2.json"]


def test_the_export_is_the_headless_results_document(tmp_path: Path) -> None:
    events = finished_run_events(epochs=4)
    record = fold(events, RunHistory().new_run(events[0].config))

    _, json_path = export_run(record, [], tmp_path)

    document = json.loads(json_path.read_text())
    assert {key: document[key] for key in record.results} == json.loads(json.dumps(record.results))


def test_a_live_run_is_exported_as_it_stands(tmp_path: Path) -> None:
    events = live_run_events(epochs=30, done=4)
    record = fold(events, RunHistory().new_run(events[0].config))

    _, json_path = export_run(record, [], tmp_path)

    document = json.loads(json_path.read_text())
    assert document["epochs_completed"] == 4
    assert document["stop_message"].startswith("exported while running, after epoch 4 of 30")


def test_export_json_has_no_nan(tmp_path: Path) -> None:
    events = finished_run_events(epochs=2)
    record = fold(events, RunHistory().new_run(events[0].config))
    record.results["history"]["loss"][1] = float("nan")

    _, json_path = export_run(record, [], tmp_path)

    text = json_path.read_text()
    assert "NaN" not in text
    assert json.loads(text)["history"]["loss"][1] is None
    assert history_csv(record).splitlines()[0].startswith("epoch,loss,")


def test_a_runs_table_row_shows_status_and_metrics_first_and_the_details_below() -> None:
    runs = RunHistory()
    runs.new_run(make_config({"data.source": "spiral", "training.learning_rate": 0.05}))
    events = live_run_events(epochs=3, done=2)
    config = make_config(
        {
            "data.source": "spiral",
            "network.hidden_layers": [16],
            "training.optimizer": "adam",
            "training.learning_rate": 0.01,
            "training.epochs": 3,
        }
    )
    record = fold(events[1:], fold(events[:1], runs.new_run(config)))

    cells = run_cells(record, runs.changes(record))

    assert len(cells) == len(COLUMNS)
    row = dict(zip(COLUMNS, (c.plain if isinstance(c, Text) else c for c in cells), strict=True))
    assert row["#"] == "2"
    assert row["epochs"] == "2/3"
    assert row["status"] == "running"
    assert row["val loss"] == format_metric(record.history["val_loss"][-1])
    assert list(COLUMNS[:6]) == ["#", "status", "epochs", "val loss", "val acc/R²", "test acc/R²"]
    detail = run_summary(record, runs.changes(record))
    assert "training.learning_rate: 0.05 → 0.01" in detail  # details of the selected run
    assert "batch " in detail and "→ softmax" in detail and "seed " in detail
    assert changes_text(runs.get(1), []) == "first run"


def test_optimizer_text_names_momentum_and_nesterov() -> None:
    def training(**values: object):
        return make_config({f"training.{key}": value for key, value in values.items()}).training

    assert optimizer_text(training(optimizer="sgd", momentum=0.0)) == "sgd"
    assert optimizer_text(training(optimizer="sgd", momentum=0.9, nesterov=True)) == (
        "sgd m=0.9 nesterov"
    )
    assert optimizer_text(training(optimizer="adam", momentum=0.9)) == "adam"
