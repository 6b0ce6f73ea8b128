"""The app's runs: start one in a worker thread, stop, pause, step, save its model.

One :class:`RunController` per app. Each run is a
:class:`~nntui.training.runner.NetworkRunner` in a Textual thread worker; its
events reach the app as messages through an :class:`~nntui.tui.bridge.EventBridge`
and are folded here, by the one reducer, into the run's
:class:`~nntui.training.record.RunRecord` (kept with every earlier run of the
session in a :class:`~nntui.tui.run_history.RunHistory`). Requests that need
the training thread (saving the model while it trains) go through the run's
one command queue, ``RunControl.submit``. The controller never draws: the
monitor screen reads the records.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.worker import Worker, WorkerCancelled, WorkerFailed

from nntui.datasets.tabular import DataSourceError
from nntui.files import next_free_path
from nntui.runs.recorder import RunRecorder, start_recording
from nntui.training.boundary import BoundaryHook, BoundaryRequest
from nntui.training.control import RunControl
from nntui.training.datasets import RunData, load_run_data
from nntui.training.events import RunEvent, RunFailed, RunPaused
from nntui.training.record import Phase, RunRecord
from nntui.training.runner import NetworkRunner, Resume, SaveModelError
from nntui.tui.bridge import EventBridge
from nntui.tui.inside import InsideDemands
from nntui.tui.messages import BoundaryReady, ModelSaved
from nntui.tui.run_history import RunHistory

if TYPE_CHECKING:
    from textual.app import App

    from nntui.config import Config

#: The saved model's file name, in the folder nntui runs in (``-2``, ``-3``… if taken).
MODEL_FILE = "nntui-run-{number}-model.npz"
#: Longest the training thread holds still while the app answers a key.
HOLD_MAX_S = 0.2


def single_blas_thread() -> contextlib.AbstractContextManager[object]:
    """Limit BLAS to one thread while the app trains (a no-op without threadpoolctl).

    On a 2-core machine, OpenBLAS's second thread (which spins between calls)
    takes the core the app's thread needs to answer keys; the default network's
    matrices are too small for it to speed training up.
    """
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - optional: without it BLAS keeps its threads
        return contextlib.nullcontext()
    limits: contextlib.AbstractContextManager[object] = threadpool_limits(limits=1, user_api="blas")
    return limits


class RunController:
    """Start, stop, pause, step and save the app's runs; fold their events.

    Args:
        app: the app: workers run under it and messages are posted to it.
        logger: where runs log; silent if omitted.

    Attributes:
        runs: every run of this session.
        record: the current (latest) run, or ``None`` before the first.
        boundary_request: the decision-boundary resolution the screen wants.
    """

    def __init__(self, app: App[Any], *, logger: logging.Logger | None = None) -> None:
        self.app = app
        self.logger = logger
        self.runs = RunHistory()
        self.record: RunRecord | None = None
        self.run_id = 0
        self.control: RunControl | None = None
        self.runner: NetworkRunner | None = None
        self.hook: BoundaryHook | None = None
        self.worker: Worker[Any] | None = None
        self.bridge: EventBridge | None = None
        #: The current run's folder in the run store (None: not recorded).
        self.recorder: RunRecorder | None = None
        #: This session's recorded runs: run number → id in the run store.
        self.recorded: dict[int, str] = {}
        #: What the next launch continues (``c``): checkpoint and the parent's id.
        self._resume: Resume | None = None
        self._resumed_from: str | None = None
        #: The next launch's data, when it was read before (:meth:`read_data`).
        self._data: RunData | None = None
        self.boundary_request = BoundaryRequest()
        #: Distributions, confusion matrix, neuron maps: measured while their tab shows.
        self.inside = InsideDemands()
        #: Set once the app is ending: no new thread may start.
        self.closing = False
        #: The user asked the current run to hold (the record says when it does).
        self.pause_wanted = False
        #: Steps asked for (``n``) and not yet sent: one is sent per parked pause.
        self.steps_queued = 0
        #: The epoch a sent step started from, while it trains (``None``: no step in flight).
        self._step_from: int | None = None

    @property
    def runs_started(self) -> int:
        """How many runs this session started."""
        return len(self.runs)

    @property
    def is_live(self) -> bool:
        """True while the current run's thread is (or is about to be) running."""
        return self.record is not None and self.record.phase.is_live

    @property
    def can_pause(self) -> bool:
        """True while the current run may be paused, resumed or stepped."""
        return self.control is not None and self.is_live and not self._stopping

    @property
    def _stopping(self) -> bool:
        return self.record is not None and self.record.phase is Phase.STOPPING

    # -- a run's life ---------------------------------------------------------------

    def begin(
        self,
        config: Config,
        *,
        resume: Resume | None = None,
        resumed_from: str | None = None,
        data: RunData | None = None,
    ) -> int:
        """Record a new run of ``config`` (the old one must be stopped); returns its id.

        The thread starts with :meth:`launch`, once the screen shows the new run.

        Args:
            config: the run's config.
            resume: continue a recorded run from its checkpoint (``c``).
            resumed_from: the id of the run continued (written in the new run's folder).
            data: ``config``'s data, already read (see :meth:`read_data`).
        """
        self._resume, self._resumed_from, self._data = resume, resumed_from, data
        self.run_id += 1
        self.record = self.runs.new_run(config)
        self.control = RunControl()
        self.runner = self.hook = self.worker = self.bridge = None
        self.pause_wanted = False
        self._clear_steps()
        return self.run_id

    async def read_data(self, config: Config) -> RunData | DataSourceError:
        """Read ``config``'s data in a thread: the data, or why it cannot be used.

        A retrain reads it before stopping the current run, so a file that is
        missing or malformed leaves that run training; the new run then trains
        on this data rather than reading it again.
        """
        try:
            return await asyncio.to_thread(load_run_data, config)
        except DataSourceError as error:
            return error

    def launch(self, run_id: int) -> None:
        """Start run ``run_id``'s thread (unless a newer run replaced it or the app is closing)."""
        record, control = self.record, self.control
        if run_id != self.run_id or self.closing or record is None or control is None:
            return
        assert record.config is not None
        self.bridge = EventBridge(self.app.post_message, run_id, control=control)
        self.hook = BoundaryHook(self.boundary_request, self.bridge.boundary)
        self.runner = NetworkRunner(
            record.config,
            on_event=self.bridge,
            control=control,
            logger=self.logger,
            hooks=[self.hook, *self.inside.hooks(self.bridge, self.bridge.neuron_maps)],
            resume=self._resume,
            data=self._data,
        )
        self._data = None  # the runner holds it now
        runner = self.runner
        warn = functools.partial(self.app.notify, severity="warning")  # thread-safe (post_message)
        self.recorder = start_recording(
            runner, record.config.logging.runs_dir, resumed_from=self._resumed_from, warn=warn
        )
        if self.recorder is not None:
            self.recorded[record.number] = self.recorder.id

        def train() -> dict[str, Any]:
            with single_blas_thread():
                return runner.run()

        self.worker = self.app.run_worker(
            train,
            name=f"training run {run_id}",
            group="training",
            thread=True,
            exit_on_error=False,
        )

    async def stop(self, timeout: float | None = None) -> None:
        """Stop the current run, if any, and wait for its thread to end.

        Args:
            timeout: give up waiting after this many seconds (the thread was
                asked to stop and ends within one batch anyway).
        """
        self.release()
        worker = self.worker
        if worker is None or worker.is_finished:
            return
        if self.record is not None:
            self.record.mark_stopping()
        with contextlib.suppress(asyncio.TimeoutError, WorkerCancelled, WorkerFailed):
            await asyncio.wait_for(asyncio.shield(worker.wait()), timeout)

    def release(self) -> None:
        """Ask the current thread to stop, and never keep it waiting for the screen."""
        if self.control is not None:
            self.control.stop()
        if self.bridge is not None:
            self.bridge.network_shown()

    def request_stop(self) -> bool:
        """Stop the run after its current batch; False when no run is alive."""
        if self.control is None or not self.is_live:
            return False
        self.control.stop()
        assert self.record is not None
        self.record.mark_stopping()
        return True

    def toggle_pause(self) -> bool:
        """Pause a running run or resume a paused one; False when no run may be paused."""
        control = self.control
        if control is None or not self.can_pause:
            return False
        if self.pause_wanted:
            self._clear_steps()
            control.resume()
        else:
            control.pause()
            if self.bridge is not None:
                self.bridge.flush()
        self.pause_wanted = not self.pause_wanted
        return True

    @property
    def is_paused(self) -> bool:
        """True while the user holds the current run (a step may be training)."""
        return self.can_pause and self.pause_wanted

    def step(self) -> bool:
        """Queue one more epoch of a paused run; False if the run is not paused.

        Steps pressed quickly are queued and sent one at a time, each once the
        run is parked again (a step sent while one trains would merge with it).
        """
        if self.control is None or not self.is_paused:
            return False
        self.steps_queued += 1
        self._send_step()
        return True

    def _send_step(self) -> None:
        record, control = self.record, self.control
        if self._step_from is not None or self.steps_queued <= 0:
            return
        if record is None or control is None or record.phase is not Phase.PAUSED:
            return  # not parked yet: the RunPaused to come sends it
        self.steps_queued -= 1
        self._step_from = record.paused_at if record.paused_at is not None else record.epochs_done
        control.step()

    def _clear_steps(self) -> None:
        self.steps_queued = 0
        self._step_from = None

    # -- events ------------------------------------------------------------------------

    def receive(self, run_id: int, events: Sequence[RunEvent]) -> bool:
        """Fold events of run ``run_id`` into its record; False for a replaced run's."""
        if run_id != self.run_id or self.record is None:
            return False
        for event in events:
            self.record.apply(event)
            if isinstance(event, RunPaused) and self._step_done(event.epoch):
                self._step_from = None
                self._send_step()
        return True

    def _step_done(self, epoch: int) -> bool:
        return self._step_from is None or epoch > self._step_from

    def worker_ended(self, worker: Worker[Any], error: BaseException | None) -> bool:
        """A crash outside the runner's own events: the run is failed, not running forever.

        Returns:
            Whether the current run was marked failed.
        """
        if worker is not self.worker or error is None or not self.is_live:
            return False
        reason = f"training crashed: {type(error).__name__}: {error}"
        assert self.record is not None
        self.record.apply(RunFailed(status="error", reason=reason, results=None))
        return True

    # -- requests ----------------------------------------------------------------------

    def hold_for_key(self) -> Callable[[], None] | None:
        """Hold the training thread still (between two batches) while the app answers a key.

        The training thread and the app share one interpreter lock; while a key's
        frame is drawn the network waits (at most :data:`HOLD_MAX_S`), so the
        answer takes the frame's time, not twice that.

        Returns:
            Call it once the key's frame is drawn; ``None`` when nothing trains.
        """
        control, worker = self.control, self.worker
        if control is None or worker is None or worker.is_finished or not self.is_live:
            return None
        if self.is_paused:
            return None
        drawn = threading.Event()
        control.submit(lambda: drawn.wait(HOLD_MAX_S))
        return drawn.set

    def save_model(self) -> str | None:
        """Save the current run's network to ``./nntui-run-N-model.npz`` (or the next free name).

        While the run trains, the save runs in the training thread between two
        batches (the run's command queue); otherwise at once. Either way a
        :class:`~nntui.tui.messages.ModelSaved` message reports the outcome.

        Returns:
            Why nothing could be saved, or ``None`` when the save was started.
        """
        runner, record = self.runner, self.record
        if runner is None or runner.network is None or record is None:
            return "No model to save yet: no run has built a network."
        try:
            path = next_free_path(Path.cwd() / MODEL_FILE.format(number=record.number))
        except FileExistsError as error:
            return f"No free file name for the model: {error}"
        save = self._saver(runner, path, record)
        if self.control is not None and self.worker is not None and not self.worker.is_finished:
            self.control.submit(save)
        else:
            save()
        return None

    def _saver(self, runner: NetworkRunner, path: Path, record: RunRecord) -> Callable[[], None]:
        post, number = self.app.post_message, record.number

        def save() -> None:
            try:
                written = runner.save_model(path)
            except (SaveModelError, OSError) as error:
                post(ModelSaved(number, None, str(error)))
            else:
                post(ModelSaved(number, written))

        return save

    def measure_after_run(self) -> None:
        """A tab of the inside views was opened after the run: measure the final network once."""
        runner, bridge = self.runner, self.bridge
        if self.is_live or runner is None or bridge is None or self.closing:
            return
        record, inside = self.record, self.inside
        epoch = 0 if record is None else record.epochs_done

        def compute() -> None:
            hook = inside.distributions_hook
            if inside.distributions.enabled and hook is not None:
                measured = hook.measure_now(epoch)
                if measured is not None:
                    bridge(measured)
            if inside.neuron_maps.enabled and inside.maps_hook is not None:
                maps = inside.maps_hook.maps_now()
                if maps is not None:
                    bridge.neuron_maps(maps)

        self.app.run_worker(compute, thread=True, group="inside")

    def boundary_after_run(self, rows: int, cols: int) -> None:
        """After a run, a new panel size needs a new grid: compute it off the UI thread."""
        hook, run_id = self.hook, self.run_id
        if hook is None or self.is_live:
            return

        def compute() -> None:
            grid = hook.grid_now(rows, cols)
            if grid is not None:
                self.app.post_message(BoundaryReady(run_id, grid))

        self.app.run_worker(
            compute, name="boundary", group="boundary", thread=True, exit_on_error=False
        )
