"""The playground, framed: glyphs per class and point kind, axes, regression scale, the hint.

Runs come from fixed event streams and grids from ``tui_helpers.made_up_grid`` (with
one test point the "network" gets wrong), so what is drawn is the same everywhere.
"""

from __future__ import annotations

import numpy as np
import pytest
from event_streams import finished_run_events, playground_run_events
from rich.color import Color, ColorSystem
from textual.widget import Widget
from tui_helpers import SIZE, show_grid, show_run, wait_for

from nntui.training.boundary import BoundaryComputed, square_pixel_extent
from nntui.tui.app import NNTuiApp
from nntui.tui.messages import BoundaryReady
from nntui.tui.render.heatmap import CLASS_COLORS, HEAT_STRENGTH, WRONG_GLYPH, class_glyph
from nntui.tui.widgets.boundary import DecisionBoundary
from nntui.tui.widgets.boundary_panel import BoundaryPanel
from nntui.tui.widgets.fitted_label import FittedLabel

pytestmark = pytest.mark.slow


def app_for(events: list) -> NNTuiApp:
    return NNTuiApp(events[0].config, autostart=False, deterministic=True)


def map_text(widget: Widget) -> str:
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


async def test_classes_have_glyphs_and_train_test_and_wrong_points_differ() -> None:
    events = playground_run_events("spiral", epochs=40)
    app = app_for(events)
    async with app.run_test(size=SIZE) as pilot:
        run_id = await show_run(pilot, events)
        grid = await show_grid(pilot, run_id, epoch=40)
        panel = app.query_one(BoundaryPanel)
        legend = panel.query_one("#boundary-legend", FittedLabel).text
        for index, name in enumerate(("class_0", "class_1", "class_2")):
            assert f"{class_glyph(index)} {name}" in legend
        assert f"{WRONG_GLYPH} wrong" in legend
        drawn = map_text(panel.boundary)
        # Filled glyphs for training points, hollow for test points, × for the wrong one.
        assert {"●", "▲", "■", "○", "△", "□"} <= set(drawn)
        assert drawn.count(WRONG_GLYPH) == 1
        assert int((grid.predicted != grid.labels).sum()) == 1


async def test_the_axes_name_the_features_and_the_range_shown() -> None:
    events = playground_run_events("spiral", epochs=40)
    app = app_for(events)
    async with app.run_test(size=SIZE) as pilot:
        run_id = await show_run(pilot, events)
        grid = await show_grid(pilot, run_id, epoch=40)
        axes = app.query_one("#boundary-axes", FittedLabel).text
        x_min, x_max, y_min, y_max = grid.extent
        assert f"→ x1 {x_min:.3g} … {x_max:.3g}" in axes
        assert f"↑ x2 {y_min:.3g} … {y_max:.3g}" in axes


async def test_a_regression_map_is_titled_by_what_it_shows_with_a_numbered_scale() -> None:
    events = playground_run_events("plane", epochs=20)
    app = app_for(events)
    async with app.run_test(size=SIZE) as pilot:
        run_id = await show_run(pilot, events)
        boundary = app.query_one(DecisionBoundary)
        await wait_for(pilot, lambda: all(boundary.grid_shape()), "the panel's size")
        rows, cols = boundary.grid_shape()
        extent = square_pixel_extent((-1.0, 1.0, -1.0, 1.0), rows, cols)
        xs = np.linspace(extent[0], extent[1], cols)
        values = np.round(np.tile(2.0 * xs, (rows, 1)), 3)  # -2 … 2 from left to right
        points = np.array([[-0.5, 0.0], [0.5, 0.0]])
        grid = BoundaryComputed(
            epoch=20, rows=rows, cols=cols, extent=extent, kind="regression", values=values,
            points=points, labels=np.array([-1.0, 1.0]), final=True,
        )  # fmt: skip
        app.post_message(BoundaryReady(run_id, grid))
        await pilot.pause()
        panel = app.query_one(BoundaryPanel)
        assert panel.border_title == "Predicted target over (x1, x2) · epoch 20"
        legend = panel.query_one("#boundary-legend", FittedLabel).text
        scale = panel.boundary.scale
        low, high = scale.centre - scale.half_range, scale.centre + scale.half_range
        assert legend.startswith(f"{low:.3g} ███████ {high:.3g}")
        assert "○ test" in legend


async def test_data_that_is_not_2d_says_how_to_get_a_playground() -> None:
    events = finished_run_events(epochs=10)
    app = app_for(events)
    async with app.run_test(size=SIZE) as pilot:
        await show_run(pilot, events)
        panel = app.query_one(BoundaryPanel)
        assert panel.display and panel.region.height >= 3
        drawn = map_text(panel.boundary)
        assert "4 features, not 2-D: press e, set data.source: spiral" in " ".join(drawn.split())


def test_each_class_has_its_own_glyph_so_the_map_reads_without_colour() -> None:
    filled = [class_glyph(index) for index in range(6)]
    hollow = [class_glyph(index, test=True) for index in range(6)]
    assert len(set(filled + hollow + [WRONG_GLYPH])) == 13


def test_the_shaded_class_colours_stay_distinct_in_256_colours() -> None:
    # A confident region is HEAT_STRENGTH of its class colour over a dark background; a
    # 256-colour terminal rounds it to its palette. The first four classes stay apart.
    background = (18, 18, 18)
    numbers = []
    for colour in CLASS_COLORS[:4]:
        shaded = [
            round(b + (c - b) * HEAT_STRENGTH) for c, b in zip(colour, background, strict=True)
        ]
        numbers.append(Color.from_rgb(*shaded).downgrade(ColorSystem.EIGHT_BIT).number)
    assert len(set(numbers)) == 4


async def test_without_colour_classes_are_greys_apart_and_glyphs_black_or_white(
    monkeypatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    events = playground_run_events("spiral", epochs=40)
    app = app_for(events)
    async with app.run_test(size=SIZE) as pilot:
        run_id = await show_run(pilot, events)
        await show_grid(pilot, run_id, epoch=40)
        boundary = app.query_one(BoundaryPanel).boundary
        assert boundary.monochrome
        glyph_colours = {
            (segment.style.color.triplet.red if segment.style.color.triplet else None)
            for y in range(boundary.size.height)
            for segment in boundary.render_line(y)
            if segment.text in "●▲■○△□×" and segment.style and segment.style.color
        }
        assert glyph_colours and glyph_colours <= {0, 255}
