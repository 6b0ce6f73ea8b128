"""The Textual training monitor and playground: watch a network learn, edit, retrain, compare.

The app never trains on its own. Each run is a
:class:`~nntui.training.runner.NetworkRunner` in a Textual thread worker; its
events reach the app as messages through an :class:`~nntui.tui.bridge.EventBridge`
(batched and throttled; the training thread only ever waits once per run, at
most half a second, for the new network to be drawn), are folded into a
:class:`~nntui.tui.run_state.RunState` (the current run) and a
:class:`~nntui.tui.run_history.RunHistory` (every run since the app opened),
and the panels redraw from those, paced by a :class:`~nntui.tui.pacing.RedrawPacer`
so drawing stays a small share of the CPU while the network learns.

Tabs: Monitor (architecture, gradients and diagnostics, metrics, and for 2-input
networks the live decision boundary), Curves (full loss and accuracy/R² plots
with the previous run muted), Runs (every run in a table; export), Config (the
YAML editor). The decision-boundary grid is computed in the training thread
(see :mod:`nntui.training.boundary`); the app only says which resolution it wants.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane, Tabs
from textual.worker import Worker, WorkerCancelled, WorkerFailed, WorkerState

from nntui.config import TASKS, ConfigError, dump_config, resolve_task, save_config
from nntui.logs import setup_logging
from nntui.training.boundary import MIN_INTERVAL_S, BoundaryComputed, BoundaryRequest
from nntui.training.control import RunControl
from nntui.training.events import RunFailed
from nntui.training.runner import NetworkRunner, SaveModelError
from nntui.tui.bridge import EventBridge
from nntui.tui.messages import (
    BoundaryReady,
    EpochsEnded,
    ModelSaved,
    RunEnded,
    RunStartedMessage,
)
from nntui.tui.pacing import RedrawPacer
from nntui.tui.run_export import export_run
from nntui.tui.run_history import LIVE_STATUSES, RunHistory, RunRecord
from nntui.tui.run_state import RunState
from nntui.tui.widgets.architecture import ArchitecturePanel
from nntui.tui.widgets.boundary import DecisionBoundary
from nntui.tui.widgets.boundary_panel import BoundaryPanel
from nntui.tui.widgets.config_editor import ConfigEditor, problem_line
from nntui.tui.widgets.diagnostics_help import DiagnosticsHelpScreen
from nntui.tui.widgets.gradients import GradientsPanel
from nntui.tui.widgets.help import HelpScreen
from nntui.tui.widgets.learning_curves import LearningCurves
from nntui.tui.widgets.metrics import MetricsPanel
from nntui.tui.widgets.runs import RunsTable, run_summary
from nntui.tui.widgets.status import StatusPanel
from nntui.tui.widgets.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallNotice

if TYPE_CHECKING:
    from nntui.config import LoadedConfig

WidgetType = TypeVar("WidgetType", bound=Widget)

#: How long quitting waits for the training thread (it stops within one batch).
QUIT_WAIT_S = 1.0
#: Pause between the first frame and the first run (the screen finishes building).
SETTLE_S = 0.2
#: How often the app collects epochs the bridge is still holding (e.g. before a pause).
FLUSH_EVERY_S = 0.25

HELP_SCREEN = "help"
DIAGNOSTICS_SCREEN = "diagnostics-help"
MONITOR_TAB = "monitor-tab"
CURVES_TAB = "curves-tab"
RUNS_TAB = "runs-tab"
CONFIG_TAB = "config-tab"
#: Tabs in the order of their number keys (1–4).
TAB_ORDER = (MONITOR_TAB, CURVES_TAB, RUNS_TAB, CONFIG_TAB)
#: The saved model's file name, in the folder nntui runs in.
MODEL_FILE = "nntui-run-{number}-model.npz"


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
    # Below MIN_WIDTH × MIN_HEIGHT the layout gives way to a message saying so.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-too-narrow"),
        (MIN_WIDTH, "-narrow"),
        (100, "-wide"),
    ]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-too-short"),
        (MIN_HEIGHT, "-short"),
        (30, "-tall"),
    ]

    # Footer order: the current tab's own keys first (they are the ones a person
    # looks for there), then the run's keys; what does not fit a narrow footer is
    # still in the help (f1) and the command palette (ctrl+p).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "toggle_log_y", "Log y"),
        Binding("m", "toggle_smooth", "Smooth"),
        Binding("x", "export_run", "Export"),
        Binding("r", "retrain", "Retrain"),
        Binding("p,space", "toggle_pause", "Pause"),
        Binding("n", "step", "Step"),
        Binding("s", "stop", "Stop"),
        Binding("t", "switch_task", "Task"),
        Binding("e", "focus_editor", "Edit"),
        Binding("f1,question_mark", "help", "Help"),
        Binding("q", "quit_app", "Quit"),
        Binding("ctrl+s", "save_config", "Save config"),
        Binding("w", "save_model", "Save model"),
        Binding("d", "diagnostics_help", "Diagnostics?", show=False),
        Binding("1", f"show_tab('{MONITOR_TAB}')", "Monitor", show=False),
        Binding("2", f"show_tab('{CURVES_TAB}')", "Curves", show=False),
        Binding("3", f"show_tab('{RUNS_TAB}')", "Runs", show=False),
        Binding("4", f"show_tab('{CONFIG_TAB}')", "Config", show=False),
    ]

    #: Single-letter actions: hidden from the footer while the editor has the keys.
    LETTER_ACTIONS = frozenset(
        {
            "retrain",
            "toggle_pause",
            "step",
            "stop",
            "switch_task",
            "focus_editor",
            "save_model",
            "toggle_log_y",
            "toggle_smooth",
            "export_run",
            "diagnostics_help",
            "show_tab",
            "quit_app",
        }
    )
    #: Keys that act on one tab only (and show in the footer only there).
    TAB_ACTIONS: ClassVar[dict[str, str]] = {
        "toggle_log_y": CURVES_TAB,
        "toggle_smooth": CURVES_TAB,
        "export_run": RUNS_TAB,
    }

    #: What the help screen lists (the footer shows the same bindings).
    HELP_KEYS: ClassVar[list[tuple[str, str]]] = [
        ("r", "retrain with the editor's config (restarts the run)"),
        ("p / space", "pause or resume training"),
        ("n", "while paused: train exactly one more epoch (every panel updates)"),
        ("s", "stop the run (keeps what it learned on screen)"),
        ("t", "switch task: classification ⇄ regression (restarts the run)"),
        ("e", "edit the config (YAML) in the Config tab"),
        ("ctrl+r", "in the editor: apply & retrain"),
        ("ctrl+s", "save the edited config to its file"),
        ("w", "save the model to ./nntui-run-N-model.npz (for nntui predict)"),
        ("d", "what the gradient panel's diagnostics columns mean"),
        ("1 2 3 4", "Monitor, Curves, Runs, Config tab"),
        ("l / m", "in Curves: log-scale y / smoothing (EMA) on or off"),
        ("x", "in Runs: export the selected run to ./nntui-run-N.csv and .json"),
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
        self.runs = RunHistory()
        self.record: RunRecord | None = None
        self.boundary_request = BoundaryRequest()
        self._pending_boundary: BoundaryComputed | None = None
        self._boundary_shape: tuple[int, int] | None = None
        self._planar = False
        #: The tab on screen (kept here: the footer asks for it on every refresh).
        self.active_tab = MONITOR_TAB
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
                with Vertical(id="monitor-right"):
                    yield BoundaryPanel(id="boundary")
                    yield MetricsPanel(id="metrics")
            # Curves and Runs are built the first time they are shown: the first
            # frame (and the first run) do not wait for widgets nobody looks at yet.
            yield TabPane("Curves", id=CURVES_TAB)
            yield TabPane("Runs", id=RUNS_TAB)
            with TabPane("Config", id=CONFIG_TAB):
                yield ConfigEditor(
                    dump_config(self.config),
                    save_path=self.save_path,
                    cursor_blink=not self.deterministic,
                    id="config-editor",
                )
        yield TooSmallNotice(id="too-small")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.task_name
        self.query_one("#architecture").border_title = "Architecture"
        self.query_one("#gradients").border_title = "Gradients & diagnostics per layer"
        self.query_one("#gradients").border_subtitle = "d: what these mean"
        self.query_one("#metrics").border_title = "Metrics"
        self.query_one("#boundary").border_title = "Decision boundary"
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
        self.record = self.runs.new_run(self.task_name, self.config)
        self._pending_boundary = None
        self._refresh_curves(new_run=True)
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
        self.bridge = EventBridge(self.post_message, run_id, control=control)
        self.runner = NetworkRunner(
            self.config,
            self.task_name,
            on_event=self.bridge,
            control=control,
            logger=self.logger,
            boundary=self.boundary_request,
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
        if self.record is not None:
            self.record.started = event
        if self.control is not None and self.control.is_paused:
            self.state.set_paused(True)
        self._show_boundary_panel(event.n_features == 2, event.task, event.class_names)
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
            self.call_after_refresh(self._network_on_screen, self.bridge)

    def _network_on_screen(self, bridge: EventBridge) -> None:
        # The boundary panel has its size now: ask for grids of that size.
        if self._boundary_shown() and self.query(DecisionBoundary):
            self.boundary_request.set_shape(*self.query_one(DecisionBoundary).grid_shape())
        bridge.network_shown()

    def on_epochs_ended(self, message: EpochsEnded) -> None:
        if message.run_id != self.run_id:
            return
        self.state.add_epochs(message.epochs)
        if self.record is not None:
            self.record.add_epochs(message.epochs)
        control = self.control
        if control is not None and control.is_paused and self.state.phase == "running":
            self.state.set_paused(True)  # a step ended: the run waits again
        if self.state.phase == "paused":
            self._redraw_now()  # a paused run's last epoch is shown at once
        else:
            self._request_redraw()

    def on_boundary_ready(self, message: BoundaryReady) -> None:
        if message.run_id != self.run_id:
            return
        self._pending_boundary = message.event
        if self.state.phase in ("running", "starting"):
            self._request_redraw()
        else:
            self._redraw_now()

    def on_run_ended(self, message: RunEnded) -> None:
        if message.run_id != self.run_id:
            return
        self.state.finish(message.event)
        if self.record is not None:
            self.record.finish(message.event)
        self._redraw_now()
        self._refresh_runs_table()
        self.refresh_bindings()
        if self._boundary_shown():
            self._boundary_after_run(*self.query_one(DecisionBoundary).grid_shape())

    # -- the decision boundary -----------------------------------------------------

    def _boundary_shown(self) -> bool:
        return self._planar and not self._closing_down()

    def _closing_down(self) -> bool:
        """True once the app is ending: its widgets are being taken down.

        A timer, a message or a worker's result arriving late must not draw into
        them (``App.exit()`` sets ``_exit``; a test harness shutting the app
        down only stops it running).
        """
        return self._exit or not self.is_running

    def _show_boundary_panel(
        self, planar: bool, task: str, class_names: tuple[str, ...] | None
    ) -> None:
        """Show the boundary panel for a 2-input network, hide it for any other."""
        self._planar = planar
        self.query_one("#monitor").set_class(planar, "-planar")
        self._boundary_shape = None
        if planar:
            kind = "regression" if task == "regression" else "classification"
            self.query_one(BoundaryPanel).reset(kind, class_names)
        else:
            self.boundary_request.clear()

    def on_decision_boundary_resized(self, message: DecisionBoundary.Resized) -> None:
        if not self._boundary_shown():
            return
        self.boundary_request.set_shape(message.rows, message.cols)
        if not self.state.is_active:
            self._boundary_after_run(message.rows, message.cols)

    def _boundary_after_run(self, rows: int, cols: int) -> None:
        """After a run, a new panel size needs a new grid: compute it off the UI thread."""
        runner, run_id = self.runner, self.run_id
        if runner is None or runner.network is None or (rows, cols) == self._boundary_shape:
            return

        def compute() -> None:
            event = runner.boundary_now(rows, cols)
            if event is not None:
                self.post_message(BoundaryReady(run_id, event))

        self.run_worker(
            compute, name="boundary", group="boundary", thread=True, exit_on_error=False
        )

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
        # Grids faster than the screen redraws would be computed only to be
        # replaced: ask for them at the pace the panels are actually drawn.
        self.boundary_request.min_interval_s = max(MIN_INTERVAL_S, self._pacer.interval)

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
        if self._closing_down():
            return
        self.query_one(StatusPanel).show_state(self.state)
        self.query_one(MetricsPanel).update_metrics(self.state.metrics())
        self.query_one(GradientsPanel).update_gradients(self.state.gradients())
        grid = self._pending_boundary
        if grid is not None:
            self._pending_boundary = None
            self.query_one(BoundaryPanel).show_grid(grid)
            self._boundary_shape = (grid.rows, grid.cols)
        if self.active_tab == CURVES_TAB:
            self._refresh_curves()
        elif self.active_tab == RUNS_TAB:
            self._refresh_runs_table()

    def _refresh_curves(self, *, new_run: bool = False) -> None:
        """Plot the current run (and, for a new run, overlay the previous one)."""
        curves = self._mounted(LearningCurves)
        record = self.record
        if curves is None or record is None:
            return
        planned = self.state.total_epochs or int(record.config["training"]["epochs"])
        curves.show_run(record.history, record.task, planned)
        if new_run:
            previous = self.runs.previous(record)
            if previous is None:
                curves.show_previous(None, record.task, None)
            else:
                curves.show_previous(previous.history, record.task, previous.task)

    def _refresh_runs_table(self) -> None:
        record = self.record
        if record is not None and record.status in LIVE_STATUSES and self.state.is_active:
            record.status = self.state.phase if self.state.phase in LIVE_STATUSES else "running"
        table = self._mounted(RunsTable)
        if table is None:
            return
        table.show_runs(list(self.runs))
        self._show_run_detail(table.selected_run())

    def _mounted(self, kind: type[WidgetType]) -> WidgetType | None:
        """The one widget of ``kind`` if its tab was built, else ``None``."""
        found = self.query(kind)
        return found.first() if found else None

    async def _build_tab(self, tab: str) -> None:
        """Build the Curves or Runs tab the first time it is shown."""
        pane = self.query_one(f"#{tab}", TabPane)
        if pane.children:
            return
        if tab == CURVES_TAB:
            await pane.mount(LearningCurves(id="curves"))
            self._refresh_curves(new_run=True)
        elif tab == RUNS_TAB:
            await pane.mount(
                RunsTable(id="runs"),
                Static("", id="runs-detail"),
                Static(
                    "↑/↓ select · ←/→ scroll · x exports to ./nntui-run-N.csv and .json",
                    id="runs-hint",
                ),
            )
            self.query_one("#runs").border_title = "Every run since nntui opened"

    def on_data_table_row_highlighted(self, event: RunsTable.RowHighlighted) -> None:
        if isinstance(event.data_table, RunsTable):
            self._show_run_detail(event.data_table.selected_run())

    def _show_run_detail(self, number: int | None) -> None:
        record = self.runs.get(number) if number is not None else None
        # The table can highlight its first row before this sibling is mounted.
        for detail in self.query("#runs-detail").results(Static):
            detail.update(run_summary(record) if record is not None else "No runs yet.")

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        active = self.active_tab = event.tabbed_content.active
        if active in (CURVES_TAB, RUNS_TAB):
            await self._build_tab(active)
        if active == CURVES_TAB:
            self._refresh_curves()
        elif active == RUNS_TAB:
            self._refresh_runs_table()
            self.query_one(RunsTable).focus()
        self.refresh_bindings()

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
        task = self._task_for(config)
        if task != self.task_name:
            self.notify(f"Task: {task} (the data source {config['data']['source']} serves it).")
            self.task_name = task
            self.sub_title = task
        self.query_one(TabbedContent).active = MONITOR_TAB
        await self.start_run()

    def _task_for(self, config: dict[str, Any]) -> str:
        """The current task if the config's data serves it, else the data's own task."""
        try:
            return resolve_task(config, self.task_name)
        except ConfigError:
            try:
                return resolve_task(config, None)
            except ConfigError:
                return self.task_name  # the runner reports the problem

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

    def action_step(self) -> None:
        """While paused: train exactly one more epoch, then pause again."""
        control = self.control
        if control is None or not self.state.is_active or self.state.phase == "stopping":
            self.notify("No run in progress: press r to train again.")
            return
        if self.state.phase != "paused":
            self.notify("Step trains one epoch of a paused run: press p to pause first.")
            return
        control.step()
        self.state.set_paused(False)
        self._redraw_now()

    async def action_switch_task(self) -> None:
        """Switch classification ⇄ regression and start a new run of the current config."""
        other = "regression" if self.task_name == "classification" else "classification"
        try:
            resolve_task(self.config, other)
        except ConfigError as error:
            problem = error.problems[0] if error.problems else None
            why = problem_line(problem) if problem is not None else str(error)
            self.notify(f"Cannot switch to {other}: {why}", severity="error")
            return
        self.task_name = other
        self.sub_title = self.task_name
        await self.start_run()

    def action_save_model(self) -> None:
        """Save the current run's network (to ``./nntui-run-N-model.npz``) for ``nntui predict``."""
        runner, record = self.runner, self.record
        if runner is None or runner.network is None or record is None:
            self.notify("No model to save yet: no run has built a network.", severity="error")
            return
        path = Path.cwd() / MODEL_FILE.format(number=record.number)
        number = record.number
        if self.worker is not None and not self.worker.is_finished:
            # Weights change with every batch: save while the run is held in a
            # pause, or between two epochs in the training thread.
            if runner.call_if_parked(lambda: self._save_model_now(runner, path, number)):
                return
            run_id = self.run_id

            def save_between_epochs() -> None:
                try:
                    written = runner.save_model(path)
                except (SaveModelError, OSError) as error:
                    self.post_message(ModelSaved(run_id, None, str(error)))
                else:
                    self.post_message(ModelSaved(run_id, written))

            if runner.call_between_epochs(save_between_epochs):
                return
        self._save_model_now(runner, path, number)

    def _save_model_now(self, runner: NetworkRunner, path: Path, number: int) -> None:
        try:
            written = runner.save_model(path)
        except (SaveModelError, OSError) as error:
            self.notify(f"Model not saved: {error}", severity="error")
            return
        self.notify(f"Saved the model of run {number} to {written}")

    def on_model_saved(self, message: ModelSaved) -> None:
        if message.path is None:
            self.notify(f"Model not saved: {message.error}", severity="error")
        else:
            self.notify(f"Saved the model of run {message.run_id} to {message.path}")

    def action_export_run(self) -> None:
        """Export the selected run's history (Runs tab; else the latest run) to CSV and JSON."""
        number = None
        table = self._mounted(RunsTable)
        if table is not None and self.active_tab == RUNS_TAB:
            number = table.selected_run()
        record = self.runs.get(number) if number is not None else self.runs.latest
        if record is None:
            self.notify("No runs yet: nothing to export.", severity="error")
            return
        try:
            csv_path, json_path = export_run(record, Path.cwd())
        except OSError as error:
            self.notify(f"Not exported: {error}", severity="error")
            return
        self.notify(f"Exported run {record.number}: {csv_path} and {json_path.name}")

    async def action_toggle_log_y(self) -> None:
        """Curves: logarithmic ⇄ linear y axis."""
        await self._build_tab(CURVES_TAB)
        self.query_one(LearningCurves).toggle_log_y()

    async def action_toggle_smooth(self) -> None:
        """Curves: EMA smoothing on or off (the raw curve stays, faint)."""
        await self._build_tab(CURVES_TAB)
        self.query_one(LearningCurves).toggle_smooth()

    def action_show_tab(self, tab: str) -> None:
        """Show a tab (1 Monitor, 2 Curves, 3 Runs, 4 Config)."""
        if tab in TAB_ORDER:
            self.query_one(TabbedContent).active = tab

    def action_diagnostics_help(self) -> None:
        """Explain the gradient panel's diagnostics columns."""
        if not isinstance(self.screen, DiagnosticsHelpScreen):
            if not self.is_screen_installed(DIAGNOSTICS_SCREEN):
                self.install_screen(DiagnosticsHelpScreen(), DIAGNOSTICS_SCREEN)
            self.push_screen(DIAGNOSTICS_SCREEN)

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
        """Hide letter keys while the editor has them, and tab keys outside their tab."""
        if action in self.LETTER_ACTIONS and self._editor_has_focus():
            return False
        tab = self.TAB_ACTIONS.get(action)
        if tab is not None:
            return self.active_tab == tab
        return True

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
            ("Step", "While paused: train exactly one epoch (n)", self.action_step),
            ("Edit config", "Open the YAML config editor (e)", self.action_focus_editor),
            (
                "Save config",
                f"Save the edited config to {self.save_path} (ctrl+s)",
                self.action_save_config,
            ),
            (
                "Save model",
                "Save the current network to ./nntui-run-N-model.npz (w)",
                self.action_save_model,
            ),
            (
                "Export run history",
                "The selected run (Runs tab) or the latest, to ./nntui-run-N.csv and .json (x)",
                self.action_export_run,
            ),
            ("Curves: log y", "Logarithmic ⇄ linear y axis (l)", self.action_toggle_log_y),
            ("Curves: smoothing", "EMA smoothing on or off (m)", self.action_toggle_smooth),
            (
                "Diagnostics help",
                "What the gradient panel's columns mean (d)",
                self.action_diagnostics_help,
            ),
            ("Show monitor", "The Monitor tab (1)", lambda: self.action_show_tab(MONITOR_TAB)),
            ("Show curves", "The Curves tab (2)", lambda: self.action_show_tab(CURVES_TAB)),
            ("Show runs", "The Runs tab (3)", lambda: self.action_show_tab(RUNS_TAB)),
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
