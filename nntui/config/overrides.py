"""Overrides: dotted keys set on top of a config (``--epochs``, ``.env``, the TUI's forms).

Text values for keys that are not text (``"5"``, ``"0.01"``, ``"[64, 32]"``,
``"null"``) are read as YAML, so values typed on a command line or in a form
work. A group takes a mapping, merged into its current keys. The environment
variables ``LOG_LEVEL`` and ``RANDOM_SEED`` override ``logging.level`` and
``data.random_seed``; they come from the environment or a ``.env`` file.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from nntui.config.checks import InvalidValueError, did_you_mean
from nntui.config.errors import ConfigProblem
from nntui.config.schema import DOTTED_KEYS, FIELDS, GROUPS, get_value, set_value

ENV_OVERRIDES = {"LOG_LEVEL": "logging.level", "RANDOM_SEED": "data.random_seed"}
"""Environment variable -> the dotted key it overrides."""
DOTENV = ".env"
"""The file (in the working folder) that may set the environment overrides."""
MAX_DOTENV_CHARS = 100_000
"""The largest ``.env`` read (it holds a few variables)."""
TASK_KEY = "task"
"""The override key that requests a task (like ``--task``)."""
_NULL_WORDS = ("null", "Null", "NULL", "~")


def apply_overrides(plain: dict[str, Any], overrides: Mapping[str, Any]) -> list[ConfigProblem]:
    """Set dotted keys on the plain dict ``plain`` (unchecked); return the unknown keys.

    The values are checked afterwards, with the rest of the config. The
    :data:`TASK_KEY` entry is skipped: the caller requests the task with it.
    """
    problems: list[ConfigProblem] = []
    for key, value in overrides.items():
        dotted = str(key)
        if dotted == TASK_KEY:
            continue
        if dotted not in FIELDS and dotted not in GROUPS:
            hint = did_you_mean(dotted, DOTTED_KEYS) or f"; the keys are {', '.join(DOTTED_KEYS)}"
            problems.append(ConfigProblem(dotted, f"unknown key{hint}"))
            continue
        if isinstance(value, str) and (dotted in GROUPS or not FIELDS[dotted].text):
            value = read_typed_text(value)
        if dotted in GROUPS and isinstance(value, dict):
            current = get_value(plain, dotted)
            value = {**current, **value} if isinstance(current, dict) else value
        set_value(plain, dotted, value)
    return problems


def read_typed_text(text: str) -> Any:
    """A value typed as text, read as YAML (``"[4, 2]"`` -> ``[4, 2]``); else the text itself."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if value is None and text.strip() not in _NULL_WORDS:
        return text  # e.g. "" or "# x": not a value, so the check names the text typed
    return value


def environment_overrides(
    cwd: Path, environ: Mapping[str, str]
) -> tuple[dict[str, Any], list[ConfigProblem]]:
    """The checked values of ``LOG_LEVEL`` and ``RANDOM_SEED`` by dotted key, and their problems.

    ``environ`` wins over ``cwd/.env``; an empty value counts as unset. A
    problem names where the value came from: ``RANDOM_SEED=abc: must be a
    non-negative integer …`` for the environment, ``.env line 3:
    RANDOM_SEED=abc: …`` for the file, and ``.env line 2: cannot parse …``
    for a line of ``.env`` that is not ``NAME=value``.
    """
    dotenv, problems = read_dotenv(cwd / DOTENV)
    overrides: dict[str, Any] = {}
    for variable, dotted in ENV_OVERRIDES.items():
        if environ.get(variable):
            text, where, origin = environ[variable], "", "set in the environment"
        elif variable in dotenv and dotenv[variable][0]:
            text, line = dotenv[variable]
            where, origin = f"{DOTENV} line {line}: ", f"set in {DOTENV}"
        else:
            continue
        try:
            overrides[dotted] = _checked(dotted, text)
        except InvalidValueError as error:
            message = f"{error} ({origin}; it overrides {dotted})"
            shown = f"{where}{variable}={_excerpt(text)}"
            problems.append(ConfigProblem(variable, message, origin=shown))
    return overrides, problems


def read_dotenv(path: Path) -> tuple[dict[str, tuple[str, int]], list[ConfigProblem]]:
    """The ``NAME=value`` lines of a ``.env`` file: name -> (value, line), and its problems.

    A missing file is empty; a file that cannot be read, is larger than
    :data:`MAX_DOTENV_CHARS`, or has a line that is not an assignment is a
    problem naming ``.env`` (and the line). Values are taken as written
    (quotes removed, no ``${VAR}`` expansion).
    """
    from dotenv.parser import parse_stream  # only when a config is loaded (keeps imports light)

    try:
        with path.open(encoding="utf-8") as handle:
            text = handle.read(MAX_DOTENV_CHARS + 1)
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        return {}, [ConfigProblem(DOTENV, f"cannot read the file: {reason}", origin=DOTENV)]
    if len(text) > MAX_DOTENV_CHARS:
        message = f"the file has more than {MAX_DOTENV_CHARS} characters; it is not read"
        return {}, [ConfigProblem(DOTENV, message, origin=DOTENV)]
    values: dict[str, tuple[str, int]] = {}
    problems: list[ConfigProblem] = []
    for binding in parse_stream(io.StringIO(text)):
        line = binding.original.line
        if binding.error:
            shown = _excerpt(binding.original.string.strip())
            message = f"cannot parse {shown!r}: expected NAME=value"
            problems.append(ConfigProblem(DOTENV, message, origin=f"{DOTENV} line {line}"))
        elif binding.key is not None:
            values[binding.key] = (binding.value or "", line)
    return values, problems


def _checked(dotted: str, text: str) -> Any:
    """``text`` checked as the value of ``dotted`` (a number when the key is not text)."""
    field = FIELDS[dotted]
    value: Any = text.strip()
    if not field.text:
        # Not a number: the check reports it, naming the text given.
        with contextlib.suppress(ValueError):
            value = int(value)
    return field.check(value)


def _excerpt(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
