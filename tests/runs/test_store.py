"""The run store: unique sortable names, listing that never breaks, crashed and damaged runs."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from nntui.runs.folder import LOCK, METRICS, SUMMARY, RunFolder, writer_alive
from nntui.runs.store import RunLookupError, RunStore
from nntui.runs.summary import read_summary

NOW = datetime(2026, 11, 30, 14, 5, 22)


def _summary(folder: RunFolder, status: str = "completed", **extra: object) -> None:
    folder.write_summary(
        {
            "id": folder.id,
            "started": extra.pop("started", "2026-11-30T14:05:22.000000+00:00"),
            "status": status,
            "source": "spiral",
            "task": "classification",
            "metric": "accuracy",
            "epochs_done": 3,
            "epochs_planned": 3,
            "best": {"monitor": "val_loss", "epoch": 2, "value": 0.4},
            "best_metric": {"monitor": "val_accuracy", "epoch": 3, "value": 0.9},
            "test": {"loss": 0.5, "accuracy": 0.8},
            **extra,
        }
    )


def _epoch(number: int, val_loss: float) -> str:
    line = {"event": "epoch", "epoch": number, "epochs": 10, "loss": 1.0, "val_loss": val_loss}
    return json.dumps({**line, "accuracy": 0.5, "val_accuracy": 0.5, "learning_rate": 0.1}) + "\n"


def test_names_are_the_start_time_and_source(tmp_path: Path) -> None:
    folder, _ = RunStore(tmp_path).create("spiral", now=NOW)
    assert folder.id == "2026-11-30T14-05-22-spiral"


def test_a_name_taken_gets_a_suffix_and_never_collides(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    names = [store.create("spiral", now=NOW)[0].id for _ in range(3)]
    assert names == [
        "2026-11-30T14-05-22-spiral",
        "2026-11-30T14-05-22-spiral-2",
        "2026-11-30T14-05-22-spiral-3",
    ]


def test_the_source_is_made_safe_for_a_folder_name(tmp_path: Path) -> None:
    folder, _ = RunStore(tmp_path).create("../a b", now=NOW)
    assert folder.path.parent == tmp_path
    assert folder.id == "2026-11-30T14-05-22-a-b"


def test_listing_is_newest_first(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    for second, started in ((1, "2026-11-30T10:00:01"), (2, "2026-11-30T12:00:02")):
        folder, _ = store.create("xor", now=NOW.replace(second=second))
        _summary(folder, started=started)
    assert [run.started for run in store.summaries()] == [
        "2026-11-30T12:00:02",
        "2026-11-30T10:00:01",
    ]


def test_a_missing_store_lists_nothing(tmp_path: Path) -> None:
    assert RunStore(tmp_path / "nowhere").summaries() == []


def test_damaged_folders_are_listed_as_damaged_and_never_break_the_listing(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    good, _ = store.create("spiral", now=NOW)
    _summary(good)
    (tmp_path / "empty").mkdir()
    (tmp_path / "torn").mkdir()
    (tmp_path / "torn" / SUMMARY).write_text('{"format": "nntui-run", "sta')
    (tmp_path / "alien").mkdir()
    (tmp_path / "alien" / SUMMARY).write_text("[1, 2]")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / SUMMARY).write_text('{"format": "nntui-run", "status": "completed"}')
    (tmp_path / "a-file").write_text("not a run")
    statuses = {run.id: run.status for run in store.summaries()}
    assert statuses == {
        good.id: "completed",
        "empty": "damaged",
        "torn": "damaged",
        "alien": "damaged",
        "bad": "damaged",
    }
    assert "started" in (read_summary(tmp_path / "bad").problem or "")


def test_a_run_nobody_records_any_more_is_crashed_with_its_epochs(tmp_path: Path) -> None:
    folder, _ = RunStore(tmp_path).create("spiral", now=NOW)
    _summary(folder, status="running", epochs_done=0)
    (folder.path / METRICS).write_text(_epoch(1, 0.8) + _epoch(2, 0.6) + '{"event": "ep')
    run = read_summary(folder.path)
    assert run.status == "crashed"
    assert run.epochs_done == 2
    assert run.best == {"monitor": "val_loss", "epoch": 2, "value": 0.6}


def test_a_run_whose_lock_is_held_is_running(tmp_path: Path) -> None:
    folder, _ = RunStore(tmp_path).create("spiral", now=NOW)
    folder.lock()
    try:
        _summary(folder, status="running")
        assert writer_alive(folder.path)
        assert read_summary(folder.path).status == "running"
    finally:
        folder.close()
    assert not writer_alive(folder.path)
    assert (folder.path / LOCK).read_text().strip() == str(os.getpid())
    assert read_summary(folder.path).status == "crashed"


def test_find_takes_a_unique_prefix(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    for source in ("spiral", "xor"):
        folder, _ = store.create(source, now=NOW)
        _summary(folder)
    assert store.find("2026-11-30T14-05-22-x").id == "2026-11-30T14-05-22-xor"
    assert store.find("2026-11-30T14-05-22-spiral").id == "2026-11-30T14-05-22-spiral"
    with pytest.raises(RunLookupError, match="ambiguous: 2 runs"):
        store.find("2026")
    with pytest.raises(RunLookupError, match="no run 'zzz'"):
        store.find("zzz")
