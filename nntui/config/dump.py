"""Writing a config back as YAML that reads like the shipped ``config.yaml``.

``dump_config(default_config())`` is, byte for byte, the packaged
``default_config.yaml``: a header, the sections in order, one key a line with
lists in flow style (``[128, 64, 32]``) and a short comment after each key.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from nntui.config.loading import config_from_dict
from nntui.config.model import Config
from nntui.config.schema import GROUPS, SCHEMA, SECTIONS
from nntui.files import atomic_write_text

_HEADER = (
    "# nntui configuration. Every key is optional: a missing key takes the value shown here.\n"
    "# LOG_LEVEL and RANDOM_SEED in the environment or a .env file override this file.\n"
    "# The task follows data.source (plane and bump are regression, the others classification);\n"
    "# --task regression also works with synthetic and csv data, and ignores\n"
    "# network.output_activation: it uses one linear output + MSE.\n"
)
_COMMENT_COLUMN = 34
_LINE_BREAKS = "\r\n\x85\u2028\u2029"  # what YAML reads as a line break


def dump_config(config: Config | Mapping[str, Any], *, comments: bool = True) -> str:
    """YAML text for a config, in section and key order, reading like the shipped file.

    ``parse_config_text`` of the result gives back ``config`` (its task is not
    written: the data source decides it again, or ``--task``).

    Args:
        config: the config to write (a :class:`Config`, or a plain dict of sections).
        comments: add a header and a short comment after each key.
    """
    data = config.to_dict() if isinstance(config, Config) else dict(config)
    blocks: list[str] = [_HEADER] if comments else []
    known = [name for name in SECTIONS if name in data]
    for section in known + [name for name in data if name not in SCHEMA]:
        values = data[section]
        if isinstance(values, dict):
            blocks.append(_section_block(section, values, comments))
        else:
            blocks.append(f"{_scalar(section)}: {_scalar(values)}\n")
    return "\n".join(blocks)


def _section_block(section: str, values: dict[str, Any], comments: bool) -> str:
    fields = SCHEMA.get(section, {})
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
    return "\n".join(lines) + "\n"


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
    """One value as single-line YAML (lists and tuples in flow style)."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(item) for item in value) + "]"
    # Wrapped in a flow list, PyYAML quotes whatever a flow or block context could misread.
    if isinstance(value, str) and any(char in value for char in _LINE_BREAKS):
        # Escaped in double quotes, so the value stays on one line (and its comment after it).
        text = yaml.safe_dump([value], default_flow_style=True, default_style='"', width=math.inf)
    else:
        text = yaml.safe_dump([value], default_flow_style=True, width=math.inf, allow_unicode=True)
    return str(text).strip()[1:-1]


def save_config(config: Config | Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write ``config`` to ``path`` atomically, with comments (its folder is made if missing).

    Args:
        config: the config to save; a plain dict is validated first.
        path: the destination file.

    Returns:
        The path written.

    Raises:
        ConfigError: a plain ``config`` is invalid; nothing is written.
        OSError: the file cannot be written; an existing file is left as it was.
    """
    if not isinstance(config, Config):
        config = config_from_dict(config, source=str(path))
    return atomic_write_text(path, dump_config(config))
