"""The app's view keys (tabs, plots, runs table, help) and which keys are live now.

A mixin of :class:`~nntui.tui.app.NNTuiApp`: these actions only change what the
:class:`~nntui.tui.screens.monitor.MonitorScreen` shows; :meth:`ViewActions.check_action`
hides letter keys while typing and dims keys that do nothing in the current state,
and the command palette lists every action of the one keys table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from nntui.tui import actions
from nntui.tui.actions import palette_entries
from nntui.tui.widgets.diagnostics_help import DiagnosticsHelpScreen
from nntui.tui.widgets.help import HelpScreen

if TYPE_CHECKING:
    from nntui.tui.controller import RunController
    from nntui.tui.screens.monitor import MonitorScreen


class ViewActions(App[int]):
    """The actions that change the view, and the keys' live/dimmed state."""

    controller: RunController
    monitor: MonitorScreen

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
