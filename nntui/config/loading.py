"""Loading: find the config file, read it, apply ``.env`` and CLI overrides, build a Config.

Typical use::

    loaded = load_config(args.config, overrides={"training.epochs": 5}, task=args.task)
    loaded.config.training.epochs      # 5
    loaded.config.task                 # the data source decides, or --task

Problems are reported all at once per stage, each naming its key, value and
line: the file and the environment together (named after the file), then the
CLI overrides (named ``command line``), then the task (named after the file).
"""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from nntui.config.defaults import DEFAULT_SOURCE, packaged_plain, packaged_text
from nntui.config.errors import ConfigError, ConfigProblem
from nntui.config.model import Config, Task, build_config
from nntui.config.overrides import TASK_KEY, apply_overrides, environment_overrides
from nntui.config.schema import get_value, set_value
from nntui.config.task import decide_task
from nntui.config.validation import MAX_CHARS, check_plain, read_yaml, with_lines

OVERRIDES_SOURCE = "command line"
STDIN = "-"
"""``--config -``: read the config from standard input (a pipe)."""
STDIN_SOURCE = "<stdin>"


@dataclass(frozen=True)
class LoadedConfig:
    """A config ready to run, and where it came from.

    Attributes:
        config: the validated effective config (defaults, env and CLI overrides applied).
        path: the file read, or ``None`` for the packaged default.
        text: the file's text as written (the packaged default's for ``path=None``).
        source: the name used in messages (the path as given, or ``"default config"``).
        overrides: the env and CLI overrides applied, dotted key -> checked value.
    """

    config: Config
    path: Path | None
    text: str
    source: str
    overrides: dict[str, Any] = field(default_factory=dict)


def default_config(task: str | None = None) -> Config:
    """The packaged default config, for ``task`` (default: what its data source serves).

    Raises:
        ConfigError: the default data source cannot serve ``task``.
    """
    return _finish(copy.deepcopy(packaged_plain()), DEFAULT_SOURCE, task)


def find_config(explicit: str | Path | None = None, cwd: Path | None = None) -> Path | None:
    """Decide which config file to read.

    Args:
        explicit: the ``--config PATH`` given, if any (relative to ``cwd``).
        cwd: the working folder (default: the process's).

    Returns:
        ``explicit`` when given, else ``cwd/config.yaml`` when it exists, else
        ``None`` (meaning the packaged default). A pipe or device
        (``/dev/stdin``) counts as a file.

    Raises:
        ConfigError: ``explicit`` is given but is empty, a folder or missing.
    """
    base = Path.cwd() if cwd is None else Path(cwd)
    if explicit is not None:
        if os.fspath(explicit) == "":
            problem = ConfigProblem("", "the path is empty; give a config file, or - for stdin")
            raise ConfigError([problem], "--config")
        path = base / Path(explicit).expanduser()
        if path.exists() and not path.is_dir():
            return path
        reason = "is a folder, not a config file" if path.is_dir() else "config file not found"
        raise ConfigError([ConfigProblem("", reason)], str(explicit))
    local = base / "config.yaml"
    return local if local.is_file() else None


def load_config(
    path: str | Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    task: str | None = None,
    cwd: Path | None = None,
) -> LoadedConfig:
    """Find, read and validate the config, apply the overrides and resolve the task.

    ``LOG_LEVEL`` overrides ``logging.level`` and ``RANDOM_SEED`` overrides
    ``data.random_seed``; they are read from ``cwd/.env`` and from ``env``
    (``env`` wins; an empty value counts as unset). ``overrides`` win over both.

    Args:
        path: the ``--config PATH`` given, if any (see :func:`find_config`);
            ``"-"`` reads the config from standard input.
        env: the environment (default ``os.environ``).
        overrides: dotted keys from the command line (``{"training.epochs": 5}``).
        task: ``--task`` (``None``: the data source decides).
        cwd: the working folder for ``config.yaml`` and ``.env`` (default: the process's).

    Raises:
        ConfigError: with every problem of the stage that failed (see the module doc).
    """
    base = Path.cwd() if cwd is None else Path(cwd)
    if path is not None and os.fspath(path) == STDIN:
        found, source, text = None, STDIN_SOURCE, _read_stdin()
    else:
        found = find_config(path, base)
        source = DEFAULT_SOURCE if found is None else str(path or "config.yaml")
        text = packaged_text() if found is None else _read_text(found, source)
    problems: list[ConfigProblem] = []
    lines: dict[str, int] = {}
    try:
        raw, lines, duplicates = read_yaml(text, source)
        plain, found_problems = check_plain(raw, packaged_plain())
        problems += with_lines(found_problems, lines, duplicates)
    except ConfigError as error:
        problems += error.problems
    from_env, env_problems = environment_overrides(base, os.environ if env is None else env)
    if problems or env_problems:
        raise ConfigError(problems + env_problems, source)
    for dotted, value in from_env.items():
        set_value(plain, dotted, value)
    applied = dict(from_env)
    if overrides:
        plain = _overridden(plain, overrides, OVERRIDES_SOURCE)
        applied.update({key: get_value(plain, key) for key in overrides if key != TASK_KEY})
    config = _finish(plain, source, task, lines=lines)
    return LoadedConfig(config, found, text, source, applied)


def _read_text(path: Path, source: str) -> str:
    try:
        with path.open(encoding="utf-8") as handle:
            return read_bounded(handle, source)
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        problem = ConfigProblem("", f"cannot read the file: {reason}")
        raise ConfigError([problem], source) from None


def _read_stdin() -> str:
    """The config piped to standard input, read as UTF-8 whatever the locale says."""
    try:
        handle = open(sys.stdin.fileno(), encoding="utf-8", closefd=False)  # noqa: SIM115
    except (OSError, ValueError, AttributeError) as error:
        problem = ConfigProblem("", f"cannot read standard input: {error}")
        raise ConfigError([problem], STDIN_SOURCE) from None
    with handle:
        return read_bounded(handle, STDIN_SOURCE)


def read_bounded(stream: TextIO, source: str) -> str:
    """Read a config's text, at most :data:`~nntui.config.validation.MAX_CHARS` characters.

    A larger file (or an endless device) is refused after reading one
    character more than the limit, never read whole.

    Raises:
        ConfigError: the text is too long or cannot be decoded.
    """
    try:
        text = stream.read(MAX_CHARS + 1)
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise ConfigError([ConfigProblem("", f"cannot read the file: {reason}")], source) from None
    if len(text) > MAX_CHARS:
        message = f"the file has more than {MAX_CHARS:,} characters; a config is a few kilobytes"
        raise ConfigError([ConfigProblem("", message)], source)
    return text


def parse_config_text(text: str, source: str = "config.yaml", *, task: str | None = None) -> Config:
    """Parse and validate config YAML (the TUI's editor); missing keys take the defaults.

    Args:
        text: the YAML text (read with the safe loader).
        source: the name used in messages.
        task: the task requested (``None``: the data source decides).

    Raises:
        ConfigError: the YAML is malformed (the problem gives line and column),
            any key is invalid (each problem carries its key's line), or the
            task does not fit the data.
    """
    raw, lines, duplicates = read_yaml(text, source)
    plain, problems = check_plain(raw, packaged_plain())
    problems = with_lines(problems, lines, duplicates)
    if problems:
        raise ConfigError(problems, source)
    return _finish(plain, source, task, lines=lines)


def config_from_dict(
    data: Mapping[str, Any], *, task: str | None = None, source: str = "config"
) -> Config:
    """A :class:`Config` from a plain dict such as :meth:`Config.to_dict` gives.

    Missing keys take the defaults (so a results file written before a key
    existed still reads).

    Raises:
        ConfigError: any key is invalid, or the task does not fit the data.
    """
    plain, problems = check_plain(copy.deepcopy(dict(data)), packaged_plain())
    if problems:
        raise ConfigError(problems, source)
    return _finish(plain, source, task)


def with_overrides(
    config: Config, overrides: Mapping[str, Any], source: str = OVERRIDES_SOURCE
) -> Config:
    """A new config: ``config`` with dotted keys set, validated as the CLI validates them.

    Text values for keys that are not text are read as YAML (``"0.01"``,
    ``"[64, 32]"``, ``"null"``); a group takes a mapping merged into its keys.
    The key ``"task"`` requests a task; otherwise the config keeps its task when
    the (new) data source serves it, else takes the source's own.

    Args:
        config: the config to start from (not changed).
        overrides: e.g. ``{"training.epochs": 5, "training.early_stopping.patience": 3}``.
        source: the name used in messages.

    Raises:
        ConfigError: an unknown key or an invalid value, naming the key.
    """
    plain = _overridden(config.to_dict(), overrides, source)
    requested = overrides.get(TASK_KEY)
    return _finish(plain, source, requested, keep=config.task)


def _overridden(plain: dict[str, Any], overrides: Mapping[str, Any], source: str) -> dict[str, Any]:
    """``plain`` with ``overrides`` applied and checked; raises with every problem."""
    problems = apply_overrides(plain, overrides)
    checked, more = check_plain(plain, packaged_plain())
    problems += more
    if problems:
        raise ConfigError(problems, source)
    return checked


def _finish(
    plain: dict[str, Any],
    source: str,
    requested: str | None,
    *,
    keep: Task | None = None,
    lines: dict[str, int] | None = None,
) -> Config:
    """Resolve the task of a checked plain config and build the frozen :class:`Config`."""
    task, problems = decide_task(plain, requested, keep=keep)
    if problems or task is None:
        raise ConfigError(with_lines(problems, lines or {}, []), source)
    return build_config(plain, task)
