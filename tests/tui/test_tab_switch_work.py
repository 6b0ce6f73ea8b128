"""Switching tabs on a run that does not change redraws nothing that did not change.

Not a timing test: it counts how often the Curves tab's plots are drawn from
scratch, the cost that made a tab switch slow when idle.
"""

from __future__ import annotations

from typing import Any

import pytest
from event_streams import finished_run_events, stream_config
from tui_helpers import SIZE, curves_shown, show_run, wait_for

from nntui.tui.app import NNTuiApp
from nntui.tui.widgets.curves import CurvePlot

pytestmark = pytest.mark.slow


def count_drawings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the id of each plot drawn from scratch."""
    drawn: list[str] = []
    original = CurvePlot.render_strips

    def counted(self: CurvePlot, width: int, height: int) -> Any:
        drawn.append(str(self.id))
        return original(self, width, height)

    monkeypatch.setattr(CurvePlot, "render_strips", counted)
    return drawn


async def show_curves_of_a_finished_run(pilot: Any) -> None:
    """A finished 30-epoch run (a fixed event stream) with the Curves tab shown."""
    await show_run(pilot, finished_run_events(epochs=30))
    await pilot.press("2")
    await curves_shown(pilot)


def monitor() -> NNTuiApp:
    return NNTuiApp(stream_config(), autostart=False, deterministic=True)


async def test_showing_the_curves_tab_again_does_not_redraw_unchanged_plots(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn = count_drawings(monkeypatch)
    app = monitor()
    async with app.run_test(size=SIZE) as pilot:
        await show_curves_of_a_finished_run(pilot)
        assert sorted(drawn) == ["curve-loss", "curve-score"]  # drawn once, on first show
        for _ in range(3):
            await pilot.press("1")
            await wait_for(pilot, lambda: app.monitor.active_tab == "monitor-tab", "Monitor")
            await pilot.press("2")
            await curves_shown(pilot)
        assert sorted(drawn) == ["curve-loss", "curve-score"]


async def test_a_changed_series_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = count_drawings(monkeypatch)
    app = monitor()
    async with app.run_test(size=SIZE) as pilot:
        await show_curves_of_a_finished_run(pilot)
        before = len(drawn)
        plot = app.query_one("#curve-loss", CurvePlot)
        plot.set_series("loss", [1.0, 0.5, 0.25], style="cyan")
        await pilot.pause()
        assert drawn[before:] == ["curve-loss"]
