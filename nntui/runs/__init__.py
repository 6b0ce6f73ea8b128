"""The run store: every run recorded in a folder of its own, listed, compared and continued.

- :mod:`nntui.runs.store`: the store (create, list, find by id prefix, remove).
- :mod:`nntui.runs.folder`: one run's files, written so a crash loses nothing done.
- :mod:`nntui.runs.summary`: a run as the listing sees it (running, crashed, damaged …).
- :mod:`nntui.runs.recorder`: the listener that records a run (both faces attach it).
- :mod:`nntui.runs.resume`: continue a recorded run exactly where it stopped.
- :mod:`nntui.runs.cli`: the ``nntui runs`` command.

The names below are imported on first use, so ``nntui runs list`` does not load
the training layer it does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nntui.runs.recorder import RunRecorder, start_recording
    from nntui.runs.store import RunLookupError, RunStore
    from nntui.runs.summary import RunSummary, read_summary

_HOMES = {
    "RunRecorder": "nntui.runs.recorder",
    "start_recording": "nntui.runs.recorder",
    "RunLookupError": "nntui.runs.store",
    "RunStore": "nntui.runs.store",
    "RunSummary": "nntui.runs.summary",
    "read_summary": "nntui.runs.summary",
}

__all__ = [
    "RunLookupError",
    "RunRecorder",
    "RunStore",
    "RunSummary",
    "read_summary",
    "start_recording",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module when first asked for."""
    if name not in _HOMES:
        raise AttributeError(f"module 'nntui.runs' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
