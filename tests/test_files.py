"""nntui.files: atomic writes keep modes and never leave half a file; output paths are checked;
outputs never replace an input or each other; generated names never replace a file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

import nntui.files
from nntui.files import (
    InputFile,
    OutputTarget,
    atomic_write_bytes,
    atomic_write_text,
    create_output_folders,
    next_free_path,
    output_path_problem,
    output_problems,
    same_file,
)

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX files (links, FIFOs, modes)")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_new_file_gets_0o666_minus_the_umask(tmp_path: Path, umask_022: None) -> None:
    target = atomic_write_text(tmp_path / "results.json", "{}")
    assert target.read_text() == "{}"
    assert mode(target) == 0o644


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "config.yaml"
    target.write_text("old")
    target.chmod(0o600)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert mode(target) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "results.json"
    target.write_text("old")

    def failing_replace(source: str, destination: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(nntui.files.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["results.json"]


def test_output_path_problems_are_named(tmp_path: Path) -> None:
    assert output_path_problem(tmp_path / "missing" / "r.json") is None
    assert output_path_problem(tmp_path, "--save-model") == (
        f"--save-model {tmp_path}: is a folder, expected a file path"
    )
    blocker = tmp_path / "file"
    blocker.write_text("")
    problem = output_path_problem(blocker / "r.json")
    assert problem is not None and problem.startswith(f"--output {blocker / 'r.json'}: ")


# -- atomic writes: symlinks, special files, read-only files, no-clobber ---------------------


@posix_only
def test_a_symlink_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert atomic_write_text(link, "new") == link
    assert link.is_symlink()
    assert real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


@posix_only
def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "target.json")
    atomic_write_text(link, "x")
    assert link.is_symlink()
    assert (tmp_path / "target.json").read_text() == "x"


@posix_only
def test_a_fifo_a_folder_and_a_read_only_file_are_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        atomic_write_text(fifo, "x")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    with pytest.raises(IsADirectoryError):
        atomic_write_text(tmp_path, "x")
    locked = tmp_path / "locked.json"
    locked.write_text("keep")
    locked.chmod(0o444)
    if os.access(locked, os.W_OK):
        pytest.skip("running as a user who can write read-only files (root)")
    with pytest.raises(PermissionError):
        atomic_write_text(locked, "x")
    assert locked.read_text() == "keep"


def test_without_overwrite_an_existing_file_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "model.npz"
    target.write_text("first")
    with pytest.raises(FileExistsError):
        atomic_write_text(target, "second", overwrite=False)
    assert target.read_text() == "first"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model.npz"]
    atomic_write_text(tmp_path / "new.npz", "third", overwrite=False)
    assert (tmp_path / "new.npz").read_text() == "third"


def test_without_make_parents_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write_text(tmp_path / "missing" / "r.json", "x", make_parents=False)
    assert not (tmp_path / "missing").exists()


# -- output_path_problem ------------------------------------------------------------------


def test_an_empty_path_a_nul_byte_and_a_trailing_slash_are_named(tmp_path: Path) -> None:
    assert output_path_problem("", "--output") == "--output: the path is empty; give a file path"
    assert "contains a NUL byte" in str(output_path_problem("a\0b", "--output"))
    problem = output_path_problem(f"{tmp_path}/new/", "--save-model")
    assert problem == f"--save-model {tmp_path}/new/: ends in '/', so it names a folder; " + (
        "expected a file path"
    )


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_is_refused_for_an_atomic_output_and_fine_for_a_stream() -> None:
    problem = output_path_problem("/dev/null", "--output")
    assert problem is not None
    assert problem.startswith("--output /dev/null: is a character device, not a regular file")
    assert output_path_problem("/dev/null", "--metrics-jsonl", streamed=True) is None
    assert output_path_problem("-", "--metrics-jsonl", streamed=True) is None


@posix_only
def test_a_fifo_is_fine_only_for_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "follow"
    os.mkfifo(fifo)
    assert "is a FIFO (named pipe)" in str(output_path_problem(fifo, "--output"))
    assert output_path_problem(fifo, "--metrics-jsonl", streamed=True) is None


@posix_only
def test_a_read_only_file_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "r.json"
    locked.write_text("{}")
    locked.chmod(0o444)
    if os.access(locked, os.W_OK):
        pytest.skip("running as a user who can write read-only files (root)")
    assert output_path_problem(locked) == f"--output {locked}: the file is read-only; " + (
        "nntui does not replace it"
    )


# -- outputs against inputs and each other ----------------------------------------------------


def test_an_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("{}")
    problems = output_problems(
        [OutputTarget("--output", tmp_path / "." / "config.yaml")],
        [InputFile("--config", config)],
    )
    assert problems == [
        f"--output {tmp_path / '.' / 'config.yaml'}: is the same file as --config {config}, "
        "an input; writing it would destroy it: choose another path"
    ]


@posix_only
def test_links_to_an_input_are_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data.csv"
    data.write_text("a,b\n")
    (tmp_path / "soft.csv").symlink_to(data)
    os.link(data, tmp_path / "hard.csv")
    inputs = [InputFile("data.path", "data.csv")]
    for name in ("soft.csv", "hard.csv"):
        problems = output_problems([OutputTarget("--output", tmp_path / name)], inputs)
        assert len(problems) == 1 and "data.path data.csv" in problems[0], name


def test_two_outputs_at_one_path_are_refused_even_before_it_exists(tmp_path: Path) -> None:
    targets = [
        OutputTarget("--output", tmp_path / "out" / "r.json"),
        OutputTarget("--save-model", tmp_path / "out" / ".." / "out" / "r.json"),
        OutputTarget("--metrics-jsonl", "-", streamed=True),
    ]
    problems = output_problems(targets)
    assert len(problems) == 1
    assert problems[0].startswith("--save-model ")
    assert problems[0].endswith(
        "is the same file as --output "
        + str(tmp_path / "out" / "r.json")
        + "; give each output its own path"
    )


def test_same_file_compares_resolved_paths_of_new_files(tmp_path: Path) -> None:
    assert same_file(tmp_path / "a" / "x", tmp_path / "a" / "." / "x")
    assert not same_file(tmp_path / "x", tmp_path / "y")


def test_missing_folders_are_created_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    targets = [
        OutputTarget("--output", "out/deep/r.json"),
        OutputTarget("--save-model", "m.npz"),
        OutputTarget("--metrics-jsonl", "-", streamed=True),
    ]
    assert create_output_folders(targets) == ["created folder out/deep/ for --output"]
    assert (tmp_path / "out" / "deep").is_dir()
    assert create_output_folders(targets) == []


def test_a_folder_that_cannot_be_created_names_the_option(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(OSError, match=r"--output .*r\.json: cannot create folder"):
        create_output_folders([OutputTarget("--output", tmp_path / "file" / "sub" / "r.json")])


# -- generated names ------------------------------------------------------------------------------


def test_next_free_path_never_names_an_existing_file(tmp_path: Path) -> None:
    preferred = tmp_path / "nntui-run-3-model.npz"
    assert next_free_path(preferred) == preferred
    preferred.write_text("")
    assert next_free_path(preferred) == tmp_path / "nntui-run-3-model-2.npz"
    (tmp_path / "nntui-run-3-model-2.npz").write_text("")
    assert next_free_path(preferred) == tmp_path / "nntui-run-3-model-3.npz"
    plain = tmp_path / "notes"
    plain.write_text("")
    assert next_free_path(plain) == tmp_path / "notes-2"


@posix_only
def test_a_broken_symlink_counts_as_taken(tmp_path: Path) -> None:
    link = tmp_path / "run.csv"
    link.symlink_to(tmp_path / "gone")
    assert next_free_path(link) == tmp_path / "run-2.csv"


def test_next_free_path_gives_up_past_its_limit(tmp_path: Path) -> None:
    for name in ("x.json", "x-2.json", "x-3.json"):
        (tmp_path / name).write_text("")
    with pytest.raises(FileExistsError) as caught:
        next_free_path(tmp_path / "x.json", limit=3)
    assert caught.value.errno == errno.EEXIST
