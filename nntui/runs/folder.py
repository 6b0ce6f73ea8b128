"""One run's folder: what is in it, and how each file is written so a crash loses nothing done.

A run folder holds::

    summary.json     the small facts the listing reads (status, epochs, best, test)
    config.yaml      the config as applied
    metrics.jsonl    one JSON line per epoch (appended and flushed as it ends),
                     then the result line
    results.json     the results document (the schema of --output)
    model.npz        the final model (for nntui predict)
    checkpoint.npz   the training state, to continue the run (--resume)
    lock             held (flock) by the process recording the run, with its pid

Every file but ``metrics.jsonl`` and ``lock`` is written atomically (temp
file, fsync, rename), so it is either the old or the new version, never half
of one. ``metrics.jsonl`` is written as it goes: after a ``kill -9`` it holds
every epoch completed (a torn last line is skipped when read).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any, TextIO

from nntui.files import atomic_write_text

try:  # POSIX: a lock the kernel lets go of when the process dies, even by SIGKILL
    import fcntl
except ImportError:  # pragma: no cover - Windows: the pid check alone
    fcntl = None  # type: ignore[assignment]

SUMMARY = "summary.json"
CONFIG = "config.yaml"
METRICS = "metrics.jsonl"
RESULTS = "results.json"
MODEL = "model.npz"
CHECKPOINT = "checkpoint.npz"
LOCK = "lock"
SUMMARY_FORMAT = "nntui-run"


class RunFolder:
    """The files of one run (the folder exists; see the module notes).

    Args:
        path: the run's folder.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._metrics: TextIO | None = None
        self._lock: int | None = None

    @property
    def id(self) -> str:
        """The run's id: its folder's name."""
        return self.path.name

    def file(self, name: str) -> Path:
        """The path of one of the run's files (``SUMMARY``, ``METRICS`` …)."""
        return self.path / name

    def write_summary(self, summary: dict[str, Any]) -> None:
        """Replace ``summary.json`` atomically."""
        text = json.dumps({"format": SUMMARY_FORMAT, **summary}, indent=1, allow_nan=False)
        atomic_write_text(self.file(SUMMARY), text + "\n")

    def write_text(self, name: str, text: str) -> None:
        """Write one of the run's text files atomically."""
        atomic_write_text(self.file(name), text)

    def append_line(self, line: str) -> None:
        """Append one line to ``metrics.jsonl`` and flush it (a follower, or a crash, sees it)."""
        if self._metrics is None:
            self._metrics = self.file(METRICS).open("a", encoding="utf-8")
        self._metrics.write(line)
        self._metrics.flush()

    def lock(self) -> None:
        """Hold the folder's lock while recording (released when the process ends, however)."""
        fd = os.open(self.file(LOCK), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock = fd

    def close(self) -> None:
        """Close the metrics file and let go of the lock (idempotent)."""
        if self._metrics is not None:
            with contextlib.suppress(OSError):
                self._metrics.close()
            self._metrics = None
        if self._lock is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock)
            self._lock = None


def writer_alive(folder: Path) -> bool:
    """Whether a live process still records into ``folder`` (holds its lock).

    Without ``flock`` (Windows) the pid in the lock file is checked instead.
    """
    lock = folder / LOCK
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return False
    try:
        if fcntl is None:  # pragma: no cover
            return _pid_alive(os.read(fd, 32))
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return _pid_alive(os.read(fd, 32))
        return False
    finally:
        os.close(fd)


def _pid_alive(text: bytes) -> bool:  # pragma: no cover - the fallback without flock
    try:
        pid = int(text.decode().strip())
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
