"""Overrides: dotted keys set on top of a config (``--epochs``, ``.env``, the TUI's forms).

Text values for keys that are not text (``"5"``, ``"0.01"``, ``"[64, 32]"``,
``"null"``) are read as YAML, so values typed on a command line or in a form
work. A group takes a mapping, merged into its current keys. The environment
variables ``LOG_LEVEL`` and ``RANDOM_SEED`` override ``logging.level`` and
``data.random_seed``; they come from the environment or a ``.env`` file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from nntui.config.checks import InvalidValueError, did_you_mean
from nntui.config.errors import ConfigProblem
from nntui.config.schema import DOTTED_KEYS, FIELDS, GROUPS, get_value, set_value

ENV_OVERRIDES = {"LOG_LEVEL": "logging.level", "RANDOM_SEED": "data.random_seed"}
"""Environment variable -> the dotted key it overrides."""
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

    ``environ`` wins over ``cwd/.env``; an empty value counts as unset.
    """
    from dotenv import dotenv_values  # only when a config is loaded (keeps imports light)

    try:
        dotenv = dotenv_values(cwd / ".env")
    except (OSError, UnicodeDecodeError) as error:
        return {}, [ConfigProblem(".env", f"cannot read the file: {error}")]
    overrides: dict[str, Any] = {}
    problems: list[ConfigProblem] = []
    for variable, dotted in ENV_OVERRIDES.items():
        if environ.get(variable):
            text, origin = environ[variable], "set in the environment"
        elif dotenv.get(variable):
            text, origin = str(dotenv[variable]), "set in .env"
        else:
            continue
        field = FIELDS[dotted]
        value: Any = text.strip()
        if not field.text:
            # Not a number: the check below reports it, naming the text given.
            with contextlib.suppress(ValueError):
                value = int(value)
        try:
            overrides[dotted] = field.check(value)
        except InvalidValueError as error:
            problems.append(ConfigProblem(variable, f"{error} ({origin}; it overrides {dotted})"))
    return overrides, problems
