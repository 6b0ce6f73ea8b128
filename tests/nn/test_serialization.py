"""Saved models: bit-identical round trips, atomic writes, and clear errors for bad files."""

from __future__ import annotations

import contextlib
import io
import json
import pickle
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from nntui.nn import serialization
from nntui.nn.network import NeuralNetwork
from nntui.nn.serialization import ModelFileError

METADATA = {
    "normalization": {"mean": [0.1, -2.5, 1e-300], "std": [1.0, 0.3333333333333333, 7.0]},
    "class_names": ["setosa", "versicolor", "virginica"],
    "feature_names": ["länge", "breite", "höhe"],
    "task": "classification",
    "nntui_version": "0.1.0",
    "nothing": None,
}


def trained(dtype: str = "float64") -> NeuralNetwork:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((60, 3))
    network = NeuralNetwork(
        [3, 7, 5, 3], ["relu", "tanh", "softmax"], weight_init="xavier", seed=5, dtype=dtype
    )
    network.train(x, (x[:, 0] > 0).astype(int) + (x[:, 1] > 0), 3, 0.1, 16)
    return network


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_loaded_network_predicts_bit_identically(tmp_path: Path, dtype: str) -> None:
    network = trained(dtype)
    path = network.save(tmp_path / "model.npz", metadata=METADATA)
    loaded = NeuralNetwork.load(path)

    x = np.random.default_rng(1).standard_normal((500, 3))
    expected, got = network.predict_proba(x), loaded.predict_proba(x)
    assert got.dtype == np.dtype(dtype)
    assert np.array_equal(got, expected)
    assert (loaded.layer_sizes, loaded.activations, loaded.loss) == (
        [3, 7, 5, 3],
        ["relu", "tanh", "softmax"],
        "cross_entropy",
    )
    assert (loaded.dtype, loaded.weight_init, loaded.seed) == (np.dtype(dtype), "xavier", 5)


def test_metadata_round_trips_exactly(tmp_path: Path) -> None:
    loaded = NeuralNetwork.load(trained().save(tmp_path / "m.npz", metadata=METADATA))
    assert loaded.metadata == METADATA


def test_numpy_values_in_metadata_become_plain_json(tmp_path: Path) -> None:
    metadata = {"mean": np.array([0.5, 1.5]), "count": np.int64(3), "ok": np.bool_(True)}
    loaded = NeuralNetwork.load(trained().save(tmp_path / "m.npz", metadata=metadata))
    assert loaded.metadata == {"mean": [0.5, 1.5], "count": 3, "ok": True}


def test_without_metadata_the_networks_own_is_saved(tmp_path: Path) -> None:
    network = trained()
    assert network.metadata == {}
    network.metadata = {"note": "kept"}
    assert NeuralNetwork.load(network.save(tmp_path / "m.npz")).metadata == {"note": "kept"}


def test_the_file_is_a_plain_npz_with_a_json_description(tmp_path: Path) -> None:
    path = trained().save(tmp_path / "m.npz", metadata={"task": "classification"})
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == [
            "dense_1.biases", "dense_1.weights", "dense_2.biases", "dense_2.weights",
            "dense_3.biases", "dense_3.weights", "model",
        ]  # fmt: skip
        description = json.loads(str(archive["model"]))
    assert description["format"] == "nntui-model"
    assert description["format_version"] == 1
    assert description["layer_sizes"] == [3, 7, 5, 3]
    assert description["dtype"] == "float64"
    assert description["metadata"] == {"task": "classification"}


def test_unserialisable_metadata_is_refused_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="model metadata cannot be saved as JSON"):
        trained().save(tmp_path / "m.npz", metadata={"bad": object()})
    with pytest.raises(ValueError, match="model metadata cannot be saved as JSON"):
        trained().save(tmp_path / "m.npz", metadata={"bad": float("nan")})
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ atomicity


def test_saving_leaves_no_temporary_file_and_creates_folders(tmp_path: Path) -> None:
    path = trained().save(tmp_path / "models" / "run1" / "m.npz")
    assert path == tmp_path / "models" / "run1" / "m.npz"
    assert [p.name for p in path.parent.iterdir()] == ["m.npz"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = trained().save(tmp_path / "m.npz", metadata={"version": "old"})
    old_bytes = path.read_bytes()

    def broken_replace(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(serialization.os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        trained().save(path, metadata={"version": "new"})
    assert path.read_bytes() == old_bytes
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


# --------------------------------------------------------------------- errors


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return trained().save(tmp_path / "good.npz", metadata=METADATA)


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def load_error(path: Path) -> str:
    with pytest.raises(ModelFileError) as error:
        NeuralNetwork.load(path)
    assert isinstance(error.value, ValueError)
    assert str(path) in str(error.value)
    return str(error.value)


def test_a_missing_file(tmp_path: Path) -> None:
    assert load_error(tmp_path / "nope.npz") == f"model file not found: {tmp_path / 'nope.npz'}"


def test_a_folder(tmp_path: Path) -> None:
    assert "is a folder" in load_error(tmp_path)


def test_random_bytes(tmp_path: Path) -> None:
    noise = np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    assert "not a readable model file" in load_error(write(tmp_path / "noise.npz", noise))


def test_an_empty_file(tmp_path: Path) -> None:
    assert "not a readable model file" in load_error(write(tmp_path / "empty.npz", b""))


def test_a_file_cut_in_half(saved: Path, tmp_path: Path) -> None:
    whole = saved.read_bytes()
    load_error(write(tmp_path / "half.npz", whole[: len(whole) // 2]))


def test_every_truncation_and_corruption_gives_a_model_file_error(
    saved: Path, tmp_path: Path
) -> None:
    whole = saved.read_bytes()
    rng = np.random.default_rng(0)
    for cut in np.linspace(1, len(whole) - 1, 40).astype(int):
        load_error(write(tmp_path / "cut.npz", whole[:cut]))
    for position in rng.integers(0, len(whole), 40):
        damaged = bytearray(whole)
        damaged[position] ^= 0xFF
        try:
            NeuralNetwork.load(write(tmp_path / "flip.npz", bytes(damaged)))
        except ModelFileError as error:  # a flipped byte in a weight may still load: fine
            assert "flip.npz" in str(error)


def test_a_foreign_npz(tmp_path: Path) -> None:
    path = tmp_path / "other.npz"
    np.savez(path, weights=np.ones(3), labels=np.arange(4))
    message = load_error(path)
    assert "not an nntui model file (no 'model' entry; it holds: weights, labels)" in message


def test_a_single_npy_array(tmp_path: Path) -> None:
    path = tmp_path / "array.npy"
    np.save(path, np.ones(3))
    assert "one NumPy array, not an .npz archive" in load_error(path)


def test_a_description_from_a_newer_format(saved: Path, tmp_path: Path) -> None:
    with np.load(saved) as archive:
        arrays = {key: archive[key] for key in archive.files}
    description = json.loads(str(arrays["model"]))
    description["format_version"] = 99
    arrays["model"] = np.array(json.dumps(description))
    np.savez(tmp_path / "future.npz", **arrays)
    assert "written by a newer nntui (model format 99" in load_error(tmp_path / "future.npz")


def test_arrays_that_do_not_fit_the_description(saved: Path, tmp_path: Path) -> None:
    with np.load(saved) as archive:
        arrays = {key: archive[key] for key in archive.files}
    arrays["dense_2.weights"] = arrays["dense_2.weights"][:, :4]
    np.savez(tmp_path / "misfit.npz", **arrays)
    assert (
        "'dense_2.weights' is float64 (7, 4), but the described network needs float64 (7, 5)"
        in (load_error(tmp_path / "misfit.npz"))
    )
    del arrays["dense_2.weights"]
    np.savez(tmp_path / "missing.npz", **arrays)
    assert "has no 'dense_2.weights' array" in load_error(tmp_path / "missing.npz")


def test_an_invalid_architecture_in_the_description(saved: Path, tmp_path: Path) -> None:
    with np.load(saved) as archive:
        arrays = {key: archive[key] for key in archive.files}
    description = json.loads(str(arrays["model"]))
    description["activations"] = ["relu", "tanh", "swish"]
    arrays["model"] = np.array(json.dumps(description))
    np.savez(tmp_path / "odd.npz", **arrays)
    assert "invalid model description: Unknown activation 'swish'" in load_error(
        tmp_path / "odd.npz"
    )


SPRUNG: list[str] = []


class _Trap:
    """Unpickling this would call ``_sprung``: proof that a pickle was loaded."""

    def __reduce__(self) -> tuple:
        return (_sprung, ("unpickled!",))


def _sprung(message: str) -> str:
    SPRUNG.append(message)
    return message


def test_pickled_content_is_never_unpickled(tmp_path: Path) -> None:
    object_array = np.empty(1, dtype=object)
    object_array[0] = _Trap()
    np.savez(tmp_path / "object.npz", model=object_array)  # an object array is a pickle
    write(tmp_path / "raw.pkl", pickle.dumps(_Trap()))

    load_error(tmp_path / "object.npz")
    load_error(tmp_path / "raw.pkl")
    assert SPRUNG == []


# -- bounded reading: nothing is allocated for a file that fails its checks ------------------

MIB = 2**20


def entries_of(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as archive:
        return {key: archive[key] for key in archive.files}


def description_of(path: Path) -> dict:
    return json.loads(str(entries_of(path)["model"]))


def npy_header_only(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    """A ``.npy`` member that claims ``shape`` but holds no data."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": descr, "fortran_order": False, "shape": shape}
    )
    return buffer.getvalue()


def rebuilt(
    path: Path,
    target: Path,
    *,
    description: dict | None = None,
    members: dict[str, bytes] | None = None,
) -> Path:
    """``path``'s archive with its description and some raw members replaced."""
    entries = entries_of(path)
    if description is not None:
        entries["model"] = np.array(json.dumps(description))
    buffer = io.BytesIO()
    np.savez(buffer, **entries)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source:
        originals = {info.filename: source.read(info) for info in source.infolist()}
    originals.update(members or {})
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in originals.items():
            archive.writestr(name, data)
    return target


def peak_allocation(load: Callable[[], object]) -> int:
    tracemalloc.start()
    with contextlib.suppress(ModelFileError):
        load()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_a_huge_described_network_is_refused_before_allocating(saved: Path, tmp_path: Path) -> None:
    description = description_of(saved)
    description["layer_sizes"] = [200_000, 200_000, 3]
    description["activations"] = ["relu", "softmax"]
    path = rebuilt(saved, tmp_path / "huge.npz", description=description)
    message = load_error(path)
    assert "the model describes 40,000,800,003 parameters (298.0 GiB)" in message
    assert "refused before allocating" in message
    assert peak_allocation(lambda: NeuralNetwork.load(path)) < 16 * MIB


def test_an_array_header_claiming_a_huge_shape_is_refused_before_reading(
    saved: Path, tmp_path: Path
) -> None:
    members = {"dense_1.weights.npy": npy_header_only((1_000_000, 1_000_000))}
    path = rebuilt(saved, tmp_path / "liar.npz", members=members)
    message = load_error(path)
    assert "'dense_1.weights' is float64 (1000000, 1000000), but the described network needs" in (
        message
    )
    assert peak_allocation(lambda: NeuralNetwork.load(path)) < 16 * MIB


def test_an_array_with_more_data_than_its_shape_is_refused(saved: Path, tmp_path: Path) -> None:
    weights = entries_of(saved)["dense_1.weights"]
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, weights)
    members = {"dense_1.weights.npy": buffer.getvalue() + bytes(MIB)}
    path = rebuilt(saved, tmp_path / "padded.npz", members=members)
    assert "'dense_1.weights' holds more data than its shape" in load_error(path)


def test_an_object_array_header_is_refused_unread(saved: Path, tmp_path: Path) -> None:
    members = {"dense_1.biases.npy": npy_header_only((5,), descr="|O")}
    assert "object array" in load_error(rebuilt(saved, tmp_path / "obj.npz", members=members))


def test_a_deeply_nested_description_is_refused(saved: Path, tmp_path: Path) -> None:
    description = description_of(saved)
    nested: object = []
    for _ in range(40):
        nested = [nested]
    description["metadata"] = {"deep": nested}
    path = rebuilt(saved, tmp_path / "deep.npz", description=description)
    assert "nested more than 32 levels deep" in load_error(path)
    text = json.dumps(description_of(saved))[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    raw = io.BytesIO()
    np.lib.format.write_array(raw, np.array(text))
    path = rebuilt(saved, tmp_path / "deeper.npz", members={"model.npy": raw.getvalue()})
    assert "nested more than 32 levels deep" in load_error(path)


def test_an_oversized_description_is_refused_unread(saved: Path, tmp_path: Path) -> None:
    description = description_of(saved)
    description["metadata"] = {"padding": "x" * (serialization.MAX_DESCRIPTION_CHARS + 10)}
    path = rebuilt(saved, tmp_path / "big.npz", description=description)
    assert "the model description is 1,000," in load_error(path)
    assert "characters; at most 1,000,000 characters are read" in load_error(path)


def test_invalid_layer_sizes_and_dtype_are_named(saved: Path, tmp_path: Path) -> None:
    for key, value, expected in (
        ("layer_sizes", [4, -1, 3], "layer_sizes must be a list of 2 to 1000 positive integers"),
        ("layer_sizes", list(range(1, 5000)), "got a list of 4,999 items"),
        ("dtype", "object", "dtype must be one of float32, float64, got 'object'"),
    ):
        description = description_of(saved)
        description[key] = value
        path = rebuilt(saved, tmp_path / "bad.npz", description=description)
        assert expected in load_error(path)


def test_a_lower_parameter_bound_can_be_passed(saved: Path) -> None:
    with pytest.raises(ModelFileError, match="more than the 10 a model file may have"):
        serialization.read_model_file(saved, max_parameters=10)
