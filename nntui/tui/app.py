"""The Textual training monitor and playground: watch a network learn, edit, retrain, compare.

The app is a shell. Its keys come from one table (:mod:`nntui.tui.actions`);
its runs are started, stopped, paused, stepped and saved by a
:class:`~nntui.tui.controller.RunController` (a worker thread per run, whose
events are folded into the run's :class:`~nntui.training.record.RunRecord`);
and everything on screen is the :class:`~nntui.tui.screens.monitor.MonitorScreen`,
which draws from that record. The app never trains on its own.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from nntui.config import ConfigError, dump_config, with_overrides
from nntui.logs import setup_logging
from nntui.tui import actions
from nntui.tui.actions import MONITOR_TAB, palette_entries
from nntui.tui.controller import RunController
from nntui.tui.messages import BoundaryReady, ModelSaved, RunEventsPosted
from nntui.tui.screens.monitor import MonitorScreen
from nntui.tui.widgets.config_editor import ConfigEditor, problem_line
from nntui.tui.widgets.diagnostics_help import DiagnosticsHelpScreen
from nntui.tui.widgets.help import HelpScreen

if TYPE_CHECKING:
    import logging

    from nntui.config import Config, LoadedConfig

#: How long quitting waits for the training thread (it stops within one batch).
QUIT_WAIT_S = 1.0
#: Pause between the first frame and the first run (the screen finishes building).
SETTLE_S = 0.2


class NNTuiApp(App[int]):
    """Train a network from ``config`` and show it learning.

    Args:
        config: the validated config (its task included).
        config_path: the file the config came from; Save writes there. ``None``
            (the packaged default) saves to ``./config.yaml``.
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
        autostart: bool = True,
        deterministic: bool = False,
        logger: logging.Logger | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.save_path = (config_path or Path("config.yaml")).resolve()
        self.autostart = autostart
        self.controller = RunController(self, logger=logger)
        self.monitor = MonitorScreen(
            self.controller,
            config_text=dump_config(config),
            save_path=self.save_path,
            task=config.task,
            deterministic=deterministic,
        )

    def get_default_screen(self) -> Screen[Any]:
        """The monitor is the app's one screen (help and diagnostics open over it)."""
        return self.monitor

    def on_mount(self) -> None:
        self.sub_title = self.config.task
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

    async def start_run(self) -> None:
        """Start training ``self.config`` in a thread worker (stopping any current run)."""
        await self.controller.stop()
        run_id = self.controller.begin(self.config)
        self.monitor.new_run()
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

    # -- actions (keys: nntui.tui.actions) -------------------------------------------

    async def action_retrain(self) -> None:
        """Retrain with the editor's config; a config with problems starts nothing."""
        config = self.monitor.editor_config("Not retrained")
        if config is not None:
            await self.retrain_with(config)

    async def on_config_editor_apply_requested(self, message: ConfigEditor.ApplyRequested) -> None:
        await self.retrain_with(message.config)

    def action_toggle_pause(self) -> None:
        """Pause a running run, or resume a paused one."""
        if not self.controller.toggle_pause():
            self.notify("No run in progress: press r to train again.")
        self.monitor.redraw_now()

    def action_stop(self) -> None:
        """Stop the run after its current batch; what it learned stays on screen."""
        if not self.controller.request_stop():
            self.notify("No run in progress.")
        self.monitor.redraw_now()

    def action_step(self) -> None:
        """While paused: train exactly one more epoch, then pause again."""
        if not self.controller.can_pause:
            self.notify("No run in progress: press r to train again.")
        elif not self.controller.step():
            self.notify("Step trains one epoch of a paused run: press p to pause first.")

    async def action_switch_task(self) -> None:
        """Switch classification ⇄ regression and start a new run of the current config."""
        other = "regression" if self.config.task == "classification" else "classification"
        try:
            config = with_overrides(self.config, {"task": other})
        except ConfigError as error:
            why = problem_line(error.problems[0]) if error.problems else str(error)
            self.notify(f"Cannot switch to {other}: {why}", severity="error")
            return
        self.config = config
        self.sub_title = other
        await self.start_run()

    def action_save_model(self) -> None:
        """Save the current run's network (to ``./nntui-run-N-model.npz``) for ``nntui predict``."""
        refused = self.controller.save_model()
        if refused is not None:
            self.notify(refused, severity="error")

    def action_export_run(self) -> None:
        """Export the selected run's history (Runs tab; else the latest run) to CSV and JSON."""
        self.monitor.export_selected_run()

    async def action_toggle_log_y(self) -> None:
        """Curves: logarithmic ⇄ linear y axis."""
        (await self.monitor.curves()).toggle_log_y()

    async def action_toggle_smooth(self) -> None:
        """Curves: EMA smoothing on or off (the raw curve stays, faint)."""
        (await self.monitor.curves()).toggle_smooth()

    def action_show_tab(self, tab: str) -> None:
        """Show a tab (1 Monitor, 2 Curves, 3 Runs, 4 Config)."""
        self.monitor.show_tab(tab)

    def action_focus_editor(self) -> None:
        """Open the Config tab with the keyboard in the editor."""
        self.monitor.show_editor()

    def on_config_editor_save_requested(self, message: ConfigEditor.SaveRequested) -> None:
        self.action_save_config()

    def action_save_config(self) -> None:
        """Save the editor's config to its file, atomically; a config with problems is not saved."""
        self.monitor.save_config()

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
        """Stop the run (within one batch), then leave (``ctrl+q``, the palette)."""
        await self.controller.stop(timeout=QUIT_WAIT_S)
        self.exit(0)

    async def action_quit_app(self) -> None:
        """``q``: quit, as a separate action so the footer can hide it while typing."""
        await self.action_quit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide letter keys while the editor has them, and tab keys outside their tab."""
        if action in actions.LETTER_ACTIONS and self._editor_has_focus():
            return False
        tab = actions.TAB_ACTIONS.get(action)
        return True if tab is None else self.monitor.active_tab == tab

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
    app = NNTuiApp(config, config_path=loaded.path, logger=logger)
    app.run()
    return app.return_code or 0
