"""Every run of a session: what changed, its history, its export, its row in the runs table."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from rich.text import Text

from nntui.training.events import RunFailed, RunFinished
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


def test_each_new_run_records_what_changed_from_the_one_before(make_epoch) -> None:
    runs = RunHistory()
    first = runs.new_run("classification", CONFIG)
    second = runs.new_run("classification", with_changes(training__batch_size=64))

    assert (first.number, second.number, len(runs)) == (1, 2, 2)
    assert first.changes == []
    assert [str(change) for change in second.changes] == ["training.batch_size: 32 → 64"]
    assert runs.previous(second) is first and runs.previous(first) is None
    assert runs.get(2) is second and runs.get(3) is None
    # The record keeps its own copy: editing the config later does not rewrite history.
    assert second.config["training"]["batch_size"] == 64


def test_a_record_keeps_one_value_per_epoch_under_keras_keys(make_epoch) -> None:
    record = RunHistory().new_run("classification", CONFIG)
    record.add_epochs(
        [
            make_epoch(1, extras={"learning_rate": 0.05}),
            make_epoch(2, val_loss=float("nan"), extras={"learning_rate": 0.05}),
        ]
    )

    assert record.epochs_done == 2
    assert record.history["loss"] == [1.0, 0.5]
    assert record.history["val_loss"] == [1.1, None]
    assert record.history["learning_rate"] == [0.05, 0.05]
    assert record.final_metric("val_loss") == 1.1
    assert record.series("val_loss") == [1.1]


def test_finishing_takes_the_results_history_status_and_test_metrics(make_epoch) -> None:
    record = RunHistory().new_run("classification", CONFIG)
    record.add_epochs([make_epoch(1)])
    results = {
        "status": "early_stopped",
        "stop_message": "early stopping: val_loss did not improve",
        "history": {"loss": [0.9, 0.8], "val_loss": [1.0, 0.95], "accuracy": [0.5, 0.6]},
        "test": {"loss": 0.95, "accuracy": 0.61},
    }

    record.finish(RunFinished(results=results))

    assert record.status == "early_stopped" and record.status_text == "early stopped"
    assert record.epochs_done == 2
    assert record.test_metric("accuracy") == 0.61
    assert not record.is_live


def test_a_failed_run_keeps_its_reason() -> None:
    record = RunHistory().new_run("classification", CONFIG)
    record.finish(RunFailed(reason="diverged at epoch 3: loss is nan", status="diverged"))
    assert record.status == "diverged"
    assert "diverged at epoch 3" in run_summary(record)


def test_export_writes_csv_and_json_with_one_row_per_epoch(tmp_path: Path, make_epoch) -> None:
    runs = RunHistory()
    runs.new_run("classification", CONFIG)
    record = runs.new_run("classification", with_changes(training__learning_rate=0.1))
    record.add_epochs(
        make_epoch(epoch, val_loss=None if epoch == 2 else 0.5) for epoch in (1, 2, 3)
    )

    csv_path, json_path = export_run(record, tmp_path)

    assert (csv_path.name, json_path.name) == ("nntui-run-2.csv", "nntui-run-2.json")
    rows = list(csv.DictReader(csv_path.read_text().splitlines()))
    assert [row["epoch"] for row in rows] == ["1", "2", "3"]
    assert rows[1]["val_loss"] == ""  # missing, not "None" or "nan"
    assert float(rows[2]["loss"]) == 1.0 / 3
    assert list(rows[0])[:3] == ["epoch", "loss", "accuracy"]
    document = json.loads(json_path.read_text())
    assert document["run"] == 2
    assert len(document["history"]["loss"]) == 3
    assert document["history"]["val_loss"][1] is None
    assert document["changes"] == [{"key": "training.learning_rate", "old": 0.05, "new": 0.1}]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nntui-run-2.csv", "nntui-run-2.json"]


def test_export_json_has_no_nan_even_from_a_diverged_results_history(tmp_path: Path) -> None:
    record = RunHistory().new_run("classification", CONFIG)
    results = {"status": "diverged", "history": {"loss": [1.0, math.nan]}, "test": None}
    record.finish(RunFailed(reason="diverged", status="diverged", results=results))

    _, json_path = export_run(record, tmp_path)

    text = json_path.read_text()
    assert "NaN" not in text
    assert json.loads(text)["history"]["loss"] == [1.0, None]
    assert history_csv(record).splitlines() == ["epoch,loss", "1,1.0", "2,"]


def test_a_runs_table_row_shows_settings_status_metrics_and_changes(make_epoch) -> None:
    runs = RunHistory()
    runs.new_run("classification", CONFIG)
    record = runs.new_run(
        "classification", with_changes(training__optimizer="adam", training__learning_rate=0.01)
    )
    record.add_epochs([make_epoch(1), make_epoch(2)])
    record.status = "running"

    cells = run_cells(record)

    assert len(cells) == len(COLUMNS)
    row = dict(zip(COLUMNS, (c.plain if isinstance(c, Text) else c for c in cells), strict=True))
    assert row["#"] == "2"
    assert row["source"] == "spiral"
    assert row["hidden"] == "16"
    assert row["optimizer"] == "adam"
    assert row["lr"] == "0.01"
    assert row["epochs"] == "2/3"
    assert row["status"] == "running"
    assert row["val loss"] == "0.5500"
    assert "training.learning_rate: 0.05 → 0.01" in row["changed from the previous run"]
    assert changes_text(runs.get(1)) == "first run"


def test_optimizer_text_names_momentum_and_nesterov() -> None:
    assert optimizer_text({"optimizer": "sgd", "momentum": 0.0}) == "sgd"
    assert optimizer_text({"optimizer": "sgd", "momentum": 0.9, "nesterov": True}) == (
        "sgd m=0.9 nesterov"
    )
    assert optimizer_text({"optimizer": "adam", "momentum": 0.9}) == "adam"
