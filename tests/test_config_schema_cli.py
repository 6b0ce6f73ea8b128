"""``nntui config schema``: the JSON Schema for editors, printed by the command."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

from nntui.config import json_schema

Run = Callable[..., subprocess.CompletedProcess[str]]


def test_config_schema_prints_the_json_schema(run_nntui: Run) -> None:
    done = run_nntui("config", "schema")
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == json_schema()
    assert done.stdout == json.dumps(json_schema(), indent=2) + "\n"


def test_config_without_a_command_is_a_usage_error(run_nntui: Run) -> None:
    done = run_nntui("config")
    assert done.returncode == 2
    assert done.stderr.startswith("usage: nntui config")
    assert "Traceback" not in done.stderr
