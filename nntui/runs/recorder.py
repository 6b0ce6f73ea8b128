"""Recording a run into the store: a listener both faces attach with one line.

::

    recorder = start_recording(runner, config.logging.runs_dir, warn=print_warning)

creates the run folder (config, summary, lock) and listens to the runner's
events: each epoch is one line appended to ``metrics.jsonl`` and flushed; at
the end come the result line, ``results.json``, the model, the checkpoint and
the final summary. Recording never stops a run: a write that fails is one
warning, and recording stops there (what was written stays readable). Its
cost per epoch is one short line written: nothing per batch.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import datetime
from typing import Any

from nntui._version import __version__
from nntui.config import dump_config
from nntui.nn.checkpoint import save_checkpoint
from nntui.runs.folder import CHECKPOINT, CONFIG, MODEL, RESULTS, RunFolder
from nntui.runs.store import RunStore
from nntui.runs.summary import RUNNING
from nntui.training.epoch_lines import epoch_line, json_line
from nntui.training.events import EpochEnded, RunEvent, RunFailed, RunFinished, RunStarted
from nntui.training.results import results_to_json
from nntui.training.runner import NetworkRunner

Warn = Callable[[str], None]


class RunRecorder:
    """Writes one run's events into its folder (see the module notes).

    Args:
        folder: the run's (new) folder.
        runner: the run (its record, model and checkpoint are read at the end).
        started: the start time (the folder's name has it too).
        resumed_from: the id of the run this one continues, if any.
        warn: where a failure to record goes, as one line.
    """

    def __init__(
        self,
        folder: RunFolder,
        runner: NetworkRunner,
        *,
        started: datetime,
        resumed_from: str | None = None,
        warn: Warn | None = None,
    ) -> None:
        self.folder = folder
        self.runner = runner
        self.started = started
        self.resumed_from = resumed_from
        self.error: OSError | None = None
        self._warn = warn
        self._has_validation = True
        self._open = True

    @property
    def id(self) -> str:
        """The run's id (its folder's name)."""
        return self.folder.id

    def begin(self) -> None:
        """Write the config and the first summary, and take the folder's lock.

        Raises:
            OSError: the folder cannot be written.
        """
        self.folder.lock()
        self.folder.write_text(CONFIG, dump_config(self.runner.config))
        self.folder.write_summary(self.summary(RUNNING))

    def __call__(self, event: RunEvent) -> None:
        """Record one event (never raises)."""
        if not self._open:
            return
        try:
            if isinstance(event, RunStarted):
                self._has_validation = event.data.n_validation > 0
            elif isinstance(event, EpochEnded):
                line = epoch_line(event, has_validation=self._has_validation)
                self.folder.append_line(json_line(line))
            elif isinstance(event, (RunFinished, RunFailed)):
                self._finish(event)
        except OSError as error:
            self._fail(error)

    def _finish(self, event: RunFinished | RunFailed) -> None:
        results = event.results
        if results is not None:
            self.folder.append_line(json_line({"event": "result", **results}))
            self.folder.write_text(RESULTS, results_to_json(results))
        if event.status not in ("diverged", "error") and self.runner.network is not None:
            self.runner.save_model(self.folder.file(MODEL))
            save_checkpoint(self.folder.file(CHECKPOINT), self.runner.checkpoint())
        self.folder.write_summary(self.summary(event.status, ended=datetime.now().astimezone()))
        self.close()

    def summary(self, status: str, *, ended: datetime | None = None) -> dict[str, Any]:
        """The ``summary.json`` of the run now."""
        config, record = self.runner.config, self.runner.record
        metric = record.metric
        return {
            "id": self.id,
            "started": self.started.isoformat(timespec="microseconds"),
            "ended": None if ended is None else ended.isoformat(timespec="seconds"),
            "status": status,
            "source": config.data.source,
            "task": config.task,
            "metric": metric,
            "epochs_done": record.epochs_done,
            "epochs_planned": config.training.epochs,
            "best": record.best.as_dict(),
            "best_metric": record.best_of(f"val_{metric}").as_dict(),
            "test": None if record.results is None else record.results.get("test"),
            "seed": config.data.random_seed,
            "resumed_from": self.resumed_from,
            "pid": os.getpid(),
            "nntui_version": __version__,
        }

    def close(self) -> None:
        """Stop recording; close the metrics file and let go of the lock."""
        self._open = False
        self.folder.close()

    def _fail(self, error: OSError) -> None:
        self.error = error
        self.close()
        if self._warn is not None:
            reason = error.strerror or str(error)
            self._warn(f"warning: run {self.id}: recording stopped: {reason}")


def start_recording(
    runner: NetworkRunner,
    runs_dir: str | os.PathLike[str] | None,
    *,
    resumed_from: str | None = None,
    warn: Warn | None = None,
) -> RunRecorder | None:
    """Create the run's folder in ``runs_dir`` and listen to ``runner`` (None: not recorded).

    ``runs_dir`` None records nothing; a store that cannot be written is one
    warning and the run goes on unrecorded.
    """
    if runs_dir is None:
        return None
    store = RunStore(runs_dir)
    folder: RunFolder | None = None
    try:
        folder, started = store.create(runner.config.data.source)
        recorder = RunRecorder(
            folder, runner, started=started, resumed_from=resumed_from, warn=warn
        )
        recorder.begin()
    except OSError as error:
        if folder is not None:  # a folder half made would list as damaged
            folder.close()
            shutil.rmtree(folder.path, ignore_errors=True)
        if warn is not None:
            reason = error.strerror or str(error)
            warn(f"warning: runs_dir {os.fspath(runs_dir)}: the run is not recorded: {reason}")
        return None
    runner.add_listener(recorder)
    return recorder
