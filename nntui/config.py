"""Configuration: find, read, validate, override and write back nntui's config.

The one source of truth for configuration. A config is a plain dict of four
sections (``logging``, ``data``, ``network``, ``training``); the keys, what
they accept and a line of help for each are in :mod:`nntui.config_schema`, and
the default values are the packaged ``default_config.yaml``. Every problem in a
file is reported at once, each naming its dotted key, the bad value and what is
allowed::

    config.yaml: training.batch_size: must be a positive integer, got -4 (line 14)

Typical use::

    loaded = load_config(args.config)          # --config, ./config.yaml or the default
    config = with_overrides(loaded.data, {"training.epochs": 5})
    save_config(config, "config.yaml")         # validated, written atomically
"""

from __future__ import annotations

import contextlib
import copy
import functools
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from dotenv import dotenv_values

from nntui.atomic import atomic_write_text
from nntui.config_schema import (
    DOTTED_KEYS,
    SCHEMA,
    SECTIONS,
    InvalidValueError,
    cross_key_problems,
    did_you_mean,
    show,
    unknown_key_message,
    unknown_section_message,
)

TASKS = ("classification", "regression")
DEFAULT_SOURCE = "default config"
# Environment variable -> the dotted key it overrides.
ENV_OVERRIDES = {"LOG_LEVEL": "logging.level", "RANDOM_SEED": "data.random_seed"}

_DEFAULT_FILE = "default_config.yaml"
_HEADER = (
    "# nntui configuration. Every key is optional: a missing key takes the value shown here.\n"
    "# LOG_LEVEL and RANDOM_SEED in the environment or a .env file override this file.\n"
    "# --task regression ignores network.output_activation: it uses one linear output + MSE.\n"
)
_COMMENT_COLUMN = 34
_LINE_BREAKS = "\r\n\x85\u2028\u2029"  # what YAML reads as a line break


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with a config.

    Attributes:
        key: the dotted key (``training.batch_size``), an environment variable
            name, or ``""`` for a problem with the whole file.
        message: what is wrong, naming the bad value and what is allowed.
        line: the 1-based line of the offending key in the file, when known.
    """

    key: str
    message: str
    line: int | None = None

    def format(self, source: str) -> str:
        """One line for people: ``config.yaml: training.epochs: must be ... (line 12)``.

        Problems with the whole file (no key) carry their line in the message.
        """
        if not self.key:
            return f"{source}: {self.message}"
        where = f" (line {self.line})" if self.line is not None else ""
        return f"{source}: {self.key}: {self.message}{where}"


class ConfigError(Exception):
    """A config that cannot be used; ``str(error)`` is one line per problem.

    Attributes:
        problems: every problem found (never empty).
        source: the name of the config in messages (a path, ``"default config"``,
            ``"command line"``).
    """

    def __init__(self, problems: list[ConfigProblem], source: str) -> None:
        super().__init__(problems, source)
        self.problems = list(problems)
        self.source = source

    def __str__(self) -> str:
        return "\n".join(problem.format(self.source) for problem in self.problems)


@dataclass(frozen=True)
class LoadedConfig:
    """A config ready to run.

    Attributes:
        data: the validated effective config (defaults filled in, env overrides applied).
        path: the file read, or ``None`` for the packaged default.
        source: the name used in messages (the path as given, or ``"default config"``).
    """

    data: dict[str, Any]
    path: Path | None
    source: str


def default_config() -> dict[str, Any]:
    """The packaged default config (a fresh deep copy each call)."""
    return copy.deepcopy(_packaged_default())


@functools.cache
def _packaged_default() -> dict[str, Any]:
    text = resources.files("nntui").joinpath(_DEFAULT_FILE).read_text(encoding="utf-8")
    config, problems = _validate(yaml.safe_load(text), defaults=None)
    if problems:  # a packaging bug, not a user error
        raise RuntimeError(str(ConfigError(problems, f"nntui/{_DEFAULT_FILE}")))
    return config


def find_config(explicit: str | Path | None = None, cwd: Path | None = None) -> Path | None:
    """Decide which config file to read.

    Args:
        explicit: the ``--config PATH`` given, if any (relative to ``cwd``).
        cwd: the working folder (default: the process's).

    Returns:
        ``explicit`` when given, else ``cwd/config.yaml`` when it exists, else
        ``None`` (meaning the packaged default).

    Raises:
        ConfigError: ``explicit`` is given but is not a file.
    """
    base = Path.cwd() if cwd is None else Path(cwd)
    if explicit is not None:
        path = base / Path(explicit).expanduser()
        if path.is_file():
            return path
        reason = "is a folder, not a config file" if path.is_dir() else "config file not found"
        raise ConfigError([ConfigProblem("", reason)], str(explicit))
    local = base / "config.yaml"
    return local if local.is_file() else None


def load_config(
    explicit: str | Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> LoadedConfig:
    """Find, read and validate the config, then apply environment overrides.

    ``LOG_LEVEL`` overrides ``logging.level`` and ``RANDOM_SEED`` overrides
    ``data.random_seed``. They are read from ``cwd/.env`` and from ``environ``;
    ``environ`` wins. An empty value counts as unset.

    Args:
        explicit: the ``--config PATH`` given, if any (see :func:`find_config`).
        environ: the environment (default ``os.environ``).
        cwd: the working folder for ``config.yaml`` and ``.env`` (default: the process's).

    Returns:
        The effective config, the file it came from and its name for messages.

    Raises:
        ConfigError: with every problem in the file and the overrides at once.
    """
    base = Path.cwd() if cwd is None else Path(cwd)
    path = find_config(explicit, base)
    if path is None:
        source = DEFAULT_SOURCE
        text = resources.files("nntui").joinpath(_DEFAULT_FILE).read_text(encoding="utf-8")
    else:
        source = str(explicit) if explicit is not None else "config.yaml"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(
                [ConfigProblem("", f"cannot read the file: {error}")], source
            ) from None

    data: dict[str, Any] | None = None
    problems: list[ConfigProblem] = []
    try:
        data = parse_config_text(text, source)
    except ConfigError as error:
        problems.extend(error.problems)
    overrides, env_problems = _environment_overrides(
        base, os.environ if environ is None else environ
    )
    problems.extend(env_problems)
    if problems or data is None:
        raise ConfigError(problems, source)
    for dotted, value in overrides.items():
        section, key = dotted.split(".")
        data[section][key] = value
    return LoadedConfig(data=data, path=path, source=source)


def _environment_overrides(
    cwd: Path, environ: Mapping[str, str]
) -> tuple[dict[str, Any], list[ConfigProblem]]:
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
        section, key = dotted.split(".")
        field = SCHEMA[section][key]
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


def parse_config_text(text: str, source: str = "config.yaml") -> dict[str, Any]:
    """Parse and validate config YAML; missing keys take the defaults.

    Args:
        text: the YAML text (read with ``yaml.safe_load``).
        source: the name used in messages.

    Returns:
        The validated config.

    Raises:
        ConfigError: the YAML is malformed (the problem gives line and column)
            or any key is invalid (each problem carries its key's line).
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        raise ConfigError([_syntax_problem(error)], source) from None
    except yaml.YAMLError as error:
        raise ConfigError([ConfigProblem("", f"invalid YAML: {error}")], source) from None
    lines, duplicates = _key_lines(node)
    config, problems = validate_config(raw)
    problems = [replace(problem, line=lines.get(problem.key)) for problem in problems]
    problems = sorted(
        problems + duplicates,
        key=lambda problem: math.inf if problem.line is None else problem.line,
    )
    if problems:
        raise ConfigError(problems, source)
    return config


def _syntax_problem(error: yaml.MarkedYAMLError) -> ConfigProblem:
    mark = error.problem_mark or error.context_mark
    reason = error.problem or error.context or "malformed YAML"
    if "\\t" in reason or "\t" in reason:
        reason += " (indent YAML with spaces, not tabs)"
    if mark is None:
        return ConfigProblem("", f"invalid YAML: {reason}")
    line = mark.line + 1
    context = error.context_mark
    if error.context and context is not None and context.line != mark.line:
        reason += f" ({error.context} at line {context.line + 1})"
    return ConfigProblem(
        "", f"invalid YAML at line {line}, column {mark.column + 1}: {reason}", line
    )


def _key_lines(node: yaml.Node | None) -> tuple[dict[str, int], list[ConfigProblem]]:
    """Map dotted keys to their 1-based line, and report keys given twice."""
    lines: dict[str, int] = {}
    duplicates: list[ConfigProblem] = []

    def visit(mapping: yaml.MappingNode, prefix: str) -> None:
        for key_node, value_node in mapping.value:
            dotted = f"{prefix}{key_node.value}"
            line = key_node.start_mark.line + 1
            if dotted in lines:
                duplicates.append(
                    ConfigProblem(
                        dotted,
                        f"is given twice (lines {lines[dotted]} and {line}); keep one",
                        line,
                    )
                )
            else:
                lines[dotted] = line
            if not prefix and isinstance(value_node, yaml.MappingNode):
                visit(value_node, f"{dotted}.")

    if isinstance(node, yaml.MappingNode):
        visit(node, "")
    return lines, duplicates


def validate_config(raw: Any) -> tuple[dict[str, Any], list[ConfigProblem]]:
    """Check every key of a parsed config; missing keys take the defaults.

    Args:
        raw: the parsed YAML (any type: a non-mapping is a problem).

    Returns:
        ``(config, problems)``: the normalised config with every key filled in
        (a key with a problem keeps its default) and every problem found, in
        file order. The problems carry no line numbers (see :func:`parse_config_text`).
    """
    return _validate(raw, defaults=_packaged_default())


def _validate(
    raw: Any, defaults: dict[str, Any] | None
) -> tuple[dict[str, Any], list[ConfigProblem]]:
    """Validate ``raw``; with ``defaults=None`` every key must be present."""
    sections = ", ".join(SECTIONS)
    if raw is None:
        problem = ConfigProblem("", f"the config is empty; expected the sections {sections}")
        return copy.deepcopy(defaults or {}), [problem]
    if not isinstance(raw, dict):
        problem = ConfigProblem("", f"must be a mapping of sections ({sections}), got {_kind(raw)}")
        return copy.deepcopy(defaults or {}), [problem]

    problems: list[ConfigProblem] = []
    given: dict[str, Any] = {}
    for name, section in raw.items():
        if name not in SCHEMA:
            problems.append(ConfigProblem(str(name), unknown_section_message(name)))
        elif section is None:
            continue  # a section with every key commented out keeps its defaults
        elif not isinstance(section, dict):
            problems.append(
                ConfigProblem(
                    name,
                    f"must be a mapping of keys ({', '.join(SCHEMA[name])}), got {show(section)}",
                )
            )
        else:
            for key, value in section.items():
                if key in SCHEMA[name]:
                    given[f"{name}.{key}"] = value
                else:
                    problems.append(ConfigProblem(f"{name}.{key}", unknown_key_message(name, key)))

    _fill_hidden_activations(given, defaults)
    config: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
    invalid: set[str] = set()
    for dotted in DOTTED_KEYS:
        section, key = dotted.split(".")
        if dotted in given:
            try:
                config[section][key] = SCHEMA[section][key].check(given[dotted])
                continue
            except InvalidValueError as error:
                problems.append(ConfigProblem(dotted, str(error)))
                invalid.add(dotted)
        elif defaults is None:
            problems.append(ConfigProblem(dotted, "is missing"))
            invalid.add(dotted)
        if defaults is not None:
            config[section][key] = copy.deepcopy(defaults[section][key])
    if defaults is not None or not invalid:
        problems.extend(
            ConfigProblem(key, message) for key, message in cross_key_problems(config, invalid)
        )
    return config, _in_file_order(problems, raw)


def _fill_hidden_activations(given: dict[str, Any], defaults: dict[str, Any] | None) -> None:
    """Give ``hidden_layers`` without ``hidden_activations`` the default activation per layer."""
    layers = given.get("network.hidden_layers")
    if defaults is None or "network.hidden_activations" in given or not isinstance(layers, list):
        return
    default_activations = defaults["network"]["hidden_activations"]
    if len(default_activations) != len(layers):
        fill = default_activations[0] if default_activations else "relu"
        given["network.hidden_activations"] = [fill] * len(layers)


def _in_file_order(problems: list[ConfigProblem], raw: dict[str, Any]) -> list[ConfigProblem]:
    """Sort problems by where their key appears in ``raw`` (whole-file problems first)."""
    order: dict[str, int] = {}
    for name, section in raw.items():
        order.setdefault(str(name), len(order))
        if isinstance(section, dict):
            for key in section:
                order.setdefault(f"{name}.{key}", len(order))
    return sorted(problems, key=lambda problem: order.get(problem.key, len(order)))


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {show(value)}"
    return show(value)


def with_overrides(
    data: dict[str, Any], overrides: Mapping[str, Any], source: str = "command line"
) -> dict[str, Any]:
    """A validated copy of ``data`` with dotted keys set.

    Text values for keys that are not text (``"5"``, ``"0.01"``, ``"[64, 32]"``) are
    read as YAML, so values typed on a command line or in a form work.

    Args:
        data: a config (as returned by :func:`load_config` or :func:`default_config`).
        overrides: e.g. ``{"training.epochs": 5, "data.random_seed": 7}``.
        source: the name used in messages.

    Returns:
        The new config; ``data`` is not changed.

    Raises:
        ConfigError: an unknown key or an invalid value, naming the key.
    """
    raw = copy.deepcopy(data)
    problems: list[ConfigProblem] = []
    for dotted, value in overrides.items():
        section, _, key = str(dotted).partition(".")
        if section not in SCHEMA or key not in SCHEMA[section]:
            hint = did_you_mean(dotted, DOTTED_KEYS) or f"; the keys are {', '.join(DOTTED_KEYS)}"
            problems.append(ConfigProblem(str(dotted), f"unknown key{hint}"))
            continue
        if isinstance(value, str) and not SCHEMA[section][key].text:
            value = _read_typed_text(value)
        if not isinstance(raw.get(section), dict):
            raw[section] = {}
        raw[section][key] = value
    config, more = validate_config(raw)
    problems.extend(more)
    if problems:
        raise ConfigError(problems, source)
    return config


def _read_typed_text(text: str) -> Any:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return text if value is None else value


def dump_config(data: dict[str, Any], *, comments: bool = True) -> str:
    """YAML text for a config, in section and key order, reading like the shipped file.

    Lists are written in flow style (``[128, 64, 32]``). ``parse_config_text``
    of the result gives back ``data`` (for a valid ``data``).

    Args:
        data: the config to write.
        comments: add a header and a short comment after each key.
    """
    blocks: list[str] = [_HEADER] if comments else []
    known = [name for name in SECTIONS if name in data]
    for section in known + [name for name in data if name not in SCHEMA]:
        fields = SCHEMA.get(section, {})
        values = data[section]
        if not isinstance(values, dict):
            blocks.append(f"{_scalar(section)}: {_scalar(values)}\n")
            continue
        keys = [key for key in fields if key in values]
        keys += [key for key in values if key not in fields]
        lines = [f"{_scalar(section)}:"]
        for key in keys:
            line = f"  {_scalar(key)}: {_scalar(values[key])}"
            if comments and key in fields:
                line = f"{line.ljust(_COMMENT_COLUMN - 2)}  # {fields[key].help}"
            lines.append(line)
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _scalar(value: Any) -> str:
    """One value as single-line YAML (lists in flow style)."""
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(item) for item in value) + "]"
    # Wrapped in a flow list, PyYAML quotes whatever a flow or block context could misread.
    if isinstance(value, str) and any(char in value for char in _LINE_BREAKS):
        # Escaped in double quotes, so the value stays on one line (and its comment after it).
        text = yaml.safe_dump([value], default_flow_style=True, default_style='"', width=math.inf)
    else:
        text = yaml.safe_dump([value], default_flow_style=True, width=math.inf, allow_unicode=True)
    return text.strip()[1:-1]


def save_config(data: dict[str, Any], path: str | Path) -> Path:
    """Validate ``data`` and write it to ``path`` atomically (with comments).

    Args:
        data: the config to save.
        path: the destination file (its folder is created when missing).

    Returns:
        The path written.

    Raises:
        ConfigError: ``data`` is invalid; nothing is written.
        OSError: the file cannot be written; an existing file is left as it was.
    """
    config, problems = validate_config(data)
    if problems:
        raise ConfigError(problems, str(path))
    return atomic_write_text(path, dump_config(config))


def output_head(config: dict[str, Any], task: str) -> tuple[int, str, str]:
    """The output layer a run uses: ``(units, activation, loss)``.

    Classification takes ``network.output_activation``: softmax gives
    ``(n_classes, "softmax", "cross_entropy")``, sigmoid gives
    ``(1, "sigmoid", "binary_cross_entropy")``. Regression always gives
    ``(1, "linear", "mse")``.

    Raises:
        ValueError: an unknown task or classification head.
    """
    if task == "regression":
        return 1, "linear", "mse"
    if task != "classification":
        raise ValueError(f"unknown task {task!r}: use one of {', '.join(TASKS)}")
    activation = config["network"]["output_activation"]
    if activation == "softmax":
        return int(config["data"]["n_classes"]), "softmax", "cross_entropy"
    if activation == "sigmoid":
        return 1, "sigmoid", "binary_cross_entropy"
    raise ValueError(
        f"network.output_activation {activation!r} cannot be a classification head: "
        f"use softmax or sigmoid"
    )


def network_layer_sizes(
    config: dict[str, Any], n_features: int, task: str
) -> tuple[list[int], list[str], str]:
    """Everything ``NeuralNetwork`` needs from the config for ``task``.

    Returns:
        ``(layer_sizes, activations, loss)``: sizes from the input to the output
        layer, one activation per non-input layer (the head's last), the loss name.
    """
    units, activation, loss = output_head(config, task)
    network = config["network"]
    sizes = [int(n_features), *(int(size) for size in network["hidden_layers"]), units]
    return sizes, [*network["hidden_activations"], activation], loss
