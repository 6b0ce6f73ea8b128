"""The Textual training monitor and playground: watch a network learn, edit, retrain, compare.

The app is a shell. Its keys come from one table (:mod:`nntui.tui.actions`);
its runs are started, stopped, paused, stepped and saved by a
:class:`~nntui.tui.controller.RunController` (a worker thread per run, whose
events are folded into the run's :class:`~nntui.training.record.RunRecord`);
and everything on screen is the :class:`~nntui.tui.screens.monitor.MonitorScreen`,
which draws from that record. The app never trains on its own.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.binding import BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from nntui.config import ConfigError, dump_config, with_overrides
from nntui.datasets.tabular import DataSourceError
from nntui.logs import start_logging
from nntui.runs.resume import ResumePlan
from nntui.tui import actions
from nntui.tui.actions import MONITOR_TAB
from nntui.tui.controller import RunController
from nntui.tui.messages import (
    BoundaryReady,
    ModelSaved,
    MonitorReady,
    NeuronMapsReady,
    QuitRequested,
    RetrainRequested,
    RunEventsPosted,
)
from nntui.tui.run_actions import RunActions
from nntui.tui.screens.confirm_quit import ConfirmQuitScreen, QuitChoice
from nntui.tui.screens.monitor import MonitorScreen
from nntui.tui.screens.walkthrough import WalkthroughReady, WalkthroughScreen
from nntui.tui.view_actions import ViewActions
from nntui.tui.widgets.status import StatusPanel

if TYPE_CHECKING:
    import logging

    from nntui.config import Config, LoadedConfig
    from nntui.training.datasets import RunData

#: How long quitting waits for the training thread (it stops within one batch).
QUIT_WAIT_S = 1.0
#: Pause between the first frame and the first run (the screen finishes building).
SETTLE_S = 0.2
#: The interpreter's thread switch interval while the app runs (Python's default: 5 ms).
#: A key's handler waits at most this long for the training thread to yield the
#: interpreter lock, at each of the few hand-overs a key takes.
SWITCH_INTERVAL_S = 0.001
#: New objects between the collector's young passes while the app runs (Python's default: 700).
YOUNG_GC_THRESHOLD = 3000


class NNTuiApp(RunActions, ViewActions):
    """Train a network from ``config`` and show it learning.

    Args:
        config: the validated config (its task included).
        config_path: the file the config came from; Save writes there. ``None``
            (the packaged default) saves to ``./config.yaml``.
        config_text: the text the editor shows: the config file as written
            (default: ``dump_config(config)``).
        overrides: command-line / environment overrides, listed above the editor
            and applied to every run (they are already in ``config``).
        autostart: start training as soon as the screen is up.
        deterministic: hide everything time-dependent (elapsed, samples/s,
            ETA, the blinking cursor) so screenshots are reproducible.
        logger: where runs log (see ``nntui.logs.setup_logging``); silent if omitted.
    """

    CSS_PATH = Path(__file__).with_name("app.tcss")
    # Nothing focused at start: the app-level keys work, and no focus change
    # recomposes the footer while the first run is training.
    AUTO_FOCUS = None
    TITLE = "nntui"
    BINDINGS: ClassVar[list[BindingType]] = list(actions.bindings("app"))

    def __init__(
        self,
        config: Config,
        *,
        config_path: Path | None = None,
        config_text: str | None = None,
        overrides: Mapping[str, Any] | None = None,
        autostart: bool = True,
        deterministic: bool = False,
        logger: logging.Logger | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.save_path = (config_path or Path("config.yaml")).resolve()
        self.autostart = autostart
        self.startup_warnings: tuple[str, ...] = ()
        self.controller = RunController(self, logger=logger)
        self._switch_interval = sys.getswitchinterval()
        self.monitor = MonitorScreen(
            self.controller,
            config_text=dump_config(config) if config_text is None else config_text,
            overrides=overrides,
            save_path=self.save_path,
            task=config.task,
            deterministic=deterministic,
        )

    def get_default_screen(self) -> Screen[Any]:
        """The monitor is the app's one screen (help and diagnostics open over it)."""
        return self.monitor

    def on_mount(self) -> None:
        self.sub_title = self.config.task
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        for warning in self.startup_warnings:
            self.notify(warning, severity="warning", timeout=10)

    def on_monitor_ready(self, message: MonitorReady) -> None:
        # The ~100k objects of the built app live as long as it does. Frozen, the
        # collector's full passes no longer walk them: each such pass took ~50 ms,
        # a stall of every key pressed during it (measured with gc.callbacks).
        gc.freeze()
        # Each frame makes thousands of short-lived objects (Textual's strips and
        # their caches). At Python's default of a young pass every 700 of them, a
        # full pass (~25 ms here) came every ~15 keys; at 3000, every ~80, while
        # a young pass stays under 2 ms.
        gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])
        if self.autostart:
            # The first frame appears at once; Textual finishes building the screen
            # (the footer's keys, layout) over the next few frames. Training starts
            # once that is done, so the two never compete for the interpreter. On a
            # busy machine the screen may take longer than that to build, hence this
            # message rather than a timer from the app's mount.
            self.set_timer(SETTLE_S, self.start_run)

    def exit(self, result: int | None = None, return_code: int = 0, message: Any = None) -> None:
        """Leave the app; from now on no run starts and no late event draws."""
        self.controller.closing = True
        self.controller.release()
        super().exit(result, return_code, message)

    # -- runs --------------------------------------------------------------------------

    async def start_run(
        self,
        *,
        plan: ResumePlan | None = None,
        seed: int | None = None,
        data: RunData | None = None,
    ) -> None:
        """Start training ``self.config`` in a thread worker (stopping any current run).

        Args:
            plan: continue a recorded run instead (``c``).
            seed: a new random seed this run draws (``R``): shown in the status line.
            data: ``self.config``'s data, when it was already read.
        """
        await self.controller.stop()
        if plan is None:
            run_id = self.controller.begin(self.config, data=data)
        else:
            resume, parent = plan.resume, plan.parent.id
            run_id = self.controller.begin(plan.config, resume=resume, resumed_from=parent)
        self.monitor.query_one(StatusPanel).seed = seed
        self.monitor.new_run()
        self.refresh_bindings()  # Pause, Stop and Save model are live again
        # Launch once the reset screen is drawn, so that frame does not compete
        # with the first batches for the interpreter.
        self.call_after_refresh(self.controller.launch, run_id)

    async def retrain_with(self, config: Config) -> None:
        """Make ``config`` the app's config (keeping the task where its data allows) and train."""
        if config.task != self.config.task:
            try:
                config = with_overrides(config, {"task": self.config.task})
            except ConfigError:
                self.notify(
                    f"Task: {config.task} (the data source {config.data.source} serves it)."
                )
        data = await self.controller.read_data(config)
        if isinstance(data, DataSourceError):
            self.monitor.refuse_retrain(data)  # the current run goes on
            return
        self.config = config
        self.sub_title = config.task
        self.monitor.show_tab(MONITOR_TAB)
        await self.start_run(data=data)

    def on_run_events_posted(self, message: RunEventsPosted) -> None:
        if self.controller.receive(message.run_id, message.events):
            self.monitor.show_events(message.events)

    def on_neuron_maps_ready(self, message: NeuronMapsReady) -> None:
        if message.run_id == self.controller.run_id:
            self.monitor.show_neuron_maps(message.maps)

    def on_walkthrough_ready(self, message: WalkthroughReady) -> None:
        self.push_screen(WalkthroughScreen(message.walk, message.title))

    def on_boundary_ready(self, message: BoundaryReady) -> None:
        if message.run_id == self.controller.run_id:
            self.monitor.show_grid(message.event)

    def on_model_saved(self, message: ModelSaved) -> None:
        if message.path is None:
            self.notify(f"Model not saved: {message.error}", severity="error")
        else:
            self.notify(f"Saved the model of run {message.number} to {message.path}")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The runner reports its own failures as events; this catches a crash
        # outside them (a bug), so the screen never claims a dead run is running.
        error = event.worker.error if event.state == WorkerState.ERROR else None
        if self.controller.worker_ended(event.worker, error):
            self.monitor.redraw_now()

    def on_unmount(self) -> None:
        # Whatever way the app ends, the training thread must not outlive it.
        self.controller.closing = True
        self.controller.release()
        sys.setswitchinterval(self._switch_interval)

    async def on_event(self, event: events.Event) -> None:
        """A key or click holds training still until its frame is drawn (see ``hold_for_key``)."""
        if isinstance(event, events.Key | events.MouseDown):
            release = self.controller.hold_for_key()
            if release is not None:
                self.call_after_refresh(release)
        await super().on_event(event)

    # -- actions (keys: nntui.tui.actions) -------------------------------------------

    def action_retrain(self) -> None:
        """Retrain with the editor's config (checked off the UI thread); problems start nothing."""
        self.monitor.check_editor("apply")

    async def on_retrain_requested(self, message: RetrainRequested) -> None:
        await self.retrain_with(message.config)

    async def on_quit_requested(self, message: QuitRequested) -> None:
        await self.quit_now()

    async def action_quit(self) -> None:
        """Stop the run (within one batch), then leave; unsaved config edits ask first."""
        if self.monitor.has_unsaved_edits:
            if not isinstance(self.screen, ConfirmQuitScreen):
                path = str(self.save_path)
                self.push_screen(ConfirmQuitScreen(path), self._quit_choice)
            return
        await self.quit_now()

    async def quit_now(self) -> None:
        """Stop the run (within one batch), then leave, whatever the editor holds."""
        await self.controller.stop(timeout=QUIT_WAIT_S)
        self.exit(0)

    async def _quit_choice(self, choice: QuitChoice | None) -> None:
        if choice == "quit":
            await self.quit_now()
        elif choice == "save":
            self.monitor.check_editor("save", then_quit=True)

    async def action_quit_app(self) -> None:
        """``q``: quit, as a separate action so the footer can hide it while typing."""
        await self.action_quit()


def run_app(loaded: LoadedConfig, task: str | None = None) -> int:
    """Open the monitor on ``loaded`` and train its task; return the exit code.

    Save writes to the file the config came from, or to ``./config.yaml`` when
    it is the packaged default (which is never overwritten).

    Args:
        loaded: the config found and validated by ``nntui.config.load_config``.
        task: a task to train instead of the config's (it must fit the data).

    Returns:
        0 after a normal quit; 2 when the task does not fit the data; Textual's
        non-zero code if the app crashed. A log file that cannot be opened is a
        warning, and the app goes on without it.
    """
    config = loaded.config
    try:
        if task is not None and task != config.task:
            config = with_overrides(config, {"task": task})
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    # A log file that cannot be opened is one warning (in the app and after it), not an exit.
    warnings: list[str] = []
    logger = start_logging(config.logging, warnings.append)
    app = NNTuiApp(
        config,
        config_path=loaded.path,
        config_text=loaded.text,
        overrides=loaded.overrides,
        logger=logger,
    )
    app.startup_warnings = tuple(warnings)
    app.run()
    for warning in warnings:
        print(warning, file=sys.stderr)
    return app.return_code or 0
