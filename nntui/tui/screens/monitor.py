"""The monitor screen: the panels, the tabs, and redrawing them from the current run.

Tabs: Monitor (architecture, gradients and diagnostics, metrics, and for 2-input
networks the live decision boundary), Curves (full loss and accuracy/R² plots
with the previous run muted), Runs (every run in a table), Config (the YAML
editor). Every panel draws from the run's
:class:`~nntui.training.record.RunRecord`, which the
:class:`~nntui.tui.controller.RunController` folds from the run's events; the
redraws of a training run are paced by a :class:`~nntui.tui.pacing.RedrawPacer`
so drawing stays a small share of the CPU while the network learns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Header, Static

from nntui.config import ConfigProblem
from nntui.datasets.tabular import DataSourceError
from nntui.files import atomic_write_text
from nntui.training.boundary import MIN_INTERVAL_S, BoundaryComputed
from nntui.training.events import EpochEnded, RunEvent, RunStarted
from nntui.training.measurements import ClassQualityMeasured, DistributionsMeasured
from nntui.training.neuron_maps import NeuronMapsComputed
from nntui.training.record import Phase, RunRecord
from nntui.tui.actions import (
    CLASSES_TAB,
    CONFIG_TAB,
    CURVES_TAB,
    DISTRIBUTIONS_TAB,
    MONITOR_TAB,
    NEURONS_TAB,
    RUNS_TAB,
    TAB_NAMES,
    TAB_ORDER,
)
from nntui.tui.messages import MonitorReady, QuitRequested, RetrainRequested
from nntui.tui.pacing import RedrawPacer
from nntui.tui.run_export import export_run
from nntui.tui.stored_runs import StoredRuns
from nntui.tui.summaries import divergence_note, gradient_summaries, metric_summaries
from nntui.tui.widgets.architecture import ArchitecturePanel
from nntui.tui.widgets.boundary import DecisionBoundary
from nntui.tui.widgets.boundary_panel import BoundaryPanel
from nntui.tui.widgets.config_editor import ConfigEditor, Purpose, problems_text
from nntui.tui.widgets.confusion import ConfusionView
from nntui.tui.widgets.distributions import DistributionsView
from nntui.tui.widgets.gradients import GradientsPanel
from nntui.tui.widgets.learning_curves import LearningCurves
from nntui.tui.widgets.metrics import MetricsPanel
from nntui.tui.widgets.neurons import NeuronsView
from nntui.tui.widgets.runs import RunsTable, run_cells, run_summary, store_cells
from nntui.tui.widgets.status import StatusPanel
from nntui.tui.widgets.steady_footer import SteadyFooter
from nntui.tui.widgets.tab_bar import TabBar
from nntui.tui.widgets.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallNotice

if TYPE_CHECKING:
    from nntui.config import Task
    from nntui.tui.controller import RunController

WidgetType = TypeVar("WidgetType", bound=Widget)

#: Events whose redraw is paced (an epoch, and the measurements that follow it).
PACED_EVENTS = (EpochEnded, DistributionsMeasured, ClassQualityMeasured)
#: How often the screen collects epochs the bridge is still holding (e.g. before a pause).
FLUSH_EVERY_S = 0.25
#: Panel titles, by widget id.
TITLES = {
    "architecture": "Architecture",
    "gradients": "Gradients & diagnostics per layer",
    "metrics": "Metrics",
    "boundary": "Decision boundary",
    "status": "Status",
}
RUNS_HINT = (
    "↑/↓ select · k mark for Curves · O sort (or click a header) · o/enter open · "
    "x export to ./nntui-run-N.csv, .json"
)
#: The Curves tab's own keys (not in the footer: a footer that changed with the tab
#: would be rebuilt on every tab switch, ~20 ms median and ~80 ms p95 on 2 cores).
CURVES_HINT = "l log ⇄ linear y · m smoothing 0 → 0.6 → 0.9 → 0.99"


class MonitorScreen(Screen[None]):
    """Every panel of the monitor, drawn from the controller's current run.

    The screen carries ``-wide``/``-narrow`` (width ≥/< 100) and ``-tall``/``-short``
    (height ≥/< 30); below 80×24, ``-too-narrow`` or ``-too-short``, and the
    layout gives way to a message saying the size needed.

    Args:
        controller: the app's runs.
        config_text: the YAML the editor starts with (the config file as written).
        save_path: where the editor's config is saved (shown in its hint).
        overrides: command-line / environment overrides, listed above the editor.
        task: the task shown before the first run.
        deterministic: hide everything time-dependent (elapsed, samples/s, ETA,
            the blinking cursor) so screenshots are reproducible.
    """

    # (Annotated as Textual's Screen declares them.)
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = [  # noqa: RUF012
        (0, "-too-narrow"),
        (MIN_WIDTH, "-narrow"),
        (100, "-wide"),
    ]
    VERTICAL_BREAKPOINTS: list[tuple[int, str]] | None = [  # noqa: RUF012
        (0, "-too-short"),
        (MIN_HEIGHT, "-short"),
        (30, "-tall"),
    ]

    def __init__(
        self,
        controller: RunController,
        *,
        config_text: str,
        save_path: Path,
        task: Task,
        overrides: Mapping[str, Any] | None = None,
        deterministic: bool = False,
    ) -> None:
        super().__init__(id="monitor-screen")
        self.controller = controller
        self.config_text = config_text
        self.save_path = save_path
        self.overrides = dict(overrides or {})
        #: Quit once the pending save succeeded (the quit dialog's "save, then quit").
        self._quit_after_save = False
        #: The Monitor tab's panels missed redraws while another tab showed.
        self._monitor_stale = False
        self.shown_task: Task = task
        self.deterministic = deterministic
        #: The tab on screen (kept here: the footer asks for it on every refresh).
        self.active_tab = MONITOR_TAB
        self._pending_grid: BoundaryComputed | None = None
        self._neuron_maps: NeuronMapsComputed | None = None
        #: The run whose previous run the Curves tab overlays (``None``: not decided yet).
        self._overlaid: int | None = None
        #: The Runs tab's recorded runs: earlier ones listed, marked ones overlaid, one opened.
        self.stored = StoredRuns(self)
        self._grid_shape: tuple[int, int] | None = None
        self._planar = False
        self._pacer = RedrawPacer()
        self._redraw_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield StatusPanel(id="status", show_timing=not self.deterministic)
        yield TabBar(TAB_NAMES.items(), active=MONITOR_TAB, id="tab-bar")
        with ContentSwitcher(initial=MONITOR_TAB, id="tabs"):
            with Horizontal(id=MONITOR_TAB, classes="tab-pane"):
                with Vertical(id="monitor-left"):
                    yield ArchitecturePanel(id="architecture")
                    yield GradientsPanel(id="gradients")
                with Vertical(id="monitor-right"):
                    yield BoundaryPanel(id="boundary")
                    yield MetricsPanel(id="metrics")
            # Curves and Runs are built the first time they are shown: the first
            # frame (and the first run) do not wait for widgets nobody looks at yet.
            yield Container(id=CURVES_TAB, classes="tab-pane")
            yield Container(id=RUNS_TAB, classes="tab-pane")
            with Container(id=CONFIG_TAB, classes="tab-pane"):
                yield ConfigEditor(
                    self.config_text,
                    save_path=self.save_path,
                    overrides=self.overrides,
                    cursor_blink=not self.deterministic,
                    id="config-editor",
                )
            # Inside the network: built when first shown, measured only while shown.
            yield Container(id=DISTRIBUTIONS_TAB, classes="tab-pane")
            yield Container(id=NEURONS_TAB, classes="tab-pane")
            yield Container(id=CLASSES_TAB, classes="tab-pane")
        yield TooSmallNotice(id="too-small")
        yield SteadyFooter()

    def on_mount(self) -> None:
        for widget_id, title in TITLES.items():
            self.query_one(f"#{widget_id}").border_title = title
        self.query_one("#gradients").border_subtitle = "d: what these mean"
        self.redraw_now()
        self.set_interval(FLUSH_EVERY_S, self._flush_bridge)
        self.post_message(MonitorReady())

    def _flush_bridge(self) -> None:
        bridge = self.controller.bridge
        if bridge is not None and self.controller.is_live:
            bridge.flush_if_due()

    # -- a run's events ----------------------------------------------------------------

    def new_run(self) -> None:
        """A run was recorded and is about to start: reset what showed the last one."""
        self._pending_grid = None
        self._refresh_curves(new_run=True)
        self._pacer.reset()
        self._pace_grids()  # from the first epoch: until the first paced frame too
        # The architecture table stays until the new network replaces it: clearing
        # it first would cost two layout passes as the run starts.
        self.query_one(GradientsPanel).clear_layers()
        self.redraw_now()

    def show_events(self, events: Sequence[RunEvent]) -> None:
        """Show events the controller just folded into the current run."""
        record = self.controller.record
        if record is None:
            return
        for event in events:
            if isinstance(event, RunStarted):
                self._show_network(event)
        if record.phase.is_final:
            self._run_ended()
        elif record.phase is Phase.PAUSED or not all(isinstance(e, PACED_EVENTS) for e in events):
            self.redraw_now()  # a phase change, or a paused run's last epoch: shown at once
        else:
            self._request_redraw()

    def _show_network(self, event: RunStarted) -> None:
        self.shown_task = event.task
        self._show_boundary_panel(event.data.n_features == 2, event)
        architecture = self.query_one(ArchitecturePanel)
        architecture.show_data(event.data, event.seed)
        architecture.show_network(
            event.layers,
            parameter_count=event.parameter_count,
            loss=event.loss,
            learning_rate=event.learning_rate,
            optimizer=event.optimizer,
        )
        self.query_one(GradientsPanel).set_layers([layer.name for layer in event.layers])
        # The runner waits for this (briefly) before its first batch.
        self.call_after_refresh(self._network_on_screen)

    def _network_on_screen(self) -> None:
        # The boundary panel has its size now: ask for grids of that size.
        if self._boundary_shown():
            shape = self.query_one(DecisionBoundary).grid_shape()
            self.controller.boundary_request.set_shape(*shape)
        if self.controller.bridge is not None:
            self.controller.bridge.network_shown()

    def _run_ended(self) -> None:
        self.redraw_now()
        self._refresh_runs_table(reread=True)
        self.app.refresh_bindings()
        if self._boundary_shown():
            self.controller.boundary_after_run(*self.query_one(DecisionBoundary).grid_shape())

    # -- the decision boundary -----------------------------------------------------------

    def _boundary_shown(self) -> bool:
        return self._planar and not self._app_ending()

    def _app_ending(self) -> bool:
        """True once the app is ending: a late timer or message must not draw any more."""
        return self.controller.closing or not self.app.is_running

    def _show_boundary_panel(self, planar: bool, event: RunStarted) -> None:
        """Show the boundary panel for a 2-input network, hide it for any other."""
        self._planar = planar
        self.query_one(f"#{MONITOR_TAB}").set_class(planar, "-planar")
        self._grid_shape = None
        panel = self.query_one(BoundaryPanel)
        if planar:
            target = event.config.data.target if event.data.source == "csv" else None
            panel.reset(event.task, event.data.classes, event.data.feature_names, target)
        else:
            panel.show_hint(event.data.n_features)
            self.controller.boundary_request.clear()

    def show_grid(self, grid: BoundaryComputed) -> None:
        """A grid the training thread computed: drawn with the next redraw of the run."""
        self._pending_grid = grid
        record = self.controller.record
        if record is not None and record.phase in (Phase.RUNNING, Phase.STARTING):
            self._request_redraw()
        else:
            self.redraw_now()

    def on_decision_boundary_resized(self, message: DecisionBoundary.Resized) -> None:
        if not self._boundary_shown():
            return
        self.controller.boundary_request.set_shape(message.rows, message.cols)
        if not self.controller.is_live and (message.rows, message.cols) != self._grid_shape:
            self.controller.boundary_after_run(message.rows, message.cols)

    # -- drawing -----------------------------------------------------------------------

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
        record = self.controller.record
        left = record.eta_s if record is not None and record.phase is Phase.RUNNING else None
        if not self._pacer.worth_drawing(left):
            self._redraw_timer = None  # the run's last frame, drawn as it ends, shows these
            return
        self.redraw_now(learn=True)
        self._pace_grids()

    def _pace_grids(self) -> None:
        # Grids faster than the screen redraws would be computed only to be
        # replaced: ask for them at the pace the panels are actually drawn.
        self.controller.boundary_request.min_interval_s = max(MIN_INTERVAL_S, self._pacer.interval)

    def redraw_now(self, *, learn: bool = False) -> None:
        """Redraw every panel from the current run at once (phase changes, keys, run ends).

        Args:
            learn: this is a paced redraw of new epochs; the pacer learns its cost.
        """
        if self._redraw_timer is not None:
            self._redraw_timer.stop()
            self._redraw_timer = None
        if not self._app_ending():
            self._refresh_panels()
        self._pacer.redrawn(learn=learn)

    def _refresh_panels(self) -> None:
        record = self.controller.record
        self.query_one(StatusPanel).show_run(record, self.shown_task)
        # A hidden tab is not drawn: its panels catch up when it is shown again.
        if self.active_tab == MONITOR_TAB:
            self._refresh_monitor(record)
        else:
            self._monitor_stale = True
        if self.active_tab == CURVES_TAB:
            self._refresh_curves()
        elif self.active_tab == RUNS_TAB:
            self._refresh_runs_table()
        elif self.active_tab in (DISTRIBUTIONS_TAB, CLASSES_TAB):
            self._refresh_inside(record)

    def _refresh_inside(self, record: RunRecord | None) -> None:
        """The Distributions or Classes tab, from the record (nothing is computed here)."""
        distributions = self._mounted(DistributionsView)
        if distributions is not None and self.active_tab == DISTRIBUTIONS_TAB:
            distributions.show(record)
        confusion = self._mounted(ConfusionView)
        if confusion is not None and self.active_tab == CLASSES_TAB:
            confusion.show(record)

    def show_neuron_maps(self, maps: NeuronMapsComputed) -> None:
        """Neuron maps the training thread computed (drawn when the Neurons tab is built)."""
        self._neuron_maps = maps
        view = self._mounted(NeuronsView)
        if view is not None and self.active_tab == NEURONS_TAB and not self._app_ending():
            view.show(maps)

    async def cycle_quantity(self) -> None:
        """``v``: the Distributions tab's next quantity."""
        view = self._mounted(DistributionsView)
        if view is not None:
            view.next_quantity()

    async def page(self, step: int) -> None:
        """``[``/``]``: the Distributions tab's layer, or the Neurons tab's page of units."""
        if self.active_tab == DISTRIBUTIONS_TAB:
            view = self._mounted(DistributionsView)
            if view is not None:
                view.next_layer(step)
        elif self.active_tab == NEURONS_TAB:
            neurons = self._mounted(NeuronsView)
            if neurons is not None:
                neurons.next_page(step)

    def _refresh_monitor(self, record: RunRecord | None) -> None:
        self._monitor_stale = False
        self.query_one(MetricsPanel).update_metrics(
            metric_summaries(record, self.shown_task), note=divergence_note(record)
        )
        self.query_one(GradientsPanel).update_gradients(gradient_summaries(record))
        grid = self._pending_grid
        if grid is not None:
            self._pending_grid = None
            self.query_one(BoundaryPanel).show_grid(grid)
            self._grid_shape = (grid.rows, grid.cols)

    def _refresh_curves(self, *, new_run: bool = False) -> None:
        """Plot the current run (and, for a new run, overlay the previous one)."""
        curves = self._mounted(LearningCurves)
        record = self.controller.record
        if curves is not None and record is None and self.stored.marks_changed:
            self.stored.marks_changed = False  # no run yet: the marked runs alone
            curves.show_marked(self.stored.marked_histories(), self.shown_task)
        if curves is None or record is None:
            return
        curves.show_record(record, record.task or self.shown_task)
        # The overlay needs the run's loss and metric: decided once its RunStarted came.
        overlay_for = record.number if record.started is not None else None
        if new_run or overlay_for != self._overlaid or self.stored.marks_changed:
            self._overlaid = overlay_for
            self.stored.marks_changed = False
            marked = self.stored.marked_histories()  # runs marked in the Runs tab win
            if marked:
                curves.show_marked(marked, record.task or self.shown_task)
            else:
                curves.show_previous_record(self.controller.runs.previous(record), record)

    def _refresh_runs_table(self, *, reread: bool = False) -> None:
        table = self._mounted(RunsTable)
        if table is None:
            return
        if reread:
            self.stored.reread()
        runs = self.controller.runs
        rows = [run_cells(record, runs.changes(record)) for record in runs]
        table.show_runs(rows + [store_cells(summary) for summary in self.stored.earlier])
        self._show_run_detail(table.selected_key())

    def _mounted(self, kind: type[WidgetType]) -> WidgetType | None:
        """The one widget of ``kind`` if its tab was built, else ``None``."""
        found = self.query(kind)
        return found.first() if found else None

    # -- tabs ----------------------------------------------------------------------------

    def show_tab(self, tab: str) -> None:
        """Show a tab (see :data:`~nntui.tui.actions.TAB_ORDER`)."""
        if tab in TAB_ORDER and tab != self.active_tab:
            self.active_tab = tab
            self.query_one(TabBar).active = tab
            self.query_one(ContentSwitcher).current = tab
            self.call_next(self._tab_shown, tab)

    def show_editor(self) -> None:
        """Open the Config tab with the keyboard in the editor."""
        self.show_tab(CONFIG_TAB)
        self.query_one(ConfigEditor).focus_text()

    @property
    def has_unsaved_edits(self) -> bool:
        """True when the editor's text differs from the file it came from."""
        return self.query_one(ConfigEditor).modified

    def check_editor(self, purpose: Purpose, *, then_quit: bool = False) -> None:
        """Check the editor's text off the UI thread, then retrain (``apply``) or save it."""
        self._quit_after_save = then_quit and purpose == "save"
        self.query_one(ConfigEditor).check(purpose)

    def on_config_editor_checked(self, message: ConfigEditor.Checked) -> None:
        result = message.result
        if result.config is None:
            self._quit_after_save = False
            self.show_editor()
            refused = "Not retrained" if result.purpose == "apply" else "Not saved"
            self.notify(f"{refused}: {problems_text(result.problems)}", severity="error")
        elif result.purpose == "apply":
            self.post_message(RetrainRequested(result.config))
        elif self.save_text(result.text) and self._quit_after_save:
            self.post_message(QuitRequested())

    def refuse_retrain(self, error: DataSourceError) -> None:
        """The edited config's data cannot be read: say so in the editor; the run goes on."""
        self.show_editor()
        self.query_one(ConfigEditor).show_problems([ConfigProblem(key="data", message=str(error))])
        self.notify(f"Not retrained: {error} (the current run goes on).", severity="error")

    def save_text(self, text: str) -> bool:
        """Write ``text`` (checked) to the editor's file, atomically; True when written."""
        try:
            written = atomic_write_text(self.save_path, text)
        except OSError as error:
            self._quit_after_save = False
            self.notify(f"Not saved: cannot write {self.save_path}: {error}", severity="error")
            return False
        self.query_one(ConfigEditor).mark_saved(text)
        self.notify(f"Saved config to {written}")
        return True

    def on_config_editor_modified_changed(self, message: ConfigEditor.ModifiedChanged) -> None:
        """The Config tab's title says when the text has unsaved edits (``Config ●``)."""
        name = TAB_NAMES[CONFIG_TAB]
        self.query_one(TabBar).set_label(CONFIG_TAB, f"{name} ●" if message.modified else name)

    def on_config_editor_leave_requested(self, message: ConfigEditor.LeaveRequested) -> None:
        self.query_one(TabBar).focus()

    async def build_tab(self, tab: str) -> None:
        """Build the Curves or Runs tab the first time it is shown."""
        pane = self.query_one(f"#{tab}", Container)
        if pane.children:
            return
        if tab == CURVES_TAB:
            await pane.mount(LearningCurves(id="curves"), Static(CURVES_HINT, id="curves-hint"))
            self._refresh_curves(new_run=True)
        elif tab == RUNS_TAB:
            await pane.mount(
                RunsTable(id="runs"),
                Static("", id="runs-detail"),
                Static(RUNS_HINT, id="runs-hint"),
            )
            self.query_one("#runs").border_title = self.stored.title
        elif tab == DISTRIBUTIONS_TAB:
            await pane.mount(DistributionsView(id="distributions"))
        elif tab == NEURONS_TAB:
            await pane.mount(NeuronsView(id="neurons"))
        elif tab == CLASSES_TAB:
            await pane.mount(ConfusionView(id="classes"))

    async def toggle_log_y(self) -> None:
        """``l``: log ⇄ linear, for the losses' sparklines (Monitor) or the plots (Curves)."""
        if self.active_tab == CURVES_TAB:
            (await self.curves()).toggle_log_y()
        else:
            self.query_one(MetricsPanel).toggle_log()

    async def cycle_smoothing(self) -> None:
        """``m``: the Curves tab's next smoothing strength (0, 0.6, 0.9, 0.99)."""
        (await self.curves()).cycle_smoothing()

    async def curves(self) -> LearningCurves:
        """The Curves tab's plots (the tab is built if it was not yet)."""
        await self.build_tab(CURVES_TAB)
        return self.query_one(LearningCurves)

    def export_selected_run(self) -> None:
        """Export the selected run (Runs tab; else the latest) to ``nntui-run-N.csv``, ``.json``."""
        record = self.selected_run()
        if record is None:
            self.notify("No runs yet: nothing to export.", severity="error")
            return
        try:
            changes = self.controller.runs.changes(record)
            csv_path, json_path = export_run(record, changes, Path.cwd())
        except OSError as error:
            self.notify(f"Not exported: {error}", severity="error")
            return
        self.notify(f"Exported run {record.number}: {csv_path} and {json_path.name}")

    def selected_run(self) -> RunRecord | None:
        """The run selected in the Runs tab when it is on screen, else the latest run."""
        runs = self.controller.runs
        table = self._mounted(RunsTable)
        number = table.selected_run() if table is not None and self.active_tab == RUNS_TAB else None
        return runs.get(number) if number is not None else runs.latest

    def on_data_table_row_highlighted(self, event: RunsTable.RowHighlighted) -> None:
        if isinstance(event.data_table, RunsTable):
            self._show_run_detail(event.data_table.selected_key())

    def open_selected_run(self) -> None:
        """Open the run selected in the Runs tab (``o``; enter in the table)."""
        table = self._mounted(RunsTable)
        self.stored.open(table.selected_key() if table is not None else None)

    def on_data_table_row_selected(self, event: RunsTable.RowSelected) -> None:
        if isinstance(event.data_table, RunsTable):
            self.stored.open(event.data_table.selected_key())

    def _show_run_detail(self, key: str | None) -> None:
        runs = self.controller.runs
        record = runs.get(int(key)) if key is not None and key.isdigit() else None
        text = run_summary(record, runs.changes(record)) if record is not None else "No runs yet."
        if record is None and key is not None:
            text = self.stored.detail(key)
        # The table can highlight its first row before this sibling is mounted.
        for detail in self.query("#runs-detail").results(Static):
            detail.update(text)

    def on_tab_bar_selected(self, event: TabBar.Selected) -> None:
        self.show_tab(event.tab)

    async def _tab_shown(self, active: str) -> None:
        """Fill and refresh the tab just shown (``active``), and give it the keyboard."""
        if active != self.active_tab:
            return  # another key already moved on
        self.controller.inside.follow_tab(active)  # measure only what this tab shows
        if active in (CURVES_TAB, RUNS_TAB, DISTRIBUTIONS_TAB, NEURONS_TAB, CLASSES_TAB):
            await self.build_tab(active)
        if active in (DISTRIBUTIONS_TAB, CLASSES_TAB):
            self._refresh_inside(self.controller.record)
            self.controller.measure_after_run()
        elif active == NEURONS_TAB:
            self.query_one(NeuronsView).show(self._neuron_maps)
            self.controller.measure_after_run()
        if active == MONITOR_TAB and self._monitor_stale and not self._app_ending():
            self._refresh_monitor(self.controller.record)
        elif active == CURVES_TAB:
            self._refresh_curves()
        elif active == RUNS_TAB:
            self._refresh_runs_table(reread=True)
            self.query_one(RunsTable).focus()
        if active == CONFIG_TAB:
            self.query_one(ConfigEditor).focus_text()
        elif self._editor_focused():
            self.set_focus(None)  # the keys belong to the app again
        # No refresh_bindings here: the footer does not depend on the tab, so
        # switching tabs never rebuilds it (the keys are checked when pressed).

    def _editor_focused(self) -> bool:
        focused = self.focused
        return focused is not None and focused.id == "config-text"

    def on_unmount(self) -> None:
        if self._redraw_timer is not None:
            self._redraw_timer.stop()
