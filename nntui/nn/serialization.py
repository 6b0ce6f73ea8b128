"""The saved-model file: one ``.npz`` archive of arrays and a JSON description.

A model file is an ordinary NumPy ``.npz`` (a zip of ``.npy`` arrays), so
``np.load("model.npz")`` opens it anywhere:

- ``model``: a JSON text describing the file and the network:
  ``{"format": "nntui-model", "format_version": 1, "layer_sizes": [...],
  "activations": [...], "loss": ..., "dtype": ..., "weight_init": ...,
  "seed": ..., "metadata": {...}}``, where ``metadata`` is whatever the
  caller saved with the model (normalisation statistics, class names, ...);
- ``dense_1.weights``, ``dense_1.biases``, ``dense_2.weights``, ...: the
  parameters, in the network's dtype, exactly as trained.

Reading never unpickles anything (``allow_pickle=False``): a model file is
data, not code. Every problem with a file — missing, not a zip, cut short,
another program's archive, a newer format — raises :class:`ModelFileError`
with a message that names the file. Writing is atomic: the archive is written
to a temporary file in the same folder and then renamed over the target, so
the target holds either the old model or the new one, never half of one.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "nntui-model"
FORMAT_VERSION = 1
DESCRIPTION_KEY = "model"
"""The archive entry holding the JSON description."""


class ModelFileError(ValueError):
    """A model file is missing, unreadable, corrupt, truncated or not an nntui model.

    The message names the file.
    """


def write_model_file(
    path: str | os.PathLike[str], description: Mapping[str, Any], arrays: Mapping[str, np.ndarray]
) -> Path:
    """Write ``arrays`` and the JSON ``description`` to ``path`` atomically.

    Missing parent folders are created; the file is written at exactly
    ``path`` (no suffix is added).

    Args:
        path: the file to write.
        description: JSON-ready facts about the model; ``format`` and
            ``format_version`` are added.
        arrays: name -> array (numeric dtypes only).

    Returns:
        ``path`` as a ``Path``.

    Raises:
        ValueError: ``description`` cannot be written as JSON (the message says why).
        OSError: the file cannot be written; an existing file is left as it was.
    """
    header = {"format": FORMAT, "format_version": FORMAT_VERSION, **description}
    try:
        text = json.dumps(header, allow_nan=False, default=_plain_json_value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"model metadata cannot be saved as JSON: {error}") from None
    buffer = io.BytesIO()
    np.savez(buffer, **{DESCRIPTION_KEY: np.array(text)}, **arrays)
    target = Path(path)
    _write_atomically(target, buffer.getvalue())
    return target


def read_model_file(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read a file written by :func:`write_model_file`.

    Returns:
        ``(description, arrays)``: the parsed JSON description (its format
        checked) and every other array of the archive, loaded into memory.

    Raises:
        ModelFileError: the file is missing, a folder, not an ``.npz``
            archive, corrupt or truncated, has no model description, or was
            written in a newer format.
    """
    name = str(path)
    file = Path(path)
    if not file.exists():
        raise ModelFileError(f"model file not found: {name}")
    if file.is_dir():
        raise ModelFileError(f"{name}: is a folder, not a model file")
    with file.open("rb") as handle:
        magic = handle.read(4)
    if magic not in (b"PK\x03\x04", b"\x93NUM"):  # zip (.npz) or a lone .npy
        raise ModelFileError(
            f"{name}: not a readable model file (not an .npz archive; nntui saves models as .npz)"
        )
    try:
        archive = np.load(file, allow_pickle=False)
    except Exception as error:  # any failure to parse untrusted bytes: not a model file
        raise ModelFileError(f"{name}: not a readable model file ({_reason(error)})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ModelFileError(f"{name}: not a model file (one NumPy array, not an .npz archive)")
    try:
        with archive:
            keys = list(archive.files)
            if DESCRIPTION_KEY not in keys:
                shown = ", ".join(keys[:5]) + (", ..." if len(keys) > 5 else "")
                raise ModelFileError(
                    f"{name}: not an nntui model file (no '{DESCRIPTION_KEY}' entry; "
                    f"it holds: {shown or 'nothing'})"
                )
            text = archive[DESCRIPTION_KEY]
            arrays = {key: archive[key] for key in keys if key != DESCRIPTION_KEY}
    except ModelFileError:
        raise
    except Exception as error:  # a member cut short, a bad checksum, an object array...
        problem = _reason(error)
        raise ModelFileError(f"{name}: corrupt or truncated model file ({problem})") from None
    return _description(text, name), arrays


def _description(text: np.ndarray, name: str) -> dict[str, Any]:
    if text.shape != () or text.dtype.kind != "U":
        raise ModelFileError(
            f"{name}: not an nntui model file (its '{DESCRIPTION_KEY}' entry is not text)"
        )
    try:
        description = json.loads(str(text))
    except json.JSONDecodeError as error:
        raise ModelFileError(f"{name}: the model description is not valid JSON ({error})") from None
    if not isinstance(description, dict) or description.get("format") != FORMAT:
        raise ModelFileError(f"{name}: not an nntui model file (no '{FORMAT}' format mark)")
    version = description.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"{name}: the model description has no valid format_version")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{name}: written by a newer nntui (model format {version}; "
            f"this version reads up to {FORMAT_VERSION})"
        )
    return description


def _reason(error: Exception) -> str:
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def _plain_json_value(value: Any) -> Any:
    """Let NumPy scalars and arrays in the metadata become JSON numbers and lists."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON-serialisable")


def _write_atomically(target: Path, data: bytes) -> None:
    # The same temp-file-and-rename as nntui.atomic, which the engine may not
    # import (it depends on nothing outside nntui.nn).
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
