"""The Textual training monitor: watch a network learn, edit its config, retrain.

The app never trains on its own. Each run is a
:class:`~nntui.training.runner.NetworkRunner` in a Textual thread worker; its
events reach the app as messages through an :class:`~nntui.tui.bridge.EventBridge`
(batched and throttled; the training thread only ever waits once per run, at
most half a second, for the new network to be drawn), are folded into a
:class:`~nntui.tui.run_state.RunState`, and the panels redraw from that state,
paced by a :class:`~nntui.tui.pacing.RedrawPacer` so drawing stays a small
share of the CPU while the network learns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, TabbedContent, TabPane, Tabs
from textual.worker import Worker, WorkerCancelled, WorkerFailed, WorkerState

from nntui.config import TASKS, ConfigError, dump_config, save_config
from nntui.logs import setup_logging
from nntui.training.control import RunControl
from nntui.training.events import RunFailed
from nntui.training.runner import NetworkRunner
from nntui.tui.bridge import EventBridge
from nntui.tui.messages import EpochsEnded, RunEnded, RunStartedMessage
from nntui.tui.pacing import RedrawPacer
from nntui.tui.run_state import RunState
from nntui.tui.widgets.architecture import ArchitecturePanel
from nntui.tui.widgets.config_editor import ConfigEditor, problem_line
from nntui.tui.widgets.gradients import GradientsPanel
from nntui.tui.widgets.help import HelpScreen
from nntui.tui.widgets.metrics import MetricsPanel
from nntui.tui.widgets.status import StatusPanel

if TYPE_CHECKING:
    from nntui.config import LoadedConfig

#: How long quitting waits for the training thread (it stops within one batch).
QUIT_WAIT_S = 1.0
#: Pause between the first frame and the first run (the screen finishes building).
SETTLE_S = 0.2
#: How often the app collects epochs the bridge is still holding (e.g. before a pause).
FLUSH_EVERY_S = 0.25

HELP_SCREEN = "help"
MONITOR_TAB = "monitor-tab"
CONFIG_TAB = "config-tab"


class NNTuiApp(App[int]):
    """Train a network from ``config`` and show it learning.

    Args:
        config: a validated config dict (``nntui.config.load_config(...).data``).
        config_path: the file the config came from; Save writes there. ``None``
            (the packaged default) saves to ``./config.yaml``.
        task: ``"classification"`` or ``"regression"``.
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
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (100, "-wide"),
    ]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-short"),
        (30, "-tall"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retrain", "Retrain"),
        Binding("p,space", "toggle_pause", "Pause/Resume"),
        Binding("s", "stop", "Stop"),
        Binding("t", "switch_task", "Task"),
        Binding("e", "focus_editor", "Edit config"),
        Binding("ctrl+s", "save_config", "Save config"),
        Binding("f1,question_mark", "help", "Help"),
        Binding("q", "quit_app", "Quit"),
    ]

    #: Single-letter actions: hidden from the footer while the editor has the keys.
    LETTER_ACTIONS = frozenset(
        {"retrain", "toggle_pause", "stop", "switch_task", "focus_editor", "quit_app"}
    )

    #: What the help screen lists (the footer shows the same bindings).
    HELP_KEYS: ClassVar[list[tuple[str, str]]] = [
        ("r", "retrain with the editor's config (restarts the run)"),
        ("p / space", "pause or resume training"),
        ("s", "stop the run (keeps what it learned on screen)"),
        ("t", "switch task: classification ⇄ regression (restarts the run)"),
        ("e", "edit the config (YAML) in the Config tab"),
        ("ctrl+r", "in the editor: apply & retrain"),
        ("ctrl+s", "save the edited config to its file"),
        ("esc", "leave the editor"),
        ("f1 / ?", "this help"),
        ("ctrl+p", "command palette (every action above)"),
        ("q / ctrl+q", "quit (stops the run first)"),
    ]

    def __init__(
        self,
        config: Mapping[str, Any],
        *,
        config_path: Path | None = None,
        task: str = "classification",
        autostart: bool = True,
        deterministic: bool = False,
        logger: logging.Logger | None = None,
    ) -> None:
        super().__init__()
        if task not in TASKS:
            raise ValueError(f"Unknown task {task!r}: use one of {', '.join(TASKS)}")
        self.config: dict[str, Any] = dict(config)
        self.task_name = task
        self.save_path = (config_path or Path("config.yaml")).resolve()
        self.autostart = autostart
        self.deterministic = deterministic
        self.logger = logger
        self.state = RunState(task)
        self.run_id = 0
        self.runs_started = 0
        self.control: RunControl | None = None
        self.runner: NetworkRunner | None = None
        self.worker: Worker[dict[str, Any]] | None = None
        self.bridge: EventBridge | None = None
        self._pacer = RedrawPacer()
        self._redraw_timer: Timer | None = None

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield StatusPanel(id="status", show_timing=not self.deterministic)
        with TabbedContent(initial=MONITOR_TAB, id="tabs"):
            with TabPane("Monitor", id=MONITOR_TAB), Horizontal(id="monitor"):
                with Vertical(id="monitor-left"):
                    yield ArchitecturePanel(id="architecture")
                    yield GradientsPanel(id="gradients")
                yield MetricsPanel(id="metrics")
            with TabPane("Config", id=CONFIG_TAB):
                yield ConfigEditor(
                    dump_config(self.config),
                    save_path=self.save_path,
                    cursor_blink=not self.deterministic,
                    id="config-editor",
                )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.task_name
        self.query_one("#architecture").border_title = "Architecture"
        self.query_one("#gradients").border_title = "Gradient L2 norm per layer"
        self.query_one("#metrics").border_title = "Metrics"
        self.query_one("#status").border_title = "Status"
        self._redraw_now()
        self.set_interval(FLUSH_EVERY_S, self._flush_bridge)
        if self.autostart:
            # The first frame appears at once; Textual finishes building the screen
            # (the footer's keys, layout) over the next few frames. Training starts
            # once that is done, so the two never compete for the interpreter.
            self.set_timer(SETTLE_S, self.start_run)

    # -- runs --------------------------------------------------------------------

    async def start_run(self) -> None:
        """Start training ``self.config`` on ``self.task_name`` in a thread worker."""
        await self.stop_run()
        self.run_id += 1
        self.runs_started += 1
        self.state.reset(self.task_name)
        self.state.launch()
        self._pacer.reset()
        # The architecture table stays until the new network replaces it: clearing
        # it first would cost two layout passes as the run starts.
        self.query_one(GradientsPanel).clear_layers()
        self._redraw_now()
        self.control = RunControl()
        # Launch once the reset screen is drawn, so that frame does not compete
        # with the first batches for the interpreter.
        self.call_after_refresh(self._launch_worker, self.run_id, self.control)

    def _launch_worker(self, run_id: int, control: RunControl) -> None:
        if run_id != self.run_id or self._exit:
            return  # replaced by a newer run, or the app is closing
        self.bridge = EventBridge(self.post_message, run_id)
        self.runner = NetworkRunner(
            self.config,
            self.task_name,
            on_event=self.bridge,
            control=control,
            logger=self.logger,
        )
        self.worker = self.run_worker(
            self.runner.run,
            name=f"training run {run_id}",
            group="training",
            thread=True,
            exit_on_error=False,
        )

    async def stop_run(self, timeout: float | None = None) -> None:
        """Stop the current run, if any, and wait for its thread to end.

        Args:
            timeout: give up waiting after this many seconds (the thread was
                asked to stop and ends within one batch anyway).
        """
        if self.control is not None:
            self.control.stop()
        if self.bridge is not None:
            self.bridge.network_shown()  # never keep a stopping run waiting
        worker = self.worker
        if worker is None or worker.is_finished:
            return
        self.state.mark_stopping()
        with contextlib.suppress(asyncio.TimeoutError, WorkerCancelled, WorkerFailed):
            await asyncio.wait_for(asyncio.shield(worker.wait()), timeout)

    def _flush_bridge(self) -> None:
        if self.bridge is not None and self.state.is_active:
            self.bridge.flush_if_due()

    # -- events from the training thread ----------------------------------------------

    def on_run_started_message(self, message: RunStartedMessage) -> None:
        if message.run_id != self.run_id:
            return
        event = message.event
        self.state.start(event)
        if self.control is not None and self.control.is_paused:
            self.state.set_paused(True)
        self.query_one(ArchitecturePanel).show_network(
            event.layers,
            parameter_count=event.parameter_count,
            loss=event.loss,
            learning_rate=event.learning_rate,
            optimizer=event.optimizer,
        )
        self.query_one(GradientsPanel).set_layers([layer.name for layer in event.layers])
        self._redraw_now()
        if self.bridge is not None:
            # The runner waits for this (briefly) before its first batch.
            self.call_after_refresh(self.bridge.network_shown)

    def on_epochs_ended(self, message: EpochsEnded) -> None:
        if message.run_id != self.run_id:
            return
        self.state.add_epochs(message.epochs)
        self._request_redraw()

    def on_run_ended(self, message: RunEnded) -> None:
        if message.run_id != self.run_id:
            return
        self.state.finish(message.event)
        self._redraw_now()
        self.refresh_bindings()

    # -- drawing -------------------------------------------------------------------

    def _request_redraw(self) -> None:
        """Redraw for new epochs, paced so drawing does not slow training."""
        if self._redraw_timer is not None:
            return  # one is already scheduled; it will show these epochs too
        delay = self._pacer.delay()
        if delay <= 0:
            self._redraw_epochs()
        else:
            self._redraw_timer = self.set_timer(delay, self._redraw_epochs)

    def _redraw_epochs(self) -> None:
        self._redraw_now(learn=True)

    def _redraw_now(self, *, learn: bool = False) -> None:
        """Redraw every panel from the state at once (phase changes, keys, run ends).

        Args:
            learn: this is a paced redraw of new epochs; the pacer learns its cost.
        """
        if self._redraw_timer is not None:
            self._redraw_timer.stop()
            self._redraw_timer = None
        self._refresh_panels()
        self._pacer.redrawn(learn=learn)

    def _refresh_panels(self) -> None:
        # Once App.exit() was called the widgets are being taken down; a timer or
        # message arriving late must not draw into them.
        if self._exit:
            return
        self.query_one(StatusPanel).show_state(self.state)
        self.query_one(MetricsPanel).update_metrics(self.state.metrics())
        self.query_one(GradientsPanel).update_gradients(self.state.gradients())

    # -- actions -------------------------------------------------------------------

    async def action_retrain(self) -> None:
        """Retrain with the editor's config; a config with problems starts nothing."""
        editor = self.query_one(ConfigEditor)
        config = editor.validated_config()
        if config is None:
            self._show_editor()
            self.notify(
                f"Not retrained: the config has {_problems(len(editor.problems))} "
                "(listed under the editor).",
                severity="error",
            )
            return
        await self._retrain_with(config)

    async def on_config_editor_apply_requested(self, message: ConfigEditor.ApplyRequested) -> None:
        await self._retrain_with(message.config)

    async def _retrain_with(self, config: dict[str, Any]) -> None:
        self.config = config
        self.query_one(TabbedContent).active = MONITOR_TAB
        await self.start_run()

    def action_toggle_pause(self) -> None:
        """Pause a running run, or resume a paused one."""
        control = self.control
        if control is None or not self.state.is_active or self.state.phase == "stopping":
            self.notify("No run in progress: press r to train again.")
            return
        if control.is_paused:
            control.resume()
            self.state.set_paused(False)
        else:
            control.pause()
            self.state.set_paused(True)
            if self.bridge is not None:
                self.bridge.flush()
        self._redraw_now()

    def action_stop(self) -> None:
        """Stop the run after its current batch; what it learned stays on screen."""
        if self.control is None or not self.state.is_active:
            self.notify("No run in progress.")
            return
        self.control.stop()
        self.state.mark_stopping()
        self._redraw_now()

    async def action_switch_task(self) -> None:
        """Switch classification ⇄ regression and start a new run of the current config."""
        self.task_name = "regression" if self.task_name == "classification" else "classification"
        self.sub_title = self.task_name
        await self.start_run()

    def action_focus_editor(self) -> None:
        """Open the Config tab with the keyboard in the editor."""
        self._show_editor()

    def _show_editor(self) -> None:
        self.query_one(TabbedContent).active = CONFIG_TAB
        self.query_one(ConfigEditor).focus_text()

    def on_config_editor_leave_requested(self, message: ConfigEditor.LeaveRequested) -> None:
        self.query_one(TabbedContent).query_one(Tabs).focus()

    def on_config_editor_save_requested(self, message: ConfigEditor.SaveRequested) -> None:
        self.action_save_config()

    def action_save_config(self) -> None:
        """Save the editor's config to its file, atomically; a config with problems is not saved."""
        editor = self.query_one(ConfigEditor)
        config = editor.validated_config()
        if config is None:
            self._show_editor()
            self.notify(
                f"Not saved: the config has {_problems(len(editor.problems))} "
                "(listed under the editor).",
                severity="error",
            )
            return
        try:
            written = save_config(config, self.save_path)
        except ConfigError as error:
            editor.show_problems(error.problems)
            self.notify("Not saved: " + problem_line(error.problems[0]), severity="error")
            return
        except OSError as error:
            self.notify(f"Not saved: cannot write {self.save_path}: {error}", severity="error")
            return
        self.notify(f"Saved config to {written}")

    def action_help(self) -> None:
        """Show the keys and how to edit and retrain."""
        if not isinstance(self.screen, HelpScreen):
            # Installed once and reused: composing it anew on every key costs ~50 ms.
            if not self.is_screen_installed(HELP_SCREEN):
                self.install_screen(HelpScreen(self.HELP_KEYS), HELP_SCREEN)
            self.push_screen(HELP_SCREEN)

    async def action_quit(self) -> None:
        """Stop the run (within one batch), then leave (``ctrl+q``, the palette)."""
        await self.stop_run(timeout=QUIT_WAIT_S)
        self.exit(0)

    async def action_quit_app(self) -> None:
        """``q``: quit, as a separate action so the footer can hide it while typing."""
        await self.action_quit()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The runner reports its own failures as events; this catches a crash
        # outside them (a bug), so the screen never claims a dead run is running.
        if event.worker is not self.worker or event.state != WorkerState.ERROR:
            return
        if self.state.is_active:
            error = event.worker.error
            reason = f"training crashed: {type(error).__name__}: {error}"
            self.state.finish(RunFailed(reason=reason, status="error"))
            self._redraw_now()

    def on_unmount(self) -> None:
        # Whatever way the app ends, the training thread must not outlive it.
        if self.control is not None:
            self.control.stop()
        if self.bridge is not None:
            self.bridge.network_shown()
        if self._redraw_timer is not None:
            self._redraw_timer.stop()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the single-letter actions from the footer while the editor has the keys."""
        return not (action in self.LETTER_ACTIONS and self._editor_has_focus())

    def _editor_has_focus(self) -> bool:
        focused = self.focused
        return focused is not None and focused.id == "config-text"

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: Textual's commands plus every binding's action."""
        yield from super().get_system_commands(screen)
        commands = [
            ("Retrain", "Start a new run with the editor's config (r)", self.action_retrain),
            ("Pause / resume", "Pause or resume training (p)", self.action_toggle_pause),
            ("Stop", "Stop the run after its current batch (s)", self.action_stop),
            (
                "Switch task",
                "Classification ⇄ regression, restarts the run (t)",
                self.action_switch_task,
            ),
            ("Edit config", "Open the YAML config editor (e)", self.action_focus_editor),
            (
                "Save config",
                f"Save the edited config to {self.save_path} (ctrl+s)",
                self.action_save_config,
            ),
            ("Help", "Keys, and how to edit and retrain (f1)", self.action_help),
        ]
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)


def _problems(count: int) -> str:
    return "1 problem" if count == 1 else f"{count} problems"


def run_app(loaded: LoadedConfig, task: str = "classification") -> int:
    """Open the monitor on ``loaded`` and train ``task``; return the exit code.

    Save writes to the file the config came from, or to ``./config.yaml`` when
    it is the packaged default (which is never overwritten).

    Args:
        loaded: the config found and validated by ``nntui.config.load_config``.
        task: ``"classification"`` or ``"regression"``.

    Returns:
        0 after a normal quit; 2 when the log file cannot be opened; Textual's
        non-zero code if the app crashed.
    """
    logging_config = loaded.data["logging"]
    try:
        logger = setup_logging(logging_config["level"], logging_config["file"])
    except (OSError, ValueError) as error:
        print(f"error: logging.file: {error}", file=sys.stderr)
        return 2
    app = NNTuiApp(loaded.data, config_path=loaded.path, task=task, logger=logger)
    app.run()
    return app.return_code or 0
