"""The run store: a folder of run folders, one per run, named so they sort by time.

A run's id is its folder's name: the local start time and the data source,
``2026-11-30T14-05-22-spiral``; a second run started in the same second gets
``-2`` (then ``-3`` …). The folder is created with ``os.mkdir``, which fails
when the name exists, so two nntui processes recording into the same store
never share a folder. The folders are the only truth: the listing reads each
run's small ``summary.json`` (and, for a run that never ended, its
``metrics.jsonl``), so there is no index to go stale.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from nntui.runs.folder import RunFolder
from nntui.runs.summary import RunSummary, read_summary

NAME_TIME = "%Y-%m-%dT%H-%M-%S"
MAX_SUFFIX = 10_000


class RunLookupError(LookupError):
    """No run, or more than one, matches an id (prefix); the message says which."""


class RunStore:
    """The run folders under ``root`` (created on the first run).

    Args:
        root: the store's folder (``logging.runs_dir``).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).expanduser()

    def create(self, source: str, *, now: datetime | None = None) -> tuple[RunFolder, datetime]:
        """Create a new, empty run folder; return it and its start time.

        Raises:
            OSError: the store or the folder cannot be created.
        """
        started = (now or datetime.now()).astimezone()
        stem = f"{started.strftime(NAME_TIME)}-{_safe(source)}"
        self.root.mkdir(parents=True, exist_ok=True)
        for number in range(1, MAX_SUFFIX):
            name = stem if number == 1 else f"{stem}-{number}"
            try:
                os.mkdir(self.root / name)
            except FileExistsError:
                continue
            return RunFolder(self.root / name), started
        raise FileExistsError(f"{self.root}: {MAX_SUFFIX} runs named {stem}-N already")

    def folders(self) -> list[Path]:
        """Every run folder (a folder with any of a run's files), unsorted."""
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return []
        return [Path(entry.path) for entry in entries if entry.is_dir(follow_symlinks=False)]

    def summaries(self) -> list[RunSummary]:
        """Every run, newest first; a damaged folder is listed as ``damaged``, never raises."""
        runs = [read_summary(path) for path in self.folders()]
        return sorted(runs, key=lambda run: (run.started, run.id), reverse=True)

    def find(self, prefix: str, runs: Iterable[RunSummary] | None = None) -> RunSummary:
        """The one run whose id is ``prefix`` or starts with it.

        Raises:
            RunLookupError: no run matches, or several do (the message names them).
        """
        candidates = list(self.summaries() if runs is None else runs)
        exact = [run for run in candidates if run.id == prefix]
        matches = exact or [run for run in candidates if run.id.startswith(prefix)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise RunLookupError(f"no run {prefix!r} in {self.root}")
        shown = ", ".join(run.id for run in matches[:4]) + (" …" if len(matches) > 4 else "")
        raise RunLookupError(f"run id {prefix!r} is ambiguous: {len(matches)} runs match ({shown})")

    def remove(self, run: RunSummary) -> None:
        """Delete a run's folder.

        Raises:
            OSError: it cannot be deleted.
        """
        shutil.rmtree(run.path)


def _safe(source: str) -> str:
    """``source`` usable in a folder name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", source).strip("-.") or "run"
