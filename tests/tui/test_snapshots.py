"""Snapshot tests of the monitor (pytest-textual-snapshot), drawn from fixed event streams.

No training happens: each test hands a made-up run (``tests/event_streams.py``)
to the app as the bridge would (``tui_helpers.show_run``), so what is drawn is
the same on every machine, with no BLAS bits and no timing in it. The app runs
with ``deterministic=True`` (no elapsed, samples/s, ETA or cursor blink).
Snapshots are tied to the pinned Textual version (see the test constraints);
after a deliberate change, regenerate them with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the
report before committing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from event_streams import (
    diverged_run_events,
    early_stopped_run_events,
    finished_run_events,
    live_run_events,
    playground_run_events,
    stream_config,
)
from textual.pilot import Pilot
from tui_helpers import (
    curves_shown,
    show_grid,
    show_run,
    until_footer_shows,
    until_ready,
    wait_for,
)

from nntui.config import Config, dump_config
from nntui.tui.app import NNTuiApp
from nntui.tui.widgets.config_editor import ConfigEditor
from nntui.tui.widgets.runs import RunsTable

pytestmark = pytest.mark.slow

SIZE = (120, 36)
#: Shown in the editor's hint: a fixed path, so the snapshot is the same in any checkout.
SAVE_PATH = Path("/nntui-snapshots/config.yaml")


def monitor(config: Config | None = None) -> NNTuiApp:
    """An app that trains nothing by itself, drawn without anything time-dependent."""
    config = config if config is not None else stream_config()
    return NNTuiApp(config, config_path=SAVE_PATH, autostart=False, deterministic=True)


def showing(*runs: list[Any], keys: tuple[str, ...] = (), footer: str = "retrain") -> Any:
    """A ``run_before`` that shows ``runs`` one after the other, then presses ``keys``.

    The footer recomposes after a refresh when the keys change (another tab,
    another focus): the snapshot waits until it offers ``footer``.
    """

    async def run_before(pilot: Pilot[Any]) -> None:
        for events in runs:
            await show_run(pilot, events)
        await pilot.press(*keys)
        await until_footer_shows(pilot, footer)
        await pilot.pause()

    return run_before


class TestMonitor:
    """The Monitor tab: status, architecture, gradients and metrics of one run."""

    def test_a_finished_run(self, snap_compare) -> None:
        events = finished_run_events(epochs=30)
        assert snap_compare(monitor(), terminal_size=SIZE, run_before=showing(events))

    def test_a_finished_run_in_a_small_terminal(self, snap_compare) -> None:
        events = finished_run_events(epochs=30)
        assert snap_compare(monitor(), terminal_size=(80, 24), run_before=showing(events))

    def test_a_paused_run(self, snap_compare) -> None:
        events = live_run_events(epochs=40, done=12, paused=True)
        assert snap_compare(monitor(), terminal_size=SIZE, run_before=showing(events))

    def test_an_early_stopped_run_says_why(self, snap_compare) -> None:
        events = early_stopped_run_events(epochs=60, best_epoch=20)
        assert snap_compare(monitor(), terminal_size=SIZE, run_before=showing(events))

    def test_a_diverged_run_says_why_in_red(self, snap_compare) -> None:
        events = diverged_run_events(epochs=30, diverged_at=6)
        assert snap_compare(monitor(), terminal_size=SIZE, run_before=showing(events))


class TestPlayground:
    """A 2-input network: the decision boundary fills the right of the Monitor tab."""

    def test_the_spiral_with_its_decision_boundary(self, snap_compare) -> None:
        events = playground_run_events("spiral", epochs=40)

        async def run_before(pilot: Pilot[Any]) -> None:
            run_id = await show_run(pilot, events)
            await show_grid(pilot, run_id, epoch=40)
            await until_footer_shows(pilot, "retrain")

        assert snap_compare(monitor(events[0].config), terminal_size=SIZE, run_before=run_before)


class TestCurvesAndRuns:
    """Two runs of a session: the curves of the second over the first, and the runs table."""

    RUNS = (finished_run_events(epochs=30), early_stopped_run_events(epochs=60, best_epoch=20))

    def test_the_curves_tab_shows_the_previous_run_muted(self, snap_compare) -> None:
        showing_runs = showing(*self.RUNS, keys=("2",))

        async def run_before(pilot: Pilot[Any]) -> None:
            await showing_runs(pilot)
            await curves_shown(pilot)

        assert snap_compare(monitor(), terminal_size=SIZE, run_before=run_before)

    def test_the_runs_tab_lists_both_runs_and_what_changed(self, snap_compare) -> None:
        showing_runs = showing(*self.RUNS, keys=("3",))

        async def run_before(pilot: Pilot[Any]) -> None:
            await showing_runs(pilot)
            table = pilot.app.query_one(RunsTable)
            await wait_for(pilot, lambda: table.has_focus and table.row_count == 2, "the runs")
            await pilot.pause()

        assert snap_compare(monitor(), terminal_size=SIZE, run_before=run_before)


class TestEditor:
    """The Config tab's editor."""

    def test_the_editor_shows_validation_errors(self, snap_compare) -> None:
        config = stream_config()
        app = monitor(config)
        bad = (
            dump_config(config)
            .replace("batch_size: 16", "batch_size: -4")
            .replace("hidden_activations: [relu, tanh]", "hidden_activations: [relu]")
        )

        async def apply_bad_config(pilot: Pilot[Any]) -> None:
            await until_ready(pilot)
            editor = app.query_one(ConfigEditor)
            editor.text = bad
            await pilot.press("e", "ctrl+r")
            # The check runs in a worker thread: wait for its problems first.
            await wait_for(pilot, lambda: bool(editor.problems), "the problems")
            # Two things happen after the next refresh, not at once: the first
            # problem's line is centred, and the footer recomposes with the
            # editor's keys. The snapshot flaked by being taken before either.
            await wait_for(pilot, lambda: editor.problem_in_view, "the first problem in view")
            await until_footer_shows(pilot, "apply")
            await pilot.pause()

        assert snap_compare(app, terminal_size=SIZE, run_before=apply_bad_config)
