"""``nntui runs``: list, show, compare, export, rm; and ``--headless --resume``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from helpers import ConfigFactory

from nntui.cli import main
from nntui.runs.cli import main as runs_main
from nntui.runs.folder import RunFolder
from nntui.runs.store import RunStore


class _Terminal(io.StringIO):
    def __init__(self, text: str = "") -> None:
        super().__init__(text)

    def isatty(self) -> bool:
        return True


@pytest.fixture
def two_runs(tiny_config_file: ConfigFactory, tmp_path: Path) -> list[str]:
    """Two recorded runs (spiral 3 epochs, xor 2 epochs): their ids, oldest first."""
    for source, epochs in (("spiral", 3), ("xor", 2)):
        config = tiny_config_file({"training.epochs": epochs, "data.source": source})
        assert main(["--headless", "--quiet", "--config", str(config)]) == 0
    runs = RunStore(tmp_path / "runs").summaries()
    return [run.id for run in reversed(runs)]


def _runs(tmp_path: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = runs_main(
        ["--runs-dir", str(tmp_path / "runs"), *args],
        stdout=out,
        stdin=None if stdin is None else _Terminal(stdin),
    )
    return code, out.getvalue()


def test_list_is_a_plain_table_newest_first(two_runs: list[str], tmp_path: Path) -> None:
    code, text = _runs(tmp_path)
    lines = text.splitlines()
    assert code == 0
    assert lines[0].split()[:3] == ["id", "started", "source"]
    assert lines[1].startswith(two_runs[1]) and lines[2].startswith(two_runs[0])
    assert "2/2" in lines[1] and "completed" in lines[1]


def test_list_on_a_terminal_has_a_bold_heading(two_runs: list[str], tmp_path: Path) -> None:
    out = _Terminal()
    assert runs_main(["--runs-dir", str(tmp_path / "runs")], stdout=out) == 0
    text = out.getvalue()
    assert two_runs[0] in text and text.startswith("\x1b[1mid")


def test_a_running_run_is_not_removed(
    two_runs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = RunStore(tmp_path / "runs").find(two_runs[0])
    folder = RunFolder(run.path)
    folder.lock()
    summary = json.loads((run.path / "summary.json").read_text())
    summary.pop("format")
    folder.write_summary({**summary, "status": "running"})
    try:
        code, _ = _runs(tmp_path, "rm", run.id, "--yes")
    finally:
        folder.close()
    assert code == 2
    assert "still recording" in capsys.readouterr().err
    assert run.path.is_dir()


def test_list_json_filter_and_sort(two_runs: list[str], tmp_path: Path) -> None:
    code, text = _runs(tmp_path, "list", "--json", "--filter", "source=spiral")
    assert code == 0
    rows = json.loads(text)
    assert [row["id"] for row in rows] == [two_runs[0]]
    assert rows[0]["epochs_done"] == 3 and rows[0]["status"] == "completed"
    _, text = _runs(tmp_path, "list", "--json", "--sort", "epochs")
    assert [row["epochs_done"] for row in json.loads(text)] == [3, 2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list", "--sort", "colour"), "--sort colour: unknown key"),
        (("list", "--filter", "colour"), "--filter colour: expected KEY=VALUE"),
        (("show", "nope"), "no run 'nope'"),
        (("show", "20"), "ambiguous"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    two_runs: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    message: str,
) -> None:
    code, _ = _runs(tmp_path, *args)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1


def test_show_a_run_by_prefix(two_runs: list[str], tmp_path: Path) -> None:
    code, text = _runs(tmp_path, "show", two_runs[0][:-3])
    assert code == 0
    assert f"id                 {two_runs[0]}" in text
    assert "test accuracy" in text and "epochs             3/3" in text


def test_compare_shows_config_differences_and_marks_the_best(
    two_runs: list[str], tmp_path: Path
) -> None:
    code, text = _runs(tmp_path, "compare", *two_runs)
    assert code == 0
    assert "data.source" in text and "training.epochs" in text
    assert "*" in text
    assert "logging.level" not in text  # the same in both


def test_export_csv_and_json(two_runs: list[str], tmp_path: Path) -> None:
    _, text = _runs(tmp_path, "export", two_runs[0], "--format", "csv")
    lines = text.splitlines()
    assert lines[0].startswith("epoch,loss,val_loss,accuracy,val_accuracy")
    assert [line.split(",")[0] for line in lines[1:]] == ["1", "2", "3"]
    _, text = _runs(tmp_path, "export", two_runs[0], "--format", "json")
    document = json.loads(text)
    assert document["run"]["id"] == two_runs[0]
    assert document["config"]["data.source"] == "spiral"
    assert len(document["epochs"]) == 3 and document["results"]["status"] == "completed"


def test_rm_asks_and_yes_deletes(two_runs: list[str], tmp_path: Path) -> None:
    code, text = _runs(tmp_path, "rm", two_runs[0], stdin="n\n")
    assert code == 0 and "nothing deleted" in text
    code, text = _runs(tmp_path, "rm", two_runs[0], stdin="y\n")
    assert code == 0 and f"deleted {two_runs[0]}" in text
    code, _ = _runs(tmp_path, "rm", two_runs[1], "--yes")
    assert code == 0
    assert RunStore(tmp_path / "runs").summaries() == []


def test_rm_without_a_terminal_needs_yes(
    two_runs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    code = runs_main(
        ["--runs-dir", str(tmp_path / "runs"), "rm", two_runs[0]], stdout=out, stdin=io.StringIO()
    )
    assert code == 2
    assert "add --yes" in capsys.readouterr().err
    assert len(RunStore(tmp_path / "runs").summaries()) == 2


def test_an_empty_store_says_so(tmp_path: Path) -> None:
    code, text = _runs(tmp_path)
    assert code == 0 and "no runs in" in text


def test_resume_continues_a_run_into_a_new_folder_with_the_whole_history(
    tiny_config_file: ConfigFactory, tmp_path: Path
) -> None:
    config = str(tiny_config_file({"training.epochs": 6}))
    whole_json, cont_json = str(tmp_path / "whole.json"), str(tmp_path / "cont.json")
    assert main(["--headless", "--quiet", "--config", config, "--output", whole_json]) == 0
    config = str(tiny_config_file({"training.epochs": 4}, name="four.yaml"))
    assert main(["--headless", "--quiet", "--config", config]) == 0
    first = RunStore(tmp_path / "runs").summaries()[0]
    args = ["--headless", "--quiet", "--resume", first.id, "--epochs", "2", "--output", cont_json]
    assert main([*args, "--runs-dir", str(tmp_path / "runs")]) == 0
    continued = RunStore(tmp_path / "runs").summaries()[0]
    assert continued.resumed_from == first.id
    assert (continued.epochs_done, continued.epochs_planned) == (6, 6)
    whole = json.loads(Path(whole_json).read_text())
    cont = json.loads(Path(cont_json).read_text())
    assert cont["history"] == whole["history"]
    assert cont["test"] == whole["test"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--resume", "nope"], "no run 'nope'"),
        (["--resume", "x", "--seed", "3"], "--seed: a continued run keeps its own config"),
        (["--resume", "x", "--epochs", "0"], "--epochs: with --resume"),
    ],
)
def test_bad_resume_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    code = main(["--headless", "--runs-dir", str(tmp_path / "runs"), *extra])
    assert code == 2
    assert message in capsys.readouterr().err


def test_resume_of_a_run_without_checkpoint_says_why(
    tiny_config_file: ConfigFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(tiny_config_file({"training.epochs": 2}))
    assert main(["--headless", "--quiet", "--config", config]) == 0
    (run,) = RunStore(tmp_path / "runs").summaries()
    (run.path / "checkpoint.npz").unlink()
    code = main(["--headless", "--resume", run.id, "--runs-dir", str(tmp_path / "runs")])
    assert code == 2
    assert f"run {run.id} cannot be continued: it has no checkpoint" in capsys.readouterr().err
