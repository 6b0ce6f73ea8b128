"""A JSON Schema (draft 2020-12) of the config file, for editors.

Generated from the same table the validator uses (:mod:`nntui.config.schema`):
each key has its type, range or allowed names, its help line as the
description, and its default from the packaged config. Point the YAML
language server at it with a first line in ``config.yaml``::

    # yaml-language-server: $schema=nntui.schema.json

(``nntui config schema > nntui.schema.json`` writes the file.) The
checks that involve two keys (list lengths, csv needs a path) stay with
nntui's own validation.
"""

from __future__ import annotations

from typing import Any

from nntui._version import __version__
from nntui.config.defaults import packaged_plain
from nntui.config.schema import SCHEMA, SECTION_HELP, Field, Group

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of an nntui config file (every key optional, no unknown keys).

    Returns:
        A dict ready for ``json.dumps``.
    """
    defaults = packaged_plain()
    sections = {
        name: _object(
            {key: _entry(entry, defaults[name][key]) for key, entry in entries.items()},
            SECTION_HELP[name],
        )
        for name, entries in SCHEMA.items()
    }
    return {
        "$schema": DRAFT,
        "title": "nntui configuration",
        "description": (
            f"config.yaml of nntui {__version__}. Every key is optional: "
            f"a missing key takes the default shown."
        ),
        "type": "object",
        "properties": sections,
        "additionalProperties": False,
    }


def _entry(entry: Field | Group, default: Any) -> dict[str, Any]:
    if isinstance(entry, Group):
        properties = {key: _entry(field, default[key]) for key, field in entry.fields.items()}
        return _object(properties, entry.help)
    return {**entry.check.json, "description": entry.help, "default": default}


def _object(properties: dict[str, Any], description: str) -> dict[str, Any]:
    """A mapping of known keys; ``null`` (every key commented out) keeps the defaults."""
    return {
        "type": ["object", "null"],
        "description": description,
        "properties": properties,
        "additionalProperties": False,
    }
