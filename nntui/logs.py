"""Logging to a size-rotated file, never to the terminal.

The faces own the terminal (a progress bar, a Textual screen), so the ``nntui``
logger writes only to its file. Modules log through ``logging.getLogger(__name__)``
(children of ``nntui``); the engine logs nothing itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Protocol

LOGGER_NAME = "nntui"
LOG_FORMAT = "%(asctime)s.%(msecs)03d %(levelname)-8s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class LoggingSettings(Protocol):
    """What :func:`setup_logging` reads: ``nntui.config.LoggingConfig`` (``config.logging``)."""

    @property
    def level(self) -> str:
        """``DEBUG``, ``INFO``, ``WARNING``, ``ERROR`` or ``CRITICAL`` (any case)."""

    @property
    def file(self) -> str:
        """The log file (relative to the working folder)."""


class LogFileError(OSError):
    """The log file cannot be opened; the message names the file and the reason."""


class _NntuiFileHandler(RotatingFileHandler):
    """The file handler :func:`setup_logging` installs (so it can find and replace it)."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        # A failed write (disk full, file removed) must not print a traceback over
        # the progress bar or the TUI; the record is dropped.
        return


def setup_logging(
    config: LoggingSettings | str,
    file: str | Path | None = None,
    *,
    max_bytes: int = 1_000_000,
    backup_count: int = 3,
) -> logging.Logger:
    """Send the ``nntui`` logger to a rotating file, replacing any earlier setup.

    Args:
        config: the ``logging`` section (``config.logging``): its ``level``
            (``DEBUG`` … ``CRITICAL``, any case) and ``file`` (relative to the
            working folder; its folder is created when missing). The older form
            ``setup_logging(level, file)`` still works while callers convert.
        file: only with the older form: the log file.
        max_bytes: rotate when the file would grow past this size (0: never).
        backup_count: rotated files kept (``app.log.1`` … ``app.log.N``).

    Returns:
        The configured ``nntui`` logger (it does not propagate to the root logger).

    Raises:
        ValueError: an unknown level.
        LogFileError: the file or its folder cannot be created; the previous
            setup, if any, stays in place.
    """
    level: str
    if isinstance(config, str):
        level = config
    else:
        level, file = config.level, config.file
    if file is None:
        raise TypeError("setup_logging(level, file) needs the file")
    name = level.upper()
    if name not in _LEVELS:
        raise ValueError(f"unknown log level {level!r}: use one of {', '.join(_LEVELS)}")
    handler = _open_handler(file, max_bytes, backup_count)
    logger = logging.getLogger(LOGGER_NAME)
    _remove_file_handlers(logger)
    logger.addHandler(handler)
    logger.setLevel(name)
    logger.propagate = False
    return logger


def _open_handler(file: str | Path, max_bytes: int, backup_count: int) -> logging.Handler:
    path = Path(file).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _NntuiFileHandler(
            path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
        )
    except OSError as error:
        raise LogFileError(f"cannot open log file {file}: {error.strerror or error}") from None
    except ValueError as error:  # e.g. a NUL byte in the path
        raise LogFileError(f"cannot open log file {file!r}: {error}") from None
    handler.setFormatter(logging.Formatter(LOG_FORMAT, DATE_FORMAT))
    return handler


def start_logging(config: LoggingSettings, warn: Callable[[str], None]) -> logging.Logger:
    """Set up logging like :func:`setup_logging`, but never stop a run over the log file.

    A log file that cannot be opened (a NUL byte in its path, a folder, no
    permission, an unknown level) is one warning through ``warn``, e.g.
    ``warning: logging.file logs/app.log: cannot open log file …: Permission
    denied; this run is not logged``, and the run goes on without a log file.

    Args:
        config: the ``logging`` section (``config.logging``).
        warn: called with the one warning line, if any.

    Returns:
        The ``nntui`` logger (with no file handler when the file could not be opened).
    """
    try:
        return setup_logging(config)
    except (OSError, ValueError) as error:
        warn(f"warning: logging.file {config.file!r}: {error}; this run is not logged")
    logger = logging.getLogger(LOGGER_NAME)
    _remove_file_handlers(logger)
    logger.propagate = False  # nothing reaches the terminal the faces own
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())
    return logger


def close_logging() -> None:
    """Flush and close the file handler, and give the ``nntui`` logger back its defaults.

    Safe to call when logging was never set up.
    """
    logger = logging.getLogger(LOGGER_NAME)
    _remove_file_handlers(logger)
    logger.setLevel(logging.NOTSET)
    logger.propagate = True


def _remove_file_handlers(logger: logging.Logger) -> None:
    for handler in list(logger.handlers):
        if isinstance(handler, _NntuiFileHandler):
            logger.removeHandler(handler)
            handler.close()
