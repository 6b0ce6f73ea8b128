"""The Textual training monitor and playground: watch a network learn, edit, retrain, compare.

The app is a shell. Its keys come from one table (:mod:`nntui.tui.actions`);
its runs are started, stopped, paused, stepped and saved by a
:class:`~nntui.tui.controller.RunController` (a worker thread per run, whose
events are folded into the run's :class:`~nntui.training.record.RunRecord`);
and everything on screen is the :class:`~nntui.tui.screens.monitor.MonitorScreen`,
which draws from that record. The app never trains on its own.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from nntui.config import DATA_SOURCES, ConfigError, dump_config, source_tasks, with_overrides
from nntui.logs import setup_logging
from nntui.runs.resume import ResumeError, ResumePlan, plan_resume
from nntui.runs.store import RunLookupError, RunStore
from nntui.tui import actions
from nntui.tui.actions import MONITOR_TAB, palette_entries
from nntui.tui.controller import RunController
from nntui.tui.messages import (
    BoundaryReady,
    ModelSaved,
    NeuronMapsReady,
    QuitRequested,
    RetrainRequested,
    RunEventsPosted,
)
from nntui.tui.screens.confirm_quit import ConfirmQuitScreen, QuitChoice
from nntui.tui.screens.continue_prompt import ContinuePrompt
from nntui.tui.screens.monitor import MonitorScreen
from nntui.tui.screens.walkthrough import WalkthroughReady, WalkthroughScreen, walkthrough_job
from nntui.tui.widgets.config_editor import problem_line
from nntui.tui.widgets.diagnostics_help import DiagnosticsHelpScreen
from nntui.tui.widgets.help import HelpScreen
from nntui.tui.widgets.status import StatusPanel

if TYPE_CHECKING:
    import logging

    from nntui.config import Config, LoadedConfig

#: Why ``c`` cannot continue: the run has no folder in the run store.
NOT_RECORDED = (
    "Nothing to continue: this run is not recorded (logging.runs_dir is null); "
    "set logging.runs_dir (press e) and retrain."
)
#: How long quitting waits for the training thread (it stops within one batch).
QUIT_WAIT_S = 1.0
#: Pause between the first frame and the first run (the screen finishes building).
SETTLE_S = 0.2
#: The interpreter's thread switch interval while the app runs (Python's default: 5 ms).
#: A key's handler waits at most this long for the training thread to yield the
#: interpreter lock, at each of the few hand-overs a key takes.
SWITCH_INTERVAL_S = 0.001


class NNTuiApp(App[int]):
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
        if self.autostart:
            # The first frame appears at once; Textual finishes building the screen
            # (the footer's keys, layout) over the next few frames. Training starts
            # once that is done, so the two never compete for the interpreter.
            self.set_timer(SETTLE_S, self.start_run)

    def exit(self, result: int | None = None, return_code: int = 0, message: Any = None) -> None:
        """Leave the app; from now on no run starts and no late event draws."""
        self.controller.closing = True
        self.controller.release()
        super().exit(result, return_code, message)

    # -- runs --------------------------------------------------------------------------

    async def start_run(self, *, plan: ResumePlan | None = None, seed: int | None = None) -> None:
        """Start training ``self.config`` in a thread worker (stopping any current run).

        Args:
            plan: continue a recorded run instead (``c``).
            seed: a new random seed this run draws (``R``): shown in the status line.
        """
        await self.controller.stop()
        if plan is None:
            run_id = self.controller.begin(self.config)
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
        self.config = config
        self.sub_title = config.task
        self.monitor.show_tab(MONITOR_TAB)
        await self.start_run()

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

    def action_toggle_pause(self) -> None:
        """Pause a running run, or resume a paused one."""
        if not self.controller.toggle_pause():
            self.notify("No run in progress: press r to train again.")
        self.monitor.redraw_now()
        self.refresh_bindings()  # Step is live only while paused

    def action_stop(self) -> None:
        """Stop the run after its current batch; what it learned stays on screen."""
        if not self.controller.request_stop():
            self.notify("No run in progress.")
        self.monitor.redraw_now()
        self.refresh_bindings()

    def action_step(self) -> None:
        """While paused: train one more epoch per press (presses queue), then pause again."""
        if not self.controller.can_pause:
            self.notify("No run in progress: press r to train again.")
        elif not self.controller.step():
            self.notify("Step trains one epoch of a paused run: press p to pause first.")
        elif self.controller.steps_queued:
            self.notify(f"{self.controller.steps_queued + 1} epochs to step", timeout=1.5)

    async def action_switch_task(self) -> None:
        """Switch classification ⇄ regression and start a new run of the current config."""
        other = "regression" if self.config.task == "classification" else "classification"
        try:
            config = with_overrides(self.config, {"task": other})
        except ConfigError as error:
            self.notify(self._task_refusal(other, error), severity="error")
            return
        self.config = config
        self.sub_title = other
        await self.start_run()

    def _task_refusal(self, other: str, error: ConfigError) -> str:
        """Why ``t`` cannot switch to ``other``, in the app's terms (not the CLI's flags)."""
        source = self.config.data.source
        if other in source_tasks(source):
            why = problem_line(error.problems[0]) if error.problems else str(error)
            return f"Cannot switch to {other}: {why}"
        serving = ", ".join(name for name in DATA_SOURCES if other in source_tasks(name))
        return (
            f"The {source} data is {self.config.task} data only, so it cannot train {other}. "
            f"For {other}, press e and set data.source to one of: {serving}."
        )

    def action_save_model(self) -> None:
        """Save the current run's network for ``nntui predict`` (to a new file, never over one)."""
        refused = self.controller.save_model()
        if refused is not None:
            self.notify(refused, severity="error")

    async def action_retrain_new_seed(self) -> None:
        """Retrain the current config with a new random ``data.random_seed``."""
        seed = secrets.randbelow(2**31)
        try:
            config = with_overrides(self.config, {"data.random_seed": seed})
        except ConfigError as error:  # pragma: no cover - any seed ≥ 0 is valid
            self.notify(f"Not retrained: {error}", severity="error")
            return
        self.config = config
        await self.start_run(seed=seed)

    def action_continue_run(self) -> None:
        """Continue the current run for more epochs from its checkpoint (asks how many)."""
        recorder = self.controller.recorder
        if recorder is None:
            self.notify(NOT_RECORDED, severity="error")
        elif not isinstance(self.screen, ContinuePrompt):
            prompt = ContinuePrompt(recorder.id, self.config.training.epochs)
            self.push_screen(prompt, self._continue_for)

    async def _continue_for(self, more: int | None) -> None:
        recorder = self.controller.recorder
        if more is None or recorder is None:
            return
        await self.controller.stop()  # a live run stops first: its checkpoint is written
        try:
            plan = plan_resume(RunStore(recorder.folder.path.parent), recorder.id, more)
        except (ResumeError, RunLookupError) as error:
            self.notify(f"Not continued: {error}", severity="error")
            return
        await self.start_run(plan=plan)

    def action_toggle_mark(self) -> None:
        """Runs: mark or unmark the selected run; marked runs are overlaid on the Curves tab."""
        self.monitor.stored.toggle_mark()

    def action_sort_runs(self) -> None:
        """Runs: sort the table by the next column (clicking a header sorts by it)."""
        self.monitor.stored.sort()

    def action_open_run(self) -> None:
        """Runs: open the selected run (its architecture, final metrics and boundary)."""
        self.monitor.open_selected_run()

    def action_export_run(self) -> None:
        """Export the selected run's history (Runs tab; else the latest run) to CSV and JSON."""
        self.monitor.export_selected_run()

    async def action_toggle_log_y(self) -> None:
        """Monitor and Curves: logarithmic ⇄ linear scale of the losses."""
        await self.monitor.toggle_log_y()

    async def action_cycle_smoothing(self) -> None:
        """Curves: the next smoothing strength (0, 0.6, 0.9, 0.99); the raw curve stays, faint."""
        await self.monitor.cycle_smoothing()

    async def action_cycle_quantity(self) -> None:
        """Distributions: the next quantity (weights, biases, activations, gradients)."""
        await self.monitor.cycle_quantity()

    async def action_page(self, step: int) -> None:
        """Distributions: the previous / next layer; Neurons: the previous / next page."""
        await self.monitor.page(step)

    def action_walkthrough(self) -> None:
        """Paused or finished: one test sample through the network, step by step."""
        job = walkthrough_job(self.controller.runner, self.controller.record)
        if isinstance(job, str):
            self.notify(job)
            return
        post = self.post_message
        self.run_worker(lambda: post(job()), thread=True, group="walkthrough")

    def action_show_tab(self, tab: str) -> None:
        """Show a tab (1 Monitor, 2 Curves, 3 Runs, 4 Config)."""
        self.monitor.show_tab(tab)

    def action_focus_editor(self) -> None:
        """Open the Config tab with the keyboard in the editor."""
        self.monitor.show_editor()

    def action_save_config(self) -> None:
        """Save the editor's text to its file, atomically; a config with problems is not saved."""
        self.monitor.check_editor("save")

    def action_help(self) -> None:
        """Show the keys and how to edit and retrain."""
        self._open_once(HelpScreen, "help", lambda: HelpScreen(actions.help_rows()))

    def action_diagnostics_help(self) -> None:
        """Explain the gradient panel's diagnostics columns."""
        self._open_once(DiagnosticsHelpScreen, "diagnostics-help", DiagnosticsHelpScreen)

    def _open_once(self, kind: type[Screen[Any]], name: str, make: Any) -> None:
        # Installed once and reused: composing a screen anew on every key costs ~50 ms.
        if not isinstance(self.screen, kind):
            if not self.is_screen_installed(name):
                self.install_screen(make(), name)
            self.push_screen(name)

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide letter keys while typing and tab keys outside their tab; dim keys with no effect."""
        if action in actions.LETTER_ACTIONS and self._editor_has_focus():
            return False
        tabs = actions.TAB_ACTIONS.get(action)
        if tabs is not None and self.monitor.active_tab not in tabs:
            return False
        return None if self._does_nothing_now(action) else True

    def _does_nothing_now(self, action: str) -> bool:
        """Keys that have no effect in the current state (the footer dims them)."""
        controller = self.controller
        if action in ("toggle_pause", "stop"):
            return not controller.can_pause
        if action == "step":
            return not controller.is_paused
        if action == "save_model":
            return controller.runner is None or controller.runner.network is None
        if action == "export_run":
            return controller.runs.latest is None
        return False

    def _editor_has_focus(self) -> bool:
        focused = self.focused
        return focused is not None and focused.id == "config-text"

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: Textual's commands plus every action of the keys table."""
        yield from super().get_system_commands(screen)
        for action, title, description in palette_entries():
            yield SystemCommand(title, description, self._runner_of(action.action))

    def _runner_of(self, action: str) -> Any:
        async def run() -> None:
            await self.run_action(action)

        return run


def run_app(loaded: LoadedConfig, task: str | None = None) -> int:
    """Open the monitor on ``loaded`` and train its task; return the exit code.

    Save writes to the file the config came from, or to ``./config.yaml`` when
    it is the packaged default (which is never overwritten).

    Args:
        loaded: the config found and validated by ``nntui.config.load_config``.
        task: a task to train instead of the config's (it must fit the data).

    Returns:
        0 after a normal quit; 2 when the log file cannot be opened or the task
        does not fit the data; Textual's non-zero code if the app crashed.
    """
    config = loaded.config
    try:
        if task is not None and task != config.task:
            config = with_overrides(config, {"task": task})
        logger = setup_logging(config.logging)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as error:
        print(f"error: logging.file: {error}", file=sys.stderr)
        return 2
    app = NNTuiApp(
        config,
        config_path=loaded.path,
        config_text=loaded.text,
        overrides=loaded.overrides,
        logger=logger,
    )
    app.run()
    return app.return_code or 0
