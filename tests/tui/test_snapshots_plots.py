"""Snapshots of the honest plots and the framed playground, drawn from fixed event streams.

As in ``test_snapshots.py``: no training, ``deterministic=True``; regenerate with
``pytest tests/tui/test_snapshots_plots.py --snapshot-update`` after a deliberate
change and look at each picture before committing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from event_streams import (
    diverged_run_events,
    early_stopped_run_events,
    finished_run_events,
    playground_run_events,
)
from textual.pilot import Pilot
from tui_helpers import curves_shown, show_grid, show_run, until_footer_shows, wait_for

from nntui.config import Config
from nntui.training.boundary import BoundaryComputed, square_pixel_extent
from nntui.tui.app import NNTuiApp
from nntui.tui.messages import BoundaryReady
from nntui.tui.widgets.boundary import DecisionBoundary

pytestmark = pytest.mark.slow

SIZE = (120, 36)


def monitor(config: Config) -> NNTuiApp:
    return NNTuiApp(config, autostart=False, deterministic=True)


class TestHonestPlots:
    """Sparklines with their range and the best epoch marked; curves; a diverged run."""

    def test_a_val_loss_rise_after_its_best_epoch_is_marked(self, snap_compare) -> None:
        events = early_stopped_run_events(epochs=60, best_epoch=20)

        async def run_before(pilot: Pilot[Any]) -> None:
            await show_run(pilot, events)
            await until_footer_shows(pilot, "retrain")

        assert snap_compare(monitor(events[0].config), terminal_size=SIZE, run_before=run_before)

    def test_the_curves_of_an_early_stopped_run_smoothed_at_0_9(self, snap_compare) -> None:
        runs = (finished_run_events(epochs=30), early_stopped_run_events(epochs=60, best_epoch=20))

        async def run_before(pilot: Pilot[Any]) -> None:
            for events in runs:
                await show_run(pilot, events)
            await pilot.press("2")
            await curves_shown(pilot)
            await pilot.press("m", "m")
            await pilot.pause()

        assert snap_compare(monitor(runs[0][0].config), terminal_size=SIZE, run_before=run_before)

    def test_a_diverged_run_shows_the_epoch_that_exploded(self, snap_compare) -> None:
        events = diverged_run_events(epochs=30, diverged_at=6)

        async def run_before(pilot: Pilot[Any]) -> None:
            await show_run(pilot, events)
            await until_footer_shows(pilot, "retrain")

        assert snap_compare(monitor(events[0].config), terminal_size=SIZE, run_before=run_before)


class TestFramedPlayground:
    """Glyphs per class and point kind, axes, a regression scale; without colour too."""

    def test_the_spiral_without_colour(self, snap_compare, monkeypatch) -> None:
        monkeypatch.setenv("NO_COLOR", "1")
        events = playground_run_events("spiral", epochs=40)

        async def run_before(pilot: Pilot[Any]) -> None:
            run_id = await show_run(pilot, events)
            await show_grid(pilot, run_id, epoch=40)
            await until_footer_shows(pilot, "retrain")

        assert snap_compare(
            monitor(events[0].config), terminal_size=(80, 24), run_before=run_before
        )

    def test_a_regression_plane_with_its_numbered_scale(self, snap_compare) -> None:
        events = playground_run_events("plane", epochs=20)

        async def run_before(pilot: Pilot[Any]) -> None:
            run_id = await show_run(pilot, events)
            boundary = pilot.app.query_one(DecisionBoundary)
            await wait_for(pilot, lambda: all(boundary.grid_shape()), "the panel's size")
            rows, cols = boundary.grid_shape()
            extent = square_pixel_extent((-1.0, 1.0, -1.0, 1.0), rows, cols)
            x, y = np.meshgrid(
                np.linspace(extent[0], extent[1], cols), np.linspace(extent[3], extent[2], rows)
            )
            points = np.array([[-0.6, -0.5], [0.0, 0.4], [0.7, -0.2], [0.3, 0.8]])
            grid = BoundaryComputed(
                epoch=20, rows=rows, cols=cols, extent=extent, kind="regression",
                values=np.round(1.5 * x + 0.5 * y, 3), points=points,
                labels=np.round(1.5 * points[:, 0] + 0.5 * points[:, 1], 3), final=True,
            )  # fmt: skip
            pilot.app.post_message(BoundaryReady(run_id, grid))
            await pilot.pause()
            await until_footer_shows(pilot, "retrain")

        assert snap_compare(monitor(events[0].config), terminal_size=SIZE, run_before=run_before)
