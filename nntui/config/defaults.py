"""The packaged default config (``nntui/default_config.yaml``): the value of every missing key."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

from nntui.config.errors import ConfigError
from nntui.config.validation import check_plain

DEFAULT_FILE = "default_config.yaml"
DEFAULT_SOURCE = "default config"


@functools.cache
def packaged_text() -> str:
    """The text of the packaged default config, comments and all."""
    return resources.files("nntui").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")


@functools.cache
def packaged_plain() -> dict[str, Any]:
    """The packaged default as a checked plain dict (shared: copy before changing it)."""
    plain, problems = check_plain(yaml.safe_load(packaged_text()), defaults=None)
    if problems:  # a packaging bug, not a user error
        raise RuntimeError(str(ConfigError(problems, f"nntui/{DEFAULT_FILE}")))
    return plain
