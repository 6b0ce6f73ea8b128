"""Writing files safely: atomic writes, output-path checks and free names (standard library only).

Every file nntui writes (results, configs, exports, predictions, model files)
goes through :func:`atomic_write_bytes` or :func:`atomic_write_text`, and the
paths named on the command line for writing are checked together first with
:func:`output_problems`, so a typo does not cost a whole run and no output
replaces an input or another output.

An atomic write puts the new content in a temporary file in the target's
folder, flushes it to disk (``fsync``) and renames it over the target with
``os.replace``. A reader therefore sees the old file or the new one, never
half of one, and a failed write leaves the old file as it was. A symlink is
followed: the file it points to is replaced and the link stays a link.

The new file gets the permissions an ordinary ``open(path, "w")`` would give
it: ``0o666`` minus the umask for a new file, the existing file's mode for a
replaced one. A read-only file, a folder, a device, a FIFO or a socket is
never replaced.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "STDOUT",
    "InputFile",
    "OutputTarget",
    "atomic_write_bytes",
    "atomic_write_text",
    "create_output_folders",
    "next_free_path",
    "output_path_problem",
    "output_problems",
    "same_file",
]

STDOUT = "-"
"""The path that means standard output for a streamed output (``--metrics-jsonl -``)."""
_NEW_FILE_MODE = 0o666
"""Mode asked for a new file; the kernel removes the umask's bits, as for ``open()``."""
_KINDS = {
    stat.S_ISFIFO: "a FIFO (named pipe)",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
}


@dataclass(frozen=True)
class OutputTarget:
    """A file the command will write, and the option that named it.

    Attributes:
        flag: the option, for messages (``--output``, ``--save-model``).
        path: the path as given.
        streamed: written as it goes rather than replaced atomically
            (``--metrics-jsonl``): ``-`` (stdout), a FIFO or a character
            device such as ``/dev/null`` is fine.
    """

    flag: str
    path: str | os.PathLike[str]
    streamed: bool = False


@dataclass(frozen=True)
class InputFile:
    """A file the command reads, which no output may replace.

    Attributes:
        label: how messages name it (``--config``, ``data.path``, ``--model``).
        path: the path as given.
    """

    label: str
    path: str | os.PathLike[str]


def atomic_write_text(
    path: str | os.PathLike[str],
    text: str,
    encoding: str = "utf-8",
    *,
    make_parents: bool = True,
    overwrite: bool = True,
) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write_bytes`).

    Args:
        path: The destination file (a symlink is followed).
        text: The full new content.
        encoding: The text encoding.
        make_parents: Create missing parent folders.
        overwrite: Replace an existing file; ``False`` raises ``FileExistsError`` instead.

    Returns:
        The destination as a ``Path`` (as given).

    Raises:
        OSError: The file cannot be written; an existing file is left as it was.
    """
    data = text.encode(encoding)
    return atomic_write_bytes(path, data, make_parents=make_parents, overwrite=overwrite)


def atomic_write_bytes(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    make_parents: bool = True,
    overwrite: bool = True,
) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename).

    A new file gets mode ``0o666`` minus the umask; a replaced file keeps its
    mode. A symlink is followed: its target is replaced, the link stays.

    Args:
        path: The destination file.
        data: The full new content.
        make_parents: Create missing parent folders (the command line creates
            them beforehand with :func:`create_output_folders`, which says so).
        overwrite: Replace an existing file; ``False`` never replaces one (the
            new file is linked into place, which fails if the name is taken).

    Returns:
        The destination as a ``Path`` (as given, not the symlink's target).

    Raises:
        FileExistsError: ``overwrite`` is ``False`` and the file exists.
        OSError: The file cannot be written (also: the target is a folder, a
            device, a FIFO or read-only); an existing file is left as it was.
    """
    given = Path(path)
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    _refuse_unsafe_target(target, overwrite=overwrite)
    if make_parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = _create_temporary(target)
    try:
        _keep_existing_mode(temporary, target)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _move_into_place(temporary, target, overwrite=overwrite)
    finally:
        temporary.unlink(missing_ok=True)
    _sync_folder(target.parent)
    return given


def output_path_problem(
    path: str | os.PathLike[str], flag: str = "--output", *, streamed: bool = False
) -> str | None:
    """Why a file could not be written at ``path``, or ``None`` when it can.

    Checked before training or predicting so a typo does not cost a whole run.
    Missing folders are fine (they are created) as long as the nearest existing
    one is a writable folder.

    Args:
        path: The file to be written.
        flag: The option that named it, for the message (``--output``, ``--save-model``).
        streamed: The output is written as it goes (see :class:`OutputTarget`).

    Returns:
        A message like ``"--output out/r.json: is a folder, expected a file path"``, or ``None``.
    """
    text = os.fspath(path)
    shown = f"{flag} {text}"
    if text == "":
        return f"{flag}: the path is empty; give a file path"
    if "\0" in text:
        return f"{flag} {text!r}: the path contains a NUL byte"
    if streamed and text == STDOUT:
        return None
    if text.endswith(("/", os.sep)):
        return f"{shown}: ends in '/', so it names a folder; expected a file path"
    try:
        info = os.stat(text)
    except (FileNotFoundError, NotADirectoryError):
        return _new_file_problem(Path(os.path.realpath(text)), shown)
    except OSError as error:
        return f"{shown}: {_reason(error)}"
    if stat.S_ISDIR(info.st_mode):
        return f"{shown}: is a folder, expected a file path"
    if not stat.S_ISREG(info.st_mode):
        return _special_file_problem(text, info.st_mode, shown, streamed=streamed)
    if not os.access(text, os.W_OK):
        return f"{shown}: the file is read-only; nntui does not replace it"
    folder = Path(os.path.realpath(text)).parent
    if not streamed and not os.access(folder, os.W_OK | os.X_OK):
        return f"{shown}: folder {folder} is not writable (needed to replace the file atomically)"
    return None


def output_problems(outputs: Sequence[OutputTarget], inputs: Sequence[InputFile] = ()) -> list[str]:
    """Every reason the ``outputs`` cannot be written as asked, one message each.

    Each output is checked with :func:`output_path_problem`; then an output
    that is the same file as an input (``--config``, ``data.path``, the model
    being read) or as an earlier output is refused. Same file means the same
    file on disk (symlinks and hard links followed) or, for a file not yet
    there, the same resolved path.

    Args:
        outputs: the files to be written, in the order the messages should follow.
        inputs: the files read by the command.

    Returns:
        The messages (empty when every output can be written).
    """
    problems: list[str] = []
    seen: list[OutputTarget] = []
    for output in outputs:
        problem = output_path_problem(output.path, output.flag, streamed=output.streamed)
        if problem is None:
            problem = _clash(output, inputs, seen)
        if problem is not None:
            problems.append(problem)
        seen.append(output)
    return problems


def _clash(
    output: OutputTarget, inputs: Sequence[InputFile], seen: Sequence[OutputTarget]
) -> str | None:
    """Why ``output`` would overwrite an input or an earlier output, or ``None``."""
    if os.fspath(output.path) == STDOUT:
        return None
    shown = f"{output.flag} {os.fspath(output.path)}"
    for source in inputs:
        if os.fspath(source.path) not in ("", STDOUT) and same_file(output.path, source.path):
            return (
                f"{shown}: is the same file as {source.label} {os.fspath(source.path)}, "
                "an input; writing it would destroy it: choose another path"
            )
    for other in seen:
        if os.fspath(other.path) != STDOUT and same_file(output.path, other.path):
            return (
                f"{shown}: is the same file as {other.flag} {os.fspath(other.path)}; "
                "give each output its own path"
            )
    return None


def same_file(first: str | os.PathLike[str], second: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same file (following symlinks; hard links count).

    Two paths that do not exist yet are the same when they resolve to the same path.
    """
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):
        pass
    try:
        return os.path.normcase(os.path.realpath(first)) == os.path.normcase(
            os.path.realpath(second)
        )
    except (OSError, ValueError):
        return False


def create_output_folders(outputs: Sequence[OutputTarget]) -> list[str]:
    """Create the missing folders of the outputs the user named; say which.

    Args:
        outputs: checked outputs (see :func:`output_problems`).

    Returns:
        One line per folder created, e.g. ``"created folder out/ for --output"``.

    Raises:
        OSError: a folder cannot be created (the message names the option and path).
    """
    notes: list[str] = []
    for output in outputs:
        text = os.fspath(output.path)
        if text == STDOUT and output.streamed:
            continue
        folder = Path(os.path.realpath(text)).parent
        if folder.is_dir():
            continue
        shown = os.path.dirname(text) or str(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            message = f"{output.flag} {text}: cannot create folder {shown}: {_reason(error)}"
            raise OSError(error.errno, message) from None
        notes.append(f"created folder {shown.rstrip('/' + os.sep)}/ for {output.flag}")
    return notes


def next_free_path(path: str | os.PathLike[str], *, limit: int = 10_000) -> Path:
    """``path`` if nothing is there, else the first free ``<stem>-N<suffix>`` (N = 2, 3, …).

    For generated names, which must never replace an earlier file:
    ``nntui-run-3-model.npz`` → ``nntui-run-3-model-2.npz`` → ``…-3.npz``. A
    broken symlink counts as taken. Pair it with ``overwrite=False`` on the
    write to be safe against another program taking the name in between.

    Args:
        path: the preferred name.
        limit: the largest N tried.

    Returns:
        A path where nothing exists (yet).

    Raises:
        FileExistsError: every name up to ``limit`` is taken.
    """
    preferred = Path(path)
    if not os.path.lexists(preferred):
        return preferred
    suffix = "".join(preferred.suffixes[-1:])
    stem = preferred.name[: len(preferred.name) - len(suffix)] if suffix else preferred.name
    for number in range(2, limit + 1):
        candidate = preferred.with_name(f"{stem}-{number}{suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise FileExistsError(errno.EEXIST, f"no free name like {preferred} (tried up to -{limit})")


def _new_file_problem(target: Path, shown: str) -> str | None:
    """Why a file that does not exist yet could not be created at ``target``."""
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return f"{shown}: {parent} is not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"{shown}: folder {parent} is not writable"
    return None


def _special_file_problem(text: str, mode: int, shown: str, *, streamed: bool) -> str | None:
    """Why a device, FIFO or socket cannot be the output (``None``: a stream may write it)."""
    kind = next((name for test, name in _KINDS.items() if test(mode)), "not a regular file")
    if streamed and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        return None if os.access(text, os.W_OK) else f"{shown}: {kind} that is not writable"
    return (
        f"{shown}: is {kind}, not a regular file; nntui replaces this output atomically "
        "(temporary file + rename), so give a regular file or a new path"
    )


def _refuse_unsafe_target(target: Path, *, overwrite: bool) -> None:
    """Raise when ``target`` exists and must not be replaced."""
    try:
        info = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        return
    if not overwrite:
        raise FileExistsError(errno.EEXIST, "the file exists", str(target))
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(target))
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "not a regular file; it is never replaced", str(target))
    if not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only", str(target))


def _move_into_place(temporary: Path, target: Path, *, overwrite: bool) -> None:
    """Rename ``temporary`` to ``target``; without ``overwrite``, never replace a file there."""
    if overwrite:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # fails with FileExistsError if the name was taken
    except FileExistsError:
        raise
    except OSError:  # no hard links here (FAT, some network shares): check, then rename
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "the file exists", str(target)) from None
        os.replace(temporary, target)


def _create_temporary(target: Path) -> tuple[int, Path]:
    """Create a new hidden temporary file beside ``target``; return its descriptor and path.

    Opened with mode ``0o666`` so the kernel applies the umask exactly as it
    would for a plain ``open()`` (``tempfile.mkstemp`` would give ``0o600``).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(temporary, flags, _NEW_FILE_MODE), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, f"no free temporary file name beside {target}")


def _keep_existing_mode(temporary: Path, target: Path) -> None:
    """Give the temporary file the mode of the file it will replace, if there is one."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return
    os.chmod(temporary, mode)


def _sync_folder(folder: Path) -> None:
    """Flush the folder entry of the rename to disk, where the system allows it (POSIX)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reason(error: OSError) -> str:
    """An OSError's reason without its repr noise (``No such file or directory``)."""
    return error.strerror or str(error)
