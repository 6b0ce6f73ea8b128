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

Reading never unpickles anything (object arrays are refused from their
header): a model file is data, not code. Reading is bounded: the description
is at most :data:`MAX_DESCRIPTION_CHARS` characters of JSON nested at most
:data:`MAX_JSON_DEPTH` deep, the network it describes at most
:data:`MAX_PARAMETERS` parameters, and every array's shape and dtype (from its
``.npy`` header) must match the description before its data is read; nothing
is allocated for a file that fails these checks. Every problem with a file —
missing, not a zip, cut short, another program's archive, a newer format —
raises :class:`ModelFileError` with a message that names the file. Writing
is atomic: the archive is written to a temporary file in the same folder and
then renamed over the target, so the target holds either the old model or the
new one, never half of one.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np

from nntui.files import atomic_write_bytes

FORMAT = "nntui-model"
FORMAT_VERSION = 1
DESCRIPTION_KEY = "model"
"""The archive entry holding the JSON description."""
DTYPES = ("float32", "float64")
"""The parameter dtypes a model file may have."""
MAX_DESCRIPTION_CHARS = 1_000_000
"""The longest JSON description read (feature and class names, normalisation)."""
MAX_JSON_DEPTH = 32
"""The deepest nesting of lists and objects accepted in the description."""
MAX_LAYERS = 1_000
"""The most layers (including the input) a model file may describe."""
MAX_PARAMETERS = 50_000_000
"""The most parameters a model file may describe (400 MB in float64); checked before
any allocation. A bound on the file alone: the caller may pass a memory-based one."""
_TOO_DEEP = object()
_HEADER_SLACK = 65_536
"""Room for a ``.npy`` header beside an array's data."""


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
    entries: dict[str, Any] = {DESCRIPTION_KEY: np.array(text), **arrays}
    np.savez(buffer, *(), **entries)
    return atomic_write_bytes(path, buffer.getvalue())


def read_model_file(
    path: str | os.PathLike[str], *, max_parameters: int = MAX_PARAMETERS
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read a file written by :func:`write_model_file`, checking it before any allocation.

    The description is read first (at most :data:`MAX_DESCRIPTION_CHARS`
    characters of JSON, nested at most :data:`MAX_JSON_DEPTH` deep); its
    ``layer_sizes`` and ``dtype`` decide which arrays must be there and their
    exact shapes. A network of more than ``max_parameters`` parameters is
    refused before anything is allocated, and every array's header (shape and
    dtype) is checked against the description before its data is read, so a
    small hostile file cannot make nntui allocate gigabytes.

    Args:
        path: the model file.
        max_parameters: the largest parameter count accepted.

    Returns:
        ``(description, arrays)``: the parsed JSON description (its format
        checked) and the parameter arrays it describes (``dense_1.weights``,
        ``dense_1.biases``, ...), loaded into memory.

    Raises:
        ModelFileError: the file is missing, a folder, not an ``.npz``
            archive, corrupt or truncated, has no model description, was
            written in a newer format, describes too large a network, or
            lacks an array the description needs or has one of the wrong
            shape or dtype.
    """
    name = str(path)
    archive = _open_archive(Path(path), name)
    try:
        with archive:
            members = {info.filename: info for info in archive.infolist()}
            entry = members.get(f"{DESCRIPTION_KEY}.npy")
            if entry is None:
                keys = [key.removesuffix(".npy") for key in members]
                shown = ", ".join(keys[:5]) + (", ..." if len(keys) > 5 else "")
                raise ModelFileError(
                    f"{name}: not an nntui model file (no '{DESCRIPTION_KEY}' entry; "
                    f"it holds: {shown or 'nothing'})"
                )
            description = _description(_read_description_text(archive, entry, name), name)
            expected = expected_arrays(description, name, max_parameters=max_parameters)
            arrays = {
                key: _read_array(archive, members.get(f"{key}.npy"), key, want, name)
                for key, want in expected.items()
            }
    except ModelFileError:
        raise
    except Exception as error:  # a member cut short, a bad checksum, a bad header...
        problem = _reason(error)
        raise ModelFileError(f"{name}: corrupt or truncated model file ({problem})") from None
    return description, arrays


def expected_arrays(
    description: Mapping[str, Any], name: str, *, max_parameters: int = MAX_PARAMETERS
) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """The arrays a description calls for: ``dense_i.weights``/``.biases`` -> (shape, dtype).

    Raises:
        ModelFileError: ``layer_sizes`` or ``dtype`` is invalid, or the network
            has more than ``max_parameters`` parameters.
    """
    sizes = description.get("layer_sizes")
    if (
        not isinstance(sizes, list)
        or not 2 <= len(sizes) <= MAX_LAYERS
        or not all(isinstance(size, int) and not isinstance(size, bool) for size in sizes)
        or min(sizes) < 1
    ):
        raise ModelFileError(
            f"{name}: invalid model description: layer_sizes must be a list of 2 to "
            f"{MAX_LAYERS} positive integers, got {_excerpt(sizes)}"
        )
    dtype_name = description.get("dtype")
    if dtype_name not in DTYPES:
        raise ModelFileError(
            f"{name}: invalid model description: dtype must be one of {', '.join(DTYPES)}, "
            f"got {_excerpt(dtype_name)}"
        )
    dtype = np.dtype(str(dtype_name))
    count = sum(fan_in * fan_out + fan_out for fan_in, fan_out in itertools.pairwise(sizes))
    if count > max_parameters:
        gib = count * dtype.itemsize / 2**30
        raise ModelFileError(
            f"{name}: the model describes {count:,} parameters ({gib:,.1f} GiB), more than "
            f"the {max_parameters:,} a model file may have; refused before allocating"
        )
    expected: dict[str, tuple[tuple[int, ...], np.dtype]] = {}
    for index, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        expected[f"dense_{index}.weights"] = ((fan_in, fan_out), dtype)
        expected[f"dense_{index}.biases"] = ((fan_out,), dtype)
    return expected


def _open_archive(file: Path, name: str) -> zipfile.ZipFile:
    """The model file as a zip archive, after checking it is one."""
    if not file.exists():
        raise ModelFileError(f"model file not found: {name}")
    if file.is_dir():
        raise ModelFileError(f"{name}: is a folder, not a model file")
    try:
        with file.open("rb") as handle:
            magic = handle.read(4)
    except OSError as error:
        raise ModelFileError(f"{name}: cannot read the model file ({_reason(error)})") from None
    if magic == b"\x93NUM":
        raise ModelFileError(f"{name}: not a model file (one NumPy array, not an .npz archive)")
    if magic != b"PK\x03\x04":
        raise ModelFileError(
            f"{name}: not a readable model file (not an .npz archive; nntui saves models as .npz)"
        )
    try:
        return zipfile.ZipFile(file)
    except Exception as error:  # any failure to parse untrusted bytes: not a model file
        raise ModelFileError(f"{name}: not a readable model file ({_reason(error)})") from None


def _read_description_text(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str) -> str:
    """The JSON text of the description entry, read only if it is small enough."""
    limit = MAX_DESCRIPTION_CHARS * 4 + _HEADER_SLACK  # UTF-32 text plus the .npy header
    if entry.file_size > limit:
        raise ModelFileError(
            f"{name}: the model description is {entry.file_size:,} bytes; "
            f"at most {MAX_DESCRIPTION_CHARS:,} characters are read"
        )
    with archive.open(entry) as member:
        shape, dtype = _array_header(member)
        if shape != () or dtype.kind != "U":
            raise ModelFileError(
                f"{name}: not an nntui model file (its '{DESCRIPTION_KEY}' entry is not text)"
            )
        if dtype.itemsize > MAX_DESCRIPTION_CHARS * 4:
            raise ModelFileError(
                f"{name}: the model description is {dtype.itemsize // 4:,} characters; "
                f"at most {MAX_DESCRIPTION_CHARS:,} characters are read"
            )
        data = member.read(dtype.itemsize + 1)
    if len(data) != dtype.itemsize:
        raise ModelFileError(f"{name}: corrupt or truncated model file (the description)")
    return str(np.frombuffer(data, dtype=dtype)[0])


def _read_array(
    archive: zipfile.ZipFile,
    entry: zipfile.ZipInfo | None,
    key: str,
    want: tuple[tuple[int, ...], np.dtype],
    name: str,
) -> np.ndarray:
    """Read one parameter array, checking its header against ``want`` before its data."""
    shape, dtype = want
    if entry is None:
        raise ModelFileError(f"{name}: the model file has no '{key}' array")
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    with archive.open(entry) as member:
        found_shape, found_dtype = _array_header(member, allow_fortran=True)
        if found_shape != shape or found_dtype != dtype:
            shown = found_dtype.name if found_dtype.kind in "biufc" else str(found_dtype)
            raise ModelFileError(
                f"{name}: '{key}' is {shown} {found_shape}, but the described "
                f"network needs {dtype.name} {shape}"
            )
        if entry.file_size > nbytes + _HEADER_SLACK:
            raise ModelFileError(f"{name}: '{key}' holds more data than its shape {shape}")
        data = member.read(nbytes + 1)
    if len(data) != nbytes:
        raise ModelFileError(f"{name}: corrupt or truncated model file ('{key}' is cut short)")
    array: np.ndarray = np.frombuffer(data, dtype=dtype).reshape(shape).copy()
    return array


def _array_header(
    member: IO[bytes], *, allow_fortran: bool = False
) -> tuple[tuple[int, ...], np.dtype]:
    """The shape and dtype in a ``.npy`` header (never an object dtype: no pickles)."""
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
    else:
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(member)
    if dtype.hasobject:
        raise ValueError("an object array (a pickle) is never loaded")
    if fortran and len(shape) > 1 and not allow_fortran:
        raise ValueError("unexpected Fortran-ordered array")
    return tuple(int(size) for size in shape), dtype


def _description(text: str, name: str) -> dict[str, Any]:
    """The parsed description, its format mark and version checked."""
    try:
        description = json.loads(text)
    except json.JSONDecodeError as error:
        raise ModelFileError(f"{name}: the model description is not valid JSON ({error})") from None
    except RecursionError:
        description = _TOO_DEEP
    if description is _TOO_DEEP or _depth(description) > MAX_JSON_DEPTH:
        raise ModelFileError(
            f"{name}: the model description is nested more than {MAX_JSON_DEPTH} levels deep"
        )
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


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in a parsed JSON value (walked without recursion)."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return deepest


def _excerpt(value: Any, limit: int = 80) -> str:
    """A bad value for a message, cut to ``limit`` characters (never walks a huge value)."""
    if isinstance(value, list | dict) and len(value) > 20:
        return f"a {type(value).__name__} of {len(value):,} items"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain_json_value(value: Any) -> Any:
    """Let NumPy scalars and arrays in the metadata become JSON numbers and lists."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON-serialisable")
