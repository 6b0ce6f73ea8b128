"""Snapshot tests of the monitor (pytest-textual-snapshot).

Nothing time-dependent is on screen: the app runs with ``deterministic=True``
(no elapsed, samples/s, ETA or cursor blink) on a fixed-seed tiny config.
Snapshots are tied to the pinned Textual version (see pyproject.toml); after a
deliberate change, regenerate them with ``pytest tests/tui --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from nntui.config import dump_config
from nntui.tui.app import NNTuiApp
from nntui.tui.widgets.boundary_panel import BoundaryPanel
from nntui.tui.widgets.config_editor import ConfigEditor

SIZE = (120, 36)
#: Shown in the editor's hint: a fixed path, so the snapshot is the same in any checkout.
SAVE_PATH = Path("/nntui-snapshots/config.yaml")
FINAL = ("finished", "stopped", "diverged", "failed")


def test_finished_run(snap_compare, tiny_config, wait) -> None:
    app = NNTuiApp(
        tiny_config(**{"training.epochs": 30}), config_path=SAVE_PATH, deterministic=True
    )

    async def until_finished(pilot: Pilot[Any]) -> None:
        await wait(pilot, lambda: app.state.phase in FINAL, "the run to end")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=until_finished)


def test_finished_run_small_terminal(snap_compare, tiny_config, wait) -> None:
    app = NNTuiApp(
        tiny_config(**{"training.epochs": 30}), config_path=SAVE_PATH, deterministic=True
    )

    async def until_finished(pilot: Pilot[Any]) -> None:
        await wait(pilot, lambda: app.state.phase in FINAL, "the run to end")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=until_finished)


def test_editor_shows_validation_errors(snap_compare, tiny_config) -> None:
    config = tiny_config()
    app = NNTuiApp(config, config_path=SAVE_PATH, autostart=False, deterministic=True)
    bad = (
        dump_config(config)
        .replace("batch_size: 32", "batch_size: -4")
        .replace("hidden_activations: [relu]", "hidden_activations: [relu, tanh]")
    )

    async def apply_bad_config(pilot: Pilot[Any]) -> None:
        app.query_one(ConfigEditor).text = bad
        await pilot.press("e", "ctrl+r")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=apply_bad_config)


def test_playground_spiral(snap_compare, planar_config, wait) -> None:
    """The playground: a fixed-seed spiral run with its decision boundary, finished."""
    config = planar_config(
        **{
            "data.n_samples": 400,
            "network.hidden_layers": [16, 16],
            "training.learning_rate": 0.03,
            "training.epochs": 150,
        }
    )
    app = NNTuiApp(config, config_path=SAVE_PATH, deterministic=True)

    async def until_the_final_grid_fits(pilot: Pilot[Any]) -> None:
        panel = app.query_one(BoundaryPanel)

        def final_grid_shown() -> bool:
            grid = panel.grid_event
            return (
                app.state.phase in FINAL
                and grid is not None
                and grid.final
                and (grid.rows, grid.cols) == panel.boundary.grid_shape()
            )

        await wait(pilot, final_grid_shown, "the final grid at the panel's size")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=until_the_final_grid_fits)
