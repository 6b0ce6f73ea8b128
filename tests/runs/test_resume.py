"""Continue exactly: 100 epochs in one go equal 60 epochs then a continued 40, bit for bit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from factories import make_config

from nntui.nn.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from nntui.training.events import EpochEnded, RunEvent
from nntui.training.runner import NetworkRunner, Resume

SETTINGS: dict[str, dict[str, Any]] = {
    "sgd": {"training.optimizer": "sgd"},
    "momentum": {"training.optimizer": "sgd", "training.momentum": 0.9, "training.nesterov": True},
    "adam_step": {
        "training.optimizer": "adam",
        "training.learning_rate": 0.01,
        "training.lr_schedule": "step",
        "training.lr_decay": 0.5,
        "training.lr_step_epochs": 7,
    },
    "adam_plateau_early_stopping": {
        "training.optimizer": "adam",
        "training.learning_rate": 0.01,
        "training.lr_schedule": "plateau",
        "training.lr_patience": 2,
        "training.early_stopping.enabled": True,
        "training.early_stopping.patience": 1000,
    },
}


def _config(name: str, epochs: int) -> Any:
    return make_config(
        {
            **SETTINGS[name],
            "training.epochs": epochs,
            "training.dtype": "float64",
            "data.n_samples": 90,
            "training.batch_size": 16,
        }
    )


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_continued_run_equals_one_run(name: str, tmp_path: Any) -> None:
    whole = NetworkRunner(_config(name, 100))
    whole.run()
    earlier: list[EpochEnded] = []
    first = NetworkRunner(_config(name, 60), on_event=_epochs_into(earlier))
    first.run()
    path = save_checkpoint(tmp_path / "checkpoint.npz", first.checkpoint())
    events: list[EpochEnded] = []
    second = NetworkRunner(
        _config(name, 100),
        on_event=_epochs_into(events),
        resume=Resume(load_checkpoint(path), tuple(earlier)),
    )
    second.run()
    assert whole.network is not None and second.network is not None
    np.testing.assert_array_equal(second.network.parameters, whole.network.parameters)
    assert second.record.history == whole.record.history
    assert second.record.best == whole.record.best
    assert second.status == whole.status
    assert [event.epoch for event in events] == list(range(1, 101))
    elapsed = [event.elapsed_s for event in events]
    assert elapsed == sorted(elapsed)  # the continued part's clock goes on from the first's


def _epochs_into(seen: list[EpochEnded]) -> Callable[[RunEvent], None]:
    def listen(event: RunEvent) -> None:
        if isinstance(event, EpochEnded):
            seen.append(event)

    return listen


def test_damaged_checkpoint_is_named(tmp_path: Any) -> None:
    path = tmp_path / "checkpoint.npz"
    path.write_bytes(b"not a zip")
    with pytest.raises(CheckpointError, match=r"checkpoint\.npz"):
        load_checkpoint(path)
