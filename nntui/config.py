"""Configuration: find, read, validate, override and write back nntui's config.

The one source of truth for configuration. A config is a plain dict of four
sections (``logging``, ``data``, ``network``, ``training``), with one nested
mapping (``training.early_stopping``); the keys, what they accept and a line
of help for each are in :mod:`nntui.config_schema`, and the default values are
the packaged ``default_config.yaml``. Every problem in a file is reported at
once, each naming its dotted key, the bad value and what is allowed::

    config.yaml: training.batch_size: must be a positive integer, got -4 (line 14)

Typical use::

    loaded = load_config(args.config)          # --config, ./config.yaml or the default
    config = with_overrides(loaded.data, {"training.epochs": 5})
    task = resolve_task(config, None)          # the data source decides, or --task
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
    CLASSIFICATION_MONITORS,
    DATA_SOURCES,
    DOTTED_KEYS,
    FIELDS,
    GROUPS,
    REGRESSION_MONITORS,
    SCHEMA,
    SECTIONS,
    InvalidValueError,
    cross_key_problems,
    did_you_mean,
    get_value,
    keys_of,
    set_value,
    show,
    source_class_count,
    source_tasks,
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
    "# The task follows data.source (plane and bump are regression, the others classification);\n"
    "# --task regression also works with synthetic and csv data, and ignores\n"
    "# network.output_activation: it uses one linear output + MSE.\n"
)
_COMMENT_COLUMN = 34
_LINE_BREAKS = "\r\n\x85\u2028\u2029"  # what YAML reads as a line break
_NULL_WORDS = ("null", "Null", "NULL", "~")


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
        set_value(data, dotted, value)
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
            # Sections, and the mappings inside them (training.early_stopping).
            if prefix.count(".") < 2 and isinstance(value_node, yaml.MappingNode):
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
            _collect_given(name, section, given, problems)

    _fill_hidden_activations(given, defaults)
    config: dict[str, Any] = {section: {} for section in SECTIONS}
    invalid: set[str] = set()
    for dotted, field in FIELDS.items():
        if dotted in given:
            try:
                set_value(config, dotted, field.check(given[dotted]))
                continue
            except InvalidValueError as error:
                problems.append(ConfigProblem(dotted, str(error)))
                invalid.add(dotted)
        elif defaults is None:
            problems.append(ConfigProblem(dotted, "is missing"))
            invalid.add(dotted)
        if defaults is not None:
            set_value(config, dotted, copy.deepcopy(get_value(defaults, dotted)))
    if defaults is not None or not invalid:
        problems.extend(
            ConfigProblem(key, message) for key, message in cross_key_problems(config, invalid)
        )
    return config, _in_file_order(problems, raw)


def _collect_given(
    parent: str, mapping: dict[Any, Any], given: dict[str, Any], problems: list[ConfigProblem]
) -> None:
    """Gather the values of a section or group by dotted key; report unknown keys."""
    for key, value in mapping.items():
        dotted = f"{parent}.{key}"
        if key not in keys_of(parent):
            problems.append(ConfigProblem(dotted, unknown_key_message(parent, key)))
        elif dotted not in GROUPS:
            given[dotted] = value
        elif isinstance(value, dict):
            _collect_given(dotted, value, given, problems)
        elif value is not None:  # a group with every key commented out keeps its defaults
            problems.append(
                ConfigProblem(
                    dotted,
                    f"must be a mapping of keys ({', '.join(keys_of(dotted))}), got {show(value)}",
                )
            )


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

    def visit(mapping: dict[Any, Any], prefix: str) -> None:
        for name, value in mapping.items():
            order.setdefault(f"{prefix}{name}", len(order))
            if isinstance(value, dict):
                visit(value, f"{prefix}{name}.")

    visit(raw, "")
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

    Text values for keys that are not text (``"5"``, ``"0.01"``, ``"[64, 32]"``,
    ``"null"``) are read as YAML, so values typed on a command line or in a form
    work. A group takes a mapping, merged into its current keys.

    Args:
        data: a config (as returned by :func:`load_config` or :func:`default_config`).
        overrides: e.g. ``{"training.epochs": 5, "training.early_stopping.patience": 3}``.
        source: the name used in messages.

    Returns:
        The new config; ``data`` is not changed.

    Raises:
        ConfigError: an unknown key or an invalid value, naming the key.
    """
    raw = copy.deepcopy(data)
    problems: list[ConfigProblem] = []
    for dotted, value in overrides.items():
        dotted = str(dotted)
        if dotted not in FIELDS and dotted not in GROUPS:
            hint = did_you_mean(dotted, DOTTED_KEYS) or f"; the keys are {', '.join(DOTTED_KEYS)}"
            problems.append(ConfigProblem(dotted, f"unknown key{hint}"))
            continue
        if isinstance(value, str) and (dotted in GROUPS or not FIELDS[dotted].text):
            value = _read_typed_text(value)
        if dotted in GROUPS and isinstance(value, dict):
            current = get_value(raw, dotted) if _has_mapping(raw, dotted) else {}
            value = {**current, **value}
        set_value(raw, dotted, value)
    config, more = validate_config(raw)
    problems.extend(more)
    if problems:
        raise ConfigError(problems, source)
    return config


def fill_defaults(data: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of ``data`` with every missing key set to its default (nothing is checked).

    So a config written before a key existed (a dict from older code, a test's
    hand-made config) still runs: ``NetworkRunner`` calls this.
    """
    config = copy.deepcopy(dict(data))
    defaults = _packaged_default()
    for dotted in FIELDS:
        if not _has_value(config, dotted):
            set_value(config, dotted, copy.deepcopy(get_value(defaults, dotted)))
    return config


def _has_value(config: dict[str, Any], dotted: str) -> bool:
    try:
        get_value(config, dotted)
    except (KeyError, TypeError):
        return False
    return True


def _has_mapping(config: dict[str, Any], dotted: str) -> bool:
    try:
        return isinstance(get_value(config, dotted), dict)
    except (KeyError, TypeError):
        return False


def _read_typed_text(text: str) -> Any:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if value is None and text.strip() not in _NULL_WORDS:
        return text  # e.g. "" or "# x": not a value, so the check names the text typed
    return value


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
        lines = [f"{_scalar(section)}:"]
        for key in _ordered_keys(values, fields):
            value = values[key]
            group = GROUPS.get(f"{section}.{key}")
            if group is not None and isinstance(value, dict) and value:
                lines.append(_key_line(key, None, group.help if comments else None, indent=2))
                for inner in _ordered_keys(value, group.fields):
                    field = group.fields.get(inner)
                    help_text = field.help if comments and field is not None else None
                    lines.append(_key_line(inner, _scalar(value[inner]), help_text, indent=4))
            else:
                entry = fields.get(key)
                help_text = entry.help if comments and entry is not None else None
                lines.append(_key_line(key, _scalar(value), help_text, indent=2))
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _ordered_keys(values: dict[str, Any], known: Mapping[str, Any]) -> list[Any]:
    """The schema's keys in schema order, then any others in their own order."""
    return [key for key in known if key in values] + [key for key in values if key not in known]


def _key_line(key: Any, value_text: str | None, help_text: str | None, *, indent: int) -> str:
    """``key: value  # help``; ``value_text=None`` opens a nested mapping (``key:``)."""
    line = " " * indent + f"{_scalar(key)}:"
    if value_text is not None:
        line += f" {value_text}"
    if help_text is not None:
        line = f"{line.ljust(_COMMENT_COLUMN - 2)}  # {help_text}"
    return line


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


def resolve_task(
    config: dict[str, Any], requested: str | None = None, *, source: str = "command line"
) -> str:
    """The task a run of ``config`` has: ``requested`` when given, else what the data decides.

    ``plane`` and ``bump`` are regression data; ``iris`` and the 2-D
    classification sources are classification data; ``synthetic`` and ``csv``
    serve both and default to classification. Checks that depend on the task
    (the early-stopping metric) are made here too.

    Args:
        config: a validated config.
        requested: ``"classification"``, ``"regression"`` or ``None`` (no ``--task``).
        source: the name used in messages (the config's path, or ``"command line"``).

    Returns:
        ``"classification"`` or ``"regression"``.

    Raises:
        ConfigError: ``requested`` is unknown or the data source cannot serve it,
            or the early-stopping metric does not belong to the task.
    """
    data_source = config["data"]["source"]
    tasks = source_tasks(data_source)
    if requested is None:
        task = tasks[0]
    elif requested not in TASKS:
        message = f"must be one of {', '.join(TASKS)}, got {show(requested)}"
        raise ConfigError([ConfigProblem("--task", message)], source)
    elif requested not in tasks:
        serving = [name for name in DATA_SOURCES if requested in source_tasks(name)]
        message = (
            f"{data_source} is {tasks[0]} data, so --task {requested} cannot use it; "
            f"leave --task out, or pick a source with {requested} data "
            f"({', '.join(serving)})"
        )
        raise ConfigError([ConfigProblem("data.source", message)], source)
    else:
        task = requested
    problems = _task_problems(config, task)
    if problems:
        raise ConfigError(problems, source)
    return task


def _task_problems(config: dict[str, Any], task: str) -> list[ConfigProblem]:
    stopping = config["training"]["early_stopping"]
    foreign = REGRESSION_MONITORS if task == "classification" else CLASSIFICATION_MONITORS
    if stopping["enabled"] and stopping["monitor"] in foreign:
        score = "accuracy" if task == "classification" else "r2"
        return [
            ConfigProblem(
                "training.early_stopping.monitor",
                f"{stopping['monitor']} is not measured in a {task} run; "
                f"use val_loss, val_{score}, loss or {score}",
            )
        ]
    return []


def output_head(
    config: dict[str, Any], task: str, n_classes: int | None = None
) -> tuple[int, str, str]:
    """The output layer a run uses: ``(units, activation, loss)``.

    Classification takes ``network.output_activation``: softmax gives
    ``(n_classes, "softmax", "cross_entropy")``, sigmoid gives
    ``(1, "sigmoid", "binary_cross_entropy")``. Regression always gives
    ``(1, "linear", "mse")``.

    Args:
        config: a validated config.
        task: ``"classification"`` or ``"regression"``.
        n_classes: the classes the data has; ``None`` takes them from the
            config (``data.n_classes``, or the count a built-in source has).

    Raises:
        ValueError: an unknown task or classification head, a sigmoid head
            for more than 2 classes, or a csv source without ``n_classes``.
    """
    if task == "regression":
        return 1, "linear", "mse"
    if task != "classification":
        raise ValueError(f"unknown task {task!r}: use one of {', '.join(TASKS)}")
    classes = n_classes if n_classes is not None else source_class_count(config["data"])
    activation = config["network"]["output_activation"]
    if activation == "softmax":
        if classes is None:
            raise ValueError("a csv file's classes are counted when it is read: pass n_classes")
        return int(classes), "softmax", "cross_entropy"
    if activation == "sigmoid":
        if classes not in (None, 2):
            raise ValueError(
                f"network.output_activation sigmoid has one output unit, for 2 classes; "
                f"the data has {classes}: use softmax"
            )
        return 1, "sigmoid", "binary_cross_entropy"
    raise ValueError(
        f"network.output_activation {activation!r} cannot be a classification head: "
        f"use softmax or sigmoid"
    )


def network_layer_sizes(
    config: dict[str, Any], n_features: int, task: str, n_classes: int | None = None
) -> tuple[list[int], list[str], str]:
    """Everything ``NeuralNetwork`` needs from the config for ``task``.

    Args:
        config: a validated config.
        n_features: inputs per sample (from the data).
        task: ``"classification"`` or ``"regression"``.
        n_classes: classes in the data (see :func:`output_head`).

    Returns:
        ``(layer_sizes, activations, loss)``: sizes from the input to the output
        layer, one activation per non-input layer (the head's last), the loss name.
    """
    units, activation, loss = output_head(config, task, n_classes)
    network = config["network"]
    sizes = [int(n_features), *(int(size) for size in network["hidden_layers"]), units]
    return sizes, [*network["hidden_activations"], activation], loss
