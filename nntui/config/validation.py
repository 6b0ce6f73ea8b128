"""Validation: every problem of a config at once, each with its dotted key, value and line.

:func:`read_yaml` parses text and maps each dotted key to the line it is on;
:func:`check_plain` checks a parsed mapping against the schema and fills in
the defaults; :func:`with_lines` puts the lines on the problems and sorts them.
Messages name the bad value, what is allowed and the nearest name::

    config.yaml: training.batch_size: must be a positive integer, got -4 (line 14)
"""

from __future__ import annotations

import copy
import math
from dataclasses import replace
from typing import Any

import yaml

from nntui.config.checks import InvalidValueError, did_you_mean, show
from nntui.config.cross_checks import cross_key_problems
from nntui.config.errors import ConfigError, ConfigProblem
from nntui.config.schema import (
    DOTTED_KEYS,
    FIELDS,
    GROUPS,
    SCHEMA,
    SECTIONS,
    get_value,
    keys_of,
    set_value,
)

MAX_CHARS = 1_000_000
"""The largest config text read (a config is a few kilobytes)."""


class _ConfigLoader(yaml.SafeLoader):
    """The safe loader, refusing aliases of lists and mappings (``*name``): a config
    has no use for them, and a recursive alias (``a: &x {b: *x}``) or an alias bomb
    must not reach the checks. Aliases of single values still work."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            target = self.anchors.get(event.anchor)
            if target is not None and not isinstance(target, yaml.ScalarNode):
                message = "aliases of lists and mappings are not supported in a config; "
                raise yaml.composer.ComposerError(
                    None, None, message + "write the value out", event.start_mark
                )
        return super().compose_node(parent, index)


def read_yaml(text: str, source: str) -> tuple[Any, dict[str, int], list[ConfigProblem]]:
    """Parse config YAML (safe loader only).

    Returns:
        ``(raw, lines, duplicates)``: the parsed value, the 1-based line of each
        dotted key, and a problem for each key given twice.

    Raises:
        ConfigError: the YAML is malformed (the problem gives line and column).
    """
    if len(text) > MAX_CHARS:
        message = f"the file has {len(text)} characters; a config has at most {MAX_CHARS}"
        raise ConfigError([ConfigProblem("", message)], source)
    loader = _ConfigLoader(text)
    try:
        node = loader.get_single_node()
        raw = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        raise ConfigError([_syntax_problem(error)], source) from None
    except yaml.YAMLError as error:
        raise ConfigError([ConfigProblem("", f"invalid YAML: {error}")], source) from None
    finally:
        loader.dispose()
    lines, duplicates = _key_lines(node)
    return raw, lines, duplicates


def with_lines(
    problems: list[ConfigProblem], lines: dict[str, int], duplicates: list[ConfigProblem]
) -> list[ConfigProblem]:
    """``problems`` with the line of their key, plus ``duplicates``, sorted by line."""
    located = [replace(problem, line=lines.get(problem.key)) for problem in problems]
    return sorted(
        located + duplicates,
        key=lambda problem: math.inf if problem.line is None else problem.line,
    )


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
                message = f"is given twice (lines {lines[dotted]} and {line}); keep one"
                duplicates.append(ConfigProblem(dotted, message, line))
            else:
                lines[dotted] = line
            # Sections, and the mappings inside them (training.early_stopping).
            if prefix.count(".") < 2 and isinstance(value_node, yaml.MappingNode):
                visit(value_node, f"{dotted}.")

    if isinstance(node, yaml.MappingNode):
        visit(node, "")
    return lines, duplicates


def check_plain(
    raw: Any, defaults: dict[str, Any] | None
) -> tuple[dict[str, Any], list[ConfigProblem]]:
    """Check every key of a parsed config; missing keys take ``defaults``.

    Args:
        raw: the parsed YAML (any type: a non-mapping is a problem).
        defaults: the packaged default (plain), or ``None``: every key must be given.

    Returns:
        ``(plain, problems)``: the normalised config with every key filled in
        (a key with a problem keeps its default) and every problem found, in
        file order, without line numbers (see :func:`with_lines`).
    """
    sections = ", ".join(SECTIONS)
    if raw is None:
        problem = ConfigProblem("", f"the config is empty; expected the sections {sections}")
        return copy.deepcopy(defaults or {}), [problem]
    if not isinstance(raw, dict):
        problem = ConfigProblem("", f"must be a mapping of sections ({sections}), got {_kind(raw)}")
        return copy.deepcopy(defaults or {}), [problem]

    given, problems = _given_values(raw)
    _fill_hidden_activations(given, defaults)
    plain, invalid = _checked_values(given, defaults, problems)
    if defaults is not None or not invalid:
        # The packaged default (no defaults of its own) is not held to this machine's memory.
        cross = cross_key_problems(plain, invalid, memory=defaults is not None)
        problems.extend(ConfigProblem(key, message) for key, message in cross)
    return plain, _in_file_order(problems, raw)


def _given_values(raw: dict[Any, Any]) -> tuple[dict[str, Any], list[ConfigProblem]]:
    """The values given in ``raw`` by dotted key, and the unknown or misshapen names."""
    problems: list[ConfigProblem] = []
    given: dict[str, Any] = {}
    for name, section in raw.items():
        if name not in SCHEMA:
            problems.append(ConfigProblem(str(name), unknown_section_message(name)))
        elif section is None:
            continue  # a section with every key commented out keeps its defaults
        elif not isinstance(section, dict):
            keys = ", ".join(SCHEMA[name])
            message = f"must be a mapping of keys ({keys}), got {show(section)}"
            problems.append(ConfigProblem(name, message))
        else:
            _collect_given(name, section, given, problems)
    return given, problems


def _checked_values(
    given: dict[str, Any], defaults: dict[str, Any] | None, problems: list[ConfigProblem]
) -> tuple[dict[str, Any], set[str]]:
    """Run each key's check; a key not given (or not valid) takes its default."""
    plain: dict[str, Any] = {section: {} for section in SECTIONS}
    invalid: set[str] = set()
    for dotted, field in FIELDS.items():
        if dotted in given:
            try:
                set_value(plain, dotted, field.check(given[dotted]))
                continue
            except InvalidValueError as error:
                problems.append(ConfigProblem(dotted, str(error)))
                invalid.add(dotted)
        elif defaults is None:
            problems.append(ConfigProblem(dotted, "is missing"))
            invalid.add(dotted)
        if defaults is not None:
            set_value(plain, dotted, copy.deepcopy(get_value(defaults, dotted)))
    return plain, invalid


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
            keys = ", ".join(keys_of(dotted))
            message = f"must be a mapping of keys ({keys}), got {show(value)}"
            problems.append(ConfigProblem(dotted, message))


def _fill_hidden_activations(given: dict[str, Any], defaults: dict[str, Any] | None) -> None:
    """Give ``hidden_layers`` without ``hidden_activations`` the default activation per layer."""
    layers = given.get("network.hidden_layers")
    if defaults is None or "network.hidden_activations" in given or not isinstance(layers, list):
        return
    default_activations = defaults["network"]["hidden_activations"]
    if len(default_activations) != len(layers):
        fill = default_activations[0] if default_activations else "relu"
        given["network.hidden_activations"] = [fill] * len(layers)


def _in_file_order(problems: list[ConfigProblem], raw: dict[Any, Any]) -> list[ConfigProblem]:
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


def unknown_section_message(name: Any) -> str:
    """Explain an unknown top-level name, pointing at the section or key that was meant."""
    if isinstance(name, str):
        owners = [dotted for dotted in DOTTED_KEYS if dotted.endswith(f".{name}")]
        if owners:
            return f"unknown section (did you mean {owners[0]!r}? keys go inside their section)"
        hint = did_you_mean(name, SECTIONS)
        if hint:
            return f"unknown section{hint}"
    return f"unknown section; the sections are {', '.join(SECTIONS)}"


def unknown_key_message(parent: str, name: Any) -> str:
    """Explain an unknown key inside ``parent`` (a section or group), with the nearest key."""
    keys = keys_of(parent)
    hint = did_you_mean(name, keys)
    if hint:
        return f"unknown key{hint}"
    if isinstance(name, str):
        elsewhere = [dotted for dotted in DOTTED_KEYS if dotted.endswith(f".{name}")]
        if elsewhere:
            return f"unknown key in {parent} (did you mean {elsewhere[0]!r}?)"
        hint = did_you_mean(name, DOTTED_KEYS)
        if hint:
            return f"unknown key{hint}"
    return f"unknown key; {parent} takes {', '.join(keys)}"
