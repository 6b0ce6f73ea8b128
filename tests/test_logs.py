"""Logging: a rotating file at the configured path, at the configured level, and nothing else."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import make_config

from nntui.config import LoggingConfig
from nntui.logs import LOGGER_NAME, LogFileError, close_logging, setup_logging, start_logging

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (\w+) +([\w.]+): (.*)$")


@pytest.fixture(autouse=True)
def _closed_logging() -> Iterator[None]:
    yield
    close_logging()


def section(level: str, file: str | Path) -> LoggingConfig:
    """The ``logging`` section of a config (``config.logging``)."""
    return LoggingConfig(level=level, file=str(file), runs_dir=None)  # type: ignore[arg-type]


def records(path: Path) -> list[tuple[str, str, str]]:
    """``(level, logger name, message)`` per line; every line must match the format."""
    lines = path.read_text(encoding="utf-8").splitlines()
    matches = [LINE.match(line) for line in lines]
    assert all(matches), lines
    return [match.groups() for match in matches if match]


def test_writes_timestamped_lines_to_the_file_creating_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "logs" / "app.log"
    logger = setup_logging(section("INFO", path))
    logger.info("run started")
    logging.getLogger("nntui.training.runner").warning("slow epoch")
    close_logging()
    assert records(path) == [
        ("INFO", "nntui", "run started"),
        ("WARNING", "nntui.training.runner", "slow epoch"),
    ]


def test_relative_path_is_relative_to_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    setup_logging(section("info", "logs/app.log")).info("hello")
    close_logging()
    assert records(tmp_path / "logs" / "app.log") == [("INFO", "nntui", "hello")]


@pytest.mark.parametrize(
    ("level", "expected"),
    [("DEBUG", ["DEBUG", "INFO", "ERROR"]), ("INFO", ["INFO", "ERROR"]), ("ERROR", ["ERROR"])],
)
def test_respects_the_level(tmp_path: Path, level: str, expected: list[str]) -> None:
    path = tmp_path / "app.log"
    logger = setup_logging(section(level, path))
    logger.debug("epoch 1")
    logger.info("finished")
    logger.error("diverged")
    close_logging()
    assert [record[0] for record in records(path)] == expected


def test_rotates_by_size_keeping_backup_count_files(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    logger = setup_logging(section("INFO", path), max_bytes=300, backup_count=2)
    for epoch in range(40):
        logger.info("epoch %d finished with a loss that takes some room", epoch)
    close_logging()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.log", "app.log.1", "app.log.2"]
    assert path.stat().st_size <= 300
    assert records(path)[-1][2].startswith("epoch 39 ")


def test_setting_up_again_replaces_the_handler_instead_of_stacking(tmp_path: Path) -> None:
    first, second = tmp_path / "first.log", tmp_path / "second.log"
    setup_logging(section("INFO", first)).info("one")
    setup_logging(section("INFO", second))
    logger = setup_logging(section("INFO", second))
    logger.info("two")
    close_logging()
    assert len(records(second)) == 1
    assert [record[2] for record in records(first)] == ["one"]


def test_never_writes_to_the_terminal(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    logger = setup_logging(section("DEBUG", tmp_path / "app.log"))
    logger.error("diverged at epoch 3")
    logging.getLogger("nntui.headless").critical("interrupted")
    assert logger.propagate is False
    assert capfd.readouterr() == ("", "")


def test_unknown_level_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown log level 'LOUD': use one of DEBUG"):
        setup_logging(section("LOUD", tmp_path / "app.log"))


def test_unopenable_file_is_a_clear_error_and_keeps_the_previous_setup(tmp_path: Path) -> None:
    good = tmp_path / "app.log"
    logger = setup_logging(section("INFO", good))
    (tmp_path / "not-a-folder").write_text("")
    with pytest.raises(LogFileError, match=r"cannot open log file .*not-a-folder"):
        setup_logging(section("INFO", tmp_path / "not-a-folder" / "app.log"))
    logger.info("still logging")
    close_logging()
    assert [record[2] for record in records(good)] == ["still logging"]


def test_close_logging_restores_the_logger_defaults(tmp_path: Path) -> None:
    setup_logging(section("ERROR", tmp_path / "app.log"))
    close_logging()
    logger = logging.getLogger(LOGGER_NAME)
    # Only the package's own NullHandler (nntui/__init__.py) is left.
    assert [type(h) for h in logger.handlers] == [logging.NullHandler]
    assert (logger.level, logger.propagate) == (logging.NOTSET, True)


def test_the_level_and_file_form_still_works_while_callers_convert(tmp_path: Path) -> None:
    setup_logging("warning", tmp_path / "app.log").warning("old form")
    close_logging()
    assert records(tmp_path / "app.log") == [("WARNING", "nntui", "old form")]


def test_takes_the_logging_section_of_a_config(tmp_path: Path) -> None:
    config = make_config({"logging.file": str(tmp_path / "run.log"), "logging.level": "error"})
    logger = setup_logging(config.logging)
    logger.warning("not shown")
    logger.error("shown")
    close_logging()
    assert records(tmp_path / "run.log") == [("ERROR", "nntui", "shown")]


@pytest.mark.parametrize(
    ("make_path", "reason"),
    [
        (lambda tmp: tmp, "Is a directory"),
        (lambda tmp: str(tmp / "app\0.log"), "null byte"),
        (lambda tmp: tmp / "file.txt" / "app.log", "not-a-folder-or-exists"),
    ],
    ids=["folder", "nul-byte", "under-a-file"],
)
def test_a_log_file_that_cannot_be_opened_is_one_warning_and_logging_goes_on(
    tmp_path: Path, make_path: object, reason: str, capfd: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file.txt").write_text("x")
    path = make_path(tmp_path)  # type: ignore[operator]
    warnings: list[str] = []
    logger = start_logging(section("INFO", path), warnings.append)
    logger.info("nowhere to go, and no traceback")
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: logging.file ")
    assert warnings[0].endswith("; this run is not logged")
    if reason != "not-a-folder-or-exists":
        assert reason in warnings[0]
    assert logger.name == LOGGER_NAME and not logger.propagate
    assert capfd.readouterr() == ("", "")


def test_start_logging_with_a_good_file_logs_without_warning(tmp_path: Path) -> None:
    warnings: list[str] = []
    start_logging(section("INFO", tmp_path / "app.log"), warnings.append).info("hello")
    close_logging()
    assert warnings == []
    assert [record[2] for record in records(tmp_path / "app.log")] == ["hello"]
