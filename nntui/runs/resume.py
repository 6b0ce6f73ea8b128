"""Continue a recorded run exactly where it stopped (``nntui --headless --resume ID``).

The run's folder gives the config as applied, the checkpoint (parameters,
optimizer, schedule, early stopping, shuffling generator) and the epochs done
so far; the continued run is a new run (a new folder, ``resumed_from`` the
old id) that replays those epochs and then trains ``more`` epochs, so its
record, metrics and results cover the whole run.
"""

from __future__ import annotations

from dataclasses import dataclass

from nntui.config import Config, ConfigError, parse_config_text, with_overrides
from nntui.nn.checkpoint import CheckpointError, load_checkpoint
from nntui.runs.folder import CHECKPOINT, CONFIG
from nntui.runs.store import RunStore
from nntui.runs.summary import RunSummary, epoch_lines
from nntui.training.epoch_lines import epoch_from_line
from nntui.training.runner import Resume


class ResumeError(ValueError):
    """A run cannot be continued; the message says which and why."""


@dataclass(frozen=True)
class ResumePlan:
    """A continued run: its config (epochs = done + more), what the runner restores, the parent.

    Attributes:
        config: the parent's config with ``training.epochs`` the new total.
        resume: the checkpoint and the parent's epochs, for :class:`NetworkRunner`.
        parent: the run continued.
    """

    config: Config
    resume: Resume
    parent: RunSummary


def plan_resume(store: RunStore, run_id: str, more: int | None = None) -> ResumePlan:
    """Prepare to continue run ``run_id`` (a unique prefix is enough) for ``more`` epochs.

    Args:
        store: where the run is.
        run_id: its id or a unique prefix.
        more: epochs to add (default: the run's configured epochs).

    Raises:
        RunLookupError: no run, or several, match ``run_id``.
        ResumeError: the run has no usable checkpoint or config.
    """
    parent = store.find(run_id)
    try:
        checkpoint = load_checkpoint(parent.path / CHECKPOINT)
    except CheckpointError as error:
        why = f"its status is {parent.status}" if parent.status != "completed" else str(error)
        raise ResumeError(
            f"run {parent.id} cannot be continued: it has no checkpoint ({why})"
        ) from None
    config = _config(parent)
    added = config.training.epochs if more is None else more
    total = checkpoint.epoch + added
    try:
        config = with_overrides(
            config, {"training.epochs": total, "logging.runs_dir": str(store.root)}
        )
    except ConfigError as error:
        raise ResumeError(f"run {parent.id}: {error}") from None
    lines = epoch_lines(parent.path)[: checkpoint.epoch]
    if len(lines) != checkpoint.epoch:
        raise ResumeError(
            f"run {parent.id}: metrics.jsonl has {len(lines)} epochs, "
            f"its checkpoint {checkpoint.epoch}"
        )
    epochs = tuple(epoch_from_line(line, epochs=total) for line in lines)
    return ResumePlan(config=config, resume=Resume(checkpoint, epochs), parent=parent)


def _config(parent: RunSummary) -> Config:
    path = parent.path / CONFIG
    try:
        task = parent.task or None
        config = parse_config_text(path.read_text(encoding="utf-8"), str(path), task=task)
    except (OSError, ConfigError) as error:
        raise ResumeError(f"run {parent.id}: cannot read its config: {error}") from None
    return config
