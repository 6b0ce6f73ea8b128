"""Checking a path the program will write to, before doing the work that produces it."""

from __future__ import annotations

import os
from pathlib import Path


def output_path_problem(path: str | os.PathLike[str], flag: str = "--output") -> str | None:
    """Why a file could not be written at ``path``, or ``None`` when it can.

    Checked before training or predicting so a typo does not cost a whole run.
    Missing folders are fine (they are created) as long as the nearest existing
    one is a writable folder.

    Args:
        path: the file to be written.
        flag: the option that named it, for the message (``--output``, ``--save-model``).

    Returns:
        A message like ``"--output out/r.json: is a folder, expected a file path"``, or ``None``.
    """
    target = Path(path)
    shown = f"{flag} {os.fspath(path)}"
    if target.is_dir():
        return f"{shown}: is a folder, expected a file path"
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return f"{shown}: {os.fspath(parent)} is not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"{shown}: folder {os.fspath(parent)} is not writable"
    return None
