"""Checkpoints: everything a training run needs to go on exactly where it stopped.

Training ``100`` epochs in one go, or ``60`` then another ``40`` from a
checkpoint, gives the same parameters bit for bit: a checkpoint holds

- the parameters ``θ`` (one flat vector),
- the shuffling generator's state (the next epoch draws the same order),
- the optimizer's state (momentum velocity; Adam's moments and step count),
- the schedule's position (its ``η₀`` and the next epoch's rate, a plateau's watch),
- early stopping's watch (best value and epoch, epochs without improvement,
  the best weights kept for restoring),
- the number of epochs done (``train(initial_epoch=…)`` numbers on from there).

Each part comes from the engine's own ``state`` / ``load_state``; this module
only gathers them (:func:`capture`), puts them back (:func:`restore`) and
keeps them in one ``.npz`` file (arrays as arrays, the rest as JSON), written
atomically. :class:`CheckpointAtEnd` takes one when ``train`` ends — before a
later callback (early stopping) puts the best weights back, so a continued run
follows the same path as one that never stopped.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nntui.files import atomic_write_bytes
from nntui.nn.arrays import FloatArray
from nntui.nn.callbacks import Callback
from nntui.nn.early_stopping import EarlyStopping
from nntui.nn.optimizers import Optimizer
from nntui.nn.schedules import LearningRateSchedule

if TYPE_CHECKING:
    from nntui.nn.network import NeuralNetwork

FORMAT = "nntui-checkpoint"
VERSION = 1
_PARTS = ("optimizer", "schedule", "early_stopping")


class CheckpointError(ValueError):
    """A checkpoint cannot be read or does not fit the network; the message names the file."""


@dataclass
class Checkpoint:
    """The state of a training run after ``epoch`` epochs (every array a copy).

    Attributes:
        epoch: epochs done.
        parameters: ``θ``.
        rng_state: the shuffling generator's state (``network.rng_state``).
        optimizer: ``optimizer.state``.
        schedule: ``schedule.state``, or None.
        early_stopping: ``early_stopping.state``, or None.
    """

    epoch: int
    parameters: FloatArray
    rng_state: dict[str, Any]
    optimizer: dict[str, Any]
    schedule: dict[str, Any] | None = None
    early_stopping: dict[str, Any] | None = None


def capture(
    network: NeuralNetwork,
    *,
    epoch: int,
    optimizer: Optimizer,
    schedule: LearningRateSchedule | None = None,
    early_stopping: EarlyStopping | None = None,
) -> Checkpoint:
    """The run's state now (between epochs or once ``train`` ended)."""
    return Checkpoint(
        epoch=int(epoch),
        parameters=np.array(network.parameters, copy=True),
        rng_state=_json_ready(network.rng_state),
        optimizer=optimizer.state,
        schedule=None if schedule is None else schedule.state,
        early_stopping=None if early_stopping is None else early_stopping.state,
    )


def restore(
    checkpoint: Checkpoint,
    network: NeuralNetwork,
    *,
    optimizer: Optimizer,
    schedule: LearningRateSchedule | None = None,
    early_stopping: EarlyStopping | None = None,
) -> None:
    """Put the state back into a freshly built network of the same shape and its training parts.

    Then train with ``initial_epoch=checkpoint.epoch``, the config's ``η₀``
    and these very objects: they continue instead of starting afresh.

    Raises:
        CheckpointError: the checkpoint does not fit this network or these parts.
    """
    if checkpoint.parameters.shape != network.parameters.shape:
        raise CheckpointError(
            f"the checkpoint holds {checkpoint.parameters.size} parameters, "
            f"the network has {network.parameters.size}"
        )
    try:
        np.copyto(network.parameters, checkpoint.parameters.astype(network.dtype, copy=False))
        network.rng_state = checkpoint.rng_state
        optimizer.load_state(checkpoint.optimizer)
        if schedule is not None and checkpoint.schedule is not None:
            schedule.load_state(checkpoint.schedule)
        if early_stopping is not None and checkpoint.early_stopping is not None:
            early_stopping.load_state(checkpoint.early_stopping)
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"the checkpoint does not fit this run: {error}") from None


class CheckpointAtEnd(Callback):
    """Takes a checkpoint when training ends; put it before early stopping in the callbacks.

    Args:
        take: returns the checkpoint (called in ``on_train_end``).

    Attributes:
        checkpoint: the one taken, or None before the end.
    """

    def __init__(self, take: Callable[[], Checkpoint]) -> None:
        self._take = take
        self.checkpoint: Checkpoint | None = None

    def on_train_end(self, network: NeuralNetwork) -> None:
        """Take the checkpoint (the weights are still the last epoch's)."""
        self.checkpoint = self._take()


def _json_ready(value: Any) -> Any:
    """A generator state as plain JSON values (NumPy integers become ints)."""
    if isinstance(value, Mapping):
        return {str(key): _json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


# -- the file ---------------------------------------------------------------------


def save_checkpoint(path: str | os.PathLike[str], checkpoint: Checkpoint) -> Path:
    """Write ``checkpoint`` to one ``.npz`` file, atomically (an old one stays whole until then).

    Raises:
        OSError: the file cannot be written.
    """
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "epoch": checkpoint.epoch,
        "rng_state": checkpoint.rng_state,
    }
    contents: dict[str, Any] = {"parameters": checkpoint.parameters}
    for part in _PARTS:
        state = getattr(checkpoint, part)
        if state is None:
            header[part] = None
            continue
        header[part] = {k: _json_ready(v) for k, v in state.items() if not _is_array(v)}
        contents.update({f"{part}.{k}": v for k, v in state.items() if _is_array(v)})
    contents["header"] = np.array(json.dumps(header))
    buffer = io.BytesIO()
    np.savez(buffer, **contents)
    return atomic_write_bytes(path, buffer.getvalue())


def load_checkpoint(path: str | os.PathLike[str]) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint`.

    Raises:
        CheckpointError: the file is missing, damaged or not a checkpoint (named).
    """
    name = os.fspath(path)
    try:
        with np.load(name, allow_pickle=False) as data:
            header = json.loads(str(data["header"]))
            arrays = {key: np.array(data[key]) for key in data.files if key != "header"}
    except FileNotFoundError:
        raise CheckpointError(f"{name}: no checkpoint file") from None
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise CheckpointError(f"{name}: damaged checkpoint: {error}") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CheckpointError(f"{name}: not an nntui checkpoint")
    try:
        parts = {part: _merge(part, header[part], arrays) for part in _PARTS}
        return Checkpoint(
            epoch=int(header["epoch"]),
            parameters=arrays["parameters"],
            rng_state=dict(header["rng_state"]),
            optimizer=parts["optimizer"] or {},
            schedule=parts["schedule"],
            early_stopping=parts["early_stopping"],
        )
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"{name}: damaged checkpoint: missing or bad {error}") from None


def _merge(
    part: str, values: dict[str, Any] | None, arrays: Mapping[str, np.ndarray]
) -> dict[str, Any] | None:
    if values is None:
        return None
    prefix = f"{part}."
    found = {key[len(prefix) :]: value for key, value in arrays.items() if key.startswith(prefix)}
    return {**dict(values), **found}


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray)
