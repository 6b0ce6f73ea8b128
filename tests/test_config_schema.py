"""The JSON Schema for editors: generated from the config's own table, and it agrees with it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from nntui.config import FIELDS, GROUPS, SECTIONS, default_config, json_schema

REPO_ROOT = Path(__file__).resolve().parents[1]
TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, TYPES[name])


def problems(schema: dict[str, Any], value: Any, where: str = "") -> list[str]:
    """A small JSON Schema checker: the keywords nntui's schema uses, nothing more."""
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_is_type(value, name) for name in names):
            return [f"{where}: {value!r} is not {types}"]
    found: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in enum")
    if _is_type(value, "number"):
        limits = [
            ("minimum", lambda v, m: v >= m),
            ("maximum", lambda v, m: v <= m),
            ("exclusiveMinimum", lambda v, m: v > m),
            ("exclusiveMaximum", lambda v, m: v < m),
        ]
        found += [
            f"{where}: {value!r} breaks {key}"
            for key, ok in limits
            if key in schema and not ok(value, schema[key])
        ]
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        found.append(f"{where}: too short")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{where}: too few items")
        if schema.get("uniqueItems") and len(set(map(repr, value))) < len(value):
            found.append(f"{where}: repeated items")
        for position, item in enumerate(value):
            found += problems(schema.get("items", {}), item, f"{where}[{position}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                found += problems(properties[key], item, f"{where}.{key}".lstrip("."))
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}.{key}: not allowed".lstrip("."))
    return found


def node(schema: dict[str, Any], dotted: str) -> dict[str, Any]:
    for part in dotted.split("."):
        schema = schema["properties"][part]
    return schema


def test_schema_is_draft_2020_12_and_json_serialisable() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads(json.dumps(schema)) == schema


def test_every_mapping_is_closed_and_every_key_optional() -> None:
    schema = json_schema()
    mappings = [schema, *(node(schema, name) for name in [*SECTIONS, *GROUPS])]
    for mapping in mappings:
        assert mapping["additionalProperties"] is False
        assert "required" not in mapping
    assert list(schema["properties"]) == list(SECTIONS)


def test_every_key_has_help_a_default_and_its_allowed_names() -> None:
    schema, plain = json_schema(), default_config().to_dict()
    for dotted, field in FIELDS.items():
        entry = node(schema, dotted)
        assert entry["description"] == field.help
        default: Any = plain
        for part in dotted.split("."):
            default = default[part]
        assert entry["default"] == default, dotted
        if field.choices is not None and entry["type"] == "string":
            assert set(field.choices) <= set(entry["enum"]), dotted
    assert node(schema, "network.hidden_activations")["items"]["enum"] == list(
        FIELDS["network.hidden_activations"].choices or ()
    )


def test_shipped_config_yaml_validates_against_the_schema() -> None:
    shipped = yaml.safe_load((REPO_ROOT / "config.yaml").read_text(encoding="utf-8"))
    assert problems(json_schema(), shipped) == []
    assert problems(json_schema(), {"training": None, "data": {"path": None}}) == []


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("training:\n  epochs: 0\n", "training.epochs"),
        ("training:\n  epoch: 5\n", "training.epoch"),
        ("trainng: {}\n", "trainng"),
        ("network:\n  weight_init: hee\n", "network.weight_init"),
        ("network:\n  hidden_layers: [64, 0]\n", "network.hidden_layers[1]"),
        ("data:\n  test_size: 1.0\n", "data.test_size"),
        ("data:\n  noise: 0.7\n", "data.noise"),
        ("training:\n  momentum: 1.0\n", "training.momentum"),
        ("training:\n  gradient_clip_norm: 0\n", "training.gradient_clip_norm"),
        ("training:\n  early_stopping:\n    patiense: 3\n", "training.early_stopping.patiense"),
        ("training:\n  shuffle: maybe\n", "training.shuffle"),
    ],
)
def test_the_schema_rejects_what_the_validator_rejects(text: str, where: str) -> None:
    found = problems(json_schema(), yaml.safe_load(text))
    assert len(found) == 1
    assert found[0].startswith(f"{where}:")


def test_number_ranges_follow_the_checks() -> None:
    schema = json_schema()
    assert node(schema, "training.learning_rate")["exclusiveMinimum"] == 0
    assert "maximum" not in node(schema, "training.learning_rate")
    assert node(schema, "data.noise")["maximum"] == 0.5
    assert node(schema, "training.lr_decay")["maximum"] == 1
    assert node(schema, "training.epochs") == {
        "type": "integer",
        "minimum": 1,
        "description": "passes over the training set",
        "default": 100,
    }
    assert node(schema, "training.l2")["minimum"] == 0
